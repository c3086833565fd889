import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';
import type { ChatMessage, ChatPart, ChatRequest, ChatToolResultPart } from '../../chat/types.js';
import { validationError } from '../../errors/bedrock-errors.js';
import { documentText, toolResultText } from '../text-content.js';

/**
 * Neutral conversation → node-llama-cpp chat history, which the model's own chat template (resolved from
 * the GGUF's `tokenizer.chat_template`) renders. Tool calls become function calls whose `result` is the
 * matching tool result of the next user turn, the shape node-llama-cpp's templates render natively.
 */

function toolResultValue(content: readonly ChatToolResultPart[], status: 'success' | 'error' | undefined): string {
  const text = toolResultText(content);
  return status === 'error' ? `Error: ${text}` : text;
}

function userText(parts: readonly ChatPart[]): string {
  const texts: string[] = [];
  for (const part of parts) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'document') texts.push(documentText(part));
    // A text-only local model cannot see media; saying so beats silently dropping part of the question.
    else if (part.type === 'image' || part.type === 'video' || part.type === 'audio') {
      throw validationError(`The llamacpp backend runs text-only models and cannot read ${part.type} content.`);
    }
  }
  return texts.join('\n');
}

function modelResponse(message: ChatMessage, results: Map<string, string>): ChatModelResponse {
  const response: ChatModelResponse['response'] = [];
  for (const part of message.content) {
    if (part.type === 'text') response.push(part.text);
    else if (part.type === 'toolUse') {
      const call: ChatModelFunctionCall = { type: 'functionCall', name: part.name, params: part.input ?? {}, result: results.get(part.id) ?? '' };
      response.push(call);
    }
  }
  return { type: 'model', response };
}

/**
 * The history to generate from. Its last item is a model response: empty for a new answer, or the
 * assistant prefill / tool-call turn the answer continues.
 *
 * @example
 * toLlamaHistory(request, 'Answer only with JSON.');
 * // → [{ type: 'system', text: '…' }, { type: 'user', text: 'Hi' }, { type: 'model', response: [] }]
 */
export function toLlamaHistory(request: ChatRequest, extraSystem?: string): ChatHistoryItem[] {
  const system = [...request.system, ...(extraSystem ? [extraSystem] : [])].join('\n\n');
  const history: ChatHistoryItem[] = system ? [{ type: 'system', text: system }] : [];
  const results = new Map<string, string>();
  for (const message of request.messages) {
    for (const part of message.content) if (part.type === 'toolResult') results.set(part.toolUseId, toolResultValue(part.content, part.status));
  }
  for (const message of request.messages) {
    if (message.role === 'assistant') {
      const response = modelResponse(message, results);
      const last = history[history.length - 1];
      // After tool results the model's turn goes on: its next words belong to the same response.
      if (last?.type === 'model') last.response.push(...response.response);
      else history.push(response);
      continue;
    }
    const text = userText(message.content);
    // A user turn holding only tool results continues the assistant turn that called the tools.
    if (text === '' && message.content.some((part) => part.type === 'toolResult')) continue;
    history.push({ type: 'user', text });
  }
  const last = history[history.length - 1];
  const continuesModel = last?.type === 'model' && (request.messages[request.messages.length - 1]?.role === 'assistant' || last.response.some((item) => typeof item !== 'string'));
  if (!continuesModel) history.push({ type: 'model', response: [] });
  return history;
}
