import type { ChatPart, ChatRequest, ChatToolResultPart } from '../chat/types.js';
import { countTextTokens } from './approximate.js';

/** Tokens a chat template adds around each message (role markers, separators). */
const TOKENS_PER_MESSAGE = 4;
/** What one image costs: Bedrock bills images by size; without decoding them a fixed price keeps counts stable. */
const TOKENS_PER_MEDIA = 256;

function countPart(part: ChatPart | ChatToolResultPart): number {
  switch (part.type) {
    case 'text':
      return countTextTokens(part.text);
    case 'reasoning':
      return countTextTokens(part.text);
    case 'json':
      return countTextTokens(JSON.stringify(part.value));
    case 'toolUse':
      return countTextTokens(part.name) + countTextTokens(JSON.stringify(part.input));
    case 'toolResult':
      return part.content.reduce((total, inner) => total + countPart(inner), 0);
    case 'document':
      return part.text === undefined ? TOKENS_PER_MEDIA : countTextTokens(part.text);
    default:
      return TOKENS_PER_MEDIA;
  }
}

/** Counts the input tokens of a chat request: system prompts, messages, and tool definitions. */
export function countChatRequestTokens(request: ChatRequest): number {
  let total = 0;
  for (const text of request.system) total += countTextTokens(text) + TOKENS_PER_MESSAGE;
  for (const message of request.messages) {
    total += TOKENS_PER_MESSAGE;
    for (const part of message.content) total += countPart(part);
  }
  for (const tool of request.tools) total += countTextTokens(JSON.stringify(tool)) + TOKENS_PER_MESSAGE;
  return total;
}
