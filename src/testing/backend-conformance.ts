import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  type ContentBlock,
  type ConverseCommandOutput,
  type ConverseStreamOutput,
  type Message,
  type ToolConfiguration,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../chat/types.js';
import type { Backend, BackendCallOptions } from '../backends/types.js';
import { createRuntime, type LocalBedrockOptions, type LocalBedrockRuntime } from '../core/runtime.js';
import type { BedrockErrorName } from '../errors/bedrock-errors.js';
import { localBedrock } from '../front-doors/middleware.js';
import { LocalBedrockHandler } from '../front-doors/request-handler.js';

/**
 * One conformance suite for every backend: the same cases, through the real `BedrockRuntimeClient` over
 * both in-process front doors, so a backend that passes behaves like every other one to Bedrock code.
 */

/**
 * What the model should answer to one request of a case. Scripted backends and fake servers answer it;
 * a real model that can only say one thing declares `fixedAnswer` instead and ignores text replies.
 *
 * - `text`: the answer, also as `pieces` (one token each, for servers streaming piece by piece). With
 *   `maxTokens`, the request asks for that many tokens and a model stops after as many pieces with a
 *   length stop (`max_tokens`).
 * - `toolUse`: the model calls the tool with this input.
 * - `endless`: the model streams `pieces` and then keeps going until its call is aborted.
 * - `missingModel`: the request names a model the backend does not have (`ollama.<backendModel>`); the
 *   backend should fail with `expectedError`.
 *
 * @example
 * const toScripted = (reply: ConformanceReply) => (reply.type === 'text' ? { text: reply.text } : reply.type === 'toolUse' ? { toolUse: reply } : { text: '…' });
 */
export type ConformanceReply =
  | { type: 'text'; text: string; pieces: readonly string[]; maxTokens?: number }
  | { type: 'toolUse'; name: string; input: Record<string, unknown> }
  | { type: 'endless'; pieces: readonly string[] }
  | { type: 'missingModel'; backendModel: string };

/**
 * The in-process door a case runs through.
 *
 * @example
 * const door: ConformanceDoor = 'requestHandler';
 */
export type ConformanceDoor = 'middleware' | 'requestHandler';

/**
 * What a backend factory is told: the case, the door, and what the model should answer, request by request.
 *
 * @example
 * testBackend('mine', ({ caseName, replies }) => createMine({ label: caseName, answers: replies }));
 */
export interface ConformanceContext {
  caseName: string;
  door: ConformanceDoor;
  replies: readonly ConformanceReply[];
}

/**
 * Makes a fresh backend for one case (each case disposes its own).
 *
 * @example
 * const factory: BackendFactory = ({ replies }) => createScriptedBackend({ responses: replies.flatMap((reply) => (reply.type === 'text' ? [{ text: reply.text }] : [])) });
 */
export type BackendFactory = (context: ConformanceContext) => Backend | Promise<Backend>;

/**
 * What a backend can do; a case needing something it cannot do is skipped. Everything defaults to `true`.
 *
 * @example
 * testBackend('tiny model', factory, { capabilities: { forcedTools: false, errors: false } });
 */
export interface BackendCapabilities {
  /** Ends an answer at `maxTokens` with `max_tokens`. */
  maxTokens: boolean;
  /** Ends an answer at a stop sequence with `stop_sequence`, reporting which one. */
  stopSequences: boolean;
  /** Takes tool definitions and tool results. */
  tools: boolean;
  /** Calls a tool when the request forces one, with input valid against its schema. */
  forcedTools: boolean;
  /** Sees the caller's abort of a stream through `BackendCallOptions.signal`. */
  abort: boolean;
  /** Fails with a Bedrock exception when asked for a model it lacks. */
  errors: boolean;
  /** Embeds texts itself (`embed`); without it, embedding models are answered by the deterministic fallback. */
  embeddings: boolean;
}

/**
 * How `testBackend` runs a backend.
 *
 * @example
 * testBackend('llama.cpp', () => createLlamaCppBackend({ modelPath }), { fixedAnswer: 'Hello from the tiny llama.', capabilities: { forcedTools: false } });
 */
