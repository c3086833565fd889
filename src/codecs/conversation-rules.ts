import type { ChatMessage } from '../chat/types.js';
import { validationError } from '../errors/bedrock-errors.js';

/**
 * The checks Bedrock makes on a conversation after its shape is valid, with the service's messages.
 * Indexes in these messages are 0-based, as the service writes them.
 */
export function checkConversation(messages: readonly ChatMessage[], rawMessages: readonly unknown[], hasToolConfig: boolean): void {
  if (messages.length === 0 || messages[0]!.role !== 'user') {
    throw validationError('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
  }
  messages.forEach((message, index) => {
    if (index > 0 && messages[index - 1]!.role === message.role) {
      throw validationError(
        'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
      );
    }
    const rawContent = (rawMessages[index] as { content?: unknown } | undefined)?.content;
    if (!Array.isArray(rawContent)) return;
    if (rawContent.length === 0) {
      throw validationError(`The content field in the Message object at messages.${index} is empty. Add a ContentBlock object to the content field and try again.`);
    }
    rawContent.forEach((block, blockIndex) => {
      const text = (block as { text?: unknown } | null)?.text;
      if (typeof text === 'string' && text.trim() === '') {
        throw validationError(`The text field in the ContentBlock object at messages.${index}.content.${blockIndex} is blank. Add text to the text field, and try again.`);
      }
    });
  });
  checkToolPairing(messages, hasToolConfig);
}

function checkToolPairing(messages: readonly ChatMessage[], hasToolConfig: boolean): void {
  const usesTools = messages.some((message) => message.content.some((part) => part.type === 'toolUse' || part.type === 'toolResult'));
  if (usesTools && !hasToolConfig) {
    throw validationError('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
  }
  messages.forEach((message, index) => {
    const previous = messages[index - 1];
    const expectedIds = previous?.role === 'assistant' ? previous.content.flatMap((part) => (part.type === 'toolUse' ? [part.id] : [])) : [];
    const resultIds = message.role === 'user' ? message.content.flatMap((part) => (part.type === 'toolResult' ? [part.toolUseId] : [])) : [];
    if (resultIds.length > expectedIds.length) {
      throw validationError(`The number of toolResult blocks at messages.${index}.content exceeds the number of toolUse blocks of previous turn.`);
    }
    const missing = expectedIds.filter((id) => !resultIds.includes(id));
    if (missing.length > 0) {
      throw validationError(`Expected toolResult blocks at messages.${index}.content for the following Ids: ${missing.join(', ')}`);
    }
  });
}

/** Rejects blank system prompts the way blank message text is rejected. */
export function checkSystemBlocks(rawSystem: readonly unknown[]): void {
  rawSystem.forEach((block, index) => {
    const text = (block as { text?: unknown } | null)?.text;
    if (typeof text === 'string' && text.trim() === '') {
      throw validationError(`The text field in the SystemContentBlock object at system.${index} is blank. Add text to the text field, and try again.`);
    }
  });
}
