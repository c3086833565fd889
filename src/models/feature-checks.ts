import type { ChatPart, ChatRequest } from '../chat/types.js';
import type { Clock } from '../core/clock.js';
import { BedrockServiceError, validationError } from '../errors/bedrock-errors.js';
import { findCatalogEntry } from './catalog.js';
import { findFoundationModel, type FoundationModelDefinition } from './foundation-models.js';
import { parseModelId } from './model-id.js';
import type { ResolvedModel } from './registry.js';

/**
 * Refusing what Bedrock refuses for a given model: profile-only models called by their base id, models past
 * their end of life, and Converse features (system prompts, tools, forced tool choice, images, documents) the
 * model does not have. Each check can be relaxed, for people who map a small local model onto a big id.
 */

/** The checks that can be switched off one by one. */
export type FeatureCheckName = 'profileOnly' | 'system' | 'tools' | 'streamingTools' | 'toolChoice' | 'vision' | 'documents' | 'lifecycle';

/** Runtime option `featureChecks`: `false` switches every check off, an object switches the named ones. */
export type FeatureChecksOption = boolean | Partial<Record<FeatureCheckName, boolean>>;

/** Which checks are on. */
export type FeatureCheckSettings = Readonly<Record<FeatureCheckName, boolean>>;

/** The runtime operations whose requests are checked. */
export type CheckedOperation = 'Converse' | 'ConverseStream' | 'InvokeModel' | 'InvokeModelWithResponseStream';

/** What the model-access check reads from the runtime. */
export interface ModelAccessContext {
  readonly featureChecks: FeatureCheckSettings;
  readonly foundationModels: readonly FoundationModelDefinition[];
  readonly clock: Clock;
}

const CHECK_NAMES: readonly FeatureCheckName[] = ['profileOnly', 'system', 'tools', 'streamingTools', 'toolChoice', 'vision', 'documents', 'lifecycle'];

/**
 * Every check on: what Bedrock does.
 *
 * @example
 * ALL_FEATURE_CHECKS.profileOnly; // true
 */
export const ALL_FEATURE_CHECKS: FeatureCheckSettings = Object.freeze(Object.fromEntries(CHECK_NAMES.map((name) => [name, true])) as Record<FeatureCheckName, boolean>);

/**
 * Reads `LOCAL_BEDROCK_FEATURE_CHECKS`: `off` / `on`, or comma-separated `name=off|on` pairs
 * (`profileOnly=off,tools=off`). Unset or empty means no change; anything else throws.
 *
 * @example
 * parseFeatureChecksEnv('profileOnly=off, vision=off'); // { profileOnly: false, vision: false }
 */
export function parseFeatureChecksEnv(value: string | undefined): FeatureChecksOption | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const toggle = (word: string): boolean | undefined => ({ off: false, false: false, '0': false, on: true, true: true, '1': true })[word.toLowerCase()];
  const whole = toggle(text);
  if (whole !== undefined) return whole;
  const settings: Partial<Record<FeatureCheckName, boolean>> = {};
  for (const pair of text.split(',')) {
    const [rawName = '', rawValue = ''] = pair.split('=').map((part) => part.trim());
    const enabled = toggle(rawValue);
    if (!CHECK_NAMES.includes(rawName as FeatureCheckName) || enabled === undefined) {
      throw new Error(
        `[local-bedrock] LOCAL_BEDROCK_FEATURE_CHECKS: cannot read "${pair.trim()}". Use "off", "on" or name=off|on pairs with names from ${CHECK_NAMES.join(', ')}.`,
      );
    }
    settings[rawName as FeatureCheckName] = enabled;
  }
  return settings;
}

/**
 * The checks in force: all on, then the environment's setting, then the option (which wins).
 *
 * @example
 * resolveFeatureChecks({ tools: false }, 'off').tools; // false — and every other check is off too
 */
export function resolveFeatureChecks(option: FeatureChecksOption | undefined, envValue?: string): FeatureCheckSettings {
  const settings: Record<FeatureCheckName, boolean> = { ...ALL_FEATURE_CHECKS };
  for (const layer of [parseFeatureChecksEnv(envValue), option]) {
    if (layer === undefined) continue;
    if (typeof layer === 'boolean') for (const name of CHECK_NAMES) settings[name] = layer;
    else for (const name of CHECK_NAMES) if (layer[name] !== undefined) settings[name] = layer[name];
  }
  return Object.freeze(settings);
}

/**
 * Whether the caller reached the model through an inference profile (a geo profile id or ARN, or an
 * application profile): what profile-only models and latency-optimized inference require.
 *
 * @example
 * calledThroughProfile(runtime.models.resolve('us.amazon.nova-pro-v1:0')); // true
 */
