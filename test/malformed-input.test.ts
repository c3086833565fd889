import { describe, expect, it } from 'vitest';
import { createRuntime, handleBedrockRequest, type LocalHttpResponse } from '../src/index.js';

/**
 * Every malformed request gets a Bedrock client error (4xx with `x-amzn-errortype` and a JSON message):
 * never an internal error, a crash or a hang. Bodies are generated from a fixed seed, so a failure names
 * the exact body to reproduce.
 */

const MODELS = [
  'anthropic.claude-3-haiku-20240307-v1:0',
  'meta.llama3-1-8b-instruct-v1:0',
  'mistral.mistral-large-2407-v1:0',
  'mistral.mistral-7b-instruct-v0:2',
  'amazon.titan-text-express-v1',
  'amazon.nova-lite-v1:0',
  'cohere.command-r-plus-v1:0',
  'cohere.command-text-v14',
  'ai21.jamba-1-5-mini-v1:0',
  'us.deepseek.r1-v1:0',
  'openai.gpt-oss-20b-1:0',
  'amazon.titan-embed-text-v2:0',
  'amazon.titan-embed-image-v1',
  'cohere.embed-english-v3',
  'stability.stable-diffusion-xl-v1',
  'stability.sd3-5-large-v1:0',
  'amazon.titan-image-generator-v2:0',
  'amazon.nova-canvas-v1:0',
];
const OPERATIONS = ['converse', 'converse-stream', 'invoke', 'invoke-with-response-stream'];

/** Values that break shapes: wrong types, empties, nesting, extremes. */
const ODD_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', ' ', 'x', '\u0000', [], [null], [[]], {}, { '': {} }, { text: 42 }, [{ text: '' }], [{ role: 'user' }], [{ role: 'user', content: 'x' }], [{ role: 'user', content: [{}] }], [{ role: 'user', content: [{ text: 'x', image: {} }] }]];
const KEYS = ['messages', 'system', 'inferenceConfig', 'toolConfig', 'prompt', 'inputText', 'texts', 'text_prompts', 'taskType', 'max_tokens', 'anthropic_version', 'schemaVersion', 'message', 'chat_history', 'textToImageParams', 'imageGenerationConfig', 'additionalModelRequestFields', 'outputConfig', 'embeddingTypes', 'tools', 'tool_choice'];

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function oddBody(next: () => number): unknown {
  const roll = next();
  if (roll < 0.1) return ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
  const body: Record<string, unknown> = {};
  const count = 1 + Math.floor(next() * 4);
  for (let index = 0; index < count; index++) body[KEYS[Math.floor(next() * KEYS.length)]!] = ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
  return body;
}

/** Valid bodies per operation family, to mutate deep inside. */
const VALID: Record<string, unknown> = {
  'converse': { messages: [{ role: 'user', content: [{ text: 'Hi' }, { image: { format: 'png', source: { bytes: 'iVBORw0=' } } }] }, { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } }] }, { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ json: { ok: true } }] } }] }], system: [{ text: 'Be brief.' }], inferenceConfig: { maxTokens: 100, temperature: 0.5, stopSequences: ['x'] }, toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object', properties: { a: { type: 'number' } } } } } }], toolChoice: { auto: {} } } },
  'anthropic.claude-3-haiku-20240307-v1:0': { anthropic_version: 'bedrock-2023-05-31', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0=' } }] }], tools: [{ name: 'f', input_schema: { type: 'object' } }] },
  'meta.llama3-1-8b-instruct-v1:0': { prompt: '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>', max_gen_len: 100, temperature: 0.5 },
  'mistral.mistral-large-2407-v1:0': { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: '', tool_calls: [{ id: 'abcdefghi', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'abcdefghi', content: 'ok' }], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] },
  'amazon.titan-text-express-v1': { inputText: 'User: Hi\nBot:', textGenerationConfig: { maxTokenCount: 100, stopSequences: ['|'] } },
  'amazon.nova-lite-v1:0': { schemaVersion: 'messages-v1', system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: 'Hi' }] }], inferenceConfig: { max_new_tokens: 100, top_k: 5 } },
  'cohere.command-r-plus-v1:0': { message: 'Hi', chat_history: [{ role: 'USER', message: 'Earlier' }, { role: 'CHATBOT', message: 'Yes' }], documents: [{ title: 't', snippet: 's' }], tools: [{ name: 'f', description: 'd', parameter_definitions: { a: { type: 'str', required: true } } }] },
  'openai.gpt-oss-20b-1:0': { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Hi' }] }], max_completion_tokens: 100, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] },
  'amazon.titan-embed-text-v2:0': { inputText: 'Hi', dimensions: 256, normalize: true, embeddingTypes: ['float', 'binary'] },
  'cohere.embed-english-v3': { texts: ['Hi', 'there'], input_type: 'search_document', embedding_types: ['int8'] },
  'stability.stable-diffusion-xl-v1': { text_prompts: [{ text: 'a cat', weight: 1 }], width: 1024, height: 1024, seed: 3 },
  'amazon.titan-image-generator-v2:0': { taskType: 'TEXT_IMAGE', textToImageParams: { text: 'a cat' }, imageGenerationConfig: { numberOfImages: 1, width: 512, height: 512 } },
};

