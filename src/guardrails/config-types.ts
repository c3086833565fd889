/**
 * The CreateGuardrail/UpdateGuardrail request shape: policy keys end in `Config` (`topicPolicyConfig.topicsConfig`),
 * unlike the GetGuardrail answer (`topicPolicy.topics`, see `GuardrailPolicies`). Elements are shared with the
 * answer's types.
 */
import type {
  GuardrailContentFilterDefinition,
  GuardrailGroundingFilterDefinition,
  GuardrailManagedWordListDefinition,
  GuardrailPiiEntityDefinition,
  GuardrailRegexDefinition,
  GuardrailTopicDefinition,
  GuardrailWordDefinition,
} from './types.js';

/**
 * `tierConfig` of topic and content policies.
 *
 * @example
 * const tier: GuardrailTierConfig = { tierName: 'STANDARD' };
 */
export interface GuardrailTierConfig {
  tierName: 'CLASSIC' | 'STANDARD';
}

/**
 * An automated reasoning policy as configured and as answered (the same shape on both sides).
 *
 * @example
 * const policy: GuardrailAutomatedReasoningPolicy = { policies: ['arn:aws:bedrock:us-east-1:123456789012:automated-reasoning-policy/abc'], confidenceThreshold: 0.8 };
 */
export interface GuardrailAutomatedReasoningPolicy {
  policies: string[];
  confidenceThreshold?: number;
}

/**
 * The body of CreateGuardrail (and, without `tags`, of UpdateGuardrail), as the SDK sends it.
 *
 * @example
 * const config: GuardrailConfigRequest = {
 *   name: 'no-investing',
 *   blockedInputMessaging: 'Sorry, I cannot help with that.',
 *   blockedOutputsMessaging: 'Sorry, I cannot answer that.',
 *   topicPolicyConfig: { topicsConfig: [{ name: 'Investing', definition: 'Investment advice.', type: 'DENY' }] },
 * };
 */
export interface GuardrailConfigRequest {
  name: string;
  description?: string;
  blockedInputMessaging: string;
  blockedOutputsMessaging: string;
  topicPolicyConfig?: { topicsConfig: GuardrailTopicDefinition[]; tierConfig?: GuardrailTierConfig };
  contentPolicyConfig?: { filtersConfig: GuardrailContentFilterDefinition[]; tierConfig?: GuardrailTierConfig };
  wordPolicyConfig?: { wordsConfig?: GuardrailWordDefinition[]; managedWordListsConfig?: GuardrailManagedWordListDefinition[] };
  sensitiveInformationPolicyConfig?: { piiEntitiesConfig?: GuardrailPiiEntityDefinition[]; regexesConfig?: GuardrailRegexDefinition[] };
  contextualGroundingPolicyConfig?: { filtersConfig: GuardrailGroundingFilterDefinition[] };
  automatedReasoningPolicyConfig?: GuardrailAutomatedReasoningPolicy;
  crossRegionConfig?: { guardrailProfileIdentifier: string };
  kmsKeyId?: string;
  /** CreateGuardrail only. */
  tags?: { key: string; value: string }[];
  clientRequestToken?: string;
}
