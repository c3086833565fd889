import { validateFaultRule, type FaultRule } from '../faults/fault-rules.js';
import type { ModelQuota, QuotaTable } from '../quotas/quota-limiter.js';
import type { OperationName } from '../router/routes.js';

/**
 * Reads fault rules and quota tables that arrive as JSON from outside the process (the server's admin
 * endpoints, `local-bedrock serve --faults/--quotas`). In-process callers have the types to catch a typo;
 * JSON has not, so unknown fields and operation names are refused here instead of leaving a rule that never
 * fires (`"time": 2`) or fires forever.
 */

// Records keyed by the union: adding an operation or a rule field without listing it here fails to compile.
const OPERATIONS: Record<OperationName, true> = {
  ApplyGuardrail: true,
  GetAsyncInvoke: true,
  ListAsyncInvokes: true,
  StartAsyncInvoke: true,
  Converse: true,
  ConverseStream: true,
  CountTokens: true,
  InvokeModel: true,
  InvokeModelWithBidirectionalStream: true,
  InvokeModelWithResponseStream: true,
  CreateGuardrail: true,
  CreateInferenceProfile: true,
  DeleteInferenceProfile: true,
  GetFoundationModel: true,
  GetInferenceProfile: true,
  ListFoundationModels: true,
  ListInferenceProfiles: true,
  CreateGuardrailVersion: true,
  CreateModelInvocationJob: true,
  DeleteGuardrail: true,
  GetGuardrail: true,
  GetModelInvocationJob: true,
  ListGuardrails: true,
  ListModelInvocationJobs: true,
  StopModelInvocationJob: true,
  UpdateGuardrail: true,
};

const RULE_FIELDS: Record<keyof FaultRule, true> = {
  operation: true,
  modelId: true,
  calls: true,
  times: true,
  probability: true,
  latencyMs: true,
  error: true,
  message: true,
  retryAfterSeconds: true,
  streamCut: true,
  dropConnection: true,
};

const QUOTA_FIELDS: Record<keyof ModelQuota, true> = {
  requestsPerMinute: true,
  tokensPerMinute: true,
  tokensPerDay: true,
  outputTokenBurndownRate: true,
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isOperation = (value: unknown): value is OperationName => typeof value === 'string' && Object.hasOwn(OPERATIONS, value);

function faultRule(value: unknown): FaultRule {
  const invalid = (problem: string) => new TypeError(`[local-bedrock] Invalid fault rule ${JSON.stringify(value)}: ${problem}`);
  if (!isObject(value)) throw invalid('a rule is a JSON object.');
  const unknown = Object.keys(value).find((key) => !Object.hasOwn(RULE_FIELDS, key));
  if (unknown !== undefined) throw invalid(`"${unknown}" is not a field of a fault rule (${Object.keys(RULE_FIELDS).join(', ')}).`);
  const { operation } = value;
  const operations = Array.isArray(operation) ? (operation as unknown[]) : operation === undefined ? [] : [operation];
  const wrong = operations.find((name) => !isOperation(name));
  if (wrong !== undefined) throw invalid(`"${String(wrong)}" is not an operation; name it as the SDK names its command (e.g. "Converse", "InvokeModelWithResponseStream").`);
  const rule = value as FaultRule;
  validateFaultRule(rule);
  return rule;
}

/**
 * Reads one fault rule or a list of them from parsed JSON, checking every rule before returning any, so a
 * list is taken whole or not at all. Throws a `TypeError` naming the first problem.
 *
 * @example
 * readFaultRules(JSON.parse('{"operation":"Converse","error":"ThrottlingException","times":2}'));
 */
export function readFaultRules(value: unknown): FaultRule[] {
  return (Array.isArray(value) ? value : [value]).map(faultRule);
}

/**
 * Reads a quota table (`{"<model id or prefix*>": {"requestsPerMinute": n, …}}`) from parsed JSON. Throws a
 * `TypeError` naming the first problem.
 *
 * @example
 * readQuotaTable({ 'anthropic.*': { requestsPerMinute: 2 } });
 */
export function readQuotaTable(value: unknown): QuotaTable {
  const invalid = (problem: string) => new TypeError(`[local-bedrock] Invalid quota table ${JSON.stringify(value)}: ${problem}`);
  if (!isObject(value)) throw invalid('a quota table is a JSON object: {"<model id or prefix*>": {"requestsPerMinute": n, "tokensPerMinute": n, "tokensPerDay": n}}.');
  for (const [pattern, quota] of Object.entries(value)) {
    if (!isObject(quota)) throw invalid(`the quota of "${pattern}" is not an object.`);
    for (const [field, limit] of Object.entries(quota)) {
      if (!Object.hasOwn(QUOTA_FIELDS, field)) throw invalid(`"${field}" is not a quota (${Object.keys(QUOTA_FIELDS).join(', ')}).`);
      if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0) throw invalid(`"${pattern}".${field} must be a number of 0 or more.`);
    }
  }
  return value as QuotaTable;
}
