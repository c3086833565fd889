import type { JsonSchema } from '../../chat/types.js';

/**
 * The subset of JSON Schema node-llama-cpp turns into a GBNF grammar (its `GbnfJsonSchema`), as a plain
 * type so the public surface does not depend on node-llama-cpp's typings.
 */
export type GrammarSchema = { readonly [key: string]: unknown };

const SIMPLE_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/** Any JSON value, for schemas that say nothing (`{}`) or use keywords the grammar cannot express. */
const ANY_VALUE: GrammarSchema = { type: ['string', 'number', 'boolean', 'null'] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON Schema → the schema node-llama-cpp's grammar builder accepts. Constraints the grammar cannot express
 * (patterns, numeric ranges) are dropped; everything kept is enforced token by token, so the model's output
 * always parses and has the required shape. Every declared property is generated (a superset of `required`),
 * which still validates. `$ref`s into `$defs`/`definitions` are inlined (to a small depth).
 *
 * @example
 * toGrammarSchema({ type: 'object', properties: { city: { type: 'string', pattern: '^[A-Z]' } }, required: ['city'] });
 * // → { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
 */
export function toGrammarSchema(schema: JsonSchema, root: JsonSchema = schema, depth = 0): GrammarSchema {
  if (depth > 8) return ANY_VALUE;
  const description = typeof schema.description === 'string' ? { description: schema.description } : {};
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace(/^#\/(\$defs|definitions)\//, '');
    const definitions = (isRecord(root.$defs) ? root.$defs : isRecord(root.definitions) ? root.definitions : {}) as Record<string, unknown>;
    const target = definitions[name];
    return isRecord(target) ? toGrammarSchema(target, root, depth + 1) : ANY_VALUE;
  }
  if ('const' in schema && (schema.const === null || ['string', 'number', 'boolean'].includes(typeof schema.const))) return { const: schema.const, ...description };
  if (Array.isArray(schema.enum)) return { enum: schema.enum.filter((value) => value === null || typeof value !== 'object'), ...description };
  const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (alternatives) return { oneOf: alternatives.filter(isRecord).map((alternative) => toGrammarSchema(alternative, root, depth + 1)), ...description };
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1 && isRecord(schema.allOf[0])) return toGrammarSchema(schema.allOf[0], root, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.filter((item) => typeof item === 'string') : schema.type;
  if (Array.isArray(type)) {
    const simple = type.filter((item) => SIMPLE_TYPES.has(item));
    if (simple.length === type.length) return { type: simple, ...description };
    return { oneOf: type.map((item) => toGrammarSchema({ ...schema, type: item }, root, depth + 1)), ...description };
  }
  if (type === 'object' || (type === undefined && isRecord(schema.properties))) {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    const converted = Object.fromEntries(Object.entries(properties).filter(([, value]) => isRecord(value)).map(([key, value]) => [key, toGrammarSchema(value as JsonSchema, root, depth + 1)]));
    const required = Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === 'string' && key in converted) : undefined;
    const additional = schema.additionalProperties === true && Object.keys(converted).length === 0 ? { additionalProperties: ANY_VALUE } : {};
    return { type: 'object', properties: converted, ...(required ? { required } : {}), ...additional, ...description };
  }
  if (type === 'array') {
    const items = isRecord(schema.items) ? toGrammarSchema(schema.items, root, depth + 1) : ANY_VALUE;
    const bounds = {
      ...(typeof schema.minItems === 'number' ? { minItems: schema.minItems } : {}),
      ...(typeof schema.maxItems === 'number' ? { maxItems: schema.maxItems } : {}),
    };
    return { type: 'array', items, ...bounds, ...description };
  }
  if (type === 'string') {
    if (schema.format === 'date-time' || schema.format === 'date' || schema.format === 'time') return { type: 'string', format: schema.format, ...description };
    const bounds = {
      ...(typeof schema.minLength === 'number' ? { minLength: schema.minLength } : {}),
      ...(typeof schema.maxLength === 'number' ? { maxLength: schema.maxLength } : {}),
    };
    return { type: 'string', ...bounds, ...description };
  }
  if (typeof type === 'string' && SIMPLE_TYPES.has(type)) return { type, ...description };
  return ANY_VALUE;
}
