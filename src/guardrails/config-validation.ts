/**
 * Validates a CreateGuardrail/UpdateGuardrail body as the service does: first the API model's constraints
 * (lengths, patterns, enums, required members — all violations in one Coral-style message), then the rules
 * the model cannot express (at least one policy, unique filter types, PROMPT_ATTACK on input only, regexes
 * that compile).
 */
import { ConstraintErrors } from '../codecs/constraint-errors.js';
import { asArray, asObject } from '../codecs/json-values.js';
import { validationError } from '../errors/bedrock-errors.js';
import type { GuardrailConfigRequest } from './config-types.js';

const MALFORMED = 'Malformed input request, please reformat your input and try again.';

const NAME_PATTERN = /^[0-9a-zA-Z-_]+$/;
const TOPIC_NAME_PATTERN = /^[0-9a-zA-Z-_ !?.]+$/;
const CLIENT_TOKEN_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}$/;
const PROFILE_PATTERN = /^[a-zA-Z0-9-:.]+$/;

const POLICY_ACTIONS = ['BLOCK', 'NONE'] as const;
const SENSITIVE_ACTIONS = ['BLOCK', 'ANONYMIZE', 'NONE'] as const;
const STRENGTHS = ['NONE', 'LOW', 'MEDIUM', 'HIGH'] as const;
const MODALITIES = ['TEXT', 'IMAGE'] as const;
const TIERS = ['CLASSIC', 'STANDARD'] as const;
const CONTENT_FILTER_TYPES = ['SEXUAL', 'VIOLENCE', 'HATE', 'INSULTS', 'MISCONDUCT', 'PROMPT_ATTACK'] as const;
const GROUNDING_TYPES = ['GROUNDING', 'RELEVANCE'] as const;
/** Every PII entity type, in the order the API model lists them. */
const PII_ENTITY_TYPES = [
  'ADDRESS',
  'AGE',
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'CA_HEALTH_NUMBER',
  'CA_SOCIAL_INSURANCE_NUMBER',
  'CREDIT_DEBIT_CARD_CVV',
  'CREDIT_DEBIT_CARD_EXPIRY',
  'CREDIT_DEBIT_CARD_NUMBER',
  'DRIVER_ID',
  'EMAIL',
  'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
  'IP_ADDRESS',
  'LICENSE_PLATE',
  'MAC_ADDRESS',
  'NAME',
  'PASSWORD',
  'PHONE',
  'PIN',
  'SWIFT_CODE',
  'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
  'UK_NATIONAL_INSURANCE_NUMBER',
  'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
  'URL',
  'USERNAME',
  'US_BANK_ACCOUNT_NUMBER',
  'US_BANK_ROUTING_NUMBER',
  'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER',
  'US_PASSPORT_NUMBER',
  'US_SOCIAL_SECURITY_NUMBER',
  'VEHICLE_IDENTIFICATION_NUMBER',
] as const;

/**
 * Which request a body belongs to: UpdateGuardrail has no `tags`.
 *
 * @example
 * const operation: GuardrailConfigOperation = 'UpdateGuardrail';
 */
export type GuardrailConfigOperation = 'CreateGuardrail' | 'UpdateGuardrail';

/**
 * Checks a CreateGuardrail/UpdateGuardrail body and returns it typed, or throws the service's
 * `ValidationException`.
 *
 * @example
 * const config = validateGuardrailConfig(readJsonBody(request.body), 'CreateGuardrail');
 */
export function validateGuardrailConfig(body: unknown, operation: GuardrailConfigOperation): GuardrailConfigRequest {
  const config = asObject(body);
  if (!config) throw validationError(MALFORMED);
  const errors = new ConstraintErrors();
  checkString(errors, 'name', config.name, 1, 50, true);
  errors.checkPattern('name', typeof config.name === 'string' && config.name.length > 0 ? config.name : undefined, NAME_PATTERN, '[0-9a-zA-Z-_]+');
  checkString(errors, 'description', config.description, 1, 200);
  checkString(errors, 'blockedInputMessaging', config.blockedInputMessaging, 1, 500, true);
  checkString(errors, 'blockedOutputsMessaging', config.blockedOutputsMessaging, 1, 500, true);
  checkString(errors, 'kmsKeyId', config.kmsKeyId, 1, 2048);
  checkString(errors, 'clientRequestToken', config.clientRequestToken, 1, 256);
  errors.checkPattern('clientRequestToken', config.clientRequestToken, CLIENT_TOKEN_PATTERN, '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}');
  checkTopics(errors, config.topicPolicyConfig);
  checkContentFilters(errors, config.contentPolicyConfig);
  checkWords(errors, config.wordPolicyConfig);
  checkSensitiveInformation(errors, config.sensitiveInformationPolicyConfig);
  checkGrounding(errors, config.contextualGroundingPolicyConfig);
  checkAutomatedReasoning(errors, config.automatedReasoningPolicyConfig);
  checkCrossRegion(errors, config.crossRegionConfig);
  if (operation === 'CreateGuardrail') checkTags(errors, config.tags);
  errors.throwIfAny();
  checkRules(config as unknown as GuardrailConfigRequest);
  return config as unknown as GuardrailConfigRequest;
}