/** A deep copy of `value` with one randomly chosen nested value replaced by an odd one. */
function mutate(value: unknown, next: () => number): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  const holders: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((item, index) => (holders.push([node, index]), walk(item)));
    else if (node && typeof node === 'object') for (const key of Object.keys(node)) holders.push([node as Record<string, unknown>, key]), walk((node as Record<string, unknown>)[key]);
  };
  walk(copy);
  const [holder, key] = holders[Math.floor(next() * holders.length)]!;
  (holder as Record<string | number, unknown>)[key] = ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
  return copy;
}

async function drain(response: LocalHttpResponse): Promise<string> {
  if (response.body instanceof Uint8Array) return new TextDecoder().decode(response.body);
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('latin1');
}

const ATTEMPTS = Number(process.env.FUZZ_ATTEMPTS ?? 800);

describe('malformed input', () => {
  it('always gets a Bedrock client error, never an internal error', async () => {
    const warnings: string[] = [];
    const runtime = createRuntime({ env: {}, logger: { warn: (message) => warnings.push(message) } });
    const next = random(Number(process.env.FUZZ_SEED ?? 20261121));
    const accepted: string[] = [];
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const deep = next() < 0.6;
      const model = deep ? Object.keys(VALID).filter((key) => key !== 'converse')[Math.floor(next() * (Object.keys(VALID).length - 1))]! : MODELS[Math.floor(next() * MODELS.length)]!;
      const operation = deep && next() < 0.4 ? (next() < 0.5 ? 'converse' : 'converse-stream') : deep ? (next() < 0.5 ? 'invoke' : 'invoke-with-response-stream') : OPERATIONS[Math.floor(next() * OPERATIONS.length)]!;
      const valid = operation.startsWith('converse') ? VALID.converse : VALID[model];
      const body = JSON.stringify(deep ? mutate(valid, next) : oddBody(next)) ?? 'undefined';
      const response = await handleBedrockRequest(runtime, {
        method: 'POST',
        path: `/model/${encodeURIComponent(model)}/${operation}`,
        query: {},
        headers: { 'content-type': 'application/json' },
        body: new TextEncoder().encode(body),
      });
      const text = await drain(response);
      const context = `${operation} ${model} ${body} → ${response.statusCode} ${text.slice(0, 200)}`;
      if (response.statusCode === 200) {
        // A few odd bodies are valid requests; they must then be answered properly (no exception frame).
        expect(text, context).not.toContain('internalServerException');
        accepted.push(context);
        continue;
      }
      expect(response.statusCode, context).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, context).toBeLessThan(500);
      expect(response.headers['x-amzn-errortype'], context).toMatch(/^(ValidationException|ResourceNotFoundException):/);
      expect(JSON.parse(text).message, context).toEqual(expect.any(String));
    }
    if (process.env.FUZZ_STATS) console.log(`accepted ${accepted.length} of ${ATTEMPTS}`, accepted.slice(0, 3));
    expect(warnings).toEqual([]);
    expect(accepted.length).toBeLessThan(ATTEMPTS);
  });

  it('answers non-JSON bodies, empty bodies and odd paths with client errors', async () => {
    const runtime = createRuntime({ env: {} });
    const cases: Array<[string, string, string]> = [
      ['POST', '/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke', '{"messages": ['],
      ['POST', '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse', ''],
      ['POST', '/model/%E0%A4%A/converse', '{}'],
      ['POST', '/model//converse', '{}'],
      ['GET', '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse', ''],
      ['POST', '/model/anthropic.claude-3-haiku-20240307-v1%3A0/unknown', '{}'],
      ['POST', `/model/${'a'.repeat(3000)}/converse`, '{}'],
    ];
    for (const [method, path, body] of cases) {
      const response = await handleBedrockRequest(runtime, { method, path, query: {}, headers: {}, body: new TextEncoder().encode(body) });
      expect(response.statusCode, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `${method} ${path}`).toBeLessThan(500);
    }
  });
});
