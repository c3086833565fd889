/**
 * `local-bedrock/guardrails`: the guardrail policy engine, usable without any AWS SDK. `evaluateGuardrail`
 * decides what a guardrail does with some content (block, mask, or let through) and explains every decision;
 * the classifier hooks let a local model replace the default lexical classifiers.
 */

/**
 * Assesses content against one guardrail version's policies.
 *
 * @example
 * ```ts
 * import { evaluateGuardrail } from 'local-bedrock/guardrails';
 * const result = await evaluateGuardrail(policies, { source: 'INPUT', content: [{ text: { text: 'hello' } }] });
 * if (result.blocked) console.log(result.outputs[0]?.text);
 * ```
 */
export { evaluateGuardrail } from './evaluate-guardrail.js';

/**
 * The service's `actionReason` texts: "Guardrail blocked.", "Guardrail masked.", "No action.".
 *
 * @example
 * ```ts
 * import { GUARDRAIL_ACTION_REASONS } from 'local-bedrock/guardrails';
 * expect(result.actionReason).toBe(GUARDRAIL_ACTION_REASONS.masked);
 * ```
 */
export { GUARDRAIL_ACTION_REASONS } from './evaluate-guardrail.js';

/**
 * Finds PII entities in a text without a guardrail (all types, or the given ones), with the reason of each;
 * `allPiiTypes()` lists the 31 entity types.
 *
 * @example
 * ```ts
 * import { detectPii } from 'local-bedrock/guardrails';
 * detectPii('Call 555-123-4567', ['PHONE']); // [{ type: 'PHONE', match: '555-123-4567', start: 5, end: 17, reason: '…' }]
 * ```
 */
export { allPiiTypes, detectPii } from './policies/sensitive-information-policy.js';

/**
 * Check-digit validators behind the PII detectors (Luhn, IBAN mod 97, VIN, ABA, NHS mod 11, NINO, SIN, IP).
 *
 * @example
 * ```ts
 * import { luhnValid, ibanValid } from 'local-bedrock/guardrails';
 * luhnValid('4111111111111111'); // true
 * ibanValid('GB82WEST12345698765432'); // true
 * ```
 */
export {
  abaRoutingValid,
  cardIssuer,
  ibanValid,
  ipv4Valid,
  ipv6Valid,
  itinValid,
  luhnValid,
  nhsNumberValid,
  ninoValid,
  sinValid,
  ssnValid,
  vinValid,
} from './policies/pii-validators.js';

/**
 * The strength rule of content filters: whether a filter strength acts on a classifier confidence.
 *
 * @example
 * ```ts
 * import { strengthCatches } from 'local-bedrock/guardrails';
 * strengthCatches('LOW', 'HIGH'); // true
 * ```
 */
export { strengthCatches } from './policies/content-policy.js';

/**
 * The managed PROFANITY list (single words and phrases), and the entry a word inflects.
 *
 * @example
 * ```ts
 * import { PROFANITY_WORDS, profanityBase } from 'local-bedrock/guardrails';
 * PROFANITY_WORDS.has('damn'); // true
 * profanityBase('damned'); // 'damn'
 * ```
 */
export { PROFANITY_PHRASES, PROFANITY_WORDS } from './policies/profanity-list.js';
export { profanityBase } from './policies/word-policy.js';

/**
 * The default classifiers' constants: the topic similarity threshold and the content lexicon.
 *
 * @example
 * ```ts
 * import { TOPIC_THRESHOLD, CONTENT_LEXICON } from 'local-bedrock/guardrails';
 * CONTENT_LEXICON.PROMPT_ATTACK.length > 0; // true
 * ```
 */
export { TOPIC_THRESHOLD } from './policies/topic-policy.js';
export { CONTENT_LEXICON, type LexiconEntry } from './policies/content-lexicon.js';

/**
 * Classifier hooks and their shapes (see `GuardrailClassifiers`).
 *
 * @example
 * ```ts
 * import type { GuardrailClassifiers } from 'local-bedrock/guardrails';
 * const classifiers: GuardrailClassifiers = { content: () => ({ HATE: 'HIGH' }) };
 * ```
 */
export type {
  GuardrailClassificationContext,
  GuardrailClassifiers,
  GuardrailContentScore,
  GuardrailContentScores,
  GuardrailGroundingInput,
  GuardrailGroundingScores,
  GuardrailTopicMatch,
  MaybePromise,
} from './classifiers.js';

/**
 * The contract types: policies (GetGuardrail casing), the evaluation request, result and assessment.
 *
 * @example
 * ```ts
 * import type { GuardrailPolicies } from 'local-bedrock/guardrails';
 * const policies: GuardrailPolicies = { blockedInputMessaging: 'No.', blockedOutputsMessaging: 'No.' };
 * ```
 */
export type {
  GuardrailAssessment,
  GuardrailBlockingAction,
  GuardrailConfidence,
  GuardrailContentBlock,
  GuardrailContentFilterDefinition,
  GuardrailContentFilterType,
  GuardrailCoverage,
  GuardrailDirections,
  GuardrailEvaluation,
  GuardrailEvaluationOptions,
  GuardrailEvaluationRequest,
  GuardrailExplanation,
  GuardrailFilterStrength,
  GuardrailGroundingFilterDefinition,
  GuardrailGroundingFilterType,
  GuardrailImageContent,
  GuardrailManagedWordListDefinition,
  GuardrailPiiEntityDefinition,
  GuardrailPiiEntityType,
  GuardrailPolicies,
  GuardrailPolicyAction,
  GuardrailPolicyName,
  GuardrailRegexDefinition,
  GuardrailResolver,
  GuardrailSensitiveAction,
  GuardrailSensitiveResultAction,
  GuardrailSource,
  GuardrailTextContent,
  GuardrailTopicDefinition,
  GuardrailUsage,
  GuardrailWordDefinition,
  ResolvedGuardrail,
} from './types.js';
