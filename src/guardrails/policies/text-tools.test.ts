import { describe, expect, it } from 'vitest';
import { contentStems, elementDirection, sentenceSpans, stem, textUnits } from './text-tools.js';
import { lexicalGroundingScores } from './grounding-policy.js';

describe('text tools', () => {
  it('splits sentences without losing characters between them', () => {
    const text = 'One. Two!\nThree?  Four';
    expect(sentenceSpans(text).map((span) => text.slice(span.start, span.end).trim())).toEqual(['One.', 'Two!', 'Three?', 'Four']);
  });

  it('stems inflections to one form and drops stop words', () => {
    expect(['invest', 'invests', 'investing', 'invested', 'investment', 'investments'].map(stem)).toEqual(Array(6).fill('invest'));
    expect(stem('running')).toBe('run');
    expect(stem('selling')).toBe('sell');
    expect(contentStems('Which of the stocks should I buy?').map((word) => word.stem)).toEqual(['stock', 'buy']);
  });

  it('resolves directions: disabled, overridden, inherited and default actions', () => {
    expect(elementDirection({ inputEnabled: false }, 'INPUT', 'BLOCK')).toBeUndefined();
    expect(elementDirection({ inputEnabled: false }, 'OUTPUT', 'BLOCK')).toBe('BLOCK');
    expect(elementDirection({ outputAction: 'NONE' }, 'OUTPUT', 'BLOCK')).toBe('NONE');
    expect(elementDirection({ action: 'ANONYMIZE' }, 'INPUT', 'BLOCK')).toBe('ANONYMIZE');
  });

  it('counts one unit per started 1 000 characters of each block', () => {
    expect(textUnits([0, 1, 1000, 1001, 2500])).toBe(0 + 1 + 1 + 2 + 3);
  });

  it('scores grounding and relevance by shared content words', () => {
    expect(lexicalGroundingScores('Paris is the capital of France.', 'The capital of France is Paris.', 'What is the capital of France?')).toEqual({ GROUNDING: 1, RELEVANCE: 1 });
    expect(lexicalGroundingScores('Paris has a famous bakery.', 'The capital of France is Paris.')).toEqual({ GROUNDING: 0.33 });
  });
});
