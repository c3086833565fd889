import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Ajv } from 'ajv';
import {
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  type Tool,
} from '@aws-sdk/client-bedrock-runtime';
import { createLlamaCppBackend, type LlamaCppBackend } from '../src/backends/llamacpp/llamacpp-backend.js';
import type { LlamaCppBackendOptions } from '../src/backends/llamacpp/llamacpp-options.js';
import { createRuntime } from '../src/index.js';
import { FRONT_DOORS, collectEvents, eventName, runtimeClient, userText } from './support/clients.js';
import { buildTinyModel, tinyModelPath, TINY_ANSWER } from './support/gguf/tiny-model.js';
import { invoke } from './support/invoke.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';
const TITAN_EMBED = 'amazon.titan-embed-text-v2:0';
const COMMAND_R = 'cohere.command-r-v1:0';

/** Whether llama.cpp can run here at all, decided once: the only reason these tests may skip. */
const unavailable = await (async (): Promise<string | undefined> => {
  try {
    const { getLlama } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: 'disable' as never });
    await llama.dispose();
    return undefined;
  } catch (error) {
    return `node-llama-cpp cannot load here: ${error instanceof Error ? error.message : String(error)}`;
  }
})();

const WEATHER_TOOL: Tool = {
  toolSpec: {
    name: 'get_weather',
    description: 'Current weather of a city',
    inputSchema: { json: { type: 'object', properties: { city: { type: 'string', minLength: 1 } }, required: ['city'], additionalProperties: false } },
  },
};

/** CPU, one thread (more threads fight over 2 cores), a small context. */
function tinyBackend(variant: Parameters<typeof tinyModelPath>[0], options: LlamaCppBackendOptions = {}): LlamaCppBackend {
  return createLlamaCppBackend({ modelPath: tinyModelPath(variant), gpu: false, threads: 1, contextSize: 1024, sequences: 2, env: {}, ...options });
}

function streamedText(events: ConverseStreamOutput[]): string {
  return events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
}

async function rejection(promise: Promise<unknown>): Promise<Error & { name: string; $fault?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('Expected a rejection, got a result.');
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    dot += a[index]! * b[index]!;
    normA += a[index]! * a[index]!;
    normB += b[index]! * b[index]!;
  }
  return dot / Math.sqrt(normA * normB);
}

