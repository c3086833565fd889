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

/** One line of the catalog. */
export interface CatalogEntry {
  /** Matches the base (foundation) model id. */
  pattern: RegExp;
  family: ModelFamily;
  kind: ModelKind;
  /** The largest `maxTokens` the model accepts (chat models only). */
  maxOutputTokens?: number;
}

// Order matters: the first matching line wins, so specific lines precede general ones.
const CATALOG: readonly CatalogEntry[] = [
  { pattern: /^anthropic\.claude-(3-7|sonnet-4|haiku-4|opus-4)/, family: 'anthropic', kind: 'chat', maxOutputTokens: 64000 },
  { pattern: /^anthropic\.claude-3-5/, family: 'anthropic', kind: 'chat', maxOutputTokens: 8192 },
  { pattern: /^anthropic\./, family: 'anthropic', kind: 'chat', maxOutputTokens: 4096 },
  { pattern: /^amazon\.nova-canvas/, family: 'amazon-nova', kind: 'image' },
  { pattern: /^amazon\.nova-reel/, family: 'amazon-nova', kind: 'video' },
  { pattern: /^amazon\.nova-sonic/, family: 'amazon-nova', kind: 'speech' },
  { pattern: /^amazon\.nova-.*embed/, family: 'amazon-nova', kind: 'embedding' },
  { pattern: /^amazon\.nova-/, family: 'amazon-nova', kind: 'chat', maxOutputTokens: 10000 },
  { pattern: /^amazon\.titan-embed/, family: 'amazon-titan', kind: 'embedding' },
  { pattern: /^amazon\.titan-image/, family: 'amazon-titan', kind: 'image' },
  { pattern: /^amazon\.titan-text-premier/, family: 'amazon-titan', kind: 'chat', maxOutputTokens: 3072 },
  { pattern: /^amazon\.titan-text-lite/, family: 'amazon-titan', kind: 'chat', maxOutputTokens: 4096 },
  { pattern: /^amazon\.titan-/, family: 'amazon-titan', kind: 'chat', maxOutputTokens: 8192 },
  { pattern: /^amazon\.rerank/, family: 'amazon-titan', kind: 'rerank' },
  { pattern: /^meta\.llama(2|3-)/, family: 'meta-llama', kind: 'chat', maxOutputTokens: 2048 },
  { pattern: /^meta\./, family: 'meta-llama', kind: 'chat', maxOutputTokens: 8192 },
  { pattern: /^mistral\./, family: 'mistral', kind: 'chat', maxOutputTokens: 8192 },
  { pattern: /^cohere\.embed/, family: 'cohere', kind: 'embedding' },
  { pattern: /^cohere\.rerank/, family: 'cohere', kind: 'rerank' },
  { pattern: /^cohere\./, family: 'cohere', kind: 'chat', maxOutputTokens: 4000 },
  { pattern: /^ai21\./, family: 'ai21', kind: 'chat', maxOutputTokens: 4096 },
  { pattern: /^deepseek\./, family: 'deepseek', kind: 'chat', maxOutputTokens: 32768 },
  { pattern: /^openai\./, family: 'openai', kind: 'chat', maxOutputTokens: 32768 },
  { pattern: /^qwen\./, family: 'qwen', kind: 'chat', maxOutputTokens: 32768 },
  { pattern: /^writer\./, family: 'writer', kind: 'chat', maxOutputTokens: 8192 },
  { pattern: /^stability\./, family: 'stability', kind: 'image' },
  { pattern: /^twelvelabs\./, family: 'twelvelabs', kind: 'embedding' },
  { pattern: /^luma\./, family: 'luma', kind: 'video' },
];

/** The catalog line of a base model id, or `undefined` for an id of no known provider. */
export function findCatalogEntry(baseModelId: string): CatalogEntry | undefined {
  return CATALOG.find((entry) => entry.pattern.test(baseModelId));
}

/** The default `maxTokens` ceiling for chat models whose catalog line has none (mapped custom models). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;
