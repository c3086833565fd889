import { findCatalogEntry, type ModelFamily } from '../models/catalog.js';
import { parseModelId } from '../models/model-id.js';
import { splitIntoTokens, countTextTokens } from './approximate.js';
import { byteLevelBytes, sentencePieceBytes, splitAtTokenBoundaries, utf8 } from './piece-split.js';

/**
 * Tokenizers per model family. Loading one may read vocabulary data, so it happens once per family, lazily
 * (`loadTokenizer`, awaited by the operations before they count); counting afterwards is synchronous
 * (`loadedTokenizer`), so usage, truncation and streaming all use the same numbers.
 *
 * Every tokenizer package is imported with a dynamic `import()` inside `createTokenizer`, so importing
 * `local-bedrock` (or `local-bedrock/tokens`) loads no vocabulary; the first count for a family does.
 * See docs/tokenizers.md for the family → tokenizer table and the measured error of each approximation.
 */

/** Counts and splits text the way one model family's tokenizer does. */
export interface Tokenizer {
  /** The tokenizer's name, e.g. `llama3`, `o200k_base`, or `approximate`. */
  readonly name: string;
  /** Whether this is the family's own published tokenizer (else an approximation). */
  readonly exact: boolean;
  /** Tokens in a text. */
  count(text: string): number;
  /**
   * The text as pieces, one per token, that join back to the text (for streaming and truncation). Pieces
   * are cut at the tokenizer's own token boundaries; where one character spans several byte-level tokens
   * (emoji, rare CJK), those tokens form one piece, so `split(text).length` may be below `count(text)`.
   */
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

/** The keys tokenizers are cached under: one per distinct (tokenizer, exact) pair. */
export type TokenizerKey =
  | 'o200k_base'
  | 'claude-2'
  | 'claude-2-approx'
  | 'llama3'
  | 'llama2'
  | 'mistral-v1'
  | 'mistral-v1-approx'
  | 'cl100k_base-approx'
  | 'approximate';

/**
 * The stand-in for families whose vendor has published no tokenizer (Titan, Nova, Cohere, AI21, DeepSeek,
 * Qwen, Writer, newer Mistral models…): cl100k_base, which on the English corpus of docs/tokenizers.md lies
 * closer to the exact tokenizers than the regex approximation (see the measurement there).
 */
const UNPUBLISHED: TokenizerKey = 'cl100k_base-approx';

const FAMILY_KEYS: Partial<Record<ModelFamily, TokenizerKey>> = {
  openai: 'o200k_base',
  'amazon-nova': UNPUBLISHED,
  'amazon-titan': UNPUBLISHED,
  cohere: UNPUBLISHED,
  ai21: UNPUBLISHED,
  deepseek: UNPUBLISHED,
  qwen: UNPUBLISHED,
  writer: UNPUBLISHED,
  stability: UNPUBLISHED,
  twelvelabs: UNPUBLISHED,
  luma: UNPUBLISHED,
};

/** The base model id behind any accepted form (profile ids, ARNs), or the id itself. */
function baseIdOf(modelId: string): string {
  const parsed = parseModelId(modelId, (id) => findCatalogEntry(id) !== undefined);
  return parsed.form === 'base' || parsed.form === 'inference-profile' ? parsed.baseModelId : modelId;
}

/** Which tokenizer a model id uses; the key loaded tokenizers are cached under. */
export function tokenizerKey(modelId: string): TokenizerKey {
  const baseId = baseIdOf(modelId);
  const family = findCatalogEntry(baseId)?.family;
  switch (family) {
    case 'anthropic':
      // Anthropic published the Claude 2 tokenizer; Claude 3 and later use an unpublished one.
      return /^anthropic\.claude-(v2|instant)/.test(baseId) ? 'claude-2' : 'claude-2-approx';
    case 'meta-llama':
      return /^meta\.llama2/.test(baseId) ? 'llama2' : 'llama3';
    case 'mistral':
      // Mistral 7B and Mixtral 8x7B use the v1 SentencePiece vocabulary; later models use Tekken (unpublished in JS).
      return /^mistral\.(mistral-7b|mixtral-8x7b)/.test(baseId) ? 'mistral-v1' : 'mistral-v1-approx';
    case undefined:
      return 'approximate';
    default:
      return FAMILY_KEYS[family] ?? 'approximate';
  }
}

const loaded = new Map<TokenizerKey, Tokenizer>();
const loading = new Map<TokenizerKey, Promise<Tokenizer>>();

/** Builds a tokenizer from an encoder and the bytes of each token. */
function fromEncoder(options: {
  name: string;
  exact: boolean;
  encode: (text: string) => number[];
  tokenBytes: (id: number) => Uint8Array;
  decode: (ids: number[]) => string;
  /** A string the tokenizer puts before the text (SentencePiece's dummy prefix space). */
  prefix?: string;
}): Tokenizer {
  const { name, exact, encode, tokenBytes, decode, prefix } = options;
  const tokenizer: Tokenizer = {
    name,
    exact,
    count: (text) => (text === '' ? 0 : encode(text).length),
    split: (text) => (text === '' ? [] : (splitAtTokenBoundaries(text, encode(text), tokenBytes, prefix) ?? splitIntoTokens(text))),
  };
  // Ids are only offered where they are the family's own (an approximation's ids would mislead).
  return exact ? { ...tokenizer, encode: (text) => (text === '' ? [] : encode(text)), decode: (ids) => decode([...ids]) } : tokenizer;
}

/**
 * Reads the Claude 2 vocabulary that @anthropic-ai/tokenizer ships (`claude.json`, in js-tiktoken's format)
 * from disk: importing the package itself would load its WASM tiktoken, and a JSON import needs import
 * attributes that differ between Node versions and module formats.
 */
async function readClaudeRanks(): Promise<{ pat_str: string; special_tokens: Record<string, number>; bpe_ranks: string }> {
  const [{ createRequire }, { readFile }] = await Promise.all([import('node:module'), import('node:fs/promises')]);
  const here = typeof __filename === 'string' ? __filename : import.meta.url;
  const path = createRequire(here).resolve('@anthropic-ai/tokenizer/claude.json');
  return JSON.parse(await readFile(path, 'utf8')) as { pat_str: string; special_tokens: Record<string, number>; bpe_ranks: string };
}

interface TiktokenInternals {
  textMap?: Map<number, Uint8Array>;
}

async function tiktoken(rankName: 'o200k_base' | 'cl100k_base' | 'claude-2', exact: boolean): Promise<Tokenizer> {
  const { Tiktoken } = await import('js-tiktoken/lite');
  const ranks =
    rankName === 'o200k_base'
      ? (await import('js-tiktoken/ranks/o200k_base')).default
      : rankName === 'cl100k_base'
        ? (await import('js-tiktoken/ranks/cl100k_base')).default
        : await readClaudeRanks();
  const encoding = new Tiktoken(ranks);
  const textMap = (encoding as unknown as TiktokenInternals).textMap;
  const specials = new Map(Object.entries(ranks.special_tokens).map(([text, id]) => [id, utf8(text)] as const));
  const tokenBytes = (id: number): Uint8Array => textMap?.get(id) ?? specials.get(id) ?? utf8(encoding.decode([id]));
  if (rankName === 'claude-2') {
    // As @anthropic-ai/tokenizer's countTokens: NFKC-normalize, and read special tokens (`<EOT>`) as such.
    const encode = (text: string) => encoding.encode(text.normalize('NFKC'), 'all');
    return fromEncoder({ name: 'claude-2', exact, encode, tokenBytes, decode: (ids) => encoding.decode(ids) });
  }
  // User text is text: `<|endoftext|>` in a prompt is counted as the characters it is made of.
  const encode = (text: string) => encoding.encode(text, [], []);
  return fromEncoder({ name: rankName, exact, encode, tokenBytes, decode: (ids) => encoding.decode(ids) });
}

async function llama3(): Promise<Tokenizer> {
  const { default: tokenizer } = await import('llama3-tokenizer-js');
  const options = { bos: false, eos: false };
  return fromEncoder({
    name: 'llama3',
    exact: true,
    encode: (text) => tokenizer.encode(text, options),
    tokenBytes: (id) => byteLevelBytes(tokenizer.vocabById[id] ?? ''),
    decode: (ids) => tokenizer.decode(ids),
  });
}

/** A SentencePiece tokenizer of belladore.ai's packages (Llama 2, Mistral v1): no BOS, with the dummy prefix. */
function sentencePiece(
  name: string,
  exact: boolean,
  tokenizer: { vocabById: string[]; encode(text: string, bos?: boolean, space?: boolean): number[] | undefined; decode(ids: number[], bos?: boolean, space?: boolean): string },
): Tokenizer {
  return fromEncoder({
    name,
    exact,
    encode: (text) => tokenizer.encode(text, false, true) ?? [],
    tokenBytes: (id) => sentencePieceBytes(tokenizer.vocabById[id] ?? ''),
    decode: (ids) => tokenizer.decode(ids, false, true),
    prefix: ' ',
  });
}

/** Creates the tokenizer for a key (reading its data). */
async function createTokenizer(key: TokenizerKey): Promise<Tokenizer> {
  switch (key) {
    case 'o200k_base':
      return tiktoken('o200k_base', true);
    case 'cl100k_base-approx':
      return tiktoken('cl100k_base', false);
    case 'claude-2':
      return tiktoken('claude-2', true);
    case 'claude-2-approx':
      return tiktoken('claude-2', false);
    case 'llama3':
      return llama3();
    case 'llama2':
      return sentencePiece('llama2', true, (await import('llama-tokenizer-js')).default);
    case 'mistral-v1':
      return sentencePiece('mistral-v1', true, (await import('mistral-tokenizer-js')).default);
    case 'mistral-v1-approx':
      return sentencePiece('mistral-v1', false, (await import('mistral-tokenizer-js')).default);
    case 'approximate':
      return approximateTokenizer;
  }
}

/** Loads (once) the tokenizer a model id uses. */
export function loadTokenizer(modelId: string): Promise<Tokenizer> {
  const key = tokenizerKey(modelId);
  const ready = loaded.get(key);
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(key);
  if (!pending) {
    pending = createTokenizer(key).then(
      (tokenizer) => {
        loaded.set(key, tokenizer);
        loading.delete(key);
        return tokenizer;
      },
      (error: unknown) => {
        loading.delete(key);
        throw error;
      },
    );
    loading.set(key, pending);
  }
  return pending;
}

/** The tokenizer a model id uses if it has been loaded, else the approximation (never blocks). */
export function loadedTokenizer(modelId: string): Tokenizer {
  return loaded.get(tokenizerKey(modelId)) ?? approximateTokenizer;
}