describe('llama.cpp backend: a missing node-llama-cpp', () => {
  it('fails the request with an error that says how to install it', async () => {
    const missing = Object.assign(new Error("Cannot find package 'node-llama-cpp' imported from x.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const backend = createLlamaCppBackend({ modelPath: '/nowhere/model.gguf', env: {} }, { importer: () => Promise.reject(missing) });
    const { client } = runtimeClient('requestHandler', { backend });

    const error = await rejection(client.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hi')] })));

    expect(error.name).toBe('ModelErrorException');
    expect(error.message).toContain('npm i node-llama-cpp');
  });

  it('names the model setting when none is given', () => {
    expect(() => createLlamaCppBackend({ env: {} })).toThrow(/LOCAL_BEDROCK_LLAMACPP_MODEL/);
  });
});

describe.skipIf(unavailable !== undefined)(`llama.cpp backend with a scripted tiny GGUF model${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let sentence: LlamaCppBackend;
  let json: LlamaCppBackend;
  let toolCall: LlamaCppBackend;
  let loose: LlamaCppBackend;

  beforeAll(async () => {
    sentence = tinyBackend('sentence');
    json = tinyBackend('json');
    toolCall = tinyBackend('toolCall');
    loose = tinyBackend('loose');
    await Promise.all([sentence.prepare(), json.prepare(), toolCall.prepare(), loose.prepare()]);
  }, 60_000);

  // Starting llama.cpp and freeing it take seconds on a busy 2-core machine; these bound the hooks, not the tests.
  afterAll(async () => {
    await Promise.all([sentence?.dispose(), json?.dispose(), toolCall?.dispose(), loose?.dispose()]);
  }, 60_000);

  it('describes what it runs on', async () => {
    const description = await sentence.describe();

    expect(description).toMatchObject({ name: 'llamacpp', gpu: false, buildType: 'prebuilt', threads: 1, model: tinyModelPath('sentence'), contextSize: 1024 });
  });

  describe.each(FRONT_DOORS)('through the %s door', (door) => {
    const client = () => runtimeClient(door, { backend: sentence }).client;

    it('answers Converse with the model\'s output, end_turn and token counts from its tokenizer', async () => {
      const short = await client().send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hi')] }));
      const long = await client().send(new ConverseCommand({ modelId: HAIKU, system: [{ text: 'You are a very helpful assistant. Keep answers short.' }], messages: [userText('Hi, please tell me something nice.')] }));

      expect(short.output?.message?.content).toEqual([{ text: TINY_ANSWER }]);
      expect(short.stopReason).toBe('end_turn');
      // The answer is six scripted tokens plus the end-of-turn token; a longer prompt has more input tokens.
      expect(short.usage?.outputTokens).toBe(7);
      expect(long.usage!.inputTokens!).toBeGreaterThan(short.usage!.inputTokens! + 10);
      expect(short.usage?.totalTokens).toBe(short.usage!.inputTokens! + short.usage!.outputTokens!);
    });

    it('streams ConverseStream as text deltas with the same usage', async () => {
      const request = { modelId: HAIKU, messages: [userText('Hi')] };
      const whole = await client().send(new ConverseCommand(request));
      const response = await client().send(new ConverseStreamCommand(request));
      const events = await collectEvents(response.stream);

      const deltas = events.filter((event) => event.contentBlockDelta);
      expect(deltas.length).toBeGreaterThan(1);
      expect(streamedText(events)).toBe(TINY_ANSWER);
      expect(events.map(eventName).at(0)).toBe('messageStart');
      expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('end_turn');
      expect(events.at(-1)?.metadata?.usage).toEqual(whole.usage);
    });

    it('stops at maxTokens with max_tokens', async () => {
      const response = await client().send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hi')], inferenceConfig: { maxTokens: 2 } }));

      expect(response.output?.message?.content).toEqual([{ text: 'Hello from' }]);
      expect(response.stopReason).toBe('max_tokens');
      expect(response.usage?.outputTokens).toBe(2);
    });

    it('stops before a stop sequence with stop_sequence, in Converse and in the stream', async () => {
      const request = { modelId: HAIKU, messages: [userText('Hi')], inferenceConfig: { stopSequences: ['tiny'] } };
      const whole = await client().send(new ConverseCommand(request));
      const events = await collectEvents((await client().send(new ConverseStreamCommand(request))).stream);

      expect(whole.output?.message?.content).toEqual([{ text: 'Hello from the ' }]);
      expect(whole.stopReason).toBe('stop_sequence');
      expect(streamedText(events)).toBe('Hello from the ');
      expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('stop_sequence');
    });

    it('answers InvokeModel in the Claude Messages format, with the stop sequence it hit', async () => {
      const body = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] };
      const plain = await invoke(client(), HAIKU, body);
      const stopped = await invoke(client(), HAIKU, { ...body, stop_sequences: ['llama'] });

      expect(plain.body).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: TINY_ANSWER }], stop_reason: 'end_turn', usage: { output_tokens: 7 } });
      expect(stopped.body).toMatchObject({ content: [{ type: 'text', text: 'Hello from the tiny ' }], stop_reason: 'stop_sequence', stop_sequence: 'llama' });
    });

    it('answers InvokeModel in the Llama prompt format, with length when max_gen_len cuts it', async () => {
      const plain = await invoke(client(), LLAMA, { prompt: '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>', max_gen_len: 64 });
      const cut = await invoke(client(), LLAMA, { prompt: 'Hi', max_gen_len: 3 });

      expect(plain.body).toMatchObject({ generation: TINY_ANSWER, stop_reason: 'stop', generation_token_count: 7 });
      expect(plain.body.prompt_token_count).toBeGreaterThan(0);
      expect(cut.body).toMatchObject({ generation: 'Hello from the', stop_reason: 'length', generation_token_count: 3 });
    });

    it('samples with the request\'s temperature and seed (Cohere Command R body)', async () => {
      const { client: looseClient } = runtimeClient(door, { backend: loose });
      const sample = async (seed: number) =>
        (await invoke(looseClient, COMMAND_R, { message: 'Tell me something.', temperature: 1, p: 0.99, k: 0, seed, max_tokens: 24 })).body.text as string;
      const [first, again, other] = [await sample(1), await sample(1), await sample(2)];
      const greedy = (await invoke(looseClient, COMMAND_R, { message: 'Tell me something.', temperature: 0, max_tokens: 24 })).body.text;

      expect(first.length).toBeGreaterThan(0);
      expect(again).toBe(first);
      expect(other).not.toBe(first);
      // At temperature 0 the loose model still follows its script.
      expect(greedy).toBe(TINY_ANSWER);
    });

    it('answers two concurrent requests, one context sequence each', async () => {
      const [first, second] = await Promise.all([
        client().send(new ConverseCommand({ modelId: HAIKU, messages: [userText('First')] })),
        client().send(new ConverseStreamCommand({ modelId: HAIKU, messages: [userText('Second')] })).then((response) => collectEvents(response.stream)),
      ]);

      expect(first.output?.message?.content).toEqual([{ text: TINY_ANSWER }]);
      expect(streamedText(second)).toBe(TINY_ANSWER);
    });

    it('forces a tool call whose input validates against the tool schema (grammar-constrained)', async () => {
      const { client: jsonClient } = runtimeClient(door, { backend: json });
      const response = await jsonClient.send(
        new ConverseCommand({ modelId: HAIKU, messages: [userText('Weather in Paris?')], toolConfig: { tools: [WEATHER_TOOL], toolChoice: { tool: { name: 'get_weather' } } } }),
      );

      const toolUse = response.output?.message?.content?.[0]?.toolUse;
      expect(response.stopReason).toBe('tool_use');
      expect(toolUse).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
      expect(toolUse?.toolUseId).toMatch(/^tooluse_/);
      expect(new Ajv({ strict: false }).validate(WEATHER_TOOL.toolSpec!.inputSchema!.json as object, toolUse?.input)).toBe(true);
    });

    it('streams a tool call the model chose itself (auto) through node-llama-cpp function calling', async () => {
      const { client: toolClient } = runtimeClient(door, { backend: toolCall });
      const response = await toolClient.send(new ConverseStreamCommand({ modelId: HAIKU, messages: [userText('Weather in Paris?')], toolConfig: { tools: [WEATHER_TOOL] } }));
      const events = await collectEvents(response.stream);

      const start = events.find((event) => event.contentBlockStart?.start?.toolUse)?.contentBlockStart?.start?.toolUse;
      const input = events.map((event) => event.contentBlockDelta?.delta?.toolUse?.input ?? '').join('');
      expect(start?.name).toBe('get_weather');
      expect(JSON.parse(input)).toEqual({ city: 'Paris' });
      expect(new Ajv({ strict: false }).validate(WEATHER_TOOL.toolSpec!.inputSchema!.json as object, JSON.parse(input))).toBe(true);
      expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('tool_use');
    });

    it('answers with JSON valid against outputConfig\'s schema', async () => {
      const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
      const { client: jsonClient } = runtimeClient(door, { backend: json });
      const response = await jsonClient.send(
        new ConverseCommand({
          modelId: HAIKU,
          messages: [userText('Which city?')],
          outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'city' } } } },
        } as ConstructorParameters<typeof ConverseCommand>[0]),
      );

      const answer = JSON.parse(response.output?.message?.content?.[0]?.text ?? 'null');
      expect(new Ajv().validate(schema, answer)).toBe(true);
      expect(answer).toEqual({ city: 'Paris' });
    });

    it('embeds text through the model\'s embedding context (Titan v2)', async () => {
      const embedOf = async (inputText: string) => (await invoke(client(), TITAN_EMBED, { inputText })).body;
      const [hello, again, other] = [await embedOf('hello world'), await embedOf('hello world'), await embedOf('a different text entirely')];
      const native = (await sentence.embed({ modelId: TITAN_EMBED, backendModel: '', texts: ['hello world'], images: [] })).embeddings[0]!;

      const vector = hello.embedding as number[];
      expect(vector).toHaveLength(1024);
      expect(again.embedding).toEqual(vector);
      expect(other.embedding).not.toEqual(vector);
      expect(native).toHaveLength(64);
      // The codec grows the model's 64-dimensional vector by repeating it, so its first 64 entries are that vector, scaled.
      expect(cosine(vector.slice(0, 64), native)).toBeCloseTo(1, 5);
      expect(hello.inputTextTokenCount).toBeGreaterThan(0);
    });

    it('stops generating when the caller aborts mid-stream, and frees the sequence', async () => {
      const endless = tinyBackend('endless', { sequences: 1 });
      try {
        const { client: endlessClient } = runtimeClient(door, { backend: endless });
        const controller = new AbortController();
        const response = await endlessClient.send(new ConverseStreamCommand({ modelId: HAIKU, messages: [userText('Go on')], inferenceConfig: { maxTokens: 4000 } }), { abortSignal: controller.signal });
        const seen: string[] = [];
        const reading = (async () => {
          for await (const event of response.stream!) {
            if (event.contentBlockDelta?.delta?.text) seen.push(event.contentBlockDelta.delta.text);
            if (seen.length === 3) controller.abort();
          }
        })();
        await reading.catch(() => undefined);

        expect(seen.length).toBeGreaterThanOrEqual(3);
        expect(seen.length).toBeLessThan(4000);
        // One sequence only: this answers only if the aborted generation gave its sequence back.
        const next = await endlessClient.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Again')], inferenceConfig: { maxTokens: 6 } }));
        expect(next.output?.message?.content).toEqual([{ text: TINY_ANSWER }]);
        expect(next.stopReason).toBe('max_tokens');
      } finally {
        await endless.dispose();
      }
    });
  });

  describe('bad model files', () => {
    const directory = join(tinyModelPath('sentence'), '..');
    const cases: [string, () => Uint8Array][] = [
      ['a file that is not GGUF', () => new TextEncoder().encode('this is not a model')],
      ['a truncated file', () => buildTinyModel().slice(0, 60_000)],
      ['a file without llama.attention.head_count (which would abort the process)', () => buildTinyModel({ omitMetadata: ['llama.attention.head_count'] })],
      ['a file without llama.feed_forward_length (which would abort the process)', () => buildTinyModel({ omitMetadata: ['llama.feed_forward_length'] })],
    ];

    it.each(cases)('rejects %s with a clear ModelErrorException naming the file', async (label, bytes) => {
      const path = join(directory, `bad-${label.replace(/\W+/g, '-').slice(0, 40)}.gguf`);
      writeFileSync(path, bytes());
      const backend = createLlamaCppBackend({ modelPath: path, gpu: false, threads: 1, env: {} });
      try {
        const { client } = runtimeClient('requestHandler', { backend });
        const error = await rejection(client.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hi')] })));

        expect(error.name).toBe('ModelErrorException');
        expect(error.message).toMatch(/^\[local-bedrock\] /);
        expect(error.message).toContain(path);
      } finally {
        await backend.dispose();
      }
    });

    it('rejects an input longer than the context with Bedrock\'s ValidationException, before any stream starts', async () => {
      const small = tinyBackend('sentence', { contextSize: 128 });
      try {
        const { client } = runtimeClient('middleware', { backend: small });
        const long = { modelId: HAIKU, system: [{ text: 'Remember this. '.repeat(100) }], messages: [userText('Hi')] };

        for (const call of [() => client.send(new ConverseCommand(long)), () => client.send(new ConverseStreamCommand(long))]) {
          const error = await rejection(call());
          expect(error.name).toBe('ValidationException');
          expect(error.message).toBe('Input is too long for requested model.');
        }
        // The sequence was given back: a short request still fits.
        const short = await client.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hi')] }));
        expect(short.output?.message?.content).toEqual([{ text: TINY_ANSWER }]);
      } finally {
        await small.dispose();
      }
    });

    it('reports a missing file as ResourceNotFoundException', async () => {
      const path = join(directory, 'does-not-exist.gguf');
      const backend = createLlamaCppBackend({ modelPath: path, gpu: false, threads: 1, env: {} });
      const { client } = runtimeClient('middleware', { backend });

      const error = await rejection(client.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hi')] })));

      expect(error.name).toBe('ResourceNotFoundException');
      expect(error.message).toContain(path);
      await backend.dispose();
    });
  });

  describe('choosing the backend by name', () => {
    it('builds it from LOCAL_BEDROCK_BACKEND=llamacpp and LOCAL_BEDROCK_LLAMACPP_MODEL, loading on the first request', async () => {
      const runtime = createRuntime({ env: { LOCAL_BEDROCK_BACKEND: 'llamacpp', LOCAL_BEDROCK_LLAMACPP_MODEL: tinyModelPath('sentence'), LOCAL_BEDROCK_LLAMACPP_GPU: 'false', LOCAL_BEDROCK_LLAMACPP_THREADS: '1' } });
      try {
        expect(runtime.backend.name).toBe('llamacpp');
        const { client } = runtimeClient('requestHandler', runtime);
        const response = await client.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hi')] }));
        expect(response.output?.message?.content).toEqual([{ text: TINY_ANSWER }]);
        expect(await (runtime.backend as LlamaCppBackend).describe()).toMatchObject({ gpu: false, threads: 1, model: tinyModelPath('sentence') });
      } finally {
        await runtime.dispose();
      }
    });

    it('builds it from backend: "llamacpp" and llamacpp options', async () => {
      const runtime = createRuntime({ backend: 'llamacpp', llamacpp: { modelPath: tinyModelPath('sentence'), gpu: false, threads: 1, contextSize: 512 }, env: {} });
      try {
        const { client } = runtimeClient('middleware', runtime);
        const response = await client.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hi')] }));
        expect(response.output?.message?.content).toEqual([{ text: TINY_ANSWER }]);
        expect(await (runtime.backend as LlamaCppBackend).describe()).toMatchObject({ contextSize: 512 });
      } finally {
        await runtime.dispose();
      }
    });
  });
});
