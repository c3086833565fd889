import type { JsonSchema } from '../../chat/types.js';

/**
 * Builds a value that validates against a JSON Schema, so that a scripted tool call or structured answer is
 * as well-formed as a real model's. Handles the keywords tool schemas use: `type`, `properties`,
 * `required`, `enum`, `const`, `default`, `examples`, `items`, `min*`/`max*`, `format`, `anyOf`/`oneOf`/
 * `allOf` and local `$ref`s.
 */
export function exampleForSchema(schema: unknown, options: ExampleOptions = {}): unknown {
  return example(schema, 'value', { root: schema, ...options }, 0);
}

/** Options for `exampleForSchema`. */
export interface ExampleOptions {
  /** A value for a string property, by property name, e.g. a city named in the prompt; `undefined` to use the default. */
  stringFor?: (propertyName: string) => string | undefined;
}

interface ExampleContext extends ExampleOptions {
  root: unknown;
}

const MAX_DEPTH = 8;

/** Friendly strings for common property names, so answers read like a model's. */
const NAMED_STRINGS: Readonly<Record<string, string>> = {
  city: 'Seattle',
  location: 'Seattle, WA',
  country: 'United States',
  name: 'Alex Doe',
  email: 'alex@example.com',
  query: 'local bedrock',
  language: 'en',
  unit: 'celsius',
  url: 'https://example.com',
};

const FORMAT_STRINGS: Readonly<Record<string, string>> = {
  'date-time': '2024-06-01T10:00:00Z',
  date: '2024-06-01',
  time: '10:00:00Z',
  email: 'alex@example.com',
  uri: 'https://example.com',
  url: 'https://example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
  ipv4: '192.0.2.1',
  hostname: 'example.com',
};

function resolveRef(reference: string, root: unknown): unknown {
  if (!reference.startsWith('#')) return {};
  let node: unknown = root;
  for (const segment of reference.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node ?? {};
}

function example(schemaValue: unknown, name: string, context: ExampleContext, depth: number): unknown {
  if (typeof schemaValue !== 'object' || schemaValue === null || depth > MAX_DEPTH) return null;
  const schema = schemaValue as JsonSchema;
  if (typeof schema.$ref === 'string') return example(resolveRef(schema.$ref, context.root), name, context, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  const alternatives = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length > 0) return example(alternatives[0], name, context, depth + 1);
  if (Array.isArray(schema.allOf)) {
    const merged = schema.allOf.map((part) => example(part, name, context, depth + 1));
    return merged.every((part) => typeof part === 'object' && part !== null && !Array.isArray(part)) ? Object.assign({}, ...merged) : merged[0];
  }
  switch (schemaType(schema)) {
    case 'object':
      return objectExample(schema, context, depth);
    case 'array':
      return arrayExample(schema, name, context, depth);
    case 'string':
      return stringExample(schema, name, context);
    case 'integer':
      return numberExample(schema, true);
    case 'number':
      return numberExample(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}

function schemaType(schema: JsonSchema): string | undefined {
  const type = schema.type;
  if (Array.isArray(type)) return (type.find((candidate) => candidate !== 'null') ?? type[0]) as string | undefined;
  if (typeof type === 'string') return type;
  if (typeof schema.properties === 'object') return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function objectExample(schema: JsonSchema, context: ExampleContext, depth: number): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, propertySchema] of Object.entries(properties)) result[key] = example(propertySchema, key, context, depth + 1);
  // A required key without a property schema still has to be present.
  for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in result)) result[key] = `example ${key}`;
  return result;
}

function arrayExample(schema: JsonSchema, name: string, context: ExampleContext, depth: number): unknown[] {
  const count = Math.max(1, Number(schema.minItems ?? 1));
  const limited = schema.maxItems === undefined ? count : Math.min(count, Number(schema.maxItems));
  if (Array.isArray(schema.prefixItems)) return schema.prefixItems.map((item) => example(item, name, context, depth + 1));
  return Array.from({ length: limited }, () => example(schema.items ?? {}, name, context, depth + 1));
}

function stringExample(schema: JsonSchema, name: string, context: ExampleContext): string {
  const format = typeof schema.format === 'string' ? FORMAT_STRINGS[schema.format] : undefined;
  let text = format ?? context.stringFor?.(name) ?? NAMED_STRINGS[name.toLowerCase()] ?? `example ${name}`;
  const minLength = Number(schema.minLength ?? 0);
  const maxLength = schema.maxLength === undefined ? Infinity : Number(schema.maxLength);
  if (text.length < minLength) text = text.padEnd(minLength, 'x');
  if (text.length > maxLength) text = text.slice(0, maxLength);
  return text;
}

function numberExample(schema: JsonSchema, integer: boolean): number {
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const exclusiveMinimum = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  const exclusiveMaximum = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
  let value = minimum ?? (exclusiveMinimum !== undefined ? exclusiveMinimum + (integer ? 1 : 0.5) : 1);
  const upper = maximum ?? (exclusiveMaximum !== undefined ? exclusiveMaximum - (integer ? 1 : 0.5) : undefined);
  if (upper !== undefined && value > upper) value = upper;
  if (integer) value = Math.ceil(value);
  const multipleOf = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : undefined;
  if (multipleOf !== undefined) value = Math.ceil(value / multipleOf) * multipleOf;
  return value;
}
