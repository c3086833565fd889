import { ConverseCommand, ConverseStreamCommand, CountTokensCommand, type BedrockRuntimeClient, type Message, type SystemContentBlock, type Tool } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { createRuntime, handleBedrockRequest } from '../src/index.js';
import { loadTokenizer } from '../src/tokens/tokenizers.js';
import { collectEvents, FRONT_DOORS, runtimeClient, userText } from './support/clients.js';
import { invocationMetrics, invoke, invokeStream } from './support/invoke.js';

/**
 * CountTokens through the real SDK, and the one-number property: on the scripted backend, CountTokens,
 * Converse/ConverseStream usage, every family's native usage fields, the `X-Amzn-Bedrock-Input-Token-Count`
 * header and `amazon-bedrock-invocationMetrics` give the same input count for the same request.
 */

type Json = Record<string, unknown>;

const CLAUDE = 'anthropic.claude-3-haiku-20240307-v1:0';
const TITAN_LITE = 'amazon.titan-text-lite-v1';
const PROMPT = 'How many tokens does this question cost, counted the way the model counts them?';
const WEATHER_TOOL: Tool = {
  toolSpec: { name: 'get_weather', description: 'Current weather for a city', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
};

interface Family {
  name: string;
  modelId: string;
  /** The id Converse and InvokeModel are called with, when the model is profile-only (CountTokens takes base ids). */
  invokeId?: string;
  /** A native InvokeModel body of the family. */
  body: Json;
  /** The input count in the native response, where the family reports one. */
  nativeInput?: (body: Json) => unknown;
  /** The input count a native stream reports before the end (e.g. Claude's `message_start`), where it does. */
  streamInput?: (chunks: Json[]) => unknown;
  /** Converse extras the model supports. */
  system?: SystemContentBlock[];
  tools?: Tool[];
}

const at = (value: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);

const FAMILIES: Family[] = [
  {
    name: 'Claude',
    modelId: CLAUDE,
    body: { anthropic_version: 'bedrock-2023-05-31', max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }], tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' } }] },
    nativeInput: (body) => at(body, 'usage', 'input_tokens'),
    streamInput: (chunks) => at(chunks[0], 'message', 'usage', 'input_tokens'),
    system: [{ text: 'Be brief.' }],
    tools: [WEATHER_TOOL],
  },
  {
    name: 'Llama',
    modelId: 'meta.llama3-1-8b-instruct-v1:0',
    body: { prompt: `<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n${PROMPT}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`, max_gen_len: 200 },
    nativeInput: (body) => body.prompt_token_count,
    streamInput: (chunks) => chunks[0]?.prompt_token_count,
    system: [{ text: 'Be brief.' }],
  },
  { name: 'Mistral 7B', modelId: 'mistral.mistral-7b-instruct-v0:2', body: { prompt: `<s>[INST] ${PROMPT} [/INST]`, max_tokens: 200 } },
  { name: 'Mistral Large', modelId: 'mistral.mistral-large-2407-v1:0', body: { messages: [{ role: 'user', content: PROMPT }], max_tokens: 200 }, system: [{ text: 'Be brief.' }] },
  {
    name: 'Titan',
    modelId: 'amazon.titan-text-express-v1',
    body: { inputText: `User: ${PROMPT}\nBot:`, textGenerationConfig: { maxTokenCount: 200 } },
    nativeInput: (body) => body.inputTextTokenCount,
    streamInput: (chunks) => chunks[0]?.inputTextTokenCount,
  },
  {
    name: 'Nova',
    modelId: 'amazon.nova-lite-v1:0',
    body: { schemaVersion: 'messages-v1', system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: PROMPT }] }], inferenceConfig: { max_new_tokens: 200 } },
    nativeInput: (body) => at(body, 'usage', 'inputTokens'),
    system: [{ text: 'Be brief.' }],
    tools: [WEATHER_TOOL],
  },
  {
    name: 'Cohere Command R',
    modelId: 'cohere.command-r-plus-v1:0',
    body: { message: PROMPT, chat_history: [{ role: 'USER', message: 'Earlier' }, { role: 'CHATBOT', message: 'Yes' }], max_tokens: 200 },
    nativeInput: (body) => at(body, 'meta', 'billed_units', 'input_tokens'),
    system: [{ text: 'Be brief.' }],
  },
  { name: 'Jamba', modelId: 'ai21.jamba-1-5-mini-v1:0', body: { messages: [{ role: 'user', content: PROMPT }], max_tokens: 200 }, nativeInput: (body) => at(body, 'usage', 'prompt_tokens'), system: [{ text: 'Be brief.' }] },
  { name: 'DeepSeek', modelId: 'deepseek.r1-v1:0', invokeId: 'us.deepseek.r1-v1:0', body: { prompt: `<｜begin▁of▁sentence｜><｜User｜>${PROMPT}<｜Assistant｜><think>\n`, max_tokens: 200 } },
  {
    name: 'gpt-oss',
    modelId: 'openai.gpt-oss-20b-1:0',
    body: { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: PROMPT }], max_completion_tokens: 200 },
    nativeInput: (body) => at(body, 'usage', 'prompt_tokens'),
    system: [{ text: 'Be brief.' }],
  },
];

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

