import type { ChatResponse } from '../../chat/types.js';
import type { GuardrailContentBlock } from '../types.js';
import type { InlineGuardrail } from './inline-guardrail.js';

/**
 * Applies an inline guardrail to complete answers: the answer given instead of a blocked input, and the
 * output assessment of a model's answer.
 */

/**
 * The answer to a request whose input the guardrail blocked: the blocked-input message, stop reason
 * `guardrail_intervened`, and no tokens (the model never ran).
 *
 * @example
 * const answer = blockedInputAnswer(guardrail); // answer.content[0].text === guardrail.blockedInputMessage
 */
export function blockedInputAnswer(guardrail: InlineGuardrail): ChatResponse {
  return {
    content: [{ type: 'text', text: guardrail.blockedInputMessage }],
    stopReason: 'guardrail_intervened',
    usage: { inputTokens: 0, outputTokens: 0 },
  };
}

/**
 * Assesses the text of a model's answer. A BLOCK replaces the whole content with the blocked-output
 * message; an ANONYMIZE masks the matched spans and leaves every other byte as generated. Either way the stop
 * reason becomes `guardrail_intervened`. Tool calls and reasoning are not assessed, as on Bedrock.
 *
 * @example
 * const guarded = await guardAnswer(guardrail, await runtime.backend.chat(request, options));
 */
export async function guardAnswer(guardrail: InlineGuardrail, answer: ChatResponse): Promise<ChatResponse> {
  const texts = answer.content.flatMap((part) => (part.type === 'text' ? [part.text] : []));
  if (texts.length === 0) return answer;
  const evaluation = await guardrail.assessOutput(texts);
  if (evaluation.blocked) {
    guardrail.recordReplacedOutput(texts.join(''));
    return { ...answer, content: [{ type: 'text', text: guardrail.blockedOutputMessage }], stopReason: 'guardrail_intervened', stopSequence: undefined };
  }
  if (evaluation.action !== 'GUARDRAIL_INTERVENED') return answer;
  guardrail.recordReplacedOutput(texts.join(''));
  let textIndex = 0;
  const content = answer.content.map((part) => {
    if (part.type !== 'text') return part;
    const masked = evaluation.maskedTexts[textIndex++];
    return masked === undefined ? part : { ...part, text: masked };
  });
  return { ...answer, content, stopReason: 'guardrail_intervened', stopSequence: undefined };
}

/**
 * A guarded model call: the input is assessed first (a block answers with the blocked-input message and the
 * model is never called), then the model's answer is assessed by `guardAnswer`.
 *
 * @example
 * const answer = await guardChat(guardrail, converseGuardedInput(body), () => runtime.backend.chat(chat, options));
 */
export async function guardChat(guardrail: InlineGuardrail, input: GuardrailContentBlock[], generate: () => Promise<ChatResponse>): Promise<ChatResponse> {
  const evaluation = await guardrail.assessInput(input);
  if (evaluation.blocked) return blockedInputAnswer(guardrail);
  return guardAnswer(guardrail, await generate());
}
