import { validationError } from '../../errors/bedrock-errors.js';
import type { InvokeChatCodec } from './types.js';

/** Placeholder until this family's codec lands: every call gets a clear ValidationException. */
export const metaLlamaCodec: InvokeChatCodec = {
  name: 'meta-llama',
  decode() {
    throw validationError('InvokeModel with this model family is not supported by local-bedrock yet.');
  },
  encode() {
    return {};
  },
  streamEncoder() {
    return { encode: () => [] };
  },
};
