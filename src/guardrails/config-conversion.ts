/**
 * Converts a validated CreateGuardrail/UpdateGuardrail body to the GetGuardrail casing: request keys end in
 * `Config` (`topicPolicyConfig.topicsConfig`, `tierConfig`), answer keys do not (`topicPolicy.topics`, `tier`).
 * Elements keep their shape; only members that were sent are copied, so what comes back is what went in.
 */
import type { GuardrailAutomatedReasoningPolicy, GuardrailConfigRequest } from './config-types.js';
import type { GuardrailPolicies } from './types.js';

/**
 * A guardrail version's configuration in the GetGuardrail casing: its policies plus the members beside them.
 *
 * @example
 * const { policies, description } = toGuardrailConfiguration(request);
 */
export interface GuardrailConfiguration {
  name: string;
  description?: string;
  policies: GuardrailPolicies;
  automatedReasoningPolicy?: GuardrailAutomatedReasoningPolicy;
  /** The cross-region guardrail profile as configured (its ARN is derived when answering). */
  crossRegionProfileIdentifier?: string;
  kmsKeyId?: string;
}

/**
 * Maps a request body (`…Config` keys) to the GetGuardrail shape.
 *
 * @example
 * toGuardrailConfiguration({ name: 'g', blockedInputMessaging: 'no', blockedOutputsMessaging: 'no',
 *   wordPolicyConfig: { wordsConfig: [{ text: 'foo' }] } }).policies.wordPolicy; // { words: [{ text: 'foo' }] }
 */
export function toGuardrailConfiguration(request: GuardrailConfigRequest): GuardrailConfiguration {
  const policies: GuardrailPolicies = {
    blockedInputMessaging: request.blockedInputMessaging,
    blockedOutputsMessaging: request.blockedOutputsMessaging,
  };
  const topics = request.topicPolicyConfig;
  if (topics) {
    policies.topicPolicy = { topics: clone(topics.topicsConfig) };
    if (topics.tierConfig) policies.topicPolicy.tier = { tierName: topics.tierConfig.tierName };
  }
  const content = request.contentPolicyConfig;
  if (content) {
    policies.contentPolicy = { filters: clone(content.filtersConfig) };
    if (content.tierConfig) policies.contentPolicy.tier = { tierName: content.tierConfig.tierName };
  }
  const words = request.wordPolicyConfig;
  if (words) {
    policies.wordPolicy = {};
    if (words.wordsConfig) policies.wordPolicy.words = clone(words.wordsConfig);
    if (words.managedWordListsConfig) policies.wordPolicy.managedWordLists = clone(words.managedWordListsConfig);
  }
  const sensitive = request.sensitiveInformationPolicyConfig;
  if (sensitive) {
    policies.sensitiveInformationPolicy = {};
    if (sensitive.piiEntitiesConfig) policies.sensitiveInformationPolicy.piiEntities = clone(sensitive.piiEntitiesConfig);
    if (sensitive.regexesConfig) policies.sensitiveInformationPolicy.regexes = clone(sensitive.regexesConfig);
  }
  const grounding = request.contextualGroundingPolicyConfig;
  if (grounding) policies.contextualGroundingPolicy = { filters: clone(grounding.filtersConfig) };

  const configuration: GuardrailConfiguration = { name: request.name, policies };
  if (request.description !== undefined) configuration.description = request.description;
  if (request.automatedReasoningPolicyConfig) configuration.automatedReasoningPolicy = clone(request.automatedReasoningPolicyConfig);
  if (request.crossRegionConfig) configuration.crossRegionProfileIdentifier = request.crossRegionConfig.guardrailProfileIdentifier;
  if (request.kmsKeyId !== undefined) configuration.kmsKeyId = request.kmsKeyId;
  return configuration;
}

/** Deep copy: a stored version must not change when the caller mutates the object it passed in. */
function clone<T>(value: T): T {
  return structuredClone(value);
}
