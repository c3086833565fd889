import { parseConverseRequest } from '../../codecs/converse-request.js';
import { converseResponseBody } from '../../codecs/converse-response.js';
import { jsonResponse } from '../../encoding/json-response.js';
import type { Operation } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';
import { loadTokenizer } from '../../tokens/tokenizers.js';
import { checkContextWindow } from './context-window.js';

/** `POST /model/{modelId}/converse`: one answer as JSON. */
export const converseOperation: Operation = async ({ runtime, request, labels, signal, requestId, startedAt }) => {
  const model = runtime.models.resolve(labels.modelId!);
  // Counting below (usage, truncation, stream starts) is synchronous: load the model's tokenizer first.
  await loadTokenizer(model.baseModelId);
  const parsed = parseConverseRequest(readJsonBody(request.body), model, 'Converse');
  checkContextWindow(model, parsed.chat, 'Converse');
  const answer = await runtime.backend.chat(parsed.chat, { signal, operation: 'Converse' });
  return jsonResponse(converseResponseBody(answer, model, parsed.response, performance.now() - startedAt), requestId);
};
