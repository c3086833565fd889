import { ConverseCommand, ConverseStreamCommand, type ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { FRONT_DOORS, runtimeClient, userText } from './support/clients.js';

const CLAUDE = 'anthropic.claude-3-haiku-20240307-v1:0';
const TOOL = { toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } };
const TOOL_USE = { toolUse: { toolUseId: 'tooluse_1', name: 'lookup', input: {} } };
const TOOL_RESULT = (id: string) => ({ toolResult: { toolUseId: id, content: [{ text: 'found' }] } });

/** Each case: a change to a valid request, and the ValidationException message Bedrock answers with. */
const CASES: Array<[string, Partial<ConverseCommandInput>, string]> = [
  ['unknown model id', { modelId: 'acme.unknown-model-v1' }, 'The provided model identifier is invalid.'],
  ['model id with characters no id has', { modelId: 'bad model id' }, "1 validation error detected: Value 'bad model id' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern"],
  ['a model that cannot chat', { modelId: 'amazon.titan-embed-text-v2:0' }, "This action doesn't support the model that you provided."],
  ['empty messages', { messages: [] }, 'A conversation must start with a user message. Try again with a conversation that starts with a user message.'],
  ['a conversation starting with the assistant', { messages: [{ role: 'assistant', content: [{ text: 'Hi' }] }, userText('Hello')] }, 'A conversation must start with a user message.'],
  ['two user messages in a row', { messages: [userText('a'), userText('b')] }, 'A conversation must alternate between user and assistant roles.'],
  ['a role outside the enum', { messages: [{ role: 'system' as never, content: [{ text: 'x' }] }] }, "1 validation error detected: Value 'system' at 'messages.1.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]"],
  ['a message with no content', { messages: [{ role: 'user', content: [] }] }, 'The content field in the Message object at messages.0 is empty. Add a ContentBlock object to the content field and try again.'],
  ['a blank text block', { messages: [userText('ok'), { role: 'assistant', content: [{ text: 'fine' }, { text: ' \n' }] }, userText('next')] }, 'The text field in the ContentBlock object at messages.1.content.1 is blank. Add text to the text field, and try again.'],
  ['a blank system prompt', { system: [{ text: '  ' }] }, 'The text field in the SystemContentBlock object at system.0 is blank.'],
  ['maxTokens below 1', { inferenceConfig: { maxTokens: 0 } }, "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1"],
  ['maxTokens above the model limit', { inferenceConfig: { maxTokens: 5000 } }, 'The maximum tokens you requested exceeds the model limit of 4096. Try again with a maximum tokens value that is lower than 4096.'],
  ['temperature above 1', { inferenceConfig: { temperature: 1.5 } }, "Value '1.5' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1"],
  ['negative topP', { inferenceConfig: { topP: -0.1 } }, "Value '-0.1' at 'inferenceConfig.topP' failed to satisfy constraint: Member must have value greater than or equal to 0"],
  ['several violations at once', { inferenceConfig: { maxTokens: 0, temperature: 2 } }, '2 validation errors detected: '],
  ['an empty stop sequence', { inferenceConfig: { stopSequences: [''] } }, "at 'inferenceConfig.stopSequences.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1"],
  ['toolChoice without tools', { toolConfig: { toolChoice: { any: {} } } as never }, "Value null at 'toolConfig.tools' failed to satisfy constraint: Member must not be null"],
  ['an empty tool list', { toolConfig: { tools: [] } }, "at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1"],
  ['a tool name with spaces', { toolConfig: { tools: [{ toolSpec: { name: 'look up', inputSchema: { json: {} } } }] } }, "Value 'look up' at 'toolConfig.tools.1.member.toolSpec.name' failed to satisfy constraint"],
  ['two tools of one name', { toolConfig: { tools: [TOOL, TOOL] } }, 'more than one tool named lookup'],
  ['toolChoice naming no tool', { toolConfig: { tools: [TOOL], toolChoice: { tool: { name: 'other' } } } }, "The tool other in toolConfig.toolChoice.tool doesn't match any tool"],
  ['tool blocks without toolConfig', { messages: [userText('q'), { role: 'assistant', content: [TOOL_USE] }, { role: 'user', content: [TOOL_RESULT('tooluse_1')] }] }, 'The toolConfig field must be defined when using toolUse and toolResult content blocks.'],
  ['a toolResult without its toolUse', { messages: [userText('q'), { role: 'assistant', content: [{ text: 'no tool' }] }, { role: 'user', content: [TOOL_RESULT('tooluse_1')] }], toolConfig: { tools: [TOOL] } }, 'The number of toolResult blocks at messages.2.content exceeds the number of toolUse blocks of previous turn.'],
  ['a toolUse without its toolResult', { messages: [userText('q'), { role: 'assistant', content: [TOOL_USE] }, userText('skip it')], toolConfig: { tools: [TOOL] } }, 'Expected toolResult blocks at messages.2.content for the following Ids: tooluse_1'],
  ['a toolResult for another id', { messages: [userText('q'), { role: 'assistant', content: [TOOL_USE] }, { role: 'user', content: [TOOL_RESULT('tooluse_2')] }], toolConfig: { tools: [TOOL] } }, 'Expected toolResult blocks at messages.2.content for the following Ids: tooluse_1'],
  ['an image format outside the enum', { messages: [{ role: 'user', content: [{ image: { format: 'bmp' as never, source: { bytes: new Uint8Array([1]) } } }] }] }, "at 'messages.1.member.content.1.member.image.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]"],
  ['more than 16 request metadata entries', { requestMetadata: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v'])) }, "at 'requestMetadata' failed to satisfy constraint: Member must have length less than or equal to 16"],
  ['more than 10 response field paths', { additionalModelResponseFieldPaths: Array.from({ length: 11 }, (_, index) => `/f${index}`) }, "at 'additionalModelResponseFieldPaths' failed to satisfy constraint: Member must have length less than or equal to 10"],
  ['a response field path that is not a JSON Pointer', { additionalModelResponseFieldPaths: ['stop_sequence'] }, "invalid JSON Pointer: 'stop_sequence'"],
  ['an unknown latency', { performanceConfig: { latency: 'fast' as never } }, "Value 'fast' at 'performanceConfig.latency' failed to satisfy constraint: Member must satisfy enum value set: [standard, optimized]"],
  ['thinking with too small a budget', { inferenceConfig: { maxTokens: 2000 }, additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 100 } } }, 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024'],
  ['thinking with maxTokens under the budget', { inferenceConfig: { maxTokens: 1500 }, additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } } }, '`max_tokens` must be greater than `thinking.budget_tokens`.'],
  ['a guardrail that does not exist', { guardrailConfig: { guardrailIdentifier: 'abc123', guardrailVersion: 'DRAFT' } }, 'The guardrail identifier or version provided in the request does not exist.'],
];

describe.each(FRONT_DOORS)('Converse validation through the %s door', (door) => {
  it.each(CASES)('rejects %s', async (_name, change, message) => {
    const { client } = runtimeClient(door);
    const input = { modelId: CLAUDE, messages: [userText('Hello')], ...change } as ConverseCommandInput;
    for (const command of [new ConverseCommand(input), new ConverseStreamCommand(input)]) {
      const error = await client.send(command as ConverseCommand).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 1 } });
      expect((error as Error).message).toContain(message);
    }
  });

  it('rejects a body that is not JSON', async () => {
    const { client } = runtimeClient(door);
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { body: unknown }).body = '{"messages": [';
        return next(args);
      },
      { step: 'build' },
    );
    await expect(client.send(new ConverseCommand({ modelId: CLAUDE, messages: [userText('Hi')] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Malformed input request, please reformat your input and try again.',
    });
  });
});
