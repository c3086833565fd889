import { validationError } from '../errors/bedrock-errors.js';
import { DEFAULT_CONTEXT_WINDOW, DEFAULT_FEATURES, DEFAULT_MAX_OUTPUT_TOKENS, findCatalogEntry, type ModelFamily, type ModelFeatures, type ModelKind } from './catalog.js';
import { assertModelIdShape, parseModelId } from './model-id.js';
import { FAMILY_DEFAULT_MODELS, lookUpModelMap, parseModelMap, type ModelMap } from './model-map.js';

/** A Bedrock model id resolved to what local-bedrock runs. */
export interface ResolvedModel {
  /** The id exactly as the caller sent it. */
  requestedId: string;
  /** The foundation model id behind it (for `ollama.<m>` the whole id). */
  baseModelId: string;
  family: ModelFamily;
  kind: ModelKind;
  maxOutputTokens: number;
  /** The most input tokens a request may count; see `checkContextWindow`. */
  contextWindow: number;
  /** What the model supports (system prompts, tools, images, streaming…). */
  features: ModelFeatures;
  /** The model name the backend runs. */
  backendModel: string;
}

/** Settings of a model registry. */
export interface ModelRegistryOptions {
  /** Bedrock id → backend model; takes precedence over every environment variable. */
  modelMap?: ModelMap;
  /** Backend model for every id no map names; takes precedence over the environment's default. */
  defaultModel?: string;
  /** Environment to read; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Finds the base model behind an application inference profile ARN (the runtime's profile store). */
export interface ApplicationProfileLookup {
  find(identifier: string): { baseModelId: string } | undefined;
}

const APPLICATION_PROFILE_ARN = /^arn:aws(?:-[^:]+)?:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\/[a-z0-9]+$/;

/** Resolves model ids; see `model-map.ts` for the precedence of its sources. */
export interface ModelRegistry {
  /** Resolves an id, or throws Bedrock's `ValidationException` for an id it does not know. */
  resolve(modelId: string): ResolvedModel;
}

/**
 * Creates a registry from options and the environment; runtimes create one for you.
 *
 * @example
 * const models = createModelRegistry({ modelMap: { 'anthropic.*': 'qwen3' } });
 * models.resolve('us.anthropic.claude-3-7-sonnet-20250219-v1:0').backendModel; // 'qwen3'
 */
export function createModelRegistry(options: ModelRegistryOptions = {}, applicationProfiles?: ApplicationProfileLookup): ModelRegistry {
  const env = options.env ?? process.env;
  const maps: ModelMap[] = [
    options.modelMap ?? {},
    parseModelMap(env.LOCAL_BEDROCK_MODEL_MAP, 'LOCAL_BEDROCK_MODEL_MAP'),
    parseModelMap(env.SIMFRA_BEDROCK_MODEL_MAP, 'SIMFRA_BEDROCK_MODEL_MAP'),
  ];
  const defaultModel = options.defaultModel ?? env.LOCAL_BEDROCK_DEFAULT_MODEL ?? env.DEFAULT_BEDROCK_MODEL;
  const cache = new Map<string, ResolvedModel>();
  const isKnownBaseId = (id: string) => findCatalogEntry(id) !== undefined;

  const mappedModel = (ids: string[]) => {
    for (const map of maps) {
      const model = lookUpModelMap(map, ids);
      if (model !== undefined) return model;
    }
    return undefined;
  };

  function resolveUncached(modelId: string): ResolvedModel {
    assertModelIdShape(modelId);
    const parsed = parseModelId(modelId, isKnownBaseId);
    switch (parsed.form) {
      case 'ollama':
        return {
          requestedId: modelId,
          baseModelId: modelId,
          family: 'ollama',
          kind: 'chat',
          maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS,
          contextWindow: DEFAULT_CONTEXT_WINDOW,
          features: DEFAULT_FEATURES,
          backendModel: mappedModel([modelId]) ?? parsed.ollamaModel,
        };
      case 'other': {
        // Application profiles, provisioned and custom models exist only if the user mapped them.
        const model = mappedModel([modelId]);
        if (model === undefined) throw validationError('The provided model identifier is invalid.');
        return {
          requestedId: modelId,
          baseModelId: modelId,
          family: 'custom',
          kind: 'chat',
          maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS,
          contextWindow: DEFAULT_CONTEXT_WINDOW,
          features: DEFAULT_FEATURES,
          backendModel: model,
        };
      }
      default: {
        const entry = findCatalogEntry(parsed.baseModelId)!;
        const ids = parsed.form === 'inference-profile' ? [modelId, parsed.profileId, parsed.baseModelId] : [modelId, parsed.baseModelId];
        return {
          requestedId: modelId,
          baseModelId: parsed.baseModelId,
          family: entry.family,
          kind: entry.kind,
          maxOutputTokens: entry.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
          contextWindow: entry.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
          features: entry.features,
          backendModel: mappedModel(ids) ?? defaultModel ?? FAMILY_DEFAULT_MODELS[entry.family],
        };
      }
    }
  }

  /** An application profile runs its base model; the profile may be deleted, so it is never cached. */
  function resolveApplicationProfile(modelId: string): ResolvedModel {
    const profile = applicationProfiles?.find(modelId);
    if (!profile) return resolveUncached(modelId);
    const base = resolveUncached(profile.baseModelId);
    return { ...base, requestedId: modelId, backendModel: mappedModel([modelId]) ?? base.backendModel };
  }

  return {
    resolve(modelId) {
      if (APPLICATION_PROFILE_ARN.test(modelId)) return resolveApplicationProfile(modelId);
      let resolved = cache.get(modelId);
      if (!resolved) {
        resolved = resolveUncached(modelId);
        if (cache.size >= 1024) cache.clear(); // bounded: a long-lived server may see endless distinct ids
        cache.set(modelId, resolved);
      }
      return resolved;
    },
  };
}
