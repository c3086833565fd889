/**
 * Which backend model answers which Bedrock model id. Sources, highest precedence first:
 * 1. the `modelMap` option, 2. `LOCAL_BEDROCK_MODEL_MAP`, 3. `SIMFRA_BEDROCK_MODEL_MAP`,
 * 4. the `defaultModel` option, 5. `LOCAL_BEDROCK_DEFAULT_MODEL`, 6. `DEFAULT_BEDROCK_MODEL`,
 * 7. the per-family defaults below.
 */
import type { ModelFamily } from './catalog.js';

/** Bedrock model id (base id, profile id, ARN, or a prefix ending in `*`) → backend model name. */
export type ModelMap = Readonly<Record<string, string>>;

/** Local models that stand in for each family when nothing else is configured (Ollama tags). */
export const FAMILY_DEFAULT_MODELS: Readonly<Record<ModelFamily, string>> = {
  anthropic: 'llama3.2',
  'amazon-nova': 'llama3.2',
  'amazon-titan': 'llama3.2',
  'meta-llama': 'llama3.2',
  mistral: 'mistral',
  cohere: 'llama3.2',
  ai21: 'llama3.2',
  deepseek: 'deepseek-r1',
  openai: 'gpt-oss',
  qwen: 'qwen3',
  writer: 'llama3.2',
  stability: 'llama3.2',
  twelvelabs: 'llama3.2',
  luma: 'llama3.2',
  ollama: 'llama3.2',
  custom: 'llama3.2',
};

/**
 * Parses a model map from the environment: either a JSON object or `id=model,id=model`. Ids may contain `:`,
 * so only the last `=` of an entry separates id from model.
 */
export function parseModelMap(text: string | undefined, variableName: string): ModelMap {
  if (text === undefined || text.trim() === '') return {};
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error(`[local-bedrock] ${variableName} is not valid JSON: ${trimmed}`);
    }
    const entries = Object.entries(parsed as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    );
    return Object.fromEntries(entries);
  }
  const map: Record<string, string> = {};
  for (const entry of trimmed.split(',')) {
    if (entry.trim() === '') continue;
    const separator = entry.lastIndexOf('=');
    if (separator <= 0 || separator === entry.length - 1) {
      throw new Error(`[local-bedrock] ${variableName} entry "${entry}" is not of the form bedrockModelId=backendModel`);
    }
    map[entry.slice(0, separator).trim()] = entry.slice(separator + 1).trim();
  }
  return map;
}

/** Looks up the first of `ids` in `map`, exact keys before `prefix*` keys. */
export function lookUpModelMap(map: ModelMap, ids: readonly string[]): string | undefined {
  for (const id of ids) if (Object.hasOwn(map, id)) return map[id];
  let best: { prefix: string; model: string } | undefined;
  for (const [key, model] of Object.entries(map)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (ids.some((id) => id.startsWith(prefix)) && (!best || prefix.length > best.prefix.length)) best = { prefix, model };
  }
  return best?.model;
}
