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

/** Expected JSON types, in the schema validator's words. */
export type JsonTypeName = 'String' | 'JSONArray' | 'JSONObject' | 'Boolean' | 'Number';

/** A value of the expected JSON type (when set), or the violation. */
export function typeViolation(value: unknown, path: string, expected: JsonTypeName): string[] {
  return value === undefined || jsonType(value) === expected ? [] : [`${path}: expected type: ${expected}, found: ${jsonType(value)}`];
}

/** `#/dimensions: 300 is not a valid enum value` when `value` is set and not one of `allowed`. */
export function checkEnum(value: unknown, path: string, allowed: readonly unknown[]): string | undefined {
  if (value === undefined || allowed.includes(value)) return undefined;
  return `${path}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)} is not a valid enum value`;
}

/** `checkEnum` as a list of violations, for spreading into one. */
export function enumViolation(value: unknown, path: string, allowed: readonly unknown[]): string[] {
  const violation = checkEnum(value, path, allowed);
  return violation === undefined ? [] : [violation];
}

/** A string of at least `minLength` (at most `maxLength`) characters, when set. */
export function checkString(value: unknown, path: string, minLength = 0, maxLength = Infinity): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return `${path}: expected type: String, found: ${jsonType(value)}`;
  if (value.length < minLength) return `${path}: expected minLength: ${minLength}, actual: ${value.length}`;
  if (value.length > maxLength) return `${path}: expected maxLength: ${maxLength}, actual: ${value.length}`;
  return undefined;
}

/** A list of at least `minimum` (at most `maximum`) items, each checked by `checkItem`, when set. */
export function checkList(
  value: unknown,
  path: string,
  checkItem: (item: unknown, itemPath: string) => string | undefined,
  minimum = 1,
  maximum = Infinity,
): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [`${path}: expected type: JSONArray, found: ${jsonType(value)}`];
  if (value.length < minimum) return [`${path}: expected minimum item count: ${minimum}, found: ${value.length}`];
  if (value.length > maximum) return [`${path}: expected maximum item count: ${maximum}, found: ${value.length}`];
  return value.flatMap((item, index) => checkItem(item, `${path}/${index}`) ?? []);
}

/** A list of strings with at most `maxItems` entries, when set. */
export function checkStringList(value: unknown, path: string, maxItems?: number): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [`${path}: expected type: JSONArray, found: ${jsonType(value)}`];
  const violations = value.flatMap((item, index) => checkString(item, `${path}/${index}`) ?? []);
  if (maxItems !== undefined && value.length > maxItems) violations.push(`${path}: expected maximum item count: ${maxItems}, found: ${value.length}`);
  return violations;
}

/** The strings of an already checked list. */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Adds the violations checks found to a list (checks return `undefined` for a value that is fine). */
export function collect(violations: string[], found: readonly (string | undefined)[]): void {
  for (const violation of found) if (violation !== undefined) violations.push(violation);
}

/** Throws the malformed-input error when any check found a violation. */
export function throwIfAny(violations: readonly (string | undefined)[]): void {
  const found = violations.filter((violation): violation is string => violation !== undefined);
  if (found.length > 0) throw malformedInput(found);
}