export interface BackendConformanceOptions {
  capabilities?: Partial<BackendCapabilities>;
  /**
   * The text the backend answers whatever it is asked (a scripted tiny model). Text cases then expect it
   * instead of the scripted reply; a stop sequence is picked from its middle word.
   */
  fixedAnswer?: string;
  /** The Bedrock model id of the chat cases. Default Claude 3 Haiku. */
  modelId?: string;
  /** Options of each case's runtime (a model map, a logger); `backend` is the factory's. */
  runtimeOptions?: Omit<LocalBedrockOptions, 'backend'>;
  /** The exception a missing model gives. Default `ResourceNotFoundException`. */
  expectedError?: BedrockErrorName;
  /** Runs after the abort case saw the signal, e.g. to check a server saw its connection close. */
  afterAbort?: (context: ConformanceContext) => void | Promise<void>;
  /** How long a case waits for the abort to reach the backend before failing. Default 5000 ms. */
  abortTimeoutMs?: number;
}

const DEFAULT_MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';
const LLAMA_MODEL_ID = 'meta.llama3-8b-instruct-v1:0';
const TITAN_EMBED_MODEL_ID = 'amazon.titan-embed-text-v2:0';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const DOORS: readonly ConformanceDoor[] = ['middleware', 'requestHandler'];
const MISSING_MODEL = 'local-bedrock-conformance-missing-model';
/** The abort reason of a stream released by a finished reader (not by the caller): see `backend-stream.ts`. */
const RELEASED_REASON = 'StreamReleased';

const SENTENCE = 'The quick brown fox jumps over the lazy dog.';
const WEATHER_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer' }, units: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['city', 'days'],
};
const WEATHER_TOOLS: ToolConfiguration = {
  tools: [{ toolSpec: { name: 'get_weather', description: 'The weather forecast of a city', inputSchema: { json: WEATHER_SCHEMA } } }],
};

/** `text` split into word pieces, each but the first with its leading space, as tokenizers split it. */
function piecesOf(text: string): string[] {
  return text.split(/(?= )/);
}

function textReply(text = SENTENCE, maxTokens?: number): ConformanceReply {
  return { type: 'text', text, pieces: piecesOf(text), ...(maxTokens === undefined ? {} : { maxTokens }) };
}

/**
 * Where `value` breaks `schema` (`type`, `properties`, `required`, `enum`, `items`): enough to show a forced
 * tool call is usable without a schema library in a test helper.
 *
 * @example
 * schemaProblems({ city: 1 }, { type: 'object', properties: { city: { type: 'string' } } }); // ['city: expected string']
 */
export function schemaProblems(value: unknown, schema: Record<string, unknown>, path = '$'): string[] {
  const problems: string[] = [];
  const type = schema.type;
  const typeOk = (name: unknown): boolean => {
    if (name === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
    if (name === 'array') return Array.isArray(value);
    if (name === 'integer') return Number.isInteger(value);
    if (name === 'number') return typeof value === 'number';
    if (name === 'null') return value === null;
    return name === undefined || typeof value === name;
  };
  if (Array.isArray(type) ? !type.some(typeOk) : !typeOk(type)) return [`${path}: expected ${String(type)}`];
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) problems.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in record)) problems.push(`${path}.${name}: required`);
    const properties = (schema.properties as Record<string, Record<string, unknown>> | undefined) ?? {};
    for (const [name, child] of Object.entries(properties)) if (name in record) problems.push(...schemaProblems(record[name], child, `${path}.${name}`));
  }
  if (Array.isArray(value) && typeof schema.items === 'object' && schema.items !== null) {
    value.forEach((item, index) => problems.push(...schemaProblems(item, schema.items as Record<string, unknown>, `${path}[${index}]`)));
  }
  return problems;
}

/** A backend as the factory made it, with what the suite observed of its calls. */
interface ObservedBackend {
  backend: Backend;
  requests: ChatRequest[];
  /** Resolves with the abort reason of the first streaming call's signal, once it aborts. */
  streamAborted: Promise<unknown>;
  disposals: number;
  /** Texts the backend's own `embed` was asked for. */
  embedded: string[];
}

