import { availableParallelism } from 'node:os';

/** Which GPU backend llama.cpp uses; `false` runs on the CPU. */
export type LlamaCppGpu = 'auto' | 'cuda' | 'vulkan' | 'metal' | false;

/** Progress of a model download (`modelUri`). */
export interface LlamaCppDownloadProgress {
  totalSize: number;
  downloadedSize: number;
}

/** Options of the llama.cpp backend. */
export interface LlamaCppBackendOptions {
  /** A local GGUF file. Default: `LOCAL_BEDROCK_LLAMACPP_MODEL` when it is a path. */
  modelPath?: string;
  /**
   * A model to download once into `modelCacheDirectory`, e.g. `hf:user/repo:Q4_K_M` or an `https://…/x.gguf`
   * URL. Default: `LOCAL_BEDROCK_LLAMACPP_MODEL` when it is a URI.
   */
  modelUri?: string;
  /** Where downloaded models are kept. Default: node-llama-cpp's models directory (`~/.node-llama-cpp/models`). */
  modelCacheDirectory?: string;
  /** Receives download progress; without it a progress bar is drawn on stderr when it is a terminal. */
  onDownloadProgress?: (progress: LlamaCppDownloadProgress) => void;
  /**
   * The GPU backend. Default `'auto'` (or `LOCAL_BEDROCK_LLAMACPP_GPU`): a GPU build is used when its prebuilt
   * binary and driver are present, otherwise the CPU, with no error either way.
   */
  gpu?: LlamaCppGpu;
  /** Tokens of context per sequence. Default: the model's training context, at most 4096. */
  contextSize?: number;
  /**
   * CPU threads. Default (or `LOCAL_BEDROCK_LLAMACPP_THREADS`): 1 on machines with 2 cores or fewer, else half
   * the cores (at most 8). More threads than free cores make ggml's spinning threads fight each other, which
   * costs hundreds of milliseconds per token.
   */
  threads?: number;
  /** Requests answered in parallel, one context sequence each; further requests wait. Default 2. */
  sequences?: number;
  /** A separate GGUF for `embed`. Default: the chat model itself. */
  embeddingModelPath?: string;
  /**
   * What node-llama-cpp does when no prebuilt binary fits. Default `'never'`: fail with a clear error rather
   * than compile llama.cpp from source (which needs cmake, a compiler and the network).
   */
  build?: 'never' | 'auto' | 'try';
  /** How long a download may stall before failing. Default 30 000 ms. */
  downloadTimeoutMs?: number;
  /** Environment to read defaults from; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Options with every default applied. */
export interface ResolvedLlamaCppOptions {
  modelPath?: string;
  modelUri?: string;
  modelCacheDirectory?: string;
  onDownloadProgress?: (progress: LlamaCppDownloadProgress) => void;
  gpu: LlamaCppGpu;
  contextSize?: number;
  threads: number;
  sequences: number;
  embeddingModelPath?: string;
  build: 'never' | 'auto' | 'try';
  downloadTimeoutMs: number;
}

/**
 * The thread count used when none is given: 1 on two cores or fewer, else half the cores, at most 8.
 *
 * @example
 * defaultThreads(2); // 1
 * defaultThreads(16); // 8
 */
export function defaultThreads(cores: number = availableParallelism()): number {
  if (cores <= 2) return 1;
  return Math.min(8, Math.max(1, Math.floor(cores / 2)));
}

const GPU_VALUES: Record<string, LlamaCppGpu> = { auto: 'auto', cuda: 'cuda', vulkan: 'vulkan', metal: 'metal', false: false, cpu: false, off: false, none: false };

function isUri(value: string): boolean {
  return /^(hf:|huggingface:|https?:\/\/)/i.test(value);
}

/**
 * Applies defaults and environment variables (`LOCAL_BEDROCK_LLAMACPP_MODEL`, `…_GPU`, `…_THREADS`).
 *
 * @example
 * resolveLlamaCppOptions({ env: { LOCAL_BEDROCK_LLAMACPP_MODEL: '/models/tiny.gguf' } }).modelPath; // '/models/tiny.gguf'
 */
export function resolveLlamaCppOptions(options: LlamaCppBackendOptions): ResolvedLlamaCppOptions {
  const env = options.env ?? process.env;
  const fromEnv = env.LOCAL_BEDROCK_LLAMACPP_MODEL?.trim() || undefined;
  const modelPath = options.modelPath ?? (options.modelUri === undefined && fromEnv && !isUri(fromEnv) ? fromEnv : undefined);
  const modelUri = options.modelUri ?? (options.modelPath === undefined && fromEnv && isUri(fromEnv) ? fromEnv : undefined);
  if (modelPath === undefined && modelUri === undefined) {
    throw new Error('[local-bedrock] The llamacpp backend needs a model: pass `llamacpp: { modelPath }` (a GGUF file) or set LOCAL_BEDROCK_LLAMACPP_MODEL.');
  }
  const gpuSetting = env.LOCAL_BEDROCK_LLAMACPP_GPU?.trim().toLowerCase();
  const gpu = options.gpu !== undefined ? options.gpu : gpuSetting && gpuSetting in GPU_VALUES ? GPU_VALUES[gpuSetting]! : 'auto';
  const threadSetting = Number.parseInt(env.LOCAL_BEDROCK_LLAMACPP_THREADS ?? '', 10);
  const threads = options.threads ?? (Number.isInteger(threadSetting) && threadSetting > 0 ? threadSetting : defaultThreads());
  return {
    ...(modelPath !== undefined ? { modelPath } : {}),
    ...(modelUri !== undefined ? { modelUri } : {}),
    ...(options.modelCacheDirectory !== undefined ? { modelCacheDirectory: options.modelCacheDirectory } : {}),
    ...(options.onDownloadProgress ? { onDownloadProgress: options.onDownloadProgress } : {}),
    gpu,
    ...(options.contextSize !== undefined ? { contextSize: options.contextSize } : {}),
    threads,
    sequences: Math.max(1, options.sequences ?? 2),
    ...(options.embeddingModelPath !== undefined ? { embeddingModelPath: options.embeddingModelPath } : {}),
    build: options.build ?? 'never',
    downloadTimeoutMs: options.downloadTimeoutMs ?? 30_000,
  };
}