// ---- Constraints of the API model ----

function checkString(errors: ConstraintErrors, path: string, value: unknown, minimum: number, maximum: number, required = false): void {
  if (required && !errors.checkRequired(path, value)) return;
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') throw validationError(MALFORMED);
  errors.checkLength(path, value, minimum, maximum);
}

function checkBoolean(path: string, value: unknown): void {
  if (value !== undefined && value !== null && typeof value !== 'boolean') throw validationError(MALFORMED);
}

/** A policy object (or `undefined`); anything else is not the request's shape. */
function policyObject(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  const policy = asObject(value);
  if (!policy) throw validationError(MALFORMED);
  return policy;
}

/** The elements of a list member, each checked as an object; `undefined` when the list is absent. */
function elements(errors: ConstraintErrors, path: string, value: unknown, minimum: number, maximum: number | undefined, required: boolean): Record<string, unknown>[] | undefined {
  if (required && !errors.checkRequired(path, value)) return undefined;
  if (value === undefined || value === null) return undefined;
  const list = asArray(value);
  if (!list) throw validationError(MALFORMED);
  errors.checkLength(path, list, minimum, maximum);
  return list.map((item) => {
    const element = asObject(item);
    if (!element) throw validationError(MALFORMED);
    return element;
  });
}

function checkDirections(errors: ConstraintErrors, path: string, element: Record<string, unknown>, actions: readonly string[]): void {
  errors.checkEnum(`${path}.inputAction`, element.inputAction, actions);
  errors.checkEnum(`${path}.outputAction`, element.outputAction, actions);
  checkBoolean(`${path}.inputEnabled`, element.inputEnabled);
  checkBoolean(`${path}.outputEnabled`, element.outputEnabled);
}

function checkTier(errors: ConstraintErrors, path: string, value: unknown): void {
  const tier = policyObject(value);
  if (!tier) return;
  if (errors.checkRequired(`${path}.tierName`, tier.tierName)) errors.checkEnum(`${path}.tierName`, tier.tierName, TIERS);
}

function checkTopics(errors: ConstraintErrors, value: unknown): void {
  const policy = policyObject(value);
  if (!policy) return;
  const topics = elements(errors, 'topicPolicyConfig.topicsConfig', policy.topicsConfig, 1, 30, true) ?? [];
  topics.forEach((topic, index) => {
    const path = `topicPolicyConfig.topicsConfig.${index + 1}.member`;
    checkString(errors, `${path}.name`, topic.name, 1, 100, true);
    if (typeof topic.name === 'string' && topic.name.length > 0) errors.checkPattern(`${path}.name`, topic.name, TOPIC_NAME_PATTERN, '[0-9a-zA-Z-_ !?\\.]+');
    checkString(errors, `${path}.definition`, topic.definition, 1, 200, true);
    const examples = topic.examples;
    if (examples !== undefined && examples !== null) {
      const list = asArray(examples);
      if (!list) throw validationError(MALFORMED);
      errors.checkLength(`${path}.examples`, list, 0, 5);
      list.forEach((example, exampleIndex) => checkString(errors, `${path}.examples.${exampleIndex + 1}.member`, example, 1, 100, true));
    }
    if (errors.checkRequired(`${path}.type`, topic.type)) errors.checkEnum(`${path}.type`, topic.type, ['DENY']);
    checkDirections(errors, path, topic, POLICY_ACTIONS);
  });
  checkTier(errors, 'topicPolicyConfig.tierConfig', policy.tierConfig);
}

