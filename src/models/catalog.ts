/**
 * What local-bedrock knows about Bedrock's model ids: which wire family each belongs to, what kind of
 * model it is, and the largest `maxTokens` it accepts. Ids are matched by pattern so that new versions of a
 * known model line work without a release.
 */

/** The wire/prompt family of a model; decides the native body format and the default local model. */
export type ModelFamily =
  | 'anthropic'
  | 'amazon-nova'
  | 'amazon-titan'
  | 'meta-llama'
  | 'mistral'
  | 'cohere'
  | 'ai21'
  | 'deepseek'
  | 'openai'
  | 'qwen'
  | 'writer'
  | 'stability'
  | 'twelvelabs'
  | 'luma'
  | 'ollama'
  | 'custom';

/** What a model does. Only `chat` models answer Converse. */
export type ModelKind = 'chat' | 'embedding' | 'image' | 'video' | 'speech' | 'rerank';

/**
 * What a chat model supports, from AWS's "supported models and model features" table. `feature-checks.ts`
 * refuses Converse requests that use a feature the model lacks; streaming is what InvokeModelWithResponseStream
 * and ConverseStream need.
 */
export interface ModelFeatures {
  /** System prompts (Titan Text and Mistral 7B/Mixtral have none). */
  system: boolean;
  /** Tool use in Converse / the native body. */
  tools: boolean;
  /** Tool use while streaming (Llama 3.1+, Mistral Large: tools only without streaming). */
  streamingTools: boolean;
  /** `toolChoice` `any` and `tool` (Llama 3.1+ accept only `auto`). */
  forcedToolChoice: boolean;
  /** Image input. */
  vision: boolean;
  /** Document blocks. */
  documents: boolean;
  /** Any streaming operation. */
  streaming: boolean;
}

const ALL_FEATURES: ModelFeatures = { system: true, tools: true, streamingTools: true, forcedToolChoice: true, vision: true, documents: true, streaming: true };
const TEXT_ONLY: ModelFeatures = { system: true, tools: false, streamingTools: false, forcedToolChoice: false, vision: false, documents: true, streaming: true };
const NO_CHAT_FEATURES: ModelFeatures = { system: false, tools: false, streamingTools: false, forcedToolChoice: false, vision: false, documents: false, streaming: false };

/** One line of the catalog. */
export interface CatalogEntry {
  /** Matches the base (foundation) model id. */
  pattern: RegExp;
  family: ModelFamily;
  kind: ModelKind;
  /** The largest `maxTokens` the model accepts (chat models only). */
  maxOutputTokens?: number;
  /** The most input tokens a request may count (chat models only); larger prompts get a `ValidationException`. */
  contextWindow?: number;
  /** What the model supports; every feature for chat lines that name none, none for other kinds. */
  features: ModelFeatures;
  /**
   * Whether `performanceConfig.latency: optimized` is served optimized when the model is called through an
   * inference profile (AWS's latency-optimized list); everything else is served, and echoed, as `standard`.
   */
  latencyOptimized?: boolean;
}

type Line = Omit<CatalogEntry, 'features'> & { features?: Partial<ModelFeatures> };

function line(entry: Line): CatalogEntry {
  const base = entry.kind === 'chat' ? ALL_FEATURES : NO_CHAT_FEATURES;
  return { ...entry, features: { ...base, ...entry.features } };
}

