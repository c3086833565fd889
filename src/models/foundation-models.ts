/**
 * The curated table of foundation models that ListFoundationModels / GetFoundationModel answer with, and from
 * which the system-defined inference profiles are derived. Behaviour (wire family, limits, features) stays
 * in the pattern catalog (`catalog.ts`), so unlisted new versions still work at run time; this table is what
 * the control plane *shows*. Users extend or override it by `modelId` (runtime option `foundationModels`).
 */

/** The date of the table's last curation; bump it when lines change. */
export const FOUNDATION_MODELS_VERSION = '2026-11-01';

/** A modality as Bedrock lists it (newer models report values beyond the SDK enum, e.g. `VIDEO`, `SPEECH`). */
export type FoundationModelModality = 'TEXT' | 'IMAGE' | 'EMBEDDING' | 'VIDEO' | 'SPEECH';

/** How a model may be invoked on demand. */
export type FoundationModelInferenceType = 'ON_DEMAND' | 'INFERENCE_PROFILE' | 'PROVISIONED';

/** A geography prefix of system-defined inference profiles. */
export type InferenceProfileGeography = 'us' | 'eu' | 'apac' | 'jp' | 'au' | 'us-gov' | 'global';

/** One foundation model as the control plane describes it. */
export interface FoundationModelDefinition {
  modelId: string;
  /** The display name (≤ 20 characters in the real catalog). */
  modelName: string;
  providerName: string;
  inputModalities: FoundationModelModality[];
  outputModalities: FoundationModelModality[];
  responseStreamingSupported: boolean;
  customizationsSupported?: ('FINE_TUNING' | 'CONTINUED_PRE_TRAINING' | 'DISTILLATION')[];
  /**
   * `ON_DEMAND`: the base id may be invoked; `INFERENCE_PROFILE`: only through an inference profile (the
   * base id gets the "on-demand throughput isn't supported" error).
   */
  inferenceTypesSupported: FoundationModelInferenceType[];
  /** `LEGACY` models still answer but are on their way out. */
  lifecycleStatus?: 'ACTIVE' | 'LEGACY';
  /**
   * When the model stops answering (ISO-8601, read against `runtime.clock`): from then on every runtime call
   * gets `ResourceNotFoundException` "This model version has reached the end of its life…".
   */
  endOfLifeTime?: string;
  /**
   * The service tiers the model is offered in. A request for a tier not listed is served, and echoed, as
   * `default`; without a list every requested tier is echoed as asked.
   */
  serviceTiers?: ('priority' | 'default' | 'flex' | 'reserved')[];
  /** The geographies with a system-defined inference profile (`us.<modelId>`, `global.<modelId>` …). */
  inferenceProfiles?: InferenceProfileGeography[];
}

const ON_DEMAND: FoundationModelInferenceType[] = ['ON_DEMAND'];
const PROFILE_ONLY: FoundationModelInferenceType[] = ['INFERENCE_PROFILE'];
const TEXT: FoundationModelModality[] = ['TEXT'];
const TEXT_IMAGE: FoundationModelModality[] = ['TEXT', 'IMAGE'];
const CLAUDE_GEOS: InferenceProfileGeography[] = ['us', 'eu', 'apac'];
const CLAUDE_4_GEOS: InferenceProfileGeography[] = ['us', 'eu', 'apac', 'jp', 'au', 'global'];

function chat(
  modelId: string,
  modelName: string,
  providerName: string,
  options: Partial<Omit<FoundationModelDefinition, 'modelId' | 'modelName' | 'providerName'>> = {},
): FoundationModelDefinition {
  return {
    modelId,
    modelName,
    providerName,
    inputModalities: TEXT,
    outputModalities: TEXT,
    responseStreamingSupported: true,
    customizationsSupported: [],
    inferenceTypesSupported: ON_DEMAND,
    lifecycleStatus: 'ACTIVE',
    ...options,
  };
}

function nonStreaming(
  modelId: string,
  modelName: string,
  providerName: string,
  inputModalities: FoundationModelModality[],
  outputModalities: FoundationModelModality[],
  options: Partial<FoundationModelDefinition> = {},
): FoundationModelDefinition {
  return chat(modelId, modelName, providerName, { inputModalities, outputModalities, responseStreamingSupported: false, ...options });
}

