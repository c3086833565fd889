/**
 * The guardrail contract: what a guardrail is (its policies, in the casing GetGuardrail answers with), what
 * an evaluation takes and what it returns (the wire shapes of ApplyGuardrail and of the Converse trace).
 * The policy engine (`evaluate-guardrail.ts`), the store, ApplyGuardrail and the inline guardrails of
 * Converse/InvokeModel all speak these types; they need no SDK.
 */
import type { GuardrailClassifiers } from './classifiers.js';

/** Where the assessed content comes from: the user's input or the model's output. */
export type GuardrailSource = 'INPUT' | 'OUTPUT';

/** What a policy element does when it matches. */
export type GuardrailPolicyAction = 'BLOCK' | 'NONE';
/** What a sensitive-information element does when it matches. */
export type GuardrailSensitiveAction = 'BLOCK' | 'ANONYMIZE' | 'NONE';
/** Strength of a content filter (how little it takes to trigger it). */
export type GuardrailFilterStrength = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';
/** Confidence of a content classification. */
export type GuardrailConfidence = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';
/** Content filter categories. */
export type GuardrailContentFilterType = 'SEXUAL' | 'VIOLENCE' | 'HATE' | 'INSULTS' | 'MISCONDUCT' | 'PROMPT_ATTACK';
/** Contextual grounding filter types. */
export type GuardrailGroundingFilterType = 'GROUNDING' | 'RELEVANCE';

/** Every PII entity type Bedrock detects. */
export type GuardrailPiiEntityType =
  | 'ADDRESS'
  | 'AGE'
  | 'AWS_ACCESS_KEY'
  | 'AWS_SECRET_KEY'
  | 'CA_HEALTH_NUMBER'
  | 'CA_SOCIAL_INSURANCE_NUMBER'
  | 'CREDIT_DEBIT_CARD_CVV'
  | 'CREDIT_DEBIT_CARD_EXPIRY'
  | 'CREDIT_DEBIT_CARD_NUMBER'
  | 'DRIVER_ID'
  | 'EMAIL'
  | 'INTERNATIONAL_BANK_ACCOUNT_NUMBER'
  | 'IP_ADDRESS'
  | 'LICENSE_PLATE'
  | 'MAC_ADDRESS'
  | 'NAME'
  | 'PASSWORD'
  | 'PHONE'
  | 'PIN'
  | 'SWIFT_CODE'
  | 'UK_NATIONAL_HEALTH_SERVICE_NUMBER'
  | 'UK_NATIONAL_INSURANCE_NUMBER'
  | 'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER'
  | 'URL'
  | 'USERNAME'
  | 'US_BANK_ACCOUNT_NUMBER'
  | 'US_BANK_ROUTING_NUMBER'
  | 'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER'
  | 'US_PASSPORT_NUMBER'
  | 'US_SOCIAL_SECURITY_NUMBER'
  | 'VEHICLE_IDENTIFICATION_NUMBER';

/** Per-direction switches every policy element carries (absent: enabled, action from the element). */
export interface GuardrailDirections<Action extends string> {
  inputAction?: Action;
  outputAction?: Action;
  inputEnabled?: boolean;
  outputEnabled?: boolean;
}

/** A denied topic. */
export interface GuardrailTopicDefinition extends GuardrailDirections<GuardrailPolicyAction> {
  name: string;
  definition: string;
  examples?: string[];
  type: 'DENY';
}

/** A content filter. */
export interface GuardrailContentFilterDefinition extends GuardrailDirections<GuardrailPolicyAction> {
  type: GuardrailContentFilterType;
  inputStrength: GuardrailFilterStrength;
  outputStrength: GuardrailFilterStrength;
  inputModalities?: ('TEXT' | 'IMAGE')[];
  outputModalities?: ('TEXT' | 'IMAGE')[];
}

/** A custom blocked word or phrase. */
export interface GuardrailWordDefinition extends GuardrailDirections<GuardrailPolicyAction> {
  text: string;
}

/** A managed word list (only `PROFANITY` exists). */
export interface GuardrailManagedWordListDefinition extends GuardrailDirections<GuardrailPolicyAction> {
  type: 'PROFANITY';
}

/** A PII entity filter. */
export interface GuardrailPiiEntityDefinition extends GuardrailDirections<GuardrailSensitiveAction> {
  type: GuardrailPiiEntityType;
  action: GuardrailSensitiveAction;
}