function checkContentFilters(errors: ConstraintErrors, value: unknown): void {
  const policy = policyObject(value);
  if (!policy) return;
  const filters = elements(errors, 'contentPolicyConfig.filtersConfig', policy.filtersConfig, 1, 6, true) ?? [];
  filters.forEach((filter, index) => {
    const path = `contentPolicyConfig.filtersConfig.${index + 1}.member`;
    if (errors.checkRequired(`${path}.type`, filter.type)) errors.checkEnum(`${path}.type`, filter.type, CONTENT_FILTER_TYPES);
    if (errors.checkRequired(`${path}.inputStrength`, filter.inputStrength)) errors.checkEnum(`${path}.inputStrength`, filter.inputStrength, STRENGTHS);
    if (errors.checkRequired(`${path}.outputStrength`, filter.outputStrength)) errors.checkEnum(`${path}.outputStrength`, filter.outputStrength, STRENGTHS);
    for (const key of ['inputModalities', 'outputModalities'] as const) {
      const modalities = filter[key];
      if (modalities === undefined || modalities === null) continue;
      const list = asArray(modalities);
      if (!list) throw validationError(MALFORMED);
      errors.checkLength(`${path}.${key}`, list, 1, undefined);
      list.forEach((modality, modalityIndex) => errors.checkEnum(`${path}.${key}.${modalityIndex + 1}.member`, modality, MODALITIES));
    }
    checkDirections(errors, path, filter, POLICY_ACTIONS);
  });
  checkTier(errors, 'contentPolicyConfig.tierConfig', policy.tierConfig);
}

function checkWords(errors: ConstraintErrors, value: unknown): void {
  const policy = policyObject(value);
  if (!policy) return;
  const words = elements(errors, 'wordPolicyConfig.wordsConfig', policy.wordsConfig, 1, 10000, false) ?? [];
  words.forEach((word, index) => {
    const path = `wordPolicyConfig.wordsConfig.${index + 1}.member`;
    checkString(errors, `${path}.text`, word.text, 1, 100, true);
    checkDirections(errors, path, word, POLICY_ACTIONS);
  });
  const lists = elements(errors, 'wordPolicyConfig.managedWordListsConfig', policy.managedWordListsConfig, 0, undefined, false) ?? [];
  lists.forEach((list, index) => {
    const path = `wordPolicyConfig.managedWordListsConfig.${index + 1}.member`;
    if (errors.checkRequired(`${path}.type`, list.type)) errors.checkEnum(`${path}.type`, list.type, ['PROFANITY']);
    checkDirections(errors, path, list, POLICY_ACTIONS);
  });
}

function checkSensitiveInformation(errors: ConstraintErrors, value: unknown): void {
  const policy = policyObject(value);
  if (!policy) return;
  const entities = elements(errors, 'sensitiveInformationPolicyConfig.piiEntitiesConfig', policy.piiEntitiesConfig, 1, undefined, false) ?? [];
  entities.forEach((entity, index) => {
    const path = `sensitiveInformationPolicyConfig.piiEntitiesConfig.${index + 1}.member`;
    if (errors.checkRequired(`${path}.type`, entity.type)) errors.checkEnum(`${path}.type`, entity.type, PII_ENTITY_TYPES);
    if (errors.checkRequired(`${path}.action`, entity.action)) errors.checkEnum(`${path}.action`, entity.action, SENSITIVE_ACTIONS);
    checkDirections(errors, path, entity, SENSITIVE_ACTIONS);
  });
  const regexes = elements(errors, 'sensitiveInformationPolicyConfig.regexesConfig', policy.regexesConfig, 1, undefined, false) ?? [];
  regexes.forEach((regex, index) => {
    const path = `sensitiveInformationPolicyConfig.regexesConfig.${index + 1}.member`;
    checkString(errors, `${path}.name`, regex.name, 1, 100, true);
    checkString(errors, `${path}.description`, regex.description, 1, 1000);
    checkString(errors, `${path}.pattern`, regex.pattern, 1, 500, true);
    if (errors.checkRequired(`${path}.action`, regex.action)) errors.checkEnum(`${path}.action`, regex.action, SENSITIVE_ACTIONS);
    checkDirections(errors, path, regex, SENSITIVE_ACTIONS);
  });
}

