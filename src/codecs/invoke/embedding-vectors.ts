
/**
 * Vector arithmetic shared by the embedding codecs. Backends return vectors at their own native dimension
 * (1024 for the scripted backend, 768 for `nomic-embed-text`, …); the codecs bring them to the dimension
 * the request asks for, normalize them, and encode them the way each provider does. The schema checks both
 * embedding codecs share are here too.
 */

/** Which sign an index gets when folded: a fixed pseudo-random ±1, so folded sums do not bias cosines. */
function indexSign(index: number): number {
  let h = Math.imul(index + 1, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & 1 ? -1 : 1;
}

/**
 * Brings a vector to `dimension` entries, deterministically and keeping similarity ordering.
 *
 * - Shrinking folds: entry `i` is added, with a fixed pseudo-random sign, to entry `i % dimension`. Unlike
 *   truncation this keeps every component's contribution (a signed random projection, which preserves inner
 *   products in expectation), so it works for any backend model, not only Matryoshka-trained ones.
 * - Growing repeats the vector cyclically: the first `vector.length` entries are the vector itself.
 */
export function resizeVector(vector: readonly number[], dimension: number): number[] {
  if (vector.length === dimension) return [...vector];
  if (vector.length === 0) return new Array<number>(dimension).fill(0);
  if (vector.length < dimension) return Array.from({ length: dimension }, (_, index) => vector[index % vector.length]!);
  const folded = new Array<number>(dimension).fill(0);
  for (let index = 0; index < vector.length; index++) folded[index % dimension]! += indexSign(index) * vector[index]!;
  return folded;
}

/** The Euclidean length of a vector. */
export function vectorNorm(vector: readonly number[]): number {
  let sum = 0;
  for (const value of vector) sum += value * value;
  return Math.sqrt(sum);
}

/** The vector scaled to unit length; a zero vector stays zero. */
export function normalizeVector(vector: readonly number[]): number[] {
  const norm = vectorNorm(vector);
  return norm === 0 ? [...vector] : vector.map((value) => value / norm);
}

/** Cosine similarity of two vectors of one length (0 when either is zero). */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let index = 0; index < a.length; index++) dot += a[index]! * (b[index] ?? 0);
  const norms = vectorNorm(a) * vectorNorm(b);
  return norms === 0 ? 0 : dot / norms;
}

/**
 * Floats as the models send them: float32 precision (about 8 significant digits), which keeps response
 * bodies a third of the size of full doubles.
 */
export function toWireFloats(vector: readonly number[]): number[] {
  return vector.map((value) => Number(value.toPrecision(8)));
}

/**
 * Cohere `int8`: one signed byte per dimension in -128..127. The vector is scaled so its largest
 * magnitude maps to 127 (cosine is scale-invariant, so similarities survive up to rounding).
 */
export function quantizeInt8(vector: readonly number[]): number[] {
  const largest = vector.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
  if (largest === 0) return vector.map(() => 0);
  return vector.map((value) => Math.max(-128, Math.min(127, Math.round((value / largest) * 127))));
}

/** Cohere `uint8`: the `int8` values shifted by 128 into 0..255. */
export function quantizeUint8(vector: readonly number[]): number[] {
  return quantizeInt8(vector).map((value) => value + 128);
}

/**
 * Cohere `ubinary`: one bit per dimension (1 where the value is positive), packed eight to a byte with the
 * first dimension in the most significant bit, as numpy's `packbits`; `dimension / 8` values in 0..255.
 */
export function quantizeUbinary(vector: readonly number[]): number[] {
  const packed = new Array<number>(Math.ceil(vector.length / 8)).fill(0);
  vector.forEach((value, index) => {
    if (value > 0) packed[index >> 3]! |= 0x80 >> (index & 7);
  });
  return packed;
}

/** Cohere `binary`: the `ubinary` bytes minus 128, read as signed bytes in -128..127. */
export function quantizeBinary(vector: readonly number[]): number[] {
  return quantizeUbinary(vector).map((value) => value - 128);
}

/**
 * Titan Text Embeddings v2 `binary`: NOT packed. One 0/1 per dimension (1 where the value is positive),
 * so the list is as long as the float vector.
 */
export function titanBinary(vector: readonly number[]): number[] {
  return vector.map((value) => (value > 0 ? 1 : 0));
}
