/**
 * A deterministic approximation of a BPE tokenizer: words, numbers, punctuation runs and whitespace are
 * split the way GPT-style pre-tokenizers split them, and long words count one token per 6 characters.
 * It agrees with real tokenizers to within about 20 % on English text, and — what matters more for tests —
 * the scripted backend emits exactly the pieces this function counts, so `maxTokens` and `usage` agree.
 */

const PIECE_PATTERN = /\s?[\p{L}\p{M}]+|\s?\p{N}{1,3}|\s?[^\s\p{L}\p{M}\p{N}]+|\s+/gu;
const NON_ASCII = /[^\x00-\x7f]/;
const MAX_WORD_PIECE = 6;

const enum CharClass {
  Space,
  Letter,
  Digit,
  Other,
}

function asciiClass(code: number): CharClass {
  if (code === 32 || (code >= 9 && code <= 13)) return CharClass.Space;
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return CharClass.Letter;
  if (code >= 48 && code <= 57) return CharClass.Digit;
  return CharClass.Other;
}

/**
 * Walks the pre-tokenizer pieces of ASCII text — the same pieces `PIECE_PATTERN` finds, without a regex —
 * calling `visit(start, end)` for each.
 */
function forEachAsciiPiece(text: string, visit: (start: number, end: number) => void): void {
  let index = 0;
  while (index < text.length) {
    const start = index;
    let kind = asciiClass(text.charCodeAt(index));
    if (kind === CharClass.Space) {
      const next = index + 1 < text.length ? asciiClass(text.charCodeAt(index + 1)) : CharClass.Space;
      if (next === CharClass.Space) {
        while (index < text.length && asciiClass(text.charCodeAt(index)) === CharClass.Space) index++;
        visit(start, index);
        continue;
      }
      index++;
      kind = next;
    }
    const limit = kind === CharClass.Digit ? index + 3 : text.length;
    while (index < limit && index < text.length && asciiClass(text.charCodeAt(index)) === kind) index++;
    visit(start, index);
  }
}

/** Tokens in a piece of the given length: long words count one token per `MAX_WORD_PIECE` characters. */
function tokensInPiece(length: number): number {
  return length <= MAX_WORD_PIECE + 1 ? 1 : Math.ceil(length / MAX_WORD_PIECE);
}

/** Splits text into the pieces counted as tokens. Joining the pieces gives back the text. */
export function splitIntoTokens(text: string): string[] {
  const tokens: string[] = [];
  const addPiece = (piece: string) => {
    if (piece.length <= MAX_WORD_PIECE + 1) tokens.push(piece);
    else for (let offset = 0; offset < piece.length; offset += MAX_WORD_PIECE) tokens.push(piece.slice(offset, offset + MAX_WORD_PIECE));
  };
  if (NON_ASCII.test(text)) for (const match of text.matchAll(PIECE_PATTERN)) addPiece(match[0]);
  else forEachAsciiPiece(text, (start, end) => addPiece(text.slice(start, end)));
  return tokens;
}

/** Counts the tokens of a text without building them (it runs on every request's input and output). */
export function countTextTokens(text: string): number {
  let count = 0;
  if (NON_ASCII.test(text)) for (const match of text.matchAll(PIECE_PATTERN)) count += tokensInPiece(match[0].length);
  else forEachAsciiPiece(text, (start, end) => (count += tokensInPiece(end - start)));
  return count;
}
