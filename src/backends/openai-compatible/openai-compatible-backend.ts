import type { ChatRequest, ChatResponse, ChatStreamEvent } from '../../chat/types.js';
import { responseToStreamEvents } from '../../chat/stream.js';
import { BedrockServiceError, validationError } from '../../errors/bedrock-errors.js';
import { lookUpModelMap, type ModelMap } from '../../models/model-map.js';
import { loadedTokenizer } from '../../tokens/tokenizers.js';
import type { Backend, BackendCallOptions, EmbeddingRequest, EmbeddingResponse } from '../types.js';
import { httpError, modelStreamError, unreachableError } from './openai-errors.js';
import { toOpenAIChatRequest } from './openai-request.js';
import { fromOpenAICompletion } from './openai-response.js';
import { translateOpenAIStream } from './openai-stream.js';
import type { OpenAIChatCompletion, OpenAIEmbeddingResponse, OpenAIModelList } from './openai-wire.js';
import { parseServerSentEvents } from './sse-parser.js';

/**
 * Options of the OpenAI-compatible backend.
 *
 * @example
 * const options: OpenAICompatibleBackendOptions = { baseURL: 'http://127.0.0.1:8080/v1', model: 'qwen2.5-0.5b-instruct', embeddingModel: 'nomic-embed-text' };
 */
export interface OpenAICompatibleBackendOptions {
  /** The API root, ending in `/v1` for most servers. Default: `LOCAL_BEDROCK_OPENAI_BASE_URL`, else `http://127.0.0.1:8000/v1` (vLLM's default). */
  baseURL?: string;
  /** Sent as `Authorization: Bearer …`. Default: `LOCAL_BEDROCK_OPENAI_API_KEY`, else `OPENAI_API_KEY`; none when neither is set. */
  apiKey?: string;
  /** The `fetch` used for every call (for proxies and tests). */
  fetch?: typeof fetch;
  /** Headers sent with every call (gateway routing, tenant ids). */
  headers?: Record<string, string>;
  /**
   * The server model for every chat request this backend's `modelMap` does not name, instead of the
   * runtime's choice. Default: `LOCAL_BEDROCK_OPENAI_MODEL`; unset, the runtime's model map and
   * `defaultModel` decide. `ollama.<name>` ids always run `<name>`.
   */
  model?: string;
  /** Bedrock model id (or `prefix*`) → server model name; wins over `model` and the runtime's choice. */
  modelMap?: ModelMap;
  /** The server model for embedding requests `modelMap` does not name. Default: `LOCAL_BEDROCK_OPENAI_EMBEDDING_MODEL`. */
  embeddingModel?: string;
  /** Extra members of every `/chat/completions` body, for server-specific parameters (vLLM's `top_k`, `repetition_penalty`). */
  extraBody?: Record<string, unknown>;
  /** How long `checkReachable()` waits for an answer. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Environment to read defaults from; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A model the server lists.
 *
 * @example
 * const models: OpenAIServerModel[] = await backend.listModels(); // [{ id: 'Qwen/Qwen2.5-0.5B-Instruct', ownedBy: 'vllm' }]
 */
export interface OpenAIServerModel {
  id: string;
  ownedBy?: string;
}

/**
 * What `describe()` reports: where the backend sends requests, never the key itself.
 *
 * @example
 * backend.describe(); // { name: 'openai', baseURL: 'http://127.0.0.1:8000/v1', model: 'gpt-4o-mini', mappedModels: [], authenticated: true }
 */
export interface OpenAICompatibleBackendDescription {
  name: 'openai';
  baseURL: string;
  model?: string;
  embeddingModel?: string;
  mappedModels: string[];
  authenticated: boolean;
}

/**
 * The OpenAI-compatible backend, with a look at the server.
 *
 * @example
 * const backend: OpenAICompatibleBackend = createOpenAICompatibleBackend({ baseURL: 'http://127.0.0.1:8000/v1' });
 * await backend.checkReachable(); // throws ServiceUnavailableException naming the URL when nothing listens
 */
export interface OpenAICompatibleBackend extends Backend {
  /** The API root in use, without a trailing slash. */
  readonly baseURL: string;
  /** The models the server lists (`GET {baseURL}/models`). */
  listModels(options?: { signal?: AbortSignal }): Promise<OpenAIServerModel[]>;
  /** Resolves when the server answers `GET {baseURL}/models`; otherwise throws `ServiceUnavailableException` naming the URL. */
  checkReachable(): Promise<void>;
  /** Where requests go and which models they name. */
  describe(): OpenAICompatibleBackendDescription;
}

const DEFAULT_BASE_URL = 'http://127.0.0.1:8000/v1';

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'));
}

