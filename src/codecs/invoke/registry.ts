import { unsupportedModelError } from '../../models/unsupported-model.js';
import type { ResolvedModel } from '../../models/registry.js';
import { ai21JambaCodec } from './ai21-jamba.js';
import { anthropicMessagesCodec } from './anthropic-messages.js';
import { anthropicTextCodec } from './anthropic-text.js';
import { cohereCommandRCodec } from './cohere-command-r.js';
import { cohereCommandCodec } from './cohere-command.js';
import { cohereEmbeddingsCodec } from './cohere-embeddings.js';
import { deepseekCodec } from './deepseek.js';
import { metaLlamaCodec } from './meta-llama.js';
import { mistralChatCodec } from './mistral-chat.js';
import { mistralTextCodec } from './mistral-text.js';
import { novaCodec } from './nova.js';
import { openaiChatCodec } from './openai-chat.js';
import { stabilityImagesCodec } from './stability-images.js';
import { titanEmbeddingsCodec } from './titan-embeddings.js';
import { titanImagesCodec } from './titan-images.js';
import { titanTextCodec } from './titan-text.js';
import type { InvokeChatCodec, InvokeEmbeddingCodec, InvokeImageCodec } from './types.js';

/** Which codec reads which family's InvokeModel bodies. */

/** Chat codecs per family, most specific first; the first whose `accepts` takes the body wins. */
const CHAT_CODECS: Partial<Record<ResolvedModel['family'], readonly InvokeChatCodec[]>> = {
  anthropic: [anthropicMessagesCodec, anthropicTextCodec],
  'meta-llama': [metaLlamaCodec],
  mistral: [mistralChatCodec, mistralTextCodec],
  'amazon-titan': [titanTextCodec],
  'amazon-nova': [novaCodec],
  cohere: [cohereCommandRCodec, cohereCommandCodec],
  ai21: [ai21JambaCodec],
  deepseek: [deepseekCodec],
  openai: [openaiChatCodec],
  qwen: [openaiChatCodec],
};

/** For `ollama.<model>` and mapped custom ids, whose family is unknown: the body's shape decides. */
const ANY_FAMILY_CODECS: readonly InvokeChatCodec[] = [anthropicMessagesCodec, novaCodec, openaiChatCodec, titanTextCodec, metaLlamaCodec];

function unsupported(): never {
  throw unsupportedModelError();
}

/** The chat codec for a model and body. */
export function chatCodecFor(model: ResolvedModel, body: Record<string, unknown>): InvokeChatCodec {
  const codecs = CHAT_CODECS[model.family] ?? (model.family === 'ollama' || model.family === 'custom' ? ANY_FAMILY_CODECS : undefined);
  if (!codecs) return unsupported();
  return codecs.find((codec) => codec.accepts?.(body) ?? true) ?? codecs[0]!;
}

/** The embedding codec for a model. */
export function embeddingCodecFor(model: ResolvedModel): InvokeEmbeddingCodec {
  if (model.family === 'amazon-titan' || model.family === 'amazon-nova') return titanEmbeddingsCodec;
  if (model.family === 'cohere') return cohereEmbeddingsCodec;
  return unsupported();
}

/** The image codec for a model. */
export function imageCodecFor(model: ResolvedModel): InvokeImageCodec {
  if (model.family === 'stability') return stabilityImagesCodec;
  if (model.family === 'amazon-titan' || model.family === 'amazon-nova') return titanImagesCodec;
  return unsupported();
}
