import { withPromptCacheUsage } from '../../caching/cache-accounting.js';
import { converseResponseBody } from '../../codecs/converse-response.js';
import { jsonResponse } from '../../encoding/json-response.js';
import { guardChat } from '../../guardrails/inline/guard-answer.js';
import { converseGuardedInput } from '../../guardrails/inline/guarded-input.js';
import type { Operation } from '../operation-context.js';
import { prepareConverseCall } from './converse-call.js';

/** `POST /model/{modelId}/converse`: one answer as JSON. */
export const converseOperation: Operation = async (context) => {
  const { runtime, signal, requestId, startedAt } = context;
  const { model, body, parsed, promptCache, guardrail } = await prepareConverseCall(context, 'Converse');
  const generate = () => runtime.backend.chat(parsed.chat, { signal, operation: 'Converse' });
  const answer = guardrail ? await guardChat(guardrail, converseGuardedInput(body), generate) : await generate();
  const responseBody = converseResponseBody({ ...answer, usage: withPromptCacheUsage(answer.usage, promptCache) }, model, parsed.response, performance.now() - startedAt);
  const trace = guardrail?.converseTrace();
  if (trace) responseBody.trace = { guardrail: trace };
  return jsonResponse(responseBody, requestId);
};