const claude = (id: string, name: string, options: Partial<FoundationModelDefinition> = {}) =>
  chat(`anthropic.${id}`, name, 'Anthropic', { inputModalities: TEXT_IMAGE, inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: CLAUDE_4_GEOS, ...options });

/** The curated foundation models, in the order ListFoundationModels lists them. */
export const FOUNDATION_MODELS: readonly FoundationModelDefinition[] = [
  // Anthropic
  claude('claude-3-haiku-20240307-v1:0', 'Claude 3 Haiku', { inferenceTypesSupported: ON_DEMAND, inferenceProfiles: CLAUDE_GEOS }),
  claude('claude-3-5-sonnet-20240620-v1:0', 'Claude 3.5 Sonnet', { inferenceTypesSupported: ON_DEMAND, inferenceProfiles: CLAUDE_GEOS }),
  claude('claude-3-5-sonnet-20241022-v2:0', 'Claude 3.5 Sonnet v2', { inferenceProfiles: CLAUDE_GEOS }),
  claude('claude-3-5-haiku-20241022-v1:0', 'Claude 3.5 Haiku', { inputModalities: TEXT, inferenceProfiles: ['us'] }),
  claude('claude-3-7-sonnet-20250219-v1:0', 'Claude 3.7 Sonnet', { inferenceProfiles: CLAUDE_GEOS }),
  claude('claude-sonnet-4-20250514-v1:0', 'Claude Sonnet 4'),
  claude('claude-opus-4-20250514-v1:0', 'Claude Opus 4', { inferenceProfiles: ['us'] }),
  claude('claude-opus-4-1-20250805-v1:0', 'Claude Opus 4.1', { inferenceProfiles: ['us'] }),
  claude('claude-sonnet-4-5-20250929-v1:0', 'Claude Sonnet 4.5'),
  claude('claude-haiku-4-5-20251001-v1:0', 'Claude Haiku 4.5'),
  claude('claude-opus-4-5-20251101-v1:0', 'Claude Opus 4.5'),
  claude('claude-opus-4-6-v1', 'Claude Opus 4.6'),
  claude('claude-sonnet-4-6', 'Claude Sonnet 4.6'),
  claude('claude-v2:1', 'Claude', { inputModalities: TEXT, inferenceTypesSupported: ON_DEMAND, lifecycleStatus: 'LEGACY', inferenceProfiles: [] }),
  claude('claude-instant-v1', 'Claude Instant', { inputModalities: TEXT, inferenceTypesSupported: ON_DEMAND, lifecycleStatus: 'LEGACY', inferenceProfiles: [] }),
  // Amazon
  chat('amazon.nova-micro-v1:0', 'Nova Micro', 'Amazon', { customizationsSupported: ['FINE_TUNING', 'DISTILLATION'], inferenceProfiles: ['us', 'eu', 'apac'] }),
  chat('amazon.nova-lite-v1:0', 'Nova Lite', 'Amazon', { inputModalities: ['TEXT', 'IMAGE', 'VIDEO'], customizationsSupported: ['FINE_TUNING', 'DISTILLATION'], inferenceProfiles: ['us', 'eu', 'apac'] }),
  chat('amazon.nova-pro-v1:0', 'Nova Pro', 'Amazon', { inputModalities: ['TEXT', 'IMAGE', 'VIDEO'], customizationsSupported: ['FINE_TUNING', 'DISTILLATION'], inferenceProfiles: ['us', 'eu', 'apac'] }),
  chat('amazon.nova-premier-v1:0', 'Nova Premier', 'Amazon', { inputModalities: ['TEXT', 'IMAGE', 'VIDEO'], inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us'] }),
  chat('amazon.nova-2-lite-v1:0', 'Nova 2 Lite', 'Amazon', { inputModalities: ['TEXT', 'IMAGE', 'VIDEO'], inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us', 'global'] }),
  chat('amazon.nova-sonic-v1:0', 'Nova Sonic', 'Amazon', { inputModalities: ['SPEECH'], outputModalities: ['SPEECH', 'TEXT'] }),
  chat('amazon.nova-2-sonic-v1:0', 'Nova 2 Sonic', 'Amazon', { inputModalities: ['SPEECH', 'TEXT'], outputModalities: ['SPEECH', 'TEXT'] }),
  nonStreaming('amazon.nova-canvas-v1:0', 'Nova Canvas', 'Amazon', TEXT_IMAGE, ['IMAGE']),
  nonStreaming('amazon.nova-reel-v1:1', 'Nova Reel', 'Amazon', TEXT_IMAGE, ['VIDEO']),
  nonStreaming('amazon.titan-embed-text-v2:0', 'Titan Text Embeddings V2', 'Amazon', TEXT, ['EMBEDDING']),
  nonStreaming('amazon.titan-embed-text-v1', 'Titan Embeddings G1 - Text', 'Amazon', TEXT, ['EMBEDDING']),
  nonStreaming('amazon.titan-embed-image-v1', 'Titan Multimodal Embeddings G1', 'Amazon', TEXT_IMAGE, ['EMBEDDING'], { customizationsSupported: ['FINE_TUNING'] }),
  chat('amazon.titan-text-express-v1', 'Titan Text G1 - Express', 'Amazon', { customizationsSupported: ['FINE_TUNING', 'CONTINUED_PRE_TRAINING'] }),
  chat('amazon.titan-text-lite-v1', 'Titan Text G1 - Lite', 'Amazon', { customizationsSupported: ['FINE_TUNING', 'CONTINUED_PRE_TRAINING'] }),
  chat('amazon.titan-text-premier-v1:0', 'Titan Text G1 - Premier', 'Amazon'),
  nonStreaming('amazon.titan-image-generator-v2:0', 'Titan Image Generator G1 v2', 'Amazon', TEXT_IMAGE, ['IMAGE'], { customizationsSupported: ['FINE_TUNING'] }),
  nonStreaming('amazon.rerank-v1:0', 'Rerank 1.0', 'Amazon', TEXT, TEXT),
  // Meta
  chat('meta.llama3-8b-instruct-v1:0', 'Llama 3 8B Instruct', 'Meta'),
  chat('meta.llama3-70b-instruct-v1:0', 'Llama 3 70B Instruct', 'Meta'),
  chat('meta.llama3-1-8b-instruct-v1:0', 'Llama 3.1 8B Instruct', 'Meta', { customizationsSupported: ['FINE_TUNING', 'DISTILLATION'], inferenceProfiles: ['us'] }),
  chat('meta.llama3-1-70b-instruct-v1:0', 'Llama 3.1 70B Instruct', 'Meta', { customizationsSupported: ['FINE_TUNING', 'DISTILLATION'], inferenceProfiles: ['us'] }),
  chat('meta.llama3-1-405b-instruct-v1:0', 'Llama 3.1 405B Instruct', 'Meta'),
  chat('meta.llama3-2-1b-instruct-v1:0', 'Llama 3.2 1B Instruct', 'Meta', { inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us', 'eu'] }),
  chat('meta.llama3-2-3b-instruct-v1:0', 'Llama 3.2 3B Instruct', 'Meta', { inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us', 'eu'] }),
  chat('meta.llama3-2-11b-instruct-v1:0', 'Llama 3.2 11B Instruct', 'Meta', { inputModalities: TEXT_IMAGE, inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us'] }),
  chat('meta.llama3-2-90b-instruct-v1:0', 'Llama 3.2 90B Instruct', 'Meta', { inputModalities: TEXT_IMAGE, inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us'] }),
  chat('meta.llama3-3-70b-instruct-v1:0', 'Llama 3.3 70B Instruct', 'Meta', { inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us'] }),
  chat('meta.llama4-scout-17b-instruct-v1:0', 'Llama 4 Scout 17B', 'Meta', { inputModalities: TEXT_IMAGE, inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us'] }),
  chat('meta.llama4-maverick-17b-instruct-v1:0', 'Llama 4 Maverick 17B', 'Meta', { inputModalities: TEXT_IMAGE, inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us'] }),
  // Mistral AI
  chat('mistral.mistral-7b-instruct-v0:2', 'Mistral 7B Instruct', 'Mistral AI'),
  chat('mistral.mixtral-8x7b-instruct-v0:1', 'Mixtral 8x7B Instruct', 'Mistral AI'),
  chat('mistral.mistral-small-2402-v1:0', 'Mistral Small (24.02)', 'Mistral AI'),
  chat('mistral.mistral-large-2402-v1:0', 'Mistral Large (24.02)', 'Mistral AI'),
  chat('mistral.mistral-large-2407-v1:0', 'Mistral Large (24.07)', 'Mistral AI'),
  chat('mistral.pixtral-large-2502-v1:0', 'Pixtral Large (25.02)', 'Mistral AI', { inputModalities: TEXT_IMAGE, inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us', 'eu'] }),
  // Cohere
  chat('cohere.command-r-v1:0', 'Command R', 'Cohere'),
  chat('cohere.command-r-plus-v1:0', 'Command R+', 'Cohere'),
  nonStreaming('cohere.embed-english-v3', 'Embed English', 'Cohere', TEXT, ['EMBEDDING']),
  nonStreaming('cohere.embed-multilingual-v3', 'Embed Multilingual', 'Cohere', TEXT, ['EMBEDDING']),
  nonStreaming('cohere.embed-v4:0', 'Embed v4', 'Cohere', TEXT_IMAGE, ['EMBEDDING'], { inferenceProfiles: ['us', 'eu', 'apac', 'global'] }),
  nonStreaming('cohere.rerank-v3-5:0', 'Rerank 3.5', 'Cohere', TEXT, TEXT),
  // AI21 Labs
  chat('ai21.jamba-1-5-large-v1:0', 'Jamba 1.5 Large', 'AI21 Labs'),
  chat('ai21.jamba-1-5-mini-v1:0', 'Jamba 1.5 Mini', 'AI21 Labs'),
  // DeepSeek, OpenAI, Qwen, Writer, Stability
  chat('deepseek.r1-v1:0', 'DeepSeek-R1', 'DeepSeek', { inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us'] }),
  chat('deepseek.v3-v1:0', 'DeepSeek-V3.1', 'DeepSeek'),
  chat('openai.gpt-oss-120b-1:0', 'gpt-oss-120b', 'OpenAI'),
  chat('openai.gpt-oss-20b-1:0', 'gpt-oss-20b', 'OpenAI'),
  chat('qwen.qwen3-32b-v1:0', 'Qwen3 32B (dense)', 'Qwen'),
  chat('qwen.qwen3-235b-a22b-2507-v1:0', 'Qwen3 235B A22B 2507', 'Qwen'),
  chat('qwen.qwen3-coder-30b-a3b-v1:0', 'Qwen3 Coder 30B A3B', 'Qwen'),
  chat('qwen.qwen3-coder-480b-a35b-v1:0', 'Qwen3 Coder 480B A35B', 'Qwen'),
  chat('writer.palmyra-x4-v1:0', 'Palmyra X4', 'Writer', { inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us'] }),
  chat('writer.palmyra-x5-v1:0', 'Palmyra X5', 'Writer', { inferenceTypesSupported: PROFILE_ONLY, inferenceProfiles: ['us'] }),
  nonStreaming('stability.sd3-5-large-v1:0', 'Stable Diffusion 3.5 Large', 'Stability AI', TEXT_IMAGE, ['IMAGE']),
  nonStreaming('stability.stable-image-core-v1:1', 'Stable Image Core 1.0', 'Stability AI', TEXT, ['IMAGE']),
  nonStreaming('stability.stable-image-ultra-v1:1', 'Stable Image Ultra 1.0', 'Stability AI', TEXT, ['IMAGE']),
];

/**
 * The table with the user's lines applied: a line with a listed `modelId` replaces it, a new one is added.
 *
 * @example
 * mergeFoundationModels(FOUNDATION_MODELS, [{ ...FOUNDATION_MODELS[0]!, lifecycleStatus: 'LEGACY' }]);
 */
export function mergeFoundationModels(
  base: readonly FoundationModelDefinition[],
  overrides: readonly FoundationModelDefinition[] = [],
): readonly FoundationModelDefinition[] {
  if (overrides.length === 0) return base;
  const byId = new Map(base.map((model) => [model.modelId, model]));
  for (const model of overrides) byId.set(model.modelId, model);
  return [...byId.values()];
}

const indexes = new WeakMap<readonly FoundationModelDefinition[], Map<string, FoundationModelDefinition>>();

/**
 * The table line of a model id, looked up in an index built once per table (every model call asks).
 *
 * @example
 * findFoundationModel(FOUNDATION_MODELS, 'anthropic.claude-3-haiku-20240307-v1:0')?.modelName; // 'Claude 3 Haiku'
 */
export function findFoundationModel(table: readonly FoundationModelDefinition[], modelId: string): FoundationModelDefinition | undefined {
  let index = indexes.get(table);
  if (!index) {
    index = new Map(table.map((line) => [line.modelId, line]));
    indexes.set(table, index);
  }
  return index.get(modelId);
}
