import { isBedrockErrorName, type BedrockErrorName } from '../errors/bedrock-errors.js';
import type { OperationName } from '../router/routes.js';

/**
 * Fault rules: what goes wrong, for which calls. A rule names the calls it hits (operation, model id, call
 * numbers, at most `times`, a seeded `probability`) and one fault: an exception before the response, a
 * stream cut after N events with an exception frame, or a dropped connection; `latencyMs` delays any of
 * them (or, alone, just slows the answer).
 */

/** The exception frames a stream can be cut with (the members of the stream unions, lowerCamel). */
export type StreamFaultException =
  | 'internalServerException'
  | 'modelStreamErrorException'
  | 'validationException'
  | 'throttlingException'
  | 'serviceUnavailableException'
  | 'modelTimeoutException';

const STREAM_EXCEPTIONS: readonly StreamFaultException[] = [
  'internalServerException',
  'modelStreamErrorException',
  'validationException',
  'throttlingException',
  'serviceUnavailableException',
  'modelTimeoutException',
];

/** One fault rule. */
export interface FaultRule {
  /** The operations it applies to. Default: every operation. */
  operation?: OperationName | readonly OperationName[];
  /** The model id it applies to, as sent (base id, profile id or ARN); a trailing `*` matches a prefix. Default: any. */
  modelId?: string;
  /** The 1-based numbers of the matching calls it hits (`[1, 2]`: the first two). Default: every matching call. */
  calls?: readonly number[];
  /** How many calls it hits at most; then it is spent. Default: no limit. */
  times?: number;
  /** The chance (0..1) that a matching call is hit, drawn from the runtime's seeded generator. Default: 1. */
  probability?: number;
  /** Waits this long before answering (or before the fault below). */
  latencyMs?: number;
  /** Answers with this exception instead of the operation (HTTP status and `x-amzn-errortype` as Bedrock sends them). */
  error?: BedrockErrorName;
  /** The exception's message. Default: Bedrock's usual text for it. */
  message?: string;
  /** Sends `retry-after` (seconds) with the error, which the SDK's retry strategy honours. */
  retryAfterSeconds?: number;
  /** Ends a streamed answer after `afterEvents` events with this exception frame. */
  streamCut?: { afterEvents: number; exception: StreamFaultException; message?: string };
  /** Drops the connection: before any response, or after `afterEvents` events of a stream. */
  dropConnection?: true | { afterEvents: number };
}

/** Throws a `TypeError` naming what is wrong with a rule, so a typo fails loudly instead of never firing. */
export function validateFaultRule(rule: FaultRule): void {
  const problem = findProblem(rule);
  if (problem) throw new TypeError(`[local-bedrock] Invalid fault rule ${JSON.stringify(rule)}: ${problem}`);
}

function findProblem(rule: FaultRule): string | undefined {
  const faults = [rule.error, rule.streamCut, rule.dropConnection].filter((fault) => fault !== undefined).length;
  if (faults > 1) return 'give only one of "error", "streamCut" and "dropConnection".';
  if (faults === 0 && rule.latencyMs === undefined) return 'give "error", "streamCut", "dropConnection" or "latencyMs".';
  if (rule.error !== undefined && !isBedrockErrorName(rule.error)) return `"${rule.error}" is not a Bedrock exception.`;
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) return '"probability" must be between 0 and 1.';
  if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0)) return '"latencyMs" must be 0 or more.';
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 1)) return '"times" must be a whole number of at least 1.';
  if (rule.calls !== undefined && !rule.calls.every((call) => Number.isInteger(call) && call >= 1)) return '"calls" must list call numbers from 1.';
  if (rule.streamCut && !STREAM_EXCEPTIONS.includes(rule.streamCut.exception)) return `"streamCut.exception" must be one of ${STREAM_EXCEPTIONS.join(', ')}.`;
  const afterEvents = rule.streamCut?.afterEvents ?? (typeof rule.dropConnection === 'object' ? rule.dropConnection.afterEvents : undefined);
  if (afterEvents !== undefined && !(Number.isInteger(afterEvents) && afterEvents >= 0)) return '"afterEvents" must be a whole number of 0 or more.';
  return undefined;
}

/**
 * Reads fault rules from a JSON array (the `LOCAL_BEDROCK_FAULTS` environment variable).
 *
 * @example
 * parseFaultRules('[{"operation":"Converse","error":"ThrottlingException","times":2}]');
 */
export function parseFaultRules(text: string | undefined): FaultRule[] {
  if (text === undefined || text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TypeError('[local-bedrock] LOCAL_BEDROCK_FAULTS must be a JSON array of fault rules.');
  }
  const rules = Array.isArray(parsed) ? parsed : [parsed];
  for (const rule of rules) validateFaultRule(rule as FaultRule);
  return rules as FaultRule[];
}