async function countConverse(client: BedrockRuntimeClient, modelId: string, converse: { messages: Message[]; system?: SystemContentBlock[]; toolConfig?: { tools: Tool[] } }) {
  const output = await client.send(new CountTokensCommand({ modelId, input: { converse } }));
  expect(output.$metadata.httpStatusCode).toBe(200);
  return output.inputTokens!;
}

async function countInvoke(client: BedrockRuntimeClient, modelId: string, body: unknown) {
  return (await client.send(new CountTokensCommand({ modelId, input: { invokeModel: { body: encode(body) } } }))).inputTokens!;
}

/** The error a promise rejects with, as name and message. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = (await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as Error | undefined;
  expect(error, 'expected the call to fail').toBeDefined();
  return { name: error!.name, message: error!.message };
}

describe.each(FRONT_DOORS)('CountTokens through the %s door', (door) => {
  describe.each(FAMILIES)('$name', (family) => {
    it('counts a Converse input as Converse and ConverseStream report it', async () => {
      const { client } = runtimeClient(door);
      const converse = { messages: [userText(PROMPT)], system: family.system, toolConfig: family.tools ? { tools: family.tools } : undefined };
      const counted = await countConverse(client, family.modelId, converse);
      expect(counted).toBeGreaterThan(0);

      const answer = await client.send(new ConverseCommand({ modelId: family.invokeId ?? family.modelId, ...converse, inferenceConfig: { maxTokens: 50 } }));
      expect(answer.usage?.inputTokens).toBe(counted);
      const events = await collectEvents((await client.send(new ConverseStreamCommand({ modelId: family.invokeId ?? family.modelId, ...converse }))).stream);
      expect(events.find((event) => event.metadata)?.metadata?.usage?.inputTokens).toBe(counted);
    });

    it('counts an InvokeModel body as the native usage, the header and the invocation metrics report it', async () => {
      const { client } = runtimeClient(door);
      const counted = await countInvoke(client, family.modelId, family.body);
      expect(counted).toBeGreaterThan(0);

      const result = await invoke(client, family.invokeId ?? family.modelId, family.body);
      expect(Number(result.headers['x-amzn-bedrock-input-token-count'])).toBe(counted);
      if (family.nativeInput) expect(family.nativeInput(result.body)).toBe(counted);
      const { chunks } = await invokeStream(client, family.invokeId ?? family.modelId, family.body);
      expect(invocationMetrics(chunks)?.inputTokenCount).toBe(counted);
      if (family.streamInput) expect(family.streamInput(chunks)).toBe(counted);
    });
  });

  it('counts longer prompts as more tokens, and tool definitions and system prompts too', async () => {
    const { client } = runtimeClient(door);
    const bare = await countConverse(client, CLAUDE, { messages: [userText(PROMPT)] });
    const longer = await countConverse(client, CLAUDE, { messages: [userText(`${PROMPT} ${PROMPT}`)] });
    const withSystem = await countConverse(client, CLAUDE, { messages: [userText(PROMPT)], system: [{ text: 'Be brief.' }] });
    const withTools = await countConverse(client, CLAUDE, { messages: [userText(PROMPT)], toolConfig: { tools: [WEATHER_TOOL] } });
    expect(longer).toBeGreaterThan(bare);
    expect(withSystem).toBeGreaterThan(bare);
    expect(withTools).toBeGreaterThan(bare);
  });

  it('stops at exactly maxTokens tokens, counted with the same tokenizer', async () => {
    const { client } = runtimeClient(door);
    const tokenizer = await loadTokenizer(CLAUDE);
    const cut = await client.send(new ConverseCommand({ modelId: CLAUDE, messages: [userText(PROMPT)], inferenceConfig: { maxTokens: 5 } }));
    expect(cut.stopReason).toBe('max_tokens');
    expect(cut.usage?.outputTokens).toBe(5);
    expect(tokenizer.count(cut.output!.message!.content![0]!.text!)).toBe(5);

    const native = await invoke(client, CLAUDE, { ...FAMILIES[0]!.body, max_tokens: 5 });
    expect(native.body.stop_reason).toBe('max_tokens');
    expect(at(native.body, 'usage', 'output_tokens')).toBe(5);
    expect(tokenizer.count(String(at(native.body, 'content', 0, 'text')))).toBe(5);
    expect(native.headers['x-amzn-bedrock-output-token-count']).toBe('5');
  });

  it('rejects a prompt longer than the context window for Converse, ConverseStream and both InvokeModels', async () => {
    const { client } = runtimeClient(door);
    const long = 'word '.repeat(5000); // ≥ 5,000 tokens with any tokenizer: more than Titan Lite's 4K window
    const counted = await countConverse(client, TITAN_LITE, { messages: [userText(long)] });
    expect(counted).toBeGreaterThan(4000);
    const converseError = { name: 'ValidationException', message: 'The model returned the following errors: Input is too long for requested model.' };
    expect(await failure(client.send(new ConverseCommand({ modelId: TITAN_LITE, messages: [userText(long)] })))).toEqual(converseError);
    expect(await failure(client.send(new ConverseStreamCommand({ modelId: TITAN_LITE, messages: [userText(long)] })))).toEqual(converseError);
    const body = { inputText: long, textGenerationConfig: { maxTokenCount: 10 } };
    const invokeError = { name: 'ValidationException', message: 'Input is too long for requested model.' };
    expect(await failure(invoke(client, TITAN_LITE, body))).toEqual(invokeError);
    expect(await failure(invokeStream(client, TITAN_LITE, body))).toEqual(invokeError);
    // The same prompt fits Titan Express's 8K window.
    expect((await client.send(new ConverseCommand({ modelId: 'amazon.titan-text-express-v1', messages: [userText(long)] }))).usage?.inputTokens).toBe(
      await countConverse(client, 'amazon.titan-text-express-v1', { messages: [userText(long)] }),
    );
  });

  it('answers the service’s errors for models that cannot count and ids it does not accept', async () => {
    const { client } = runtimeClient(door);
    const converse = { messages: [userText('Hi')] };
    const send = (modelId: string) => failure(client.send(new CountTokensCommand({ modelId, input: { converse } })));
    const invalid = { name: 'ValidationException', message: 'The provided model identifier is invalid.' };
    expect(await send('acme.unknown-model-v1:0')).toEqual(invalid);
    expect(await send('us.anthropic.claude-3-haiku-20240307-v1:0')).toEqual(invalid);
    const cannotCount = { name: 'ValidationException', message: "The provided model doesn't support counting tokens." };
    expect(await send('amazon.titan-embed-text-v2:0')).toEqual(cannotCount);
    expect(await send('amazon.nova-canvas-v1:0')).toEqual(cannotCount);
    expect(await send('bad id!')).toEqual({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'bad id!' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z_\\.\\-/0-9:]+",
    });
    const tooLong = `anthropic.${'x'.repeat(250)}`;
    expect(await send(tooLong)).toEqual({
      name: 'ValidationException',
      message: `1 validation error detected: Value '${tooLong}' at 'modelId' failed to satisfy constraint: Member must have length less than or equal to 256`,
    });
  });

  it('validates the input as Converse and InvokeModel validate it', async () => {
    const { client } = runtimeClient(door);
    const malformed = { name: 'ValidationException', message: 'Malformed input request, please reformat your input and try again.' };
    const countBody = (body: Uint8Array) => failure(client.send(new CountTokensCommand({ modelId: CLAUDE, input: { invokeModel: { body } } })));
    expect(await countBody(new TextEncoder().encode('not json'))).toEqual(malformed);
    expect(await countBody(encode(['a list']))).toEqual(malformed);
    // The family codec's own checks apply: a Claude body needs `anthropic_version`.
    const noVersion = await countBody(encode({ max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }));
    expect(noVersion.name).toBe('ValidationException');
    expect(noVersion).toEqual(await failure(invoke(client, CLAUDE, { max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })));
    // So do Converse's: a conversation must start with a user message.
    const messages: Message[] = [{ role: 'assistant', content: [{ text: 'Hi' }] }];
    const converseError = await failure(client.send(new CountTokensCommand({ modelId: CLAUDE, input: { converse: { messages } } })));
    expect(converseError.name).toBe('ValidationException');
    expect(converseError).toEqual(await failure(client.send(new ConverseCommand({ modelId: CLAUDE, messages }))));
  });
});

describe('Claude’s context window', () => {
  it('passes Claude’s own complaint through: bare from InvokeModel, wrapped by Converse', async () => {
    const { client } = runtimeClient('middleware');
    const long = 'word '.repeat(200_001); // ≥ 200,001 tokens with any tokenizer
    const counted = await countConverse(client, CLAUDE, { messages: [userText(long)] });
    const complaint = `prompt is too long: ${counted} tokens > 200000 maximum`;
    const body = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages: [{ role: 'user', content: long }] };
    expect(await failure(invoke(client, CLAUDE, body))).toEqual({ name: 'ValidationException', message: `prompt is too long: ${await countInvoke(client, CLAUDE, body)} tokens > 200000 maximum` });
    expect(await failure(client.send(new ConverseCommand({ modelId: CLAUDE, messages: [userText(long)] })))).toEqual({
      name: 'ValidationException',
      message: `The model returned the following errors: ${complaint}`,
    });
  });
});

describe('CountTokens on the wire', () => {
  const runtime = createRuntime({ env: {} });
  const send = async (body: string, modelId = 'anthropic.claude-3-haiku-20240307-v1%3A0') => {
    const response = await handleBedrockRequest(runtime, { method: 'POST', path: `/model/${modelId}/count-tokens`, query: {}, headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode(body) });
    return { status: response.statusCode, type: response.headers['x-amzn-errortype']?.split(':')[0], body: JSON.parse(new TextDecoder().decode(response.body as Uint8Array)) as Json };
  };
  const malformed = { status: 400, type: 'ValidationException', body: { message: 'Malformed input request, please reformat your input and try again.' } };
  const converse = { messages: [{ role: 'user', content: [{ text: 'Hi' }] }] };

  it('answers {"inputTokens": n} as JSON', async () => {
    const response = await send(JSON.stringify({ input: { converse } }));
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['inputTokens']);
    expect(Number.isInteger(response.body.inputTokens)).toBe(true);
  });

  it('rejects a body that is not JSON, a missing input, and an input with neither or both members', async () => {
    expect(await send('{')).toEqual(malformed);
    expect(await send('"text"')).toEqual(malformed);
    expect(await send('{}')).toEqual({ status: 400, type: 'ValidationException', body: { message: "1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must not be null" } });
    expect(await send(JSON.stringify({ input: {} }))).toEqual(malformed);
    expect(await send(JSON.stringify({ input: { somethingElse: {} } }))).toEqual(malformed);
    const body = Buffer.from(JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })).toString('base64');
    expect(await send(JSON.stringify({ input: { converse, invokeModel: { body } } }))).toEqual(malformed);
    expect(await send(JSON.stringify({ input: { invokeModel: {} } }))).toEqual({
      status: 400,
      type: 'ValidationException',
      body: { message: "1 validation error detected: Value null at 'input.invokeModel.body' failed to satisfy constraint: Member must not be null" },
    });
  });

  it('ignores inference settings a converse input does not have', async () => {
    const plain = await send(JSON.stringify({ input: { converse } }));
    const withSettings = await send(JSON.stringify({ input: { converse: { ...converse, inferenceConfig: { maxTokens: 5 } } } }));
    expect(withSettings.body).toEqual(plain.body);
  });
});