function observe(inner: Backend): ObservedBackend {
  let onAbort: (reason: unknown) => void = () => {};
  const observed: ObservedBackend = {
    backend: inner,
    requests: [],
    streamAborted: new Promise((resolve) => (onAbort = resolve)),
    disposals: 0,
    embedded: [],
  };
  const watch = (options: BackendCallOptions | undefined) => {
    const signal = options?.signal;
    if (!signal) return;
    if (signal.aborted) onAbort(signal.reason);
    else signal.addEventListener('abort', () => onAbort(signal.reason), { once: true });
  };
  observed.backend = {
    name: inner.name,
    chat(request, options) {
      observed.requests.push(request);
      return inner.chat(request, options);
    },
    chatStream(request, options) {
      observed.requests.push(request);
      watch(options);
      return inner.chatStream(request, options);
    },
    ...(inner.embed
      ? {
          embed(request, options) {
            observed.embedded.push(...request.texts);
            return inner.embed!(request, options);
          },
        }
      : {}),
    ...(inner.generateImage ? { generateImage: inner.generateImage.bind(inner) } : {}),
    async dispose() {
      observed.disposals++;
      await inner.dispose?.();
    },
  };
  return observed;
}

function clientFor(door: ConformanceDoor, runtime: LocalBedrockRuntime): BedrockRuntimeClient {
  // One attempt: a retried error would call the backend again and hide which call failed.
  const base = { region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 };
  if (door === 'requestHandler') return new BedrockRuntimeClient({ ...base, requestHandler: new LocalBedrockHandler(runtime) });
  const client = new BedrockRuntimeClient(base);
  client.middlewareStack.use(localBedrock(runtime));
  return client;
}

function eventName(event: ConverseStreamOutput): string {
  return Object.keys(event).find((key) => (event as unknown as Record<string, unknown>)[key] !== undefined) ?? '';
}

async function collect(stream: AsyncIterable<ConverseStreamOutput> | undefined): Promise<ConverseStreamOutput[]> {
  const events: ConverseStreamOutput[] = [];
  for await (const event of stream ?? []) events.push(event);
  return events;
}

function textOf(output: ConverseCommandOutput): string {
  return (output.output?.message?.content ?? []).map((block) => block.text ?? '').join('');
}

