import { validationError, type BedrockServiceError } from '../../errors/bedrock-errors.js';

/**
 * Bedrock validates native InvokeModel bodies against a JSON schema per provider and reports problems as
 * `Malformed input request: #: required key [max_tokens] not found, #: extraneous key [model] is not
 * permitted, please reformat your input and try again.` These helpers produce that message.
 */

/** The malformed-input error listing the given schema violations (`#: …`, `#/messages/0: …`). */
export function malformedInput(violations: readonly string[]): BedrockServiceError {
  if (violations.length === 0) return validationError('Malformed input request, please reformat your input and try again.');
  return validationError(`Malformed input request: ${violations.join(', ')}, please reformat your input and try again.`);
}

/** Checks required and allowed top-level keys; returns the violations in Bedrock's wording. */
export function checkKeys(body: Record<string, unknown>, required: readonly string[], allowed: readonly string[], at = '#'): string[] {
  const violations: string[] = [];
  for (const key of required) if (body[key] === undefined) violations.push(`${at}: required key [${key}] not found`);
  const permitted = new Set([...required, ...allowed, ...IGNORED_BEDROCK_KEYS]);
  for (const key of Object.keys(body)) if (!permitted.has(key)) violations.push(`${at}: extraneous key [${key}] is not permitted`);
  return violations;
}

/** Keys Bedrock itself reads from any native body (guardrail settings), never passed to the model. */
const IGNORED_BEDROCK_KEYS = ['amazon-bedrock-guardrailConfig'];

/** A number in range, or a violation in Bedrock's wording (`#/temperature: 1.5 is not less or equal to 1`). */
export function checkNumber(value: unknown, path: string, minimum?: number, maximum?: number, integer = false): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) return `${path}: expected type: Number, found: ${jsonType(value)}`;
  if (integer && !Number.isInteger(value)) return `${path}: expected type: Integer, found: Number`;
  if (minimum !== undefined && value < minimum) return `${path}: ${value} is not greater or equal to ${minimum}`;
  if (maximum !== undefined && value > maximum) return `${path}: ${value} is not less or equal to ${maximum}`;
  return undefined;
}

/** A value's type in the schema validator's words. */
export function jsonType(value: unknown): string {
  if (value === null) return 'Null';
  if (Array.isArray(value)) return 'JSONArray';
  if (typeof value === 'object') return 'JSONObject';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  return 'Number';
}
