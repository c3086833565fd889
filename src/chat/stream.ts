import { BedrockServiceError } from '../errors/bedrock-errors.js';
import type { ChatOutputPart, ChatRequest, ChatResponse, ChatStreamEvent } from './types.js';

/**
 * Collects a streamed answer into a complete one. Tool inputs arrive as JSON fragments and are parsed
 * once their block ends. Useful for a custom backend that only streams.
 *
 * @example
 * const backend: Backend = { name: 'mine', chatStream, chat: async (request, options) => collectChatStream(await chatStream(request, options)) };
 */
export async function collectChatStream(events: AsyncIterable<ChatStreamEvent>): Promise<ChatResponse> {
  const content: ChatOutputPart[] = [];
  let toolInput: string | undefined;
  const closeTool = () => {
    const last = content.at(-1);
    if (toolInput !== undefined && last?.type === 'toolUse') last.input = toolInput.trim() === '' ? {} : JSON.parse(toolInput);
    toolInput = undefined;
  };
  for await (const event of events) {
    const last = content.at(-1);
    switch (event.type) {
      case 'textDelta':
        closeTool();
        if (last?.type === 'text') last.text += event.text;
        else content.push({ type: 'text', text: event.text });
        break;
      case 'reasoningDelta':
        closeTool();
        if (last?.type === 'reasoning' && last.signature === undefined) last.text += event.text;
        else content.push({ type: 'reasoning', text: event.text });
        break;
      case 'reasoningSignature':
        if (last?.type === 'reasoning') last.signature = event.signature;
        else content.push({ type: 'reasoning', text: '', signature: event.signature });
        break;
      case 'redactedReasoning':
        closeTool();
        content.push({ type: 'redactedReasoning', data: event.data });
        break;
      case 'toolUseStart':
        closeTool();
        content.push({ type: 'toolUse', id: event.id, name: event.name, input: {} });
        toolInput = '';
        break;
      case 'toolUseDelta':
        toolInput = (toolInput ?? '') + event.input;
        break;
      case 'finish':
        closeTool();
        return { content, stopReason: event.stopReason, stopSequence: event.stopSequence, usage: event.usage };
    }
  }
  throw new Error('The model stream ended without a finish event.');
}

/** Replays a complete answer as stream events, splitting text with `splitText` (one delta per piece). */
export function* responseToStreamEvents(
  response: ChatResponse,
  splitText: (text: string) => string[] = (text) => [text],
): Generator<ChatStreamEvent> {
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        for (const piece of splitText(part.text)) yield { type: 'textDelta', text: piece };
        break;
      case 'reasoning':
        for (const piece of splitText(part.text)) yield { type: 'reasoningDelta', text: piece };
        if (part.signature !== undefined) yield { type: 'reasoningSignature', signature: part.signature };
        break;
      case 'redactedReasoning':
        yield { type: 'redactedReasoning', data: part.data };
        break;
      case 'toolUse':
        yield { type: 'toolUseStart', id: part.id, name: part.name };
        for (const piece of splitJson(JSON.stringify(part.input ?? {}))) yield { type: 'toolUseDelta', input: piece };
        break;
    }
  }
  yield { type: 'finish', stopReason: response.stopReason, stopSequence: response.stopSequence, usage: response.usage };
}

/** Splits serialized JSON into a few fragments, the way models stream tool input. */
function splitJson(json: string, size = 24): string[] {
  const pieces: string[] = [];
  for (let offset = 0; offset < json.length; offset += size) pieces.push(json.slice(offset, offset + size));
  return pieces.length === 0 ? [''] : pieces;
}

/**
 * A whole answer from a streaming-only backend: the stream collected, and a failure mid-answer turned into
 * the `ModelErrorException` Converse reports (Converse has no `ModelStreamErrorException`).
 *
 * @example
 * chat: (request, options) => chatFromStream(chatStream(request, options), request),
 */
export async function chatFromStream(stream: Promise<AsyncIterable<ChatStreamEvent>>, request: ChatRequest): Promise<ChatResponse> {
  try {
    return await collectChatStream(await stream);
  } catch (error) {
    if (!BedrockServiceError.isInstance(error) || error.name !== 'ModelStreamErrorException') throw error;
    throw new BedrockServiceError('ModelErrorException', error.message, { members: { resourceName: request.backendModel }, cause: error });
  }
}
