import type { ChatPart, ChatRequest, ChatToolResultPart } from '../chat/types.js';
import { loadedTokenizer, type Tokenizer } from './tokenizers.js';

/** Tokens a chat template adds around each message (role markers, separators). */
const TOKENS_PER_MESSAGE = 4;
/** What one image costs: Bedrock bills images by size; without decoding them a fixed price keeps counts stable. */
const TOKENS_PER_MEDIA = 256;

function countPart(part: ChatPart | ChatToolResultPart, tokenizer: Tokenizer): number {
  switch (part.type) {
    case 'text':
      return tokenizer.count(part.text);
    case 'reasoning':
      return tokenizer.count(part.text);
    case 'json':
      return tokenizer.count(JSON.stringify(part.value));
    case 'toolUse':
      return tokenizer.count(part.name) + tokenizer.count(JSON.stringify(part.input));
    case 'toolResult':
      return part.content.reduce((total, inner) => total + countPart(inner, tokenizer), 0);
    case 'document':
      return part.text === undefined ? TOKENS_PER_MEDIA : tokenizer.count(part.text);
    default:
      return TOKENS_PER_MEDIA;
  }
}

/**
 * Counts the input tokens of a chat request: system prompts, messages, and tool definitions, with the
 * tokenizer of the request's model (once loaded; see `loadTokenizer`).
 */
export function countChatRequestTokens(request: ChatRequest, tokenizer: Tokenizer = loadedTokenizer(request.modelId)): number {
  let total = 0;
  for (const text of request.system) total += tokenizer.count(text) + TOKENS_PER_MESSAGE;
  for (const message of request.messages) {
    total += TOKENS_PER_MESSAGE;
    for (const part of message.content) total += countPart(part, tokenizer);
  }
  for (const tool of request.tools) total += tokenizer.count(JSON.stringify(tool)) + TOKENS_PER_MESSAGE;
  return total;
}
