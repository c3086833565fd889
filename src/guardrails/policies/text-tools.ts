/**
 * Shared lexical tools: sentence spans, content-word stems, stop words, directions of policy elements and
 * billing units. Everything here is a single linear pass over its input.
 */
import type { GuardrailDirections, GuardrailSource } from '../types.js';

/**
 * A half-open span `[start, end)` of a text.
 *
 * @example
 * ```ts
 * const whole: TextSpan = { start: 0, end: text.length };
 * ```
 */
export interface TextSpan {
  start: number;
  end: number;
}

// A sentence ends at . ! ? or a newline run; abbreviations are not worth special-casing for scoring windows.
const SENTENCE = /[^.!?\n]+(?:[.!?]+|\n+|$)/g;

/**
 * The sentence spans of a text, in order (one regex pass; blank sentences are skipped).
 *
 * @example
 * ```ts
 * sentenceSpans('Hi. How are you?'); // [{start: 0, end: 3}, {start: 3, end: 16}]
 * ```
 */
export function sentenceSpans(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  SENTENCE.lastIndex = 0;
  for (let match = SENTENCE.exec(text); match; match = SENTENCE.exec(text)) {
    if (match[0].length === 0) {
      SENTENCE.lastIndex++;
      continue;
    }
    if (/\S/.test(match[0])) spans.push({ start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

/**
 * Common English function words, ignored when comparing content.
 *
 * @example
 * ```ts
 * STOP_WORDS.has('the'); // true
 * ```
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him himself ' +
    'his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ' +
    'ourselves out over own same she should so some such than that the their theirs them themselves then there these they this ' +
    'those through to too under until up very was we were what when where which while who whom why will with would you your ' +
    'yours yourself yourselves let lets let\'s get got us may might must shall one ones thing things like want need please tell ' +
    'give know make say said way well also yes okay ok via per its it\'s i\'m you\'re don\'t can\'t won\'t'
  ).split(/\s+/),
);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/**
 * A light suffix-stripping stemmer (plural, -ing, -ed, -ly, -ment, -ness, -ation…) so that "investing",
 * "invests" and "investment" compare equal. Not Porter: cheap and predictable is what scoring needs.
 *
 * @example
 * ```ts
 * stem('investments'); // 'invest'
 * stem('running'); // 'run'
 * ```
 */
export function stem(word: string): string {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  const result = computeStem(word);
  // Vocabulary is small next to text length; the cap only bounds memory on adversarial input.
  if (stemCache.size >= 50_000) stemCache.clear();
  stemCache.set(word, result);
  return result;
}

const stemCache = new Map<string, string>();

function computeStem(word: string): string {
  let w = word.toLowerCase().replace(/['’]s$/, '');
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  for (const suffix of ['ational', 'ization', 'ation', 'ments', 'ment', 'ness', 'ingly', 'edly', 'ing', 'ed', 'ly', 'er']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      // running → runn → run; but keep "ll"/"ss" (selling → sell).
      const last = w.charCodeAt(w.length - 1);
      if (w.length > 3 && last === w.charCodeAt(w.length - 2) && !/[lsz]/.test(w[w.length - 1]!)) w = w.slice(0, -1);
      break;
    }
  }
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

/**
 * The stems of the content words of a text (stop words and 1-letter words dropped), with their positions.
 *
 * @example
 * ```ts
 * contentStems('The investors are investing').map((word) => word.stem); // ['investor', 'invest']
 * ```
 */
export function contentStems(text: string, start = 0, end = text.length): { stem: string; start: number; end: number }[] {
  const words: { stem: string; start: number; end: number }[] = [];
  const slice = start === 0 && end === text.length ? text : text.slice(start, end);
  WORD.lastIndex = 0;
  for (let match = WORD.exec(slice); match; match = WORD.exec(slice)) {
    const lower = match[0].toLowerCase();
    if (lower.length < 2 || STOP_WORDS.has(lower)) continue;
    words.push({ stem: stem(lower), start: start + match.index, end: start + match.index + match[0].length });
  }
  return words;
}

/**
 * The set of content stems of a text.
 *
 * @example
 * ```ts
 * stemSet('Stocks and bonds'); // Set {'stock', 'bond'}
 * ```
 */
export function stemSet(text: string): Set<string> {
  return new Set(contentStems(text).map((word) => word.stem));
}

/**
 * Whether a policy element runs for a source, and its action there: `…Enabled: false` switches it off,
 * `…Action` overrides the element's `action`, and BLOCK is the default.
 *
 * @example
 * ```ts
 * elementDirection({ outputEnabled: false }, 'OUTPUT', 'BLOCK'); // undefined (does not run)
 * elementDirection({ inputAction: 'NONE' }, 'INPUT', 'BLOCK'); // 'NONE'
 * ```
 */
export function elementDirection<Action extends string>(
  element: GuardrailDirections<Action> & { action?: Action },
  source: GuardrailSource,
  fallback: Action,
): Action | undefined {
  const enabled = source === 'INPUT' ? element.inputEnabled : element.outputEnabled;
  if (enabled === false) return undefined;
  return (source === 'INPUT' ? element.inputAction : element.outputAction) ?? element.action ?? fallback;
}

/**
 * Billing units of some text blocks: one unit per started 1 000 characters of each block.
 *
 * @example
 * ```ts
 * textUnits([999, 1001, 0]); // 1 + 2 + 0 = 3
 * ```
 */
export function textUnits(lengths: readonly number[]): number {
  let units = 0;
  for (const length of lengths) units += Math.ceil(length / 1000);
  return units;
}

/**
 * A short excerpt of a span for explanations (at most `max` characters, with an ellipsis when cut).
 *
 * @example
 * ```ts
 * excerpt('a very long sentence', 0, 20, 6); // 'a very…'
 * ```
 */
export function excerpt(text: string, start: number, end: number, max = 160): string {
  const cut = Math.min(end, start + max);
  const piece = text.slice(start, cut).trim();
  return cut < end ? `${piece}…` : piece;
}

/**
 * Escapes a literal for use inside a RegExp.
 *
 * @example
 * ```ts
 * escapeRegExp('a.b'); // 'a\\.b'
 * ```
 */
export function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
