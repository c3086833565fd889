import { Ollama, type ChatRequest as OllamaChatRequest, type ChatResponse as OllamaChatResponse, type ToolCall } from 'ollama';
import { requestDigest, stableToolUseId } from '../../chat/request-digest.js';
import { chatFromStream } from '../../chat/stream.js';
import type { ChatRequest, ChatStopReason, ChatStreamEvent } from '../../chat/types.js';
import { BedrockServiceError, validationError } from '../../errors/bedrock-errors.js';
import { countChatRequestTokens } from '../../tokens/count-chat-request.js';
import { loadedTokenizer } from '../../tokens/tokenizers.js';
import { StopSequenceWatcher } from '../stop-sequence-watcher.js';
import type { BackendCallOptions, Backend, EmbeddingRequest, EmbeddingResponse } from '../types.js';
import { forcedToolFormat, toOllamaMessages, toOllamaOptions, toOllamaThink, toOllamaTools } from './ollama-request.js';

/** Progress of a model download, as Ollama reports it. */
export interface OllamaPullProgress {
  model: string;
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
}

/** Options of the Ollama backend. */
export interface OllamaBackendOptions {
  /** Ollama's address. Default: `OLLAMA_HOST`, else `http://127.0.0.1:11434`. */
  host?: string;
  /** The `fetch` used for every call (for proxies and tests). */
  fetch?: typeof fetch;
  /** Headers sent with every call. */
  headers?: Record<string, string>;
  /** Pull a model the server does not have on first use. Default `true`. */
  pull?: boolean;
  /** Receives download progress while a model is pulled. */
  onPullProgress?: (progress: OllamaPullProgress) => void;
  /** Models to pull before the first request is answered. Default: `BEDROCK_PULL_MODELS` (comma-separated). */
  pullModels?: string[];
  /** Models to load into memory before the first request (`true`: the pulled ones). Default: `BEDROCK_PREWARM`. */
  prewarm?: boolean | string[];
  /** How long Ollama keeps a model loaded after a call, e.g. `'5m'`. */
  keepAlive?: string | number;
  /** How long to wait for Ollama to answer a reachability probe. Default 1000 ms. */
  connectTimeoutMs?: number;
  /** Environment to read defaults from; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The Ollama backend, with a way to do the pull and prewarm work ahead of time. */
export interface OllamaBackend extends Backend {
  /** The server address in use. */
  readonly host: string;
  /** Pulls and prewarms the configured models now instead of before the first request. */
  prepare(): Promise<void>;
}

const DEFAULT_HOST = 'http://127.0.0.1:11434';

/** Ollama's host setting → URL: a bare `host` or `host:port` becomes `http://host:11434`-style, as Ollama's CLI reads it. */
function normalizeHost(host: string | undefined): string {
  if (!host || host.trim() === '') return DEFAULT_HOST;
  const trimmed = host.trim().replace(/\/+$/, '');
  if (/^https?:\/\//.test(trimmed)) return trimmed;
  return trimmed.includes(':') ? `http://${trimmed}` : `http://${trimmed}:11434`;
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

interface OllamaResponseError {
  error: string;
  status_code: number;
}

function isResponseError(error: unknown): error is OllamaResponseError {
  return typeof error === 'object' && error !== null && typeof (error as OllamaResponseError).status_code === 'number';
}

function isModelMissing(error: unknown): boolean {
  return isResponseError(error) && error.status_code === 404 && /not found/i.test(error.error);
}

/**
 * The client throws a plain `Error` for an `{"error": …}` line mid-stream and for a stream that ends without
 * `done`: the model failed while answering, which Bedrock reports as `ModelStreamErrorException`.
 */
function modelStreamError(error: unknown): unknown {
  if (!(error instanceof Error) || error.constructor !== Error) return error;
  return new BedrockServiceError('ModelStreamErrorException', `The model returned an error: ${error.message}`, {
    members: { originalMessage: error.message },
    cause: error,
  });
}

/** Ollama's 400 for `think` on a model without thinking: `"llama3.2" does not support thinking`. */
const THINKING_UNSUPPORTED = /does not support thinking/i;

function mapStopReason(doneReason: string | undefined, sawToolCall: boolean): ChatStopReason {
  if (doneReason === 'length') return 'max_tokens';
  return sawToolCall ? 'tool_use' : 'end_turn';
}

/**
 * Answers with a real local model through an Ollama server, using the `ollama` npm client: chat and
 * streaming, tools, images, thinking, sampling options and usage, and text embeddings (`/api/embed`). A
 * model the server lacks is pulled on first use (opt out with `pull: false`). An unreachable server gives
 * `ServiceUnavailableException` naming the host within `connectTimeoutMs`.
 *
 * @example
 * const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials, requestHandler: new LocalBedrockHandler({
 *   backend: createOllamaBackend({ host: 'http://127.0.0.1:11434' }),
 *   modelMap: { 'anthropic.claude-3-haiku-20240307-v1:0': 'llama3.2' },
 * }) });
 */
export function createOllamaBackend(options: OllamaBackendOptions = {}): OllamaBackend {
  const env = options.env ?? process.env;
  const host = normalizeHost(options.host ?? env.OLLAMA_HOST);
  const baseFetch = options.fetch ?? ((input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init));
  const pullMissing = options.pull ?? true;
  const connectTimeoutMs = options.connectTimeoutMs ?? 1000;
  const pullModels = options.pullModels ?? (env.BEDROCK_PULL_MODELS ?? '').split(',').map((model) => model.trim()).filter(Boolean);
  const prewarm = options.prewarm ?? isTruthy(env.BEDROCK_PREWARM);
  let reachable = false;
  let preparation: Promise<void> | undefined;
  const pulling = new Map<string, Promise<void>>();

  /** An Ollama client whose requests also end when `signal` aborts. */
  function client(signal?: AbortSignal): Ollama {
    const fetchWithSignal = (input: string | URL | Request, init?: RequestInit) =>
      baseFetch(input, { ...init, signal: signal && init?.signal ? AbortSignal.any([signal, init.signal]) : (signal ?? init?.signal) });
    return new Ollama({ host, fetch: fetchWithSignal as typeof fetch, headers: options.headers });
  }

  function unreachable(cause: unknown): BedrockServiceError {
    const reason = cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
    return new BedrockServiceError(
      'ServiceUnavailableException',
      `Ollama is not reachable at ${host} (${reason}). Start it with \`ollama serve\`, or point OLLAMA_HOST at it.`,
      { cause },
    );
  }

  async function ensureReachable(): Promise<void> {
    if (reachable) return;
    try {
      const response = await baseFetch(`${host}/api/version`, { signal: AbortSignal.timeout(connectTimeoutMs), headers: options.headers });
      await response.arrayBuffer();
      reachable = true;
    } catch (error) {
      throw unreachable(error);
    }
  }

  async function pull(model: string): Promise<void> {
    let running = pulling.get(model);
    if (!running) {
      running = (async () => {
        const progress = await client().pull({ model, stream: true });
        for await (const step of progress) options.onPullProgress?.({ model, ...step });
      })().finally(() => pulling.delete(model));
      pulling.set(model, running);
    }
    await running;
  }

  async function prepare(): Promise<void> {
    preparation ??= (async () => {
      await ensureReachable();
      for (const model of pullModels) await pull(model);
      const warm = prewarm === true ? pullModels : prewarm === false ? [] : prewarm;
      for (const model of warm) await client().generate({ model, prompt: '', keep_alive: options.keepAlive, stream: false });
    })().catch((error: unknown) => {
      preparation = undefined;
      throw error;
    });
    await preparation;
  }

  function toBedrockError(error: unknown, model: string): unknown {
    if (BedrockServiceError.isInstance(error)) return error;
    if (isResponseError(error)) {
      if (isModelMissing(error)) {
        return new BedrockServiceError('ResourceNotFoundException', `The Ollama model "${model}" is not available at ${host}: ${error.error}. Pull it with \`ollama pull ${model}\`.`);
      }
      if (error.status_code === 400) return validationError(`The model returned the following errors: ${error.error}`);
      return new BedrockServiceError('ModelErrorException', `The model returned an error: ${error.error}`, {
        members: { originalStatusCode: error.status_code, resourceName: model },
      });
    }
    if (error instanceof Error && error.name === 'AbortError') return error;
    if (error instanceof TypeError) {
      reachable = false;
      return unreachable(error);
    }
    return error;
  }

  /** Runs an Ollama call, pulling the model first if the server lacks it (and pulling is on). */
  async function withPull<T>(model: string, call: () => Promise<T>): Promise<T> {
    await prepare();
    try {
      return await call();
    } catch (error) {
      if (!pullMissing || !isModelMissing(error)) throw toBedrockError(error, model);
      try {
        await pull(model);
        return await call();
      } catch (retryError) {
        throw toBedrockError(retryError, model);
      }
    }
  }

  /** Texts through `POST /api/embed`, one vector each at the model's own dimension (the codecs resize). */
  async function embed(request: EmbeddingRequest, callOptions: BackendCallOptions = {}): Promise<EmbeddingResponse> {
    // Ollama's embed endpoint takes text only; mixing in vectors from elsewhere would make similarities meaningless.
    if (request.images.length > 0) throw validationError('The Ollama backend cannot embed images: Ollama\'s /api/embed takes text only.');
    const model = request.backendModel;
    const response = await withPull(model, () =>
      client(callOptions.signal).embed({ model, input: request.texts, ...(options.keepAlive !== undefined ? { keep_alive: options.keepAlive } : {}) }),
    );
    if (response.embeddings.length !== request.texts.length) {
      throw new BedrockServiceError('ModelErrorException', `The model returned ${response.embeddings.length} embeddings for ${request.texts.length} inputs.`, {
        members: { resourceName: model },
      });
    }
    return { embeddings: response.embeddings, inputTokens: response.prompt_eval_count ?? 0 };
  }

  async function chatStream(request: ChatRequest, callOptions: BackendCallOptions = {}): Promise<AsyncIterable<ChatStreamEvent>> {
    const forced = forcedToolFormat(request);
    const ollamaRequest: OllamaChatRequest = {
      model: request.backendModel,
      messages: toOllamaMessages(request, forced?.instruction),
      options: toOllamaOptions(request),
      ...(forced ? { format: forced.format } : request.responseSchema ? { format: request.responseSchema } : {}),
      ...(!forced && request.tools.length > 0 ? { tools: toOllamaTools(request.tools) } : {}),
      ...(request.reasoning ? { think: toOllamaThink(request) } : {}),
      ...(options.keepAlive !== undefined ? { keep_alive: options.keepAlive } : {}),
    };
    const start = (body: OllamaChatRequest) => withPull(body.model, () => client(callOptions.signal).chat({ ...body, stream: true }));
    let upstream: Awaited<ReturnType<typeof start>>;
    try {
      upstream = await start(ollamaRequest);
    } catch (error) {
      // Thinking was asked for (DeepSeek R1 always thinks) but the local model cannot: answer without it.
      if (ollamaRequest.think === undefined || !THINKING_UNSUPPORTED.test(BedrockServiceError.isInstance(error) ? error.message : '')) throw error;
      const { think: _unsupported, ...withoutThinking } = ollamaRequest;
      upstream = await start(withoutThinking);
    }
    return translateStream(upstream, request, forced, (error) => toBedrockError(modelStreamError(error), request.backendModel));
  }

  return {
    name: 'ollama',
    host,
    prepare,
    chatStream,
    embed,
    chat: (request, callOptions) => chatFromStream(chatStream(request, callOptions), request),
    async dispose() {
      await Promise.allSettled([...pulling.values()]);
    },
  };
}

/**
 * Ollama NDJSON chunks → neutral events: thinking and content pieces become deltas, tool calls become
 * tool-use blocks with stable Bedrock-style ids, the final chunk's counts become usage. Stop sequences are
 * watched here; when one is hit the upstream request is ended.
 */
async function* translateStream(
  upstream: AsyncIterable<OllamaChatResponse> & { abort(): void },
  request: ChatRequest,
  forced: ReturnType<typeof forcedToolFormat>,
  mapError: (error: unknown) => unknown,
): AsyncGenerator<ChatStreamEvent> {
  const digest = requestDigest(request);
  const watcher = new StopSequenceWatcher(request.stopSequences);
  let emitted = '';
  let forcedJson = '';
  let toolCalls = 0;
  const toolEvents = (call: ToolCall, input: unknown = call.function.arguments): ChatStreamEvent[] => [
    { type: 'toolUseStart', id: stableToolUseId(digest, toolCalls++), name: call.function.name },
    { type: 'toolUseDelta', input: JSON.stringify(input ?? {}) },
  ];
  try {
    for await (const chunk of upstream) {
      const message = chunk.message;
      if (message?.thinking) yield { type: 'reasoningDelta', text: message.thinking };
      if (message?.content) {
        if (forced) forcedJson += message.content;
        else {
          const { emit, hit } = watcher.push(message.content);
          if (emit) {
            emitted += emit;
            yield { type: 'textDelta', text: emit };
          }
          if (hit !== undefined) {
            upstream.abort();
            const usage = { inputTokens: countChatRequestTokens(request), outputTokens: loadedTokenizer(request.modelId).count(emitted) };
            yield { type: 'finish', stopReason: 'stop_sequence', stopSequence: hit, usage };
            return;
          }
        }
      }
      for (const call of message?.tool_calls ?? []) yield* toolEvents(call);
      if (chunk.done) {
        const rest = watcher.flush();
        if (rest) yield { type: 'textDelta', text: rest };
        if (forced) {
          let answer: unknown;
          try {
            answer = JSON.parse(forcedJson);
          } catch {
            yield { type: 'finish', stopReason: 'malformed_tool_use', usage: { inputTokens: chunk.prompt_eval_count ?? 0, outputTokens: chunk.eval_count ?? 0 } };
            return;
          }
          const call = forced.toolFor(answer);
          yield* toolEvents({ function: { name: call.name, arguments: {} } }, call.input);
        }
        yield {
          type: 'finish',
          stopReason: mapStopReason(chunk.done_reason, toolCalls > 0),
          usage: { inputTokens: chunk.prompt_eval_count ?? 0, outputTokens: chunk.eval_count ?? 0 },
        };
        return;
      }
    }
  } catch (error) {
    throw mapError(error);
  } finally {
    // Ends the HTTP request when the consumer stops early; a no-op after a clean end.
    upstream.abort();
  }
}
