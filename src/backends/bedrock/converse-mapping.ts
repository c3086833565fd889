import type { ChatOutputPart, ChatPart, ChatRequest, ChatResponse, ChatStopReason, ChatToolResultPart } from '../../chat/types.js';
import type { JsonDocument } from './types.js';

/**
 * Neutral chat ↔ the Converse API's input and output, for forwarding to a real Bedrock endpoint. The inverse
 * of the Converse codec: what the codec decoded from a Converse request, this encodes back into one.
 */

function mediaSource(part: { data?: Uint8Array; uri?: string }): JsonDocument {
  return part.data ? { bytes: part.data } : { s3Location: { uri: part.uri ?? '' } };
}

function toolResultBlock(part: ChatToolResultPart): JsonDocument {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'json':
      return { json: part.value };
    default:
      // Images and documents look the same inside a tool result as in a message.
      return contentBlock(part);
  }
}

function contentBlock(part: ChatPart): JsonDocument {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image':
      return { image: { format: part.format, source: mediaSource(part) } };
    case 'document':
      return { document: { format: part.format, name: part.name, source: part.text !== undefined ? { text: part.text } : mediaSource(part) } };
    case 'video':
    case 'audio':
      return { [part.type]: { format: part.format, source: mediaSource(part) } };
    case 'toolUse':
      return { toolUse: { toolUseId: part.id, name: part.name, input: part.input } };
    case 'toolResult':
      return { toolResult: { toolUseId: part.toolUseId, ...(part.status ? { status: part.status } : {}), content: part.content.map(toolResultBlock) } };
    case 'reasoning':
      return { reasoningContent: { reasoningText: part.signature === undefined ? { text: part.text } : { text: part.text, signature: part.signature } } };
    case 'redactedReasoning':
      return { reasoningContent: { redactedContent: part.data } };
  }
}

/** A neutral request as a `ConverseCommand` input (for the given model id). */
export function toConverseInput(request: ChatRequest, modelId: string): JsonDocument {
  const inferenceConfig: JsonDocument = {};
  if (request.maxTokens !== undefined) inferenceConfig.maxTokens = request.maxTokens;
  if (request.temperature !== undefined) inferenceConfig.temperature = request.temperature;
  if (request.topP !== undefined) inferenceConfig.topP = request.topP;
  if (request.stopSequences.length > 0) inferenceConfig.stopSequences = request.stopSequences;
  const additional: JsonDocument = {};
  if (request.topK !== undefined) additional.top_k = request.topK;
  if (request.reasoning?.budgetTokens !== undefined) additional.thinking = { type: 'enabled', budget_tokens: request.reasoning.budgetTokens };
  const choice = request.toolChoice;
  return {
    modelId,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content.map(contentBlock) })),
    ...(request.system.length > 0 ? { system: request.system.map((text) => ({ text })) } : {}),
    ...(Object.keys(inferenceConfig).length > 0 ? { inferenceConfig } : {}),
    ...(request.tools.length > 0
      ? {
          toolConfig: {
            tools: request.tools.map((tool) => ({ toolSpec: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), inputSchema: { json: tool.inputSchema } } })),
            ...(choice ? { toolChoice: choice.type === 'tool' ? { tool: { name: choice.name } } : { [choice.type]: {} } } : {}),
          },
        }
      : {}),
    ...(Object.keys(additional).length > 0 ? { additionalModelRequestFields: additional } : {}),
    ...(request.responseSchema
      ? { outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(request.responseSchema), name: 'response' } } } } }
      : {}),
  };
}

/** A Converse content block of an answer as a neutral output part (`undefined` for kinds a backend cannot return). */
export function fromContentBlock(block: JsonDocument): ChatOutputPart | undefined {
  if (typeof block.text === 'string') return { type: 'text', text: block.text };
  const toolUse = block.toolUse as JsonDocument | undefined;
  if (toolUse) return { type: 'toolUse', id: String(toolUse.toolUseId), name: String(toolUse.name), input: toolUse.input ?? {} };
  const reasoning = block.reasoningContent as JsonDocument | undefined;
  if (reasoning?.redactedContent instanceof Uint8Array) return { type: 'redactedReasoning', data: reasoning.redactedContent };
  const text = reasoning?.reasoningText as JsonDocument | undefined;
  if (text) return { type: 'reasoning', text: String(text.text ?? ''), ...(typeof text.signature === 'string' ? { signature: text.signature } : {}) };
  return undefined;
}

/** A `ConverseCommand` output as a neutral answer. */
export function fromConverseOutput(output: JsonDocument): ChatResponse {
  const message = (output.output as JsonDocument | undefined)?.message as JsonDocument | undefined;
  const content = ((message?.content as JsonDocument[] | undefined) ?? []).flatMap((block) => fromContentBlock(block) ?? []);
  const usage = (output.usage as JsonDocument | undefined) ?? {};
  return {
    content,
    stopReason: (output.stopReason as ChatStopReason | undefined) ?? 'end_turn',
    usage: { inputTokens: Number(usage.inputTokens ?? 0), outputTokens: Number(usage.outputTokens ?? 0) },
  };
}
