import { validationError } from '../../errors/bedrock-errors.js';
import type { InvokeEmbeddingCodec } from './types.js';

/** Placeholder until this family's codec lands: every call gets a clear ValidationException. */
export const cohereEmbeddingsCodec: InvokeEmbeddingCodec = {
  name: 'cohere-embeddings',
  async invoke() {
    throw validationError('InvokeModel with this model family is not supported by local-bedrock yet.');
  },
};