// Order matters: the first matching line wins, so specific lines precede general ones.
const CATALOG: readonly CatalogEntry[] = (
  [
    // The 1M-token Claude lines (Opus/Sonnet 4.6 and later) precede the 200K Claude 4 line that would match them.
    { pattern: /^anthropic\.claude-((opus|sonnet)-4-[6-9]|(opus|sonnet)-5|fable)/, family: 'anthropic', kind: 'chat', maxOutputTokens: 128000, contextWindow: 1_000_000 },
    { pattern: /^anthropic\.claude-(3-7|sonnet-4|haiku-4|opus-4)/, family: 'anthropic', kind: 'chat', maxOutputTokens: 64000, contextWindow: 200_000 },
    { pattern: /^anthropic\.claude-3-5-haiku/, family: 'anthropic', kind: 'chat', maxOutputTokens: 8192, contextWindow: 200_000, features: { vision: false }, latencyOptimized: true },
    { pattern: /^anthropic\.claude-3-5/, family: 'anthropic', kind: 'chat', maxOutputTokens: 8192, contextWindow: 200_000 },
    { pattern: /^anthropic\.claude-v2:1/, family: 'anthropic', kind: 'chat', maxOutputTokens: 4096, contextWindow: 200_000, features: { ...TEXT_ONLY } },
    { pattern: /^anthropic\.claude-(v2|instant)/, family: 'anthropic', kind: 'chat', maxOutputTokens: 4096, contextWindow: 100_000, features: { ...TEXT_ONLY } },
    { pattern: /^anthropic\./, family: 'anthropic', kind: 'chat', maxOutputTokens: 4096, contextWindow: 200_000 },
    { pattern: /^amazon\.nova-canvas/, family: 'amazon-nova', kind: 'image' },
    { pattern: /^amazon\.nova-reel/, family: 'amazon-nova', kind: 'video' },
    { pattern: /^amazon\.nova-(2-)?sonic/, family: 'amazon-nova', kind: 'speech' },
    { pattern: /^amazon\.nova-.*embed/, family: 'amazon-nova', kind: 'embedding' },
    { pattern: /^amazon\.nova-micro/, family: 'amazon-nova', kind: 'chat', maxOutputTokens: 10000, contextWindow: 128_000, features: { vision: false, documents: false } },
    { pattern: /^amazon\.nova-(premier|2-)/, family: 'amazon-nova', kind: 'chat', maxOutputTokens: 10000, contextWindow: 1_000_000 },
    { pattern: /^amazon\.nova-pro/, family: 'amazon-nova', kind: 'chat', maxOutputTokens: 10000, contextWindow: 300_000, latencyOptimized: true },
    { pattern: /^amazon\.nova-/, family: 'amazon-nova', kind: 'chat', maxOutputTokens: 10000, contextWindow: 300_000 },
    { pattern: /^amazon\.titan-embed/, family: 'amazon-titan', kind: 'embedding' },
    { pattern: /^amazon\.titan-image/, family: 'amazon-titan', kind: 'image' },
    { pattern: /^amazon\.titan-text-premier/, family: 'amazon-titan', kind: 'chat', maxOutputTokens: 3072, contextWindow: 32_000, features: { ...TEXT_ONLY, system: false, documents: false } },
    { pattern: /^amazon\.titan-text-lite/, family: 'amazon-titan', kind: 'chat', maxOutputTokens: 4096, contextWindow: 4_000, features: { ...TEXT_ONLY, system: false } },
    { pattern: /^amazon\.titan-/, family: 'amazon-titan', kind: 'chat', maxOutputTokens: 8192, contextWindow: 8_000, features: { ...TEXT_ONLY, system: false } },
    { pattern: /^amazon\.rerank/, family: 'amazon-titan', kind: 'rerank' },
    // Llama 3.1+ (`llama3-1-…`, `llama3-2-…`, `llama3-3-…`) have 128K windows; the original Llama 3 (`llama3-8b`) has 8K.
    // Both keep the 2048 `max_gen_len` ceiling of AWS's Llama schema.
    // Llama's native max_gen_len tops out at 2048 on Bedrock for every Llama 2 and 3.x model.
    { pattern: /^meta\.llama3-2-(11b|90b)/, family: 'meta-llama', kind: 'chat', maxOutputTokens: 2048, contextWindow: 128_000, features: { streamingTools: false, forcedToolChoice: false } },
    { pattern: /^meta\.llama3-2-(1b|3b)/, family: 'meta-llama', kind: 'chat', maxOutputTokens: 2048, contextWindow: 128_000, features: { ...TEXT_ONLY } },
    { pattern: /^meta\.llama3-1-(70b|405b)/, family: 'meta-llama', kind: 'chat', maxOutputTokens: 2048, contextWindow: 128_000, features: { vision: false, streamingTools: false, forcedToolChoice: false }, latencyOptimized: true },
    { pattern: /^meta\.llama3-\d+-/, family: 'meta-llama', kind: 'chat', maxOutputTokens: 2048, contextWindow: 128_000, features: { vision: false, streamingTools: false, forcedToolChoice: false } },
    { pattern: /^meta\.llama(2|3-)/, family: 'meta-llama', kind: 'chat', maxOutputTokens: 2048, contextWindow: 8_000, features: { ...TEXT_ONLY } },
    { pattern: /^meta\.llama4-scout/, family: 'meta-llama', kind: 'chat', maxOutputTokens: 8192, contextWindow: 3_500_000, features: { streamingTools: false, forcedToolChoice: false } },
    { pattern: /^meta\.llama4-/, family: 'meta-llama', kind: 'chat', maxOutputTokens: 8192, contextWindow: 1_000_000, features: { streamingTools: false, forcedToolChoice: false } },
    { pattern: /^meta\./, family: 'meta-llama', kind: 'chat', maxOutputTokens: 8192, contextWindow: 128_000, features: { vision: false, streamingTools: false, forcedToolChoice: false } },
    { pattern: /^mistral\.(mistral-7b|mixtral)/, family: 'mistral', kind: 'chat', maxOutputTokens: 8192, contextWindow: 32_000, features: { ...TEXT_ONLY, system: false } },
    { pattern: /^mistral\.pixtral/, family: 'mistral', kind: 'chat', maxOutputTokens: 8192, contextWindow: 128_000, features: { streamingTools: false } },
    { pattern: /^mistral\.mistral-(small|large)-2402/, family: 'mistral', kind: 'chat', maxOutputTokens: 8192, contextWindow: 32_000, features: { vision: false, streamingTools: false } },
    { pattern: /^mistral\./, family: 'mistral', kind: 'chat', maxOutputTokens: 8192, contextWindow: 128_000, features: { vision: false, streamingTools: false } },
    { pattern: /^cohere\.embed/, family: 'cohere', kind: 'embedding' },
    { pattern: /^cohere\.rerank/, family: 'cohere', kind: 'rerank' },
    { pattern: /^cohere\.command-r/, family: 'cohere', kind: 'chat', maxOutputTokens: 4000, contextWindow: 128_000, features: { vision: false } },
    { pattern: /^cohere\./, family: 'cohere', kind: 'chat', maxOutputTokens: 4000, contextWindow: 4_000, features: { ...TEXT_ONLY, system: false } },
    { pattern: /^ai21\.jamba-instruct/, family: 'ai21', kind: 'chat', maxOutputTokens: 4096, contextWindow: 256_000, features: { ...TEXT_ONLY, documents: false } },
    { pattern: /^ai21\./, family: 'ai21', kind: 'chat', maxOutputTokens: 4096, contextWindow: 256_000, features: { vision: false } },
    // DeepSeek-R1 answers `toolConfig` with "This model doesn't support tool use."; V3.x calls tools.
    { pattern: /^deepseek\.r1/, family: 'deepseek', kind: 'chat', maxOutputTokens: 32768, contextWindow: 128_000, features: { ...TEXT_ONLY } },
    { pattern: /^deepseek\./, family: 'deepseek', kind: 'chat', maxOutputTokens: 32768, contextWindow: 128_000, features: { vision: false } },
    { pattern: /^openai\./, family: 'openai', kind: 'chat', maxOutputTokens: 32768, contextWindow: 128_000, features: { vision: false, documents: false } },
    { pattern: /^qwen\.qwen3-coder/, family: 'qwen', kind: 'chat', maxOutputTokens: 32768, contextWindow: 256_000, features: { vision: false } },
    { pattern: /^qwen\./, family: 'qwen', kind: 'chat', maxOutputTokens: 32768, contextWindow: 128_000, features: { vision: false } },
    { pattern: /^writer\./, family: 'writer', kind: 'chat', maxOutputTokens: 8192, contextWindow: 128_000, features: { vision: false } },
    { pattern: /^stability\./, family: 'stability', kind: 'image' },
    { pattern: /^twelvelabs\./, family: 'twelvelabs', kind: 'embedding' },
    { pattern: /^luma\./, family: 'luma', kind: 'video' },
  ] satisfies Line[]
).map(line);

/** Every feature: what mapped custom and `ollama.<model>` ids are assumed to support. */
export const DEFAULT_FEATURES: ModelFeatures = ALL_FEATURES;

/** The catalog line of a base model id, or `undefined` for an id of no known provider. */
export function findCatalogEntry(baseModelId: string): CatalogEntry | undefined {
  return CATALOG.find((entry) => entry.pattern.test(baseModelId));
}

/** The default `maxTokens` ceiling for chat models whose catalog line has none (mapped custom models). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;

/** The context window assumed for chat models whose catalog line has none (mapped custom and `ollama.` ids). */
export const DEFAULT_CONTEXT_WINDOW = 128_000;