export function calledThroughProfile(model: ResolvedModel): boolean {
  const form = parseModelId(model.requestedId, (id) => findCatalogEntry(id) !== undefined).form;
  if (form === 'inference-profile') return true;
  // An application profile resolves to its base model: the requested id differs from it and is an ARN.
  return form === 'other' && model.family !== 'custom' && model.requestedId !== model.baseModelId;
}

/**
 * Refuses a call the service would not route to the model at all: a model past its `endOfLifeTime`
 * (`ResourceNotFoundException`), or a profile-only model (`inferenceTypesSupported` without `ON_DEMAND`)
 * called by its base id or foundation-model ARN. `ollama.<m>` and mapped custom ids have no such limits.
 *
 * @example
 * checkModelAccess(runtime, runtime.models.resolve('anthropic.claude-sonnet-4-20250514-v1:0'));
 * // ValidationException: Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand throughput isn't supported. …
 */
export function checkModelAccess(context: ModelAccessContext, model: ResolvedModel, call: { batch?: boolean } = {}): void {
  if (model.family === 'ollama' || model.family === 'custom') return;
  const definition = findFoundationModel(context.foundationModels, model.baseModelId);
  if (!definition) return;
  const { featureChecks } = context;
  if (featureChecks.lifecycle && definition.endOfLifeTime !== undefined && context.clock.now() >= Date.parse(definition.endOfLifeTime)) {
    throw new BedrockServiceError('ResourceNotFoundException', 'This model version has reached the end of its life. Please refer to the AWS documentation for more details.');
  }
  // Batch jobs run on base model ids: the on-demand restriction is about live calls.
  if (featureChecks.profileOnly && !call.batch && !definition.inferenceTypesSupported.includes('ON_DEMAND')) {
    if (parseModelId(model.requestedId, (id) => findCatalogEntry(id) !== undefined).form === 'base') {
      throw validationError(
        `Invocation of model ID ${model.requestedId} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
      );
    }
  }
}

/**
 * Refuses Converse features the model lacks, with the service's messages, in the order the service checks
 * them: system prompt, tool use, tool use while streaming, forced tool choice, images, documents. InvokeModel
 * bodies are not checked here: each family's native schema already decides what its body may carry.
 *
 * @example
 * checkChatFeatures(ALL_FEATURE_CHECKS, titan, 'Converse', { ...chat, system: ['Be brief.'] });
 * // ValidationException: This model doesn't support system messages. …
 */
export function checkChatFeatures(settings: FeatureCheckSettings, model: ResolvedModel, operation: CheckedOperation, chat: ChatRequest): void {
  const { features } = model;
  if (settings.system && !features.system && chat.system.length > 0) {
    throw validationError("This model doesn't support system messages. Try again without a system message or use a model that supports system messages.");
  }
  const usesTools = chat.tools.length > 0 || chat.toolChoice !== undefined;
  if (settings.tools && !features.tools && usesTools) throw validationError("This model doesn't support tool use.");
  const streaming = operation === 'ConverseStream' || operation === 'InvokeModelWithResponseStream';
  if (settings.streamingTools && streaming && features.tools && !features.streamingTools && usesTools) {
    throw validationError("This model doesn't support tool use in streaming mode.");
  }
  const choice = chat.toolChoice?.type;
  if (settings.toolChoice && !features.forcedToolChoice && (choice === 'any' || choice === 'tool')) {
    throw validationError(`This model doesn't support the toolConfig.toolChoice.${choice} field. Remove toolConfig.toolChoice.${choice} and try again.`);
  }
  const parts = chat.messages.flatMap((message) => message.content);
  if (settings.vision && !features.vision) {
    if (parts.some((part) => part.type === 'image')) {
      throw validationError("This model doesn't support the image content block that you provided. Update the content block and try again.");
    }
    // OpenAI's models name the field of the tool result instead.
    if (toolResultParts(parts).some((part) => part.type === 'image')) {
      throw validationError(
        model.family === 'openai'
          ? "This model doesn't support the image field for user messages."
          : "This model doesn't support the image content block that you provided. Update the content block and try again.",
      );
    }
  }
  if (settings.documents && !features.documents && [...parts, ...toolResultParts(parts)].some((part) => part.type === 'document')) {
    throw validationError("This model doesn't support documents.");
  }
}

function toolResultParts(parts: readonly ChatPart[]) {
  return parts.flatMap((part) => (part.type === 'toolResult' ? part.content : []));
}
