import { accountPromptCache, type PromptCacheUsage } from '../../caching/cache-accounting.js';
import type { ChatRequest } from '../../chat/types.js';
import { chatCodecFor } from '../../codecs/invoke/registry.js';
import type { InvokeChatCodec } from '../../codecs/invoke/types.js';
import { validationError } from '../../errors/bedrock-errors.js';
import { readInvokeGuardrailConfig, type InlineGuardrailConfig } from '../../guardrails/inline/inline-guardrail-config.js';
import { openInlineGuardrail, type InlineGuardrail } from '../../guardrails/inline/inline-guardrail.js';
import { checkModelAccess } from '../../models/feature-checks.js';
import { unsupportedModelError } from '../../models/unsupported-model.js';
import type { ResolvedModel } from '../../models/registry.js';
import { loadTokenizer } from '../../tokens/tokenizers.js';
import type { OperationContext } from '../operation-context.js';
import { checkContextWindow } from './context-window.js';
import { checkAccept, echoedHeaders, readNativeBody } from './invoke-helpers.js';

/** An InvokeModel request, checked: its model, native body, guardrail settings and echoed headers. */
export interface InvokeCall {
  model: ResolvedModel;
  /** The native body, without `amazon-bedrock-guardrailConfig` (read into `guardrailConfig`). */
  body: Record<string, unknown>;
  guardrailConfig: InlineGuardrailConfig | undefined;
  /** The latency and service-tier headers the response carries. */
  echoed: Record<string, string>;
}

/** A chat InvokeModel request decoded by its family codec, ready to generate. */
export interface InvokeChat {
  codec: InvokeChatCodec;
  chat: ChatRequest;
  promptCache: PromptCacheUsage | undefined;
  guardrail: InlineGuardrail | undefined;
}

/**
 * What InvokeModel and InvokeModelWithResponseStream do before the body's family matters: resolve the
 * model, read the body and its guardrail settings, and refuse what the service refuses.
 *
 * @example
 * const call = await prepareInvokeCall(context, false);
 */
export async function prepareInvokeCall(context: OperationContext, streaming: boolean): Promise<InvokeCall> {
  const { runtime, request, labels, origin } = context;
  const model = runtime.models.resolve(labels.modelId!);
  // Counting below (usage, truncation, stream starts) is synchronous: load the model's tokenizer first.
  await loadTokenizer(model.baseModelId);
  const body = readNativeBody(request);
  checkAccept(streaming ? request.headers['x-amzn-bedrock-accept'] : request.headers.accept);
  // Read (and removed from the body) before the family codec sees it.
  const guardrailConfig = readInvokeGuardrailConfig(request.headers, body, streaming);
  // Sonic models serve only the bidirectional stream.
  if (model.kind === 'speech') throw unsupportedModelError(model);
  if (streaming && model.kind !== 'chat') throw validationError('The model is unsupported for streaming.');
  if (guardrailConfig && model.kind !== 'chat') throw validationError('Guardrails are not supported for this model.');
  const echoed = echoedHeaders(request.headers, runtime, model);
  checkModelAccess(runtime, model, { batch: origin === 'batch' });
  return { model, body, guardrailConfig, echoed };
}

/**
 * Decodes a chat body with its family's codec, checks the context window, accounts the prompt cache and
 * opens the request's guardrail.
 *
 * @example
 * const { codec, chat, guardrail } = decodeInvokeChat(context, call);
 */
export function decodeInvokeChat(context: OperationContext, call: InvokeCall): InvokeChat {
  const { runtime } = context;
  const codec = chatCodecFor(call.model, call.body);
  const chat = codec.decode(call.body, call.model);
  checkContextWindow(call.model, chat, 'InvokeModel');
  const promptCache = accountPromptCache(runtime, call.model, chat, 'InvokeModel');
  const guardrail = openInlineGuardrail(runtime, call.guardrailConfig);
  return { codec, chat, promptCache, guardrail };
}
