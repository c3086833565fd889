import { loadedTokenizer } from '../../tokens/tokenizers.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../types.js';

/**
 * Deterministic embeddings with meaning enough for tests: feature hashing. Each text's words and the
 * character trigrams of its words are hashed into 1024 buckets with a hashed ±1 sign, so identical texts
 * get identical vectors, texts sharing words (or word stems) get clearly higher cosines than unrelated
 * ones, and unrelated texts land near 0. Vectors are not normalized: their length grows with the text,
 * which is what `normalize: false` shows; codecs resize and normalize them.
 */

/** The scripted backend's native dimension. */
export const SCRIPTED_EMBEDDING_DIMENSION = 1024;

/** Words weigh most; trigrams add similarity between inflections (`sat`/`sit`, `cats`/`cat`). */
const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.35;
/** Image bytes are hashed in blocks this long, so images sharing byte runs share features. */
const IMAGE_BLOCK = 16;

/** FNV-1a over a string's UTF-16 units, then murmur3's finalizer so every bit of the result is mixed. */
function hashString(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let index = 0; index < text.length; index++) h = Math.imul(h ^ text.charCodeAt(index), 0x01000193);
  return mix(h);
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 ^ 0x5bd1e995;
  for (let index = start; index < end; index++) h = Math.imul(h ^ bytes[index]!, 0x01000193);
  return mix(h);
}

function mix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Adds a feature: the low bits pick the bucket, the top bit the sign (independent bits of one hash). */
function addFeature(vector: number[], hash: number, weight: number): void {
  vector[hash % SCRIPTED_EMBEDDING_DIMENSION]! += hash & 0x80000000 ? -weight : weight;
}

/** Lower-cased, compatibility-normalized letter/digit runs: `Cat`, `cat` and `ｃａｔ` are one word. */
function words(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The hashed-feature vector of one text. */
export function embedText(text: string): number[] {
  const vector = new Array<number>(SCRIPTED_EMBEDDING_DIMENSION).fill(0);
  const found = words(text);
  // Text without letters or digits still gets a vector of its own rather than zeros.
  if (found.length === 0) addFeature(vector, hashString(text, 3), WORD_WEIGHT);
  for (const word of found) {
    addFeature(vector, hashString(word, 1), WORD_WEIGHT);
    const padded = `<${word}>`;
    for (let index = 0; index + 3 <= padded.length; index++) addFeature(vector, hashString(padded.slice(index, index + 3), 2), TRIGRAM_WEIGHT);
  }
  return vector;
}

/** The hashed-feature vector of an image's bytes (its size is a feature too, so tiny images differ). */
export function embedImage(image: Uint8Array): number[] {
  const vector = new Array<number>(SCRIPTED_EMBEDDING_DIMENSION).fill(0);
  addFeature(vector, hashString(`size:${image.length}`, 4), WORD_WEIGHT);
  for (let start = 0; start < image.length; start += IMAGE_BLOCK) {
    addFeature(vector, hashBytes(image, start, Math.min(start + IMAGE_BLOCK, image.length)), WORD_WEIGHT);
  }
  return vector;
}

/**
 * The scripted backend's embeddings: one 1024-dimensional vector per text, then per image. `inputTokens`
 * counts the texts' tokens the way usage is counted everywhere else; images count none.
 */
export function scriptedEmbeddings(request: EmbeddingRequest): EmbeddingResponse {
  return {
    embeddings: [...request.texts.map(embedText), ...request.images.map(embedImage)],
    inputTokens: request.texts.reduce((sum, text) => sum + loadedTokenizer(request.modelId).count(text), 0),
  };
}