/**
 * Answers through any server speaking the OpenAI Chat Completions API: vLLM, llama-server, LM Studio,
 * Ollama's `/v1`, LiteLLM and other gateways. Chat and SSE streaming (with usage), tools and forced tool
 * choice, images as data URLs, structured output (`response_format: json_schema`), reasoning content,
 * exact stop sequences, embeddings (`/embeddings`), and HTTP errors mapped to Bedrock's exceptions.
 *
 * @example
 * const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials, requestHandler: new LocalBedrockHandler({
 *   backend: createOpenAICompatibleBackend({ baseURL: 'http://127.0.0.1:8000/v1', model: 'Qwen/Qwen2.5-0.5B-Instruct' }),
 * }) });
 */
export function createOpenAICompatibleBackend(options: OpenAICompatibleBackendOptions = {}): OpenAICompatibleBackend {
  const env = options.env ?? process.env;
  const baseURL = (nonEmpty(options.baseURL) ?? nonEmpty(env.LOCAL_BEDROCK_OPENAI_BASE_URL) ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env.LOCAL_BEDROCK_OPENAI_API_KEY) ?? nonEmpty(env.OPENAI_API_KEY);
  const defaultModel = nonEmpty(options.model) ?? nonEmpty(env.LOCAL_BEDROCK_OPENAI_MODEL);
  const embeddingModel = nonEmpty(options.embeddingModel) ?? nonEmpty(env.LOCAL_BEDROCK_OPENAI_EMBEDDING_MODEL);
  const modelMap = options.modelMap ?? {};
  const baseFetch = options.fetch ?? ((input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init));
  const headers: Record<string, string> = { ...options.headers, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  /** Requests in flight, ended by `dispose()`. */
  const active = new Set<AbortController>();

  function chatModel(request: { modelId: string; backendModel: string }): string {
    const mapped = lookUpModelMap(modelMap, [request.modelId]);
    if (mapped !== undefined) return mapped;
    // `ollama.<name>` names the server model explicitly.
    if (request.modelId.startsWith('ollama.')) return request.backendModel;
    return defaultModel ?? request.backendModel;
  }

  /** Sends one request; network failures and HTTP errors become Bedrock exceptions. */
  async function send(path: string, init: { method: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal; model: string }): Promise<Response> {
    let response: Response;
    try {
      response = await baseFetch(`${baseURL}${path}`, {
        method: init.method,
        headers: { accept: 'application/json, text/event-stream', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (error) {
      if (isAbort(error, init.signal)) throw error;
      throw unreachableError(baseURL, error);
    }
    if (!response.ok) throw httpError(response.status, await response.text().catch(() => ''), { baseURL, model: init.model });
    return response;
  }

  async function readJson<T>(response: Response, model: string): Promise<T> {
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new BedrockServiceError('ModelErrorException', `The model returned an answer that is not JSON: ${text.slice(0, 200)}`, {
        members: { resourceName: model },
        cause: error,
      });
    }
  }

  /** Runs a call with its own controller, so `dispose()` can end it and a stream can end its request early. */
  function track(signal: AbortSignal | undefined): { controller: AbortController; signal: AbortSignal; done: () => void } {
    const controller = new AbortController();
    active.add(controller);
    return {
      controller,
      signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal,
      done: () => active.delete(controller),
    };
  }

  async function chat(request: ChatRequest, callOptions: BackendCallOptions = {}): Promise<ChatResponse> {
    const model = chatModel(request);
    const call = track(callOptions.signal);
    try {
      const response = await send('/chat/completions', { method: 'POST', body: toOpenAIChatRequest(request, model, { stream: false, extraBody: options.extraBody }), signal: call.signal, model });
      return fromOpenAICompletion(request, await readJson<OpenAIChatCompletion>(response, model));
    } finally {
      call.done();
    }
  }

  async function chatStream(request: ChatRequest, callOptions: BackendCallOptions = {}): Promise<AsyncIterable<ChatStreamEvent>> {
    const model = chatModel(request);
    const call = track(callOptions.signal);
    let response: Response;
    try {
      response = await send('/chat/completions', { method: 'POST', body: toOpenAIChatRequest(request, model, { stream: true, extraBody: options.extraBody }), signal: call.signal, model });
    } catch (error) {
      call.done();
      throw error;
    }
    return (async function* (): AsyncGenerator<ChatStreamEvent> {
      let finished = false;
      try {
        // A server that ignores `stream: true` answers with one JSON completion; replay it as a stream.
        if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
          yield* responseToStreamEvents(fromOpenAICompletion(request, await readJson<OpenAIChatCompletion>(response, model)));
          return;
        }
        if (!response.body) throw modelStreamError('the server sent no body');
        for await (const event of translateOpenAIStream(parseServerSentEvents(response.body), request, () => call.controller.abort())) {
          finished ||= event.type === 'finish';
          yield event;
        }
      } catch (error) {
        // Ending the request at a stop sequence makes the body's clean-up fail; the answer is complete.
        if (finished) return;
        if (call.signal.aborted || BedrockServiceError.isInstance(error)) throw error;
        // The connection broke mid-answer (`terminated`, a reset): the answer is incomplete.
        throw modelStreamError(error instanceof Error ? error.message : String(error), error);
      } finally {
        // Ends the HTTP request when the reader stops early; a no-op once the body has been read.
        call.controller.abort();
        call.done();
      }
    })();
  }

  async function embed(request: EmbeddingRequest, callOptions: BackendCallOptions = {}): Promise<EmbeddingResponse> {
    // `/embeddings` takes text only; vectors of images from elsewhere would not be comparable to these.
    if (request.images.length > 0) throw validationError('The OpenAI-compatible backend cannot embed images: /embeddings takes text only.');
    const model = lookUpModelMap(modelMap, [request.modelId]) ?? embeddingModel ?? request.backendModel;
    const call = track(callOptions.signal);
    try {
      const response = await send('/embeddings', { method: 'POST', body: { model, input: request.texts, encoding_format: 'float' }, signal: call.signal, model });
      const answer = await readJson<OpenAIEmbeddingResponse>(response, model);
      const data = [...(answer.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      if (data.length !== request.texts.length || data.some((item) => !Array.isArray(item.embedding))) {
        throw new BedrockServiceError('ModelErrorException', `The model returned ${data.length} embeddings for ${request.texts.length} inputs.`, {
          members: { resourceName: model },
        });
      }
      const tokenizer = loadedTokenizer(request.modelId);
      return {
        embeddings: data.map((item) => item.embedding!),
        inputTokens: answer.usage?.prompt_tokens ?? request.texts.reduce((sum, text) => sum + tokenizer.count(text), 0),
      };
    } finally {
      call.done();
    }
  }

  async function listModels(listOptions: { signal?: AbortSignal } = {}): Promise<OpenAIServerModel[]> {
    const response = await send('/models', { method: 'GET', model: '', ...(listOptions.signal ? { signal: listOptions.signal } : {}) });
    const list = await readJson<OpenAIModelList>(response, '');
    return (list.data ?? []).map((model) => ({ id: model.id, ...(model.owned_by ? { ownedBy: model.owned_by } : {}) }));
  }

  return {
    name: 'openai',
    baseURL,
    chat,
    chatStream,
    embed,
    listModels,
    async checkReachable() {
      try {
        await listModels({ signal: AbortSignal.timeout(options.connectTimeoutMs ?? 2000) });
      } catch (error) {
        if (BedrockServiceError.isInstance(error) && error.name !== 'ResourceNotFoundException') throw error;
        // A gateway without `/models` is still a server that answers.
        if (BedrockServiceError.isInstance(error)) return;
        throw unreachableError(baseURL, error);
      }
    },
    describe() {
      return {
        name: 'openai',
        baseURL,
        ...(defaultModel ? { model: defaultModel } : {}),
        ...(embeddingModel ? { embeddingModel } : {}),
        mappedModels: Object.keys(modelMap),
        authenticated: apiKey !== undefined,
      };
    },
    async dispose() {
      for (const controller of active) controller.abort();
      active.clear();
    },
  };
}
