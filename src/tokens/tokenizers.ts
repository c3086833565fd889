import { splitIntoTokens, countTextTokens } from './approximate.js';

/**
 * Tokenizers per model family. Loading one may read vocabulary data, so it happens once per family, lazily
 * (`loadTokenizer`, awaited by the operations before they count); counting afterwards is synchronous
 * (`loadedTokenizer`), so usage, truncation and streaming all use the same numbers.
 */

/** Counts and splits text the way one model family's tokenizer does. */
export interface Tokenizer {
  /** The tokenizer's name, e.g. `llama3`, `o200k_base`, or `approximate`. */
  readonly name: string;
  /** Whether this is the family's own published tokenizer (else an approximation). */
  readonly exact: boolean;
  /** Tokens in a text. */
  count(text: string): number;
  /** The text as pieces, one per token, that join back to the text (for streaming and truncation). */
  split(text: string): string[];
  /** Token ids, where the tokenizer is public. */
  encode?(text: string): number[];
  /** Text of token ids, where the tokenizer is public. */
  decode?(ids: readonly number[]): string;
}

/** The deterministic approximation used where a family has published no tokenizer. */
export const approximateTokenizer: Tokenizer = {
  name: 'approximate',
  exact: false,
  count: countTextTokens,
  split: splitIntoTokens,
};

/** Which tokenizer a model id uses; the key loaded tokenizers are cached under. */
export function tokenizerKey(modelId: string): string {
  void modelId;
  return 'approximate';
}

const loaded = new Map<string, Tokenizer>();
const loading = new Map<string, Promise<Tokenizer>>();

/** Creates the tokenizer for a key (reading its data). */
async function createTokenizer(key: string): Promise<Tokenizer> {
  void key;
  return approximateTokenizer;
}

/** Loads (once) the tokenizer a model id uses. */
export function loadTokenizer(modelId: string): Promise<Tokenizer> {
  const key = tokenizerKey(modelId);
  const ready = loaded.get(key);
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(key);
  if (!pending) {
    pending = createTokenizer(key).then((tokenizer) => {
      loaded.set(key, tokenizer);
      loading.delete(key);
      return tokenizer;
    });
    loading.set(key, pending);
  }
  return pending;
}

/** The tokenizer a model id uses if it has been loaded, else the approximation (never blocks). */
export function loadedTokenizer(modelId: string): Tokenizer {
  return loaded.get(tokenizerKey(modelId)) ?? approximateTokenizer;
}