function checkGrounding(errors: ConstraintErrors, value: unknown): void {
  const policy = policyObject(value);
  if (!policy) return;
  const filters = elements(errors, 'contextualGroundingPolicyConfig.filtersConfig', policy.filtersConfig, 1, undefined, true) ?? [];
  filters.forEach((filter, index) => {
    const path = `contextualGroundingPolicyConfig.filtersConfig.${index + 1}.member`;
    if (errors.checkRequired(`${path}.type`, filter.type)) errors.checkEnum(`${path}.type`, filter.type, GROUNDING_TYPES);
    if (errors.checkRequired(`${path}.threshold`, filter.threshold)) errors.checkRange(`${path}.threshold`, filter.threshold, 0, 0.99);
    errors.checkEnum(`${path}.action`, filter.action, POLICY_ACTIONS);
    checkBoolean(`${path}.enabled`, filter.enabled);
  });
}

function checkAutomatedReasoning(errors: ConstraintErrors, value: unknown): void {
  const policy = policyObject(value);
  if (!policy) return;
  const policies = policy.policies;
  if (!errors.checkRequired('automatedReasoningPolicyConfig.policies', policies)) return;
  const list = asArray(policies);
  if (!list || list.some((item) => typeof item !== 'string')) throw validationError(MALFORMED);
  errors.checkLength('automatedReasoningPolicyConfig.policies', list, 1, 2);
  errors.checkRange('automatedReasoningPolicyConfig.confidenceThreshold', policy.confidenceThreshold, 0, 1);
}

function checkCrossRegion(errors: ConstraintErrors, value: unknown): void {
  const crossRegion = policyObject(value);
  if (!crossRegion) return;
  const path = 'crossRegionConfig.guardrailProfileIdentifier';
  checkString(errors, path, crossRegion.guardrailProfileIdentifier, 15, 2048, true);
  errors.checkPattern(path, crossRegion.guardrailProfileIdentifier, PROFILE_PATTERN, '[a-zA-Z0-9-:.]+');
}

function checkTags(errors: ConstraintErrors, value: unknown): void {
  const tags = elements(errors, 'tags', value, 0, 200, false) ?? [];
  tags.forEach((tag, index) => {
    checkString(errors, `tags.${index + 1}.member.key`, tag.key, 1, 128, true);
    checkString(errors, `tags.${index + 1}.member.value`, tag.value, 0, 256, true);
  });
}

// ---- Rules beyond the API model ----

function checkRules(config: GuardrailConfigRequest): void {
  const words = config.wordPolicyConfig;
  const sensitive = config.sensitiveInformationPolicyConfig;
  const configured =
    config.topicPolicyConfig !== undefined ||
    config.contentPolicyConfig !== undefined ||
    (words !== undefined && ((words.wordsConfig?.length ?? 0) > 0 || (words.managedWordListsConfig?.length ?? 0) > 0)) ||
    (sensitive !== undefined && ((sensitive.piiEntitiesConfig?.length ?? 0) > 0 || (sensitive.regexesConfig?.length ?? 0) > 0)) ||
    config.contextualGroundingPolicyConfig !== undefined ||
    config.automatedReasoningPolicyConfig !== undefined;
  if (!configured) throw validationError('At least one policy must be configured for the guardrail.');

  const filterTypes = new Set<string>();
  for (const filter of config.contentPolicyConfig?.filtersConfig ?? []) {
    if (filterTypes.has(filter.type)) throw validationError(`Duplicate content filter type ${filter.type} is not allowed.`);
    filterTypes.add(filter.type);
    if (filter.type === 'PROMPT_ATTACK' && filter.outputStrength !== 'NONE') {
      throw validationError('PROMPT_ATTACK content filter strength for response not supported. Set outputStrength to NONE.');
    }
  }
  const topicNames = new Set<string>();
  for (const topic of config.topicPolicyConfig?.topicsConfig ?? []) {
    if (topicNames.has(topic.name)) throw validationError(`Duplicate topic name ${topic.name} is not allowed.`);
    topicNames.add(topic.name);
  }
  const groundingTypes = new Set<string>();
  for (const filter of config.contextualGroundingPolicyConfig?.filtersConfig ?? []) {
    if (groundingTypes.has(filter.type)) throw validationError(`Duplicate contextual grounding filter type ${filter.type} is not allowed.`);
    groundingTypes.add(filter.type);
  }
  const piiTypes = new Set<string>();
  for (const entity of sensitive?.piiEntitiesConfig ?? []) {
    if (piiTypes.has(entity.type)) throw validationError(`Duplicate PII entity type ${entity.type} is not allowed.`);
    piiTypes.add(entity.type);
  }
  for (const regex of sensitive?.regexesConfig ?? []) {
    try {
      new RegExp(regex.pattern);
    } catch {
      throw validationError(`The regex pattern ${regex.pattern} for ${regex.name} is not valid.`);
    }
  }
}
