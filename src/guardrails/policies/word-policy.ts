/**
 * The word policy: custom words/phrases and the managed PROFANITY list, matched case-insensitively on whole
 * words ("ass" never matches inside "class"). Custom words are one pre-compiled alternation; the managed list is
 * a Set looked up per token, so the cost is one pass per list whatever the list's size.
 */
import type { GuardrailPolicies, GuardrailPolicyAction, GuardrailSource } from '../types.js';
import { PROFANITY_PHRASES, PROFANITY_WORDS } from './profanity-list.js';
import { elementDirection, escapeRegExp } from './text-tools.js';

/**
 * One word-policy match.
 *
 * @example
 * ```ts
 * const finding: WordFinding = { list: 'managed', match: 'Damn', term: 'damn', start: 0, end: 4, action: 'BLOCK' };
 * ```
 */
export interface WordFinding {
  list: 'custom' | 'managed';
  /** The matched text as written. */
  match: string;
  /** The configured word, or the profanity list entry, that matched. */
  term: string;
  start: number;
  end: number;
  action: GuardrailPolicyAction;
}

/**
 * A word policy compiled for one source.
 *
 * @example
 * ```ts
 * compileWordPolicy({ words: [{ text: 'foo' }] }, 'INPUT')?.find('Foo!');
 * ```
 */
export interface CompiledWordPolicy {
  find(text: string): WordFinding[];
}

const BEFORE = '(?<![\\p{L}\\p{N}_])';
const AFTER = '(?![\\p{L}\\p{N}_])';
const TOKEN = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;

/** A literal word or phrase as a whole-word pattern; inner whitespace matches any run of whitespace. */
function phrasePattern(text: string): string {
  return text.trim().split(/\s+/).map(escapeRegExp).join('\\s+');
}

function normalise(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * The profanity entry a token is an inflection of (plural, -ing, -ed, -er), or undefined.
 *
 * @example
 * ```ts
 * profanityBase('Shitting'); // 'shit'
 * profanityBase('class'); // undefined
 * ```
 */
export function profanityBase(token: string): string | undefined {
  const cached = baseCache.get(token);
  if (cached !== undefined) return cached === '' ? undefined : cached;
  const base = computeProfanityBase(token);
  if (baseCache.size >= 50_000) baseCache.clear();
  baseCache.set(token, base ?? '');
  return base;
}

/** Token → list entry ('' for none): a text repeats its vocabulary, so each distinct token is judged once. */
const baseCache = new Map<string, string>();

function computeProfanityBase(token: string): string | undefined {
  const lower = token.toLowerCase().replace(/’/g, "'");
  if (PROFANITY_WORDS.has(lower)) return lower;
  for (const suffix of ['s', 'es', 'ing', 'in', "in'", 'ed', 'er', 'ers', 'y']) {
    if (!lower.endsWith(suffix)) continue;
    const base = lower.slice(0, -suffix.length);
    // A plural of a word ending in "s" takes "es": "assess" is not "asses" + "s".
    if (base.length < 3 || (suffix === 's' && base.endsWith('s'))) continue;
    if (PROFANITY_WORDS.has(base)) return base;
    // shitting → shitt → shit
    if (suffix !== 's' && suffix !== 'es' && base.length > 3 && base[base.length - 1] === base[base.length - 2]) {
      const undoubled = base.slice(0, -1);
      if (PROFANITY_WORDS.has(undoubled)) return undoubled;
    }
  }
  return undefined;
}

let phraseRegExp: RegExp | undefined;

/**
 * Compiles the word policy for a source, or undefined when no element runs for it.
 *
 * @example
 * ```ts
 * const words = compileWordPolicy({ words: [{ text: 'foo bar' }] }, 'INPUT');
 * words?.find('FOO   bar!'); // [{ list: 'custom', match: 'FOO   bar', term: 'foo bar', … }]
 * ```
 */
export function compileWordPolicy(policy: GuardrailPolicies['wordPolicy'], source: GuardrailSource): CompiledWordPolicy | undefined {
  if (!policy) return undefined;
  const custom = new Map<string, { term: string; action: GuardrailPolicyAction }>();
  for (const word of policy.words ?? []) {
    const action = elementDirection<GuardrailPolicyAction>(word, source, 'BLOCK');
    if (action === undefined || word.text.trim() === '') continue;
    custom.set(normalise(word.text), { term: word.text, action });
  }
  let managedAction: GuardrailPolicyAction | undefined;
  for (const list of policy.managedWordLists ?? []) {
    const action = elementDirection<GuardrailPolicyAction>(list, source, 'BLOCK');
    if (action === undefined || list.type !== 'PROFANITY') continue;
    managedAction = managedAction === 'BLOCK' ? 'BLOCK' : action;
  }
  if (custom.size === 0 && managedAction === undefined) return undefined;

  // Longest first, so that "foo bar" wins over "foo" at the same position.
  const customTerms = [...custom.keys()].sort((left, right) => right.length - left.length);
  const customRegExp = customTerms.length ? new RegExp(`${BEFORE}(?:${customTerms.map(phrasePattern).join('|')})${AFTER}`, 'giu') : undefined;
  phraseRegExp ??= new RegExp(`${BEFORE}(?:${PROFANITY_PHRASES.map(phrasePattern).join('|')})${AFTER}`, 'giu');
  const phrases = phraseRegExp;

  return {
    find(text) {
      const findings: WordFinding[] = [];
      if (customRegExp) {
        customRegExp.lastIndex = 0;
        for (let match = customRegExp.exec(text); match; match = customRegExp.exec(text)) {
          const entry = custom.get(normalise(match[0]));
          if (entry) findings.push({ list: 'custom', match: match[0], term: entry.term, start: match.index, end: match.index + match[0].length, action: entry.action });
        }
      }
      if (managedAction !== undefined) {
        const action = managedAction;
        phrases.lastIndex = 0;
        let phraseEnd = -1;
        const phraseFindings: WordFinding[] = [];
        for (let match = phrases.exec(text); match; match = phrases.exec(text)) {
          phraseFindings.push({ list: 'managed', match: match[0], term: normalise(match[0]), start: match.index, end: match.index + match[0].length, action });
        }
        let next = 0;
        TOKEN.lastIndex = 0;
        for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
          // Words inside a matched phrase are reported once, as the phrase.
          while (next < phraseFindings.length && phraseFindings[next]!.start <= match.index) {
            const phrase = phraseFindings[next++]!;
            findings.push(phrase);
            phraseEnd = Math.max(phraseEnd, phrase.end);
          }
          if (match.index < phraseEnd) continue;
          const base = profanityBase(match[0]);
          if (base === undefined && match[0].includes('-')) {
            // "mother-fucker": a hyphenated token is judged by its parts too.
            let offset = match.index;
            for (const part of match[0].split('-')) {
              const partBase = profanityBase(part);
              if (partBase !== undefined) findings.push({ list: 'managed', match: part, term: partBase, start: offset, end: offset + part.length, action });
              offset += part.length + 1;
            }
            continue;
          }
          if (base !== undefined) findings.push({ list: 'managed', match: match[0], term: base, start: match.index, end: match.index + match[0].length, action });
        }
        while (next < phraseFindings.length) findings.push(phraseFindings[next++]!);
      }
      return findings;
    },
  };
}
