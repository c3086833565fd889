import { describe, expect, it } from 'vitest';
import { splitIntoTokens } from './approximate.js';

/** The reference splitter: the regex the fast ASCII scanner must agree with. */
function byPattern(text: string): string[] {
  const pieces = Array.from(text.matchAll(/\s?[\p{L}\p{M}]+|\s?\p{N}{1,3}|\s?[^\s\p{L}\p{M}\p{N}]+|\s+/gu), (match) => match[0]);
  return pieces.flatMap((piece) => (piece.length <= 7 ? [piece] : Array.from({ length: Math.ceil(piece.length / 6) }, (_, index) => piece.slice(index * 6, index * 6 + 6))));
}

describe('splitIntoTokens', () => {
  it('splits ASCII text exactly as the reference pattern does', () => {
    const alphabet = 'ab Z9 0,.\n\t!{}"_-';
    let seed = 7;
    for (let sample = 0; sample < 500; sample++) {
      let text = '';
      const length = sample % 40;
      for (let index = 0; index < length; index++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        text += alphabet[seed % alphabet.length];
      }
      expect(splitIntoTokens(text), JSON.stringify(text)).toEqual(byPattern(text));
    }
  });

  it('handles non-ASCII text and always joins back to the input', () => {
    const text = 'Héllo wörld ✓ 😀 Internationalization 12345!';
    expect(splitIntoTokens(text)).toEqual(byPattern(text));
    expect(splitIntoTokens(text).join('')).toBe(text);
  });
});
