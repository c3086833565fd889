/** Placeholder: the `local-bedrock/tokens` entry lands here. */
export { approximateTokenizer, loadTokenizer, loadedTokenizer } from './tokenizers.js';
export type { Tokenizer } from './tokenizers.js';