/** A custom regex filter. */
export interface GuardrailRegexDefinition extends GuardrailDirections<GuardrailSensitiveAction> {
  name: string;
  description?: string;
  pattern: string;
  action: GuardrailSensitiveAction;
}

/** A contextual grounding filter. */
export interface GuardrailGroundingFilterDefinition {
  type: GuardrailGroundingFilterType;
  /** 0..0.99: a score below it intervenes. */
  threshold: number;
  action?: GuardrailPolicyAction;
  enabled?: boolean;
}

/**
 * One guardrail version's policies and messages, in the casing GetGuardrail answers with
 * (`topicPolicy.topics`, not the request's `topicPolicyConfig.topicsConfig`).
 */
export interface GuardrailPolicies {
  topicPolicy?: { topics: GuardrailTopicDefinition[]; tier?: { tierName: 'CLASSIC' | 'STANDARD' } };
  contentPolicy?: { filters: GuardrailContentFilterDefinition[]; tier?: { tierName: 'CLASSIC' | 'STANDARD' } };
  wordPolicy?: { words?: GuardrailWordDefinition[]; managedWordLists?: GuardrailManagedWordListDefinition[] };
  sensitiveInformationPolicy?: { piiEntities?: GuardrailPiiEntityDefinition[]; regexes?: GuardrailRegexDefinition[] };
  contextualGroundingPolicy?: { filters: GuardrailGroundingFilterDefinition[] };
  /** The message returned instead of a blocked input. */
  blockedInputMessaging: string;
  /** The message returned instead of a blocked output (note the service's "s"). */
  blockedOutputsMessaging: string;
}

/** A text to assess. Qualifiers mark grounding sources and queries for contextual grounding. */
export interface GuardrailTextContent {
  text: string;
  qualifiers?: ('grounding_source' | 'query' | 'guard_content')[];
}

/** An image to assess (counted in coverage). */
export interface GuardrailImageContent {
  format: 'png' | 'jpeg';
  bytes: Uint8Array;
}

/** One element of the content to assess, as in ApplyGuardrail's `content`. */
export type GuardrailContentBlock = { text: GuardrailTextContent } | { image: GuardrailImageContent };

/** What an evaluation assesses. */
export interface GuardrailEvaluationRequest {
  source: GuardrailSource;
  content: GuardrailContentBlock[];
  /**
   * `INTERVENTIONS` (default): the assessment lists only findings that were detected. `FULL`: it also lists
   * every configured filter that ran without detecting anything.
   */
  outputScope?: 'INTERVENTIONS' | 'FULL';
}

// ---- Results, in the wire casing of ApplyGuardrail and the Converse trace ----

/** Assessment action of topics, content filters, words and grounding. */
export type GuardrailBlockingAction = 'BLOCKED' | 'NONE';
/** Assessment action of PII entities and regexes. */
export type GuardrailSensitiveResultAction = 'ANONYMIZED' | 'BLOCKED' | 'NONE';

/** `usage`: units billed per policy (one unit per started 1 000 characters per policy). */
export interface GuardrailUsage {
  topicPolicyUnits: number;
  contentPolicyUnits: number;
  wordPolicyUnits: number;
  sensitiveInformationPolicyUnits: number;
  sensitiveInformationPolicyFreeUnits: number;
  contextualGroundingPolicyUnits: number;
  contentPolicyImageUnits?: number;
}

/** `guardrailCoverage`: how much of the content was assessed. */
export interface GuardrailCoverage {
  textCharacters?: { guarded: number; total: number };
  images?: { guarded: number; total: number };
}

