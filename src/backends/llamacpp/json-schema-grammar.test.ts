import { describe, it, expect } from 'vitest';
import { toGrammarSchema } from './json-schema-grammar.js';

describe('JSON Schema → grammar schema', () => {
  it('keeps structure, required keys, enums and string bounds, and drops what a grammar cannot enforce', () => {
    const schema = {
      type: 'object',
      properties: {
        city: { type: 'string', pattern: '^[A-Z]', minLength: 1 },
        unit: { enum: ['c', 'f'] },
        days: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 7 },
      },
      required: ['city', 'ghost'],
    };

    expect(toGrammarSchema(schema)).toEqual({
      type: 'object',
      properties: { city: { type: 'string', minLength: 1 }, unit: { enum: ['c', 'f'] }, days: { type: 'array', items: { type: 'integer' }, maxItems: 7 } },
      required: ['city'],
    });
  });

  it('inlines $defs references and turns anyOf into oneOf', () => {
    const schema = { $defs: { place: { type: 'object', properties: { name: { type: 'string' } } } }, anyOf: [{ $ref: '#/$defs/place' }, { type: 'null' }] };

    expect(toGrammarSchema(schema)).toEqual({ oneOf: [{ type: 'object', properties: { name: { type: 'string' } } }, { type: 'null' }] });
  });
});
