import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOllamaBackend } from '../src/index.js';
import { FRONT_DOORS, runtimeClient } from './support/clients.js';
import { startFakeOllama, type FakeOllama } from './support/fake-ollama-server.js';
import { invocationMetrics, invoke, invokeStream } from './support/invoke.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const SONNET_37 = 'us.anthropic.claude-3-7-sonnet-20250219-v1:0';
const WEATHER = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

function claudeBody(extra: Record<string, unknown> = {}) {
  return { anthropic_version: 'bedrock-2023-05-31', max_tokens: 200, messages: [{ role: 'user', content: 'Tell me about local models.' }], ...extra };
}

describe.each(FRONT_DOORS)('Claude Messages through InvokeModel (%s door)', (door) => {
  it('answers with a Claude message, content type and token headers', async () => {
    const { client } = runtimeClient(door);
    const result = await invoke(client, HAIKU, claudeBody({ system: 'Be brief.' }));
    expect(result.contentType).toBe('application/json');
    expect(Object.keys(result.body)).toEqual(['id', 'type', 'role', 'model', 'content', 'stop_reason', 'stop_sequence', 'usage']);
    expect(result.body).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-3-haiku-20240307', stop_reason: 'end_turn', stop_sequence: null });
    expect(result.body.id).toMatch(/^msg_bdrk_01[A-Za-z0-9]{22}$/);
    const content = result.body.content as Array<{ type: string; text: string }>;
    expect(content[0]!.type).toBe('text');
    expect(content[0]!.text).toContain('Tell me about local models.');
    const usage = result.body.usage as Record<string, number>;
    expect(usage).toEqual({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(result.headers['x-amzn-bedrock-input-token-count']).toBe(String(usage.input_tokens));
    expect(result.headers['x-amzn-bedrock-output-token-count']).toBe(String(usage.output_tokens));
    expect(Number(result.headers['x-amzn-bedrock-invocation-latency'])).toBeGreaterThanOrEqual(0);
    expect(result.headers['x-amzn-bedrock-cache-read-input-token-count']).toBe('0');
    expect(result.headers['x-amzn-bedrock-cache-write-input-token-count']).toBe('0');
  });

  it('ends a broken stream with the scripted exception, including modelTimeoutException', async () => {
    const { client } = runtimeClient(door, {
      responses: [
        { text: 'one two three four', streamError: { afterDeltas: 2, error: 'ModelTimeoutException' } },
        { text: 'one two three four', streamError: { afterDeltas: 1 } },
      ],
    });
    const timedOut = await invokeStream(client, HAIKU, claudeBody()).catch((error: unknown) => error);
    expect(timedOut).toMatchObject({ name: 'ModelTimeoutException', $fault: 'client' });
    await expect(invokeStream(client, HAIKU, claudeBody())).rejects.toMatchObject({ name: 'ModelStreamErrorException', originalStatusCode: 500 });
  });

  it('streams Claude’s chunks in order, with invocation metrics in the last', async () => {
    const { client } = runtimeClient(door);
    const { chunks, contentType } = await invokeStream(client, HAIKU, claudeBody({ max_tokens: 8 }));
    expect(contentType).toBe('application/json');
    const types = chunks.map((chunk) => chunk.type);
    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(2, -3).every((type) => type === 'content_block_delta')).toBe(true);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(chunks.at(-2)).toEqual({ type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 8 } });
    const metrics = invocationMetrics(chunks)!;
    expect(metrics).toMatchObject({ inputTokenCount: (chunks[0]!.message as { usage: { input_tokens: number } }).usage.input_tokens, outputTokenCount: 8 });
    expect(Object.keys(metrics)).toEqual(['inputTokenCount', 'outputTokenCount', 'invocationLatency', 'firstByteLatency']);
    const plain = await invoke(client, HAIKU, claudeBody({ max_tokens: 8 }));
    const streamed = chunks.flatMap((chunk) => ((chunk.delta as { text?: string } | undefined)?.text ? [(chunk.delta as { text: string }).text] : [])).join('');
    expect(streamed).toBe((plain.body.content as Array<{ text: string }>)[0]!.text);
  });

  it('calls tools and takes tool results back', async () => {
    const { client } = runtimeClient(door);
    const question = { role: 'user', content: [{ type: 'text', text: 'What is the weather in Lisbon?' }] };
    const first = await invoke(client, HAIKU, claudeBody({ messages: [question], tools: [WEATHER], tool_choice: { type: 'any' } }));
    expect(first.body.stop_reason).toBe('tool_use');
    const toolUse = (first.body.content as Array<Record<string, unknown>>).find((block) => block.type === 'tool_use')!;
    expect(toolUse).toMatchObject({ name: 'get_weather', input: { city: 'Lisbon' }, id: expect.stringMatching(/^toolu_bdrk_01/) });
    const second = await invoke(
      client,
      HAIKU,
      claudeBody({
        messages: [question, { role: 'assistant', content: first.body.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '19°C, sunny' }] }],
        tools: [WEATHER],
      }),
    );
    expect((second.body.content as Array<{ text: string }>)[0]!.text).toContain('19°C, sunny');

    const { chunks } = await invokeStream(client, HAIKU, claudeBody({ messages: [question], tools: [WEATHER], tool_choice: { type: 'tool', name: 'get_weather' } }));
    const start = chunks.find((chunk) => (chunk.content_block as { type?: string } | undefined)?.type === 'tool_use')!;
    const json = chunks
      .filter((chunk) => chunk.index === start.index && (chunk.delta as { type?: string } | undefined)?.type === 'input_json_delta')
      .map((chunk) => (chunk.delta as { partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ city: 'Lisbon' });
  });

  it('thinks first when thinking is enabled, and accepts images, documents and cache_control', async () => {
    const { client } = runtimeClient(door);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64');
    const result = await invoke(
      client,
      SONNET_37,
      claudeBody({
        max_tokens: 4000,
        thinking: { type: 'enabled', budget_tokens: 2000 },
        system: [{ type: 'text', text: 'You see images.', cache_control: { type: 'ephemeral' } }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Notes' }, title: 'notes' },
              { type: 'text', text: 'Describe it.', cache_control: { type: 'ephemeral', ttl: '5m' } },
            ],
          },
        ],
      }),
    );
    const [thinking, text] = result.body.content as Array<Record<string, string>>;
    expect(thinking).toMatchObject({ type: 'thinking', thinking: expect.stringContaining('Describe it.'), signature: expect.any(String) });
    expect(text!.type).toBe('text');
  });

  it('accepts the anthropic_version dates newer SDKs send, bodies sent as octet-stream or untyped, and JSON accepts', async () => {
    const { client } = runtimeClient(door);
    for (const extra of [{}, { contentType: 'application/octet-stream' }, { contentType: undefined }, { accept: '*/*' }, { accept: 'application/json' }]) {
      const result = await invoke(client, HAIKU, claudeBody({ anthropic_version: '2026-10-21' }), extra);
      expect(result.body.type).toBe('message');
    }
  });

  const invalid: Array<[string, Record<string, unknown>, string, string?]> = [
    ['a body without anthropic_version and max_tokens', { anthropic_version: undefined, max_tokens: undefined }, 'Malformed input request: #: required key [anthropic_version] not found, #: required key [max_tokens] not found, please reformat your input and try again.'],
    ['an extraneous key', { model: 'claude' }, 'Malformed input request: #: extraneous key [model] is not permitted, please reformat your input and try again.'],
    ['a temperature above 1', { temperature: 2 }, '#/temperature: 2 is not less or equal to 1'],
    ['max_tokens above the model limit', { max_tokens: 5000 }, 'max_tokens: 5000 > 4096, which is the maximum allowed number of output tokens for claude-3-haiku-20240307'],
    ['no messages', { messages: [] }, 'messages: at least one message is required'],
    ['a conversation starting with the assistant', { messages: [{ role: 'assistant', content: 'Hi' }] }, 'messages: first message must use the "user" role'],
    ['an unknown block type', { messages: [{ role: 'user', content: [{ type: 'video' }] }] }, "messages.0.content.0.type: Input tag 'video' found using 'type' does not match any of the expected tags"],
    ['a tool result without its tool use', { messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }] }, 'unexpected `tool_use_id` found in `tool_result` blocks: toolu_x'],
    ['thinking with max_tokens under the budget', { max_tokens: 1500, thinking: { type: 'enabled', budget_tokens: 2000 } }, '`max_tokens` must be greater than `thinking.budget_tokens`.', SONNET_37],
    ['a Titan body', { inputText: 'Hi', anthropic_version: undefined, max_tokens: undefined, messages: undefined }, '#: required key [anthropic_version] not found'],
  ];
  it.each(invalid)('rejects %s', async (_name, change, message, modelId = HAIKU) => {
    const { client } = runtimeClient(door);
    const error = await invoke(client, modelId, claudeBody(change)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toContain(message);
    await expect(invokeStream(client, modelId, claudeBody(change))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('rejects a body that is not JSON, an accept type without JSON, and unknown models', async () => {
    const { client } = runtimeClient(door);
    await expect(client.send(new InvokeModelCommand({ modelId: HAIKU, body: new TextEncoder().encode('{"messages": [') }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Malformed input request, please reformat your input and try again.',
    });
    await expect(invoke(client, HAIKU, claudeBody(), { accept: 'image/png' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(invoke(client, 'acme.model-v1', claudeBody())).rejects.toMatchObject({ message: 'The provided model identifier is invalid.' });
  });
});

describe('Claude Messages answered by Ollama', () => {
  let ollama: FakeOllama;
  beforeAll(async () => {
    ollama = await startFakeOllama({ models: ['llama3.2'] });
  });
  afterAll(() => ollama.close());

  it.each(FRONT_DOORS)('sends the conversation and options, and streams the answer back (%s door)', async (door) => {
    ollama.reset();
    ollama.script({ content: ['Hello', ' there'], promptEvalCount: 12, evalCount: 2 }, { content: ['Hi', ' again'], promptEvalCount: 12, evalCount: 2 });
    const { client } = runtimeClient(door, { backend: createOllamaBackend({ host: ollama.host }) });
    const body = claudeBody({ system: 'Be brief.', temperature: 0.3, top_p: 0.8, top_k: 40, max_tokens: 64 });
    const plain = await invoke(client, HAIKU, body);
    expect((plain.body.content as Array<{ text: string }>)[0]!.text).toBe('Hello there');
    expect(plain.body.usage).toMatchObject({ input_tokens: 12, output_tokens: 2 });
    expect(plain.headers['x-amzn-bedrock-input-token-count']).toBe('12');
    const sent = ollama.chats[0]!.body;
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Tell me about local models.' },
    ]);
    expect(sent.options).toMatchObject({ num_predict: 64, temperature: 0.3, top_p: 0.8, top_k: 40 });
    const { chunks } = await invokeStream(client, HAIKU, body);
    expect(chunks.filter((chunk) => chunk.type === 'content_block_delta').map((chunk) => (chunk.delta as { text: string }).text)).toEqual(['Hi', ' again']);
    expect(invocationMetrics(chunks)).toMatchObject({ inputTokenCount: 12, outputTokenCount: 2 });
  });
});

describe('thinking on a local model that cannot think', () => {
  it.each(FRONT_DOORS)('answers without reasoning instead of failing (%s door)', async (door) => {
    const ollama = await startFakeOllama({ models: ['llama3.2'], modelsWithoutThinking: ['llama3.2'] });
    try {
      ollama.script({ content: ['Plain answer.'] });
      const { client } = runtimeClient(door, { backend: createOllamaBackend({ host: ollama.host }) });
      const result = await invoke(client, SONNET_37, claudeBody({ max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 2000 } }));
      expect(result.body.content).toEqual([{ type: 'text', text: 'Plain answer.' }]);
      expect(ollama.chats.map((chat) => chat.body.think)).toEqual([true, undefined]);
    } finally {
      await ollama.close();
    }
  });
});