/** One assessment (`assessments[i]`, `trace.guardrail.inputAssessment[id]`). Empty policies are omitted. */
export interface GuardrailAssessment {
  topicPolicy?: { topics: { name: string; type: 'DENY'; action: GuardrailBlockingAction; detected: boolean }[] };
  contentPolicy?: {
    filters: {
      type: GuardrailContentFilterType;
      confidence: GuardrailConfidence;
      filterStrength: GuardrailFilterStrength;
      action: GuardrailBlockingAction;
      detected: boolean;
    }[];
  };
  wordPolicy?: {
    customWords: { match: string; action: GuardrailBlockingAction; detected: boolean }[];
    managedWordLists: { match: string; type: 'PROFANITY'; action: GuardrailBlockingAction; detected: boolean }[];
  };
  sensitiveInformationPolicy?: {
    piiEntities: { match: string; type: GuardrailPiiEntityType; action: GuardrailSensitiveResultAction; detected: boolean }[];
    regexes: { name: string; match: string; regex: string; action: GuardrailSensitiveResultAction; detected: boolean }[];
  };
  contextualGroundingPolicy?: {
    filters: { type: GuardrailGroundingFilterType; threshold: number; score: number; action: GuardrailBlockingAction; detected: boolean }[];
  };
  invocationMetrics?: { guardrailProcessingLatency: number; usage: GuardrailUsage; guardrailCoverage: GuardrailCoverage };
  appliedGuardrailDetails?: {
    guardrailId: string;
    guardrailVersion: string;
    guardrailArn: string;
    guardrailOrigin: ('REQUEST' | 'ACCOUNT_ENFORCED' | 'ORGANIZATION_ENFORCED')[];
    guardrailOwnership: 'SELF' | 'CROSS_ACCOUNT';
  };
}

/** The result of assessing content against one guardrail. */
export interface GuardrailEvaluation {
  /** `GUARDRAIL_INTERVENED` when anything was blocked or anonymized. */
  action: 'NONE' | 'GUARDRAIL_INTERVENED';
  /** Why, in the service's words (e.g. "Guardrail blocked."), or "No action." */
  actionReason: string;
  /** True when the content must be replaced by the blocked message (a BLOCK matched). */
  blocked: boolean;
  /**
   * ApplyGuardrail's `outputs`: `[{text: blocked message}]` when blocked; the masked texts when only
   * anonymized; `[]` when nothing happened.
   */
  outputs: { text: string }[];
  /**
   * The text blocks of the request with anonymized spans replaced by `{TYPE}` / `{regexName}` placeholders,
   * one per text block in request order (unchanged text when nothing matched). Inline guardrails use it to
   * mask the model's output while keeping the rest byte-identical.
   */
  maskedTexts: string[];
  /** The assessment with every policy that ran (detected and not-detected findings as the service lists them). */
  assessment: GuardrailAssessment;
  usage: GuardrailUsage;
  coverage: GuardrailCoverage;
  /** Why each finding was made: which term, example, pattern or score matched (one entry per finding). */
  explanations: GuardrailExplanation[];
}

/** The policy a finding belongs to, in the assessment's casing. */
export type GuardrailPolicyName =
  | 'topicPolicy'
  | 'contentPolicy'
  | 'wordPolicy'
  | 'sensitiveInformationPolicy'
  | 'contextualGroundingPolicy';

/** Why one finding was made. Every decision of the engine names its match. */
export interface GuardrailExplanation {
  policy: GuardrailPolicyName;
  /** The filter, entity or list type (`HATE`, `EMAIL`, `PROFANITY`, `GROUNDING`…), when the finding has one. */
  type?: string;
  /** The topic, custom word or regex name, when the finding has one. */
  name?: string;
  /** The text that matched (a word, a span, the best-matching sentence), or the scored text for grounding. */
  match: string;
  /** A sentence saying what matched and how it was scored, e.g. `term "kill" (weight 2) → MEDIUM`. */
  reason: string;
  /** What the finding did. */
  action: GuardrailSensitiveResultAction;
  /** Index of the text block (among the request's text blocks) the match was found in, when it has one. */
  textBlock?: number;
  /** The score behind the decision (content: summed weights; topics/grounding: 0..1), when there is one. */
  score?: number;
}

/** Options of an evaluation. */
export interface GuardrailEvaluationOptions {
  /** Replacements for the default lexical classifiers, per policy (see `classifiers.ts`). */
  classifiers?: GuardrailClassifiers;
  /** Receives one-line warnings (e.g. a custom regex that is not a valid JavaScript pattern). Default: silent. */
  warn?: (message: string) => void;
}

/** A stored guardrail version as the runtime resolves it for ApplyGuardrail and inline guardrails. */
export interface ResolvedGuardrail {
  guardrailId: string;
  guardrailArn: string;
  /** `DRAFT` or a version number. */
  version: string;
  policies: GuardrailPolicies;
}

/**
 * Finds a guardrail version by id or ARN and version (`DRAFT` or a number), or throws the service's error
 * (`ResourceNotFoundException` / `ValidationException`) as a `BedrockServiceError`.
 */
export interface GuardrailResolver {
  resolve(identifier: string, version: string): ResolvedGuardrail;
}
