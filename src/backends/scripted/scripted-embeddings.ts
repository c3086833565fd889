import type { EmbeddingRequest, EmbeddingResponse } from '../types.js';

/** Placeholder until deterministic scripted embeddings land. */
export function scriptedEmbeddings(request: EmbeddingRequest): EmbeddingResponse {
  return { embeddings: [...request.texts, ...request.images].map(() => new Array<number>(1024).fill(0)), inputTokens: 0 };
}
