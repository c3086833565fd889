import { parseConverseRequest } from '../../codecs/converse-request.js';
import { converseResponseBody } from '../../codecs/converse-response.js';
import { jsonResponse } from '../../encoding/json-response.js';
import type { Operation } from '../operation-context.js';
import { readJsonBody } from '../read-json-body.js';
import { loadTokenizer } from '../../tokens/tokenizers.js';
import { checkContextWindow } from './context-window.js';
import { guardChat } from '../../guardrails/inline/guard-answer.js';
import { converseGuardedInput } from '../../guardrails/inline/guarded-input.js';
import { readConverseGuardrailConfig } from '../../guardrails/inline/inline-guardrail-config.js';
import { openInlineGuardrail } from '../../guardrails/inline/inline-guardrail.js';

/** `POST /model/{modelId}/converse`: one answer as JSON. */
export const converseOperation: Operation = async ({ runtime, request, labels, signal, requestId, startedAt }) => {
  const model = runtime.models.resolve(labels.modelId!);
  // Counting below (usage, truncation, stream starts) is synchronous: load the model's tokenizer first.
  await loadTokenizer(model.baseModelId);
  const body = readJsonBody(request.body);
  const parsed = parseConverseRequest(body, model, 'Converse');
  checkContextWindow(model, parsed.chat, 'Converse');
  const guardrail = openInlineGuardrail(runtime, readConverseGuardrailConfig(body));
  const generate = () => runtime.backend.chat(parsed.chat, { signal, operation: 'Converse' });
  const answer = guardrail ? await guardChat(guardrail, converseGuardedInput(body), generate) : await generate();
  const responseBody = converseResponseBody(answer, model, parsed.response, performance.now() - startedAt);
  const trace = guardrail?.converseTrace();
  if (trace) responseBody.trace = { guardrail: trace };
  return jsonResponse(responseBody, requestId);
};
