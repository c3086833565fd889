import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { exampleForSchema } from './schema-example.js';

const SCHEMAS: Record<string, object> = {
  'nested objects and arrays': {
    type: 'object',
    properties: { user: { type: 'object', properties: { email: { type: 'string', format: 'email' }, age: { type: 'integer', minimum: 18 } }, required: ['email', 'age'] }, ids: { type: 'array', items: { type: 'integer' }, minItems: 3, maxItems: 3 } },
    required: ['user', 'ids'],
    additionalProperties: false,
  },
  'enum, const and nullable types': { type: 'object', properties: { mode: { enum: ['fast', 'slow'] }, version: { const: 2 }, note: { type: ['null', 'string'] } }, required: ['mode', 'version', 'note'] },
  'numeric bounds': { type: 'object', properties: { ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, step: { type: 'integer', minimum: 3, multipleOf: 5 }, low: { type: 'number', maximum: -10 } }, required: ['ratio', 'step', 'low'] },
  'string lengths': { type: 'object', properties: { code: { type: 'string', minLength: 20 }, tag: { type: 'string', maxLength: 3 } }, required: ['code', 'tag'] },
  'local $refs and $defs': { type: 'object', $defs: { point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'] } }, properties: { from: { $ref: '#/$defs/point' }, to: { $ref: '#/$defs/point' } }, required: ['from', 'to'] },
  'anyOf, oneOf and allOf': { type: 'object', properties: { id: { anyOf: [{ type: 'string', format: 'uuid' }, { type: 'integer' }] }, shape: { oneOf: [{ type: 'object', properties: { r: { type: 'number' } }, required: ['r'] }] }, both: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'object', properties: { b: { type: 'boolean' } }, required: ['b'] }] } }, required: ['id', 'shape', 'both'] },
  'required keys without property schemas': { type: 'object', required: ['anything'] },
  'defaults and examples': { type: 'object', properties: { size: { type: 'integer', default: 4 }, label: { type: 'string', examples: ['blue'] } }, required: ['size', 'label'] },
};

describe('exampleForSchema', () => {
  it.each(Object.entries(SCHEMAS))('produces a value valid against %s', (_name, schema) => {
    const validate = new Ajv({ strict: false, formats: { uuid: /^[0-9a-f-]{36}$/i, email: /^[^@]+@[^@]+$/ } }).compile(schema);
    const value = exampleForSchema(schema);
    expect(validate(value), JSON.stringify({ value, errors: validate.errors })).toBe(true);
  });

  it('uses a value the caller supplies for a named string property', () => {
    const value = exampleForSchema({ type: 'object', properties: { city: { type: 'string' }, note: { type: 'string' } } }, { stringFor: (name) => (name === 'city' ? 'Lyon' : undefined) });
    expect(value).toEqual({ city: 'Lyon', note: 'example note' });
  });
});
