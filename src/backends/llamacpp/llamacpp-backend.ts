import type { ChatWrapper, Llama, LlamaContext, LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { chatFromStream } from '../../chat/stream.js';
import type { ChatRequest, ChatStreamEvent } from '../../chat/types.js';
import { BedrockServiceError, validationError } from '../../errors/bedrock-errors.js';
import type { Backend, BackendCallOptions, EmbeddingRequest, EmbeddingResponse } from '../types.js';
import { EventQueue } from '../../core/event-queue.js';
import { toGrammarSchema } from './json-schema-grammar.js';
import { validateGgufFile } from './gguf-validation.js';
import { runGeneration, type ChatSlot, type GenerationPlan } from './llamacpp-generation.js';
import { toLlamaHistory } from './llamacpp-history.js';
import { resolveLlamaCppOptions, type LlamaCppBackendOptions, type LlamaCppGpu, type ResolvedLlamaCppOptions } from './llamacpp-options.js';
import { loadNodeLlamaCpp, type NodeLlamaCppImporter, type NodeLlamaCppModule } from './load-node-llama-cpp.js';
import { resolveModelSource } from './model-source.js';
import { SequencePool } from './sequence-pool.js';
import { acquireSharedLlama } from './shared-llama.js';
import { forcedToolPlan, toLlamaFunctions } from './tool-grammar.js';

/** What a llama.cpp backend runs on, for logs and benchmark headers. */
export interface LlamaCppDescription {
  name: 'llamacpp';
  /** The GPU backend in use (`false`: CPU), once loaded; the requested setting before. */
  gpu: LlamaCppGpu;
  /** `prebuilt` when node-llama-cpp's shipped binary is used, `localBuild` when it was compiled here. */
  buildType: 'prebuilt' | 'localBuild';
  threads: number;
  /** The model file (or URI, before it is downloaded). */
  model: string;
  contextSize: number | undefined;
  sequences: number;
  /** The chat template node-llama-cpp resolved from the model, e.g. `ChatML`, once a request ran. */
  chatTemplate?: string;
}

/** The llama.cpp backend, with a way to load the model ahead of the first request. */
export interface LlamaCppBackend extends Backend {
  readonly name: 'llamacpp';
  /** Loads node-llama-cpp, validates and loads the model and creates its context now. */
  prepare(): Promise<void>;
  /** What the backend runs on (loads node-llama-cpp's binding, not the model, to tell GPU and build type). */
  describe(): Promise<LlamaCppDescription>;
  /** Embeds texts with the model's (or `embeddingModelPath`'s) embedding context. */
  embed(request: EmbeddingRequest, options?: BackendCallOptions): Promise<EmbeddingResponse>;
  /** Frees the model, its contexts and (with its last user) the llama.cpp binding; waiting requests fail. */
  dispose(): Promise<void>;
}

/** Test seams; not part of the public options. */
export interface LlamaCppBackendInternals {
  importer?: NodeLlamaCppImporter;
}

interface Loaded {
  module: NodeLlamaCppModule;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  pool: SequencePool<ChatSlot>;
  modelPath: string;
}

/** node-llama-cpp's ways of saying the prompt does not fit the context. */
const CONTEXT_OVERFLOW = /fits? the context|context size is too small|too long for the context|context shift/i;

/** A failure before the first token: too long an input is the caller's (Bedrock's wording); others stay. */
function beforeStartError(error: unknown): unknown {
  const cause = BedrockServiceError.isInstance(error) && error.cause !== undefined ? error.cause : error;
  if (cause instanceof Error && CONTEXT_OVERFLOW.test(cause.message)) {
    return new BedrockServiceError('ValidationException', 'Input is too long for requested model.', { cause });
  }
  if (BedrockServiceError.isInstance(error) && error.name === 'ModelStreamErrorException') {
    return new BedrockServiceError('ModelErrorException', error.message, { cause: error });
  }
  return error;
}

const recentLlamaLog: string[] = [];

function rememberLlamaLog(message: string): void {
  recentLlamaLog.push(message.trim());
  if (recentLlamaLog.length > 8) recentLlamaLog.shift();
}

function loadError(what: string, error: unknown): BedrockServiceError {
  if (BedrockServiceError.isInstance(error)) return error;
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  const detail = recentLlamaLog.find((line) => /error|failed|invalid|corrupt/i.test(line) && !line.endsWith('failed to load model'));
  recentLlamaLog.length = 0;
  return new BedrockServiceError('ModelErrorException', `[local-bedrock] ${what}: ${message}${detail ? ` (${detail})` : ''}`, { cause: error });
}

/**
 * Answers with a local GGUF model inside this process through llama.cpp (`node-llama-cpp`, an optional peer
 * dependency imported on first use). The model is validated, loaded once on the first request and reused;
 * `sequences` requests run in parallel and the rest wait. Chat uses the model's own chat template, with
 * streaming, `maxTokens`, exact stop sequences, sampling options, token usage from the model's tokenizer,
 * tool use (forced choice: a grammar from the tool's JSON schema; `auto`: node-llama-cpp function calling),
 * JSON-schema structured output, embeddings and prompt cancellation.
 *
 * @example
 * const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials, requestHandler: new LocalBedrockHandler({
 *   backend: createLlamaCppBackend({ modelPath: './models/qwen2.5-0.5b-instruct-q4_k_m.gguf' }),
 * }) });
 */
export function createLlamaCppBackend(options: LlamaCppBackendOptions = {}, internals: LlamaCppBackendInternals = {}): LlamaCppBackend {
  const settings: ResolvedLlamaCppOptions = resolveLlamaCppOptions(options);
  let module: Promise<NodeLlamaCppModule> | undefined;
  let llamaLease: ReturnType<typeof acquireSharedLlama> | undefined;
  let loading: Promise<Loaded> | undefined;
  let embedding: Promise<{ context: LlamaEmbeddingContext; model: LlamaModel }> | undefined;
  let embeddingChain: Promise<unknown> = Promise.resolve();
  let chatWrapper: ChatWrapper | undefined;
  let disposed = false;
  /** The generations in flight, so that `dispose()` can stop them. */
  const generations = new Set<{ cancel: AbortController; running: Promise<void> }>();

  const nodeLlamaCpp = () => (module ??= loadNodeLlamaCpp(internals.importer));

  function getLlamaOnce(): Promise<Llama> {
    if (llamaLease) return llamaLease.llama;
    const lease = acquireSharedLlama(`${String(settings.gpu)}|${settings.build}|${settings.threads}`, async () => {
      const { getLlama, LlamaLogLevel } = await nodeLlamaCpp();
      try {
        return await getLlama({
          gpu: settings.gpu,
          build: settings.build,
          maxThreads: settings.threads,
          logLevel: LlamaLogLevel.error,
          progressLogs: false,
          // llama.cpp explains a failed load only in its log; keep the lines so the error can say why.
          logger: (_level, message) => rememberLlamaLog(message),
        });
      } catch (error) {
        const hint = settings.gpu === false || settings.gpu === 'auto' ? '' : ` Use gpu: 'auto' or false, or install node-llama-cpp's ${settings.gpu} prebuilt binary.`;
        throw loadError(`llama.cpp could not start (gpu: ${String(settings.gpu)}, build: ${settings.build}).${hint}`, error);
      }
    });
    llamaLease = lease;
    lease.llama.catch(() => {
      if (llamaLease === lease) llamaLease = undefined;
      void lease.release();
    });
    return lease.llama;
  }

  async function loadModelFile(llama: Llama, path: string): Promise<LlamaModel> {
    const loaded = await nodeLlamaCpp();
    await validateGgufFile(loaded, path);
    try {
      return await llama.loadModel({ modelPath: path });
    } catch (error) {
      throw loadError(`llama.cpp could not load ${path}`, error);
    }
  }

  function load(): Promise<Loaded> {
    if (disposed) return Promise.reject(new BedrockServiceError('ServiceUnavailableException', '[local-bedrock] The llamacpp backend was disposed.'));
    loading ??= (async () => {
      const loadedModule = await nodeLlamaCpp();
      const modelPath = await resolveModelSource(loadedModule, settings);
      const llama = await getLlamaOnce();
      recentLlamaLog.length = 0;
      const model = await loadModelFile(llama, modelPath);
      try {
        const contextSize = settings.contextSize ?? Math.min(model.trainContextSize, 4096);
        const context = await model.createContext({ contextSize, sequences: settings.sequences, threads: settings.threads });
        // Resolving the template (parsing its Jinja, matching known formats) costs a second or more on a busy
        // machine: do it once while loading, not inside the first request.
        chatWrapper = loadedModule.resolveChatWrapper(model);
        const wrapper = chatWrapper;
        const slots = Array.from({ length: settings.sequences }, (): ChatSlot => {
          const sequence = context.getSequence();
          return { sequence, chat: new loadedModule.LlamaChat({ contextSequence: sequence, chatWrapper: wrapper }) };
        });
        return { module: loadedModule, llama, model, context, pool: new SequencePool(slots), modelPath };
      } catch (error) {
        await model.dispose();
        throw loadError(`llama.cpp could not create a context for ${modelPath}`, error);
      }
    })();
    // A failed load is retried by the next request (the file may have been fixed meanwhile).
    loading.catch(() => (loading = undefined));
    return loading;
  }

  async function plan(loaded: Loaded, request: ChatRequest): Promise<GenerationPlan> {
    const forced = forcedToolPlan(request);
    const history = toLlamaHistory(request, forced?.instruction);
    try {
      if (forced) return { request, history, forced, grammar: await loaded.llama.createGrammarForJsonSchema(forced.schema as never) };
      if (request.responseSchema) {
        return { request, history, grammar: await loaded.llama.createGrammarForJsonSchema(toGrammarSchema(request.responseSchema) as never) };
      }
    } catch (error) {
      throw validationError(`The JSON schema could not be turned into a grammar: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (request.tools.length > 0) return { request, history, functions: toLlamaFunctions(request.tools) };
    return { request, history };
  }

  async function chatStream(request: ChatRequest, callOptions: BackendCallOptions = {}): Promise<AsyncIterable<ChatStreamEvent>> {
    const loaded = await load();
    const generation = await plan(loaded, request);
    const slot = await loaded.pool.acquire(callOptions.signal);
    const cancel = new AbortController();
    const onCallerAbort = () => cancel.abort(callOptions.signal?.reason);
    callOptions.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const queue = new EventQueue<ChatStreamEvent>(
      () => cancel.abort(),
      (first, second) => (first.type === 'textDelta' && second.type === 'textDelta' ? { type: 'textDelta', text: first.text + second.text } : undefined),
    );
    const running = runGeneration(slot, generation, queue, cancel, callOptions.signal)
      .then(() => queue.end(), (error: unknown) => queue.fail(error))
      .finally(() => {
        callOptions.signal?.removeEventListener('abort', onCallerAbort);
        loaded.pool.release(slot);
        generations.delete(entry);
      });
    const entry = { cancel, running };
    generations.add(entry);
    // Resolve once the model has accepted the prompt (first event): an input that does not fit the context
    // fails the call itself, as Bedrock answers it, rather than the stream.
    queue.started.catch(() => undefined);
    try {
      await queue.started;
    } catch (error) {
      throw beforeStartError(error);
    }
    return queue;
  }

  function loadEmbedding(): Promise<{ context: LlamaEmbeddingContext; model: LlamaModel }> {
    embedding ??= (async () => {
      const loaded = await load();
      const model = settings.embeddingModelPath ? await loadModelFile(loaded.llama, settings.embeddingModelPath) : loaded.model;
      try {
        const context = await model.createEmbeddingContext({ contextSize: Math.min(model.trainContextSize, 2048), threads: settings.threads });
        return { context, model };
      } catch (error) {
        throw loadError('llama.cpp could not create an embedding context', error);
      }
    })();
    embedding.catch(() => (embedding = undefined));
    return embedding;
  }

  async function embed(request: EmbeddingRequest, callOptions: BackendCallOptions = {}): Promise<EmbeddingResponse> {
    if (request.images.length > 0) throw validationError('The llamacpp backend cannot embed images: it runs text-only models.');
    const { context, model } = await loadEmbedding();
    // One embedding context evaluates one text at a time; callers queue behind each other.
    const run = embeddingChain.then(async () => {
      const embeddings: number[][] = [];
      let inputTokens = 0;
      for (const text of request.texts) {
        if (callOptions.signal?.aborted) throw callOptions.signal.reason;
        inputTokens += model.tokenize(text).length;
        embeddings.push([...(await context.getEmbeddingFor(text)).vector]);
      }
      return { embeddings, inputTokens };
    });
    embeddingChain = run.catch(() => undefined);
    try {
      return await run;
    } catch (error) {
      if (callOptions.signal?.aborted) throw error;
      throw loadError('llama.cpp could not embed the input', error);
    }
  }

  return {
    name: 'llamacpp',
    chatStream,
    embed,
    chat: (request, callOptions) => chatFromStream(chatStream(request, callOptions), request),
    async prepare() {
      await load();
    },
    async describe() {
      const llama = await getLlamaOnce();
      const loaded = loading ? await loading.catch(() => undefined) : undefined;
      return {
        name: 'llamacpp',
        gpu: llama.gpu,
        buildType: llama.buildType,
        threads: settings.threads,
        model: loaded?.modelPath ?? settings.modelPath ?? settings.modelUri ?? '',
        contextSize: loaded?.context.contextSize ?? settings.contextSize,
        sequences: settings.sequences,
        ...(chatWrapper ? { chatTemplate: chatWrapper.wrapperName } : {}),
      };
    },
    async dispose() {
      disposed = true;
      // Generations still running (a stream nobody reads to its end) hold their sequences, and llama.cpp
      // waits for them before it frees a model: stop them first.
      const stopping = [...generations];
      for (const { cancel } of stopping) cancel.abort(new BedrockServiceError('ServiceUnavailableException', '[local-bedrock] The llamacpp backend was disposed.'));
      await Promise.all(stopping.map(({ running }) => running));
      const pending = loading;
      const pendingEmbedding = embedding;
      const lease = llamaLease;
      loading = undefined;
      embedding = undefined;
      llamaLease = undefined;
      const loaded = await pending?.catch(() => undefined);
      loaded?.pool.rejectAll(new BedrockServiceError('ServiceUnavailableException', '[local-bedrock] The llamacpp backend was disposed.'));
      const embedder = await pendingEmbedding?.catch(() => undefined);
      await embedder?.context.dispose();
      if (embedder && embedder.model !== loaded?.model) await embedder.model.dispose();
      // Disposing the model frees its contexts and sequences; the binding is freed with its last user.
      await loaded?.model.dispose();
      await lease?.release();
    },
  };
}