function user(...content: ContentBlock[]): Message {
  return { role: 'user', content };
}

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Gave up waiting for ${what} after ${ms} ms`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/** The answer text a case expects for a scripted `text`. */
function expectedText(options: BackendConformanceOptions, scripted: string): string {
  return options.fixedAnswer ?? scripted;
}

/** A stop sequence from the middle of `text`, and the text before it. */
function stopSequenceIn(text: string): { sequence: string; before: string } {
  const words = text.split(' ');
  const sequence = words[Math.floor(words.length / 2)] ?? text;
  return { sequence, before: text.slice(0, text.indexOf(sequence)) };
}

/**
 * Registers the conformance cases for a backend with vitest (`describe`/`it`), run through the real
 * `BedrockRuntimeClient` over both in-process front doors: Converse text with `maxTokens` and stop
 * reasons, ConverseStream event order and usage, stop sequences, forced tool use with schema-valid input,
 * a tool result round trip, the system prompt, InvokeModel for Claude and Llama bodies, Titan embeddings, abort reaching
 * the backend, a missing model as a Bedrock exception, and dispose. The factory is called once per case
 * with the replies the case needs; scripted backends and fake servers answer them, and a model that can
 * only say one sentence declares it as `fixedAnswer`.
 *
 * @example
 * import { testBackend } from 'local-bedrock/vitest';
 *
 * testBackend('my backend', ({ replies }) => createMyBackend({ script: replies }), {
 *   capabilities: { forcedTools: false },
 * });
 */
export function testBackend(name: string, factory: BackendFactory, options: BackendConformanceOptions = {}): void {
  const can: BackendCapabilities = { maxTokens: true, stopSequences: true, tools: true, forcedTools: true, abort: true, errors: true, embeddings: true, ...options.capabilities };
  const modelId = options.modelId ?? DEFAULT_MODEL_ID;

  describe.each(DOORS)(`${name} backend conformance through the %s front door`, (door) => {
    /** A fresh backend and client for one case; the runtime is disposed when the case ends. */
    async function start(caseName: string, replies: readonly ConformanceReply[]) {
      const context: ConformanceContext = { caseName, door, replies };
      const observed = observe(await factory(context));
      const runtime = createRuntime({ env: {}, logger: { warn: () => {} }, ...options.runtimeOptions, backend: observed.backend });
      const client = clientFor(door, runtime);
      return { context, observed, runtime, client };
    }

    async function run<T>(caseName: string, replies: readonly ConformanceReply[], body: (setup: Awaited<ReturnType<typeof start>>) => Promise<T>): Promise<T> {
      const setup = await start(caseName, replies);
      try {
        return await body(setup);
      } finally {
        await setup.runtime.dispose();
      }
    }

    it('Converse answers text with end_turn and usage', async () => {
      const reply = textReply();
      await run('text', [reply], async ({ client }) => {
        const response = await client.send(new ConverseCommand({ modelId, messages: [user({ text: 'Say the sentence.' })], inferenceConfig: { maxTokens: 512 } }));
        expect(textOf(response)).toBe(expectedText(options, SENTENCE));
        expect(response.stopReason).toBe('end_turn');
        const usage = response.usage!;
        expect(usage.inputTokens).toBeGreaterThan(0);
        expect(usage.outputTokens).toBeGreaterThan(0);
        expect(usage.totalTokens).toBe(usage.inputTokens! + usage.outputTokens!);
      });
    });

    it.runIf(can.maxTokens)('Converse stops at maxTokens with max_tokens', async () => {
      const maxTokens = 3;
      await run('max tokens', [textReply(SENTENCE, maxTokens)], async ({ client }) => {
        const response = await client.send(new ConverseCommand({ modelId, messages: [user({ text: 'Say the sentence.' })], inferenceConfig: { maxTokens } }));
        const full = expectedText(options, SENTENCE);
        const text = textOf(response);
        expect(response.stopReason).toBe('max_tokens');
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThan(full.length);
        expect(full.startsWith(text)).toBe(true);
        expect(response.usage?.outputTokens).toBeGreaterThan(0);
        expect(response.usage?.outputTokens).toBeLessThanOrEqual(maxTokens);
      });
    });

    it('ConverseStream sends its events in Bedrock order with usage last', async () => {
      await run('stream', [textReply()], async ({ client }) => {
        const response = await client.send(new ConverseStreamCommand({ modelId, messages: [user({ text: 'Say the sentence.' })], inferenceConfig: { maxTokens: 512 } }));
        const events = await collect(response.stream);
        const names = events.map(eventName);
        expect(names[0]).toBe('messageStart');
        expect(names.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
        expect(new Set(names.slice(1, -3))).toEqual(new Set(['contentBlockDelta']));
        expect(events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('')).toBe(expectedText(options, SENTENCE));
        expect(events.at(-2)?.messageStop?.stopReason).toBe('end_turn');
        const metadata = events.at(-1)!.metadata!;
        expect(metadata.usage?.inputTokens).toBeGreaterThan(0);
        expect(metadata.usage?.outputTokens).toBeGreaterThan(0);
        expect(Number.isInteger(metadata.metrics?.latencyMs)).toBe(true);
      });
    });

    it.runIf(can.stopSequences)('a stop sequence ends the answer exactly, in Converse and ConverseStream', async () => {
      const { sequence, before } = stopSequenceIn(expectedText(options, SENTENCE));
      await run('stop sequence', [textReply(), textReply()], async ({ client }) => {
        const input = { modelId, messages: [user({ text: 'Say the sentence.' })], inferenceConfig: { maxTokens: 512, stopSequences: [sequence] } };
        const response = await client.send(new ConverseCommand({ ...input, additionalModelResponseFieldPaths: ['/stop_sequence'] }));
        expect(response.stopReason).toBe('stop_sequence');
        expect(textOf(response)).toBe(before);
        expect(response.additionalModelResponseFields).toEqual({ stop_sequence: sequence });

        const events = await collect((await client.send(new ConverseStreamCommand(input))).stream);
        expect(events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('')).toBe(before);
        expect(events.at(-2)?.messageStop?.stopReason).toBe('stop_sequence');
      });
    });

    it.runIf(can.tools && can.forcedTools)('forced tool use gives one toolUse whose input is valid against the schema', async () => {
      const input = { city: 'Paris', days: 3 };
      const call: ConformanceReply = { type: 'toolUse', name: 'get_weather', input };
      await run('forced tool', [call, call], async ({ client }) => {
        const request = {
          modelId,
          messages: [user({ text: 'What will the weather be in Paris for the next 3 days?' })],
          toolConfig: { ...WEATHER_TOOLS, toolChoice: { tool: { name: 'get_weather' } } },
          inferenceConfig: { maxTokens: 512 },
        };
        const response = await client.send(new ConverseCommand(request));
        expect(response.stopReason).toBe('tool_use');
        const toolUses = (response.output?.message?.content ?? []).flatMap((block) => (block.toolUse ? [block.toolUse] : []));
        expect(toolUses).toHaveLength(1);
        expect(toolUses[0]!.name).toBe('get_weather');
        expect(toolUses[0]!.toolUseId).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(schemaProblems(toolUses[0]!.input, WEATHER_SCHEMA)).toEqual([]);
        if (options.fixedAnswer === undefined) expect(toolUses[0]!.input).toEqual(input);

        const events = await collect((await client.send(new ConverseStreamCommand(request))).stream);
        const start = events.find((event) => event.contentBlockStart)?.contentBlockStart?.start?.toolUse;
        expect(start?.name).toBe('get_weather');
        const streamedInput = events.map((event) => event.contentBlockDelta?.delta?.toolUse?.input ?? '').join('');
        expect(schemaProblems(JSON.parse(streamedInput), WEATHER_SCHEMA)).toEqual([]);
        expect(events.at(-2)?.messageStop?.stopReason).toBe('tool_use');
      });
    });

    it.runIf(can.tools)('a tool result round trip is answered with text', async () => {
      await run('tool result', [textReply('It will be sunny in Paris.')], async ({ client, observed }) => {
        const response = await client.send(
          new ConverseCommand({
            modelId,
            toolConfig: WEATHER_TOOLS,
            messages: [
              user({ text: 'What will the weather be in Paris tomorrow?' }),
              { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_conformance1', name: 'get_weather', input: { city: 'Paris', days: 1 } } }] },
              user({ toolResult: { toolUseId: 'tooluse_conformance1', content: [{ json: { forecast: 'sunny' } }] } }),
            ],
            inferenceConfig: { maxTokens: 512 },
          }),
        );
        expect(response.stopReason).toBe('end_turn');
        expect(textOf(response)).toBe(expectedText(options, 'It will be sunny in Paris.'));
        const last = observed.requests.at(-1)?.messages.at(-1)?.content[0];
        expect(last).toMatchObject({ type: 'toolResult', toolUseId: 'tooluse_conformance1' });
      });
    });

    it('the system prompt reaches the backend', async () => {
      await run('system prompt', [textReply()], async ({ client, observed }) => {
        const response = await client.send(
          new ConverseCommand({ modelId, system: [{ text: 'You answer in one sentence.' }], messages: [user({ text: 'Say the sentence.' })], inferenceConfig: { maxTokens: 512 } }),
        );
        expect(textOf(response)).toBe(expectedText(options, SENTENCE));
        expect(observed.requests.at(-1)?.system).toEqual(['You answer in one sentence.']);
      });
    });

    it('InvokeModel answers a Claude Messages body and a Meta Llama prompt body', async () => {
      await run('invoke', [textReply(), textReply()], async ({ client }) => {
        const decode = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
        const claude = decode(
          (
            await client.send(
              new InvokeModelCommand({
                modelId,
                body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 512, messages: [{ role: 'user', content: 'Say the sentence.' }] }),
              }),
            )
          ).body,
        );
        expect(claude).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', content: [{ type: 'text', text: expectedText(options, SENTENCE) }] });

        const prompt = '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nSay the sentence.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n';
        const llama = decode((await client.send(new InvokeModelCommand({ modelId: LLAMA_MODEL_ID, body: JSON.stringify({ prompt, max_gen_len: 512 }) }))).body);
        expect(llama).toMatchObject({ generation: expectedText(options, SENTENCE), stop_reason: 'stop' });
        expect(llama.prompt_token_count).toBeGreaterThan(0);
      });
    });

    it.runIf(can.embeddings)('InvokeModel embeds with Titan Text Embeddings v2 through the backend', async () => {
      await run('embeddings', [], async ({ client, observed }) => {
        const embed = async (inputText: string) => {
          const output = await client.send(new InvokeModelCommand({ modelId: TITAN_EMBED_MODEL_ID, body: JSON.stringify({ inputText, dimensions: 256 }) }));
          return JSON.parse(new TextDecoder().decode(output.body)) as { embedding: number[]; inputTextTokenCount: number };
        };
        const first = await embed('The quick brown fox');
        const again = await embed('The quick brown fox');
        const other = await embed('A report on interest rates');
        expect(first.embedding).toHaveLength(256);
        expect(Math.hypot(...first.embedding)).toBeCloseTo(1, 4);
        expect(first.inputTextTokenCount).toBeGreaterThan(0);
        expect(again.embedding).toEqual(first.embedding);
        expect(other.embedding).not.toEqual(first.embedding);
        // The backend's own model answered, not the deterministic fallback.
        if (observed.backend.embed) expect(observed.embedded).toEqual(['The quick brown fox', 'The quick brown fox', 'A report on interest rates']);
      });
    });

    it.runIf(can.abort)('aborting a stream mid-answer reaches the backend', async () => {
      const endless: ConformanceReply = { type: 'endless', pieces: piecesOf(SENTENCE) };
      await run('abort', [endless], async ({ client, observed, context }) => {
        const controller = new AbortController();
        const response = await client.send(new ConverseStreamCommand({ modelId, messages: [user({ text: 'Tell a long story.' })] }), { abortSignal: controller.signal });
        const iterator = response.stream![Symbol.asyncIterator]();
        expect(eventName((await iterator.next()).value as ConverseStreamOutput)).toBe('messageStart');
        expect(eventName((await iterator.next()).value as ConverseStreamOutput)).toBe('contentBlockDelta');
        controller.abort();

        const reason = await bounded(observed.streamAborted, options.abortTimeoutMs ?? 5000, 'the abort to reach the backend');
        // Released (not aborted) means the backend had already finished: the caller's abort never reached it.
        expect((reason as { name?: string } | undefined)?.name).not.toBe(RELEASED_REASON);
        await iterator.return?.();
        await options.afterAbort?.(context);
      });
    });

    it.runIf(can.errors)('a missing model surfaces as a Bedrock exception, in Converse and ConverseStream', async () => {
      const missing: ConformanceReply = { type: 'missingModel', backendModel: MISSING_MODEL };
      const expected = options.expectedError ?? 'ResourceNotFoundException';
      await run('error', [missing, missing], async ({ client }) => {
        const input = { modelId: `ollama.${MISSING_MODEL}`, messages: [user({ text: 'Hi' })] };
        for (const call of [() => client.send(new ConverseCommand(input)), () => client.send(new ConverseStreamCommand(input))]) {
          const error = await call().then(
            () => undefined,
            (failure: unknown) => failure as { name?: string; $metadata?: { httpStatusCode?: number } },
          );
          expect(error?.name).toBe(expected);
          expect(error?.$metadata?.httpStatusCode).toBeGreaterThanOrEqual(400);
        }
      });
    });

    it('dispose releases the backend once', async () => {
      const { client, observed, runtime } = await start('dispose', [textReply()]);
      await client.send(new ConverseCommand({ modelId, messages: [user({ text: 'Say the sentence.' })], inferenceConfig: { maxTokens: 512 } }));
      await expect(runtime.dispose()).resolves.toBeUndefined();
      expect(observed.disposals).toBe(1);
    });
  });
}
