/**
 * Type tests: `npx tsc --noEmit` checks this file (tsconfig includes test/). Each `@ts-expect-error` line
 * must fail to compile — a wrong shape that starts compiling fails the typecheck. Nothing here runs.
 */
import type { ConverseCommandInput, ContentBlock, StopReason } from '@aws-sdk/client-bedrock-runtime';
import { expectTypeOf } from 'vitest';
import type { ChatStopReason, OperationName } from '../../src/index.js';
import {
  createBedrockTest,
  createLocalBedrock,
  expect,
  test,
  type BedrockCall,
  type LocalBedrockFixture,
  type ReplyChain,
  type ScriptableOperation,
} from '../../src/testing/vitest.js';

declare const bedrock: LocalBedrockFixture;

// --- The fixture ----------------------------------------------------------------------------------------
test('the context has a typed bedrock', ({ bedrock: fromContext }) => {
  expectTypeOf(fromContext).toEqualTypeOf<LocalBedrockFixture>();
});
expectTypeOf(createLocalBedrock()).toEqualTypeOf<LocalBedrockFixture>();
createBedrockTest({ modelMap: { 'anthropic.*': 'qwen3' }, clientConfig: { maxAttempts: 1 } });
// @ts-expect-error: not an option
createBedrockTest({ modelmap: {} });
// @ts-expect-error: a backend name that does not exist
createBedrockTest({ backend: 'bedrock' });

// --- Scripting ------------------------------------------------------------------------------------------
// The operations a script can name are ones the router knows; scripted stop reasons are the SDK's own.
expectTypeOf<ScriptableOperation>().toExtend<OperationName>();
expectTypeOf<ChatStopReason>().toExtend<StopReason>();

bedrock.on('Converse', { modelId: 'anthropic.claude-3-haiku-20240307-v1:0', prompt: /weather/ }).replyOnce({ toolUse: { name: 'get_weather', input: { city: 'Paris' } } }).reply({ text: 'Sunny.' });
bedrock.on('InvokeModel').replyTimes(2, { text: 'hi', stopReason: 'max_tokens' }).fail({ name: 'ThrottlingException', message: 'Slow down.' });
bedrock.on('ConverseStream').breakStreamAfter(2, 'ModelStreamErrorException').replyOnce((request) => ({ text: request.modelId }));
bedrock.onAny().breakStreamOnceAfter(1).failOnce('ServiceUnavailableException');

// @ts-expect-error: not an operation
bedrock.on('Conversation');
// @ts-expect-error: operations are named as the SDK names them
bedrock.on('converse');
// @ts-expect-error: not a match field
bedrock.on('Converse', { model: 'x' });
// @ts-expect-error: a prompt is a string or a RegExp
bedrock.on('Converse', { prompt: 42 });
// @ts-expect-error: not a reply field
bedrock.on('Converse').reply({ txt: 'Hello' });
// @ts-expect-error: a tool call needs a name
bedrock.on('Converse').reply({ toolUse: { input: {} } });
// @ts-expect-error: not a stop reason
bedrock.on('Converse').reply({ stopReason: 'finished' });
// @ts-expect-error: not a Bedrock exception
bedrock.on('Converse').fail('TeapotException');
// @ts-expect-error: a reply function returns a reply
bedrock.on('Converse').reply(() => 'Hello');
// @ts-expect-error: a count comes first
bedrock.on('Converse').replyTimes({ text: 'x' }, 2);
// @ts-expect-error: only a streaming operation's script can break a stream
bedrock.on('Converse').breakStreamAfter(2);
// @ts-expect-error: …and the chain keeps knowing it is not streaming
bedrock.on('InvokeModel').replyOnce({ text: 'x' }).breakStreamOnceAfter(1);
expectTypeOf(bedrock.on('Converse').replyOnce({ text: 'x' })).toEqualTypeOf<ReplyChain>();

// --- The call log ---------------------------------------------------------------------------------------
expectTypeOf(bedrock.calls).toEqualTypeOf<BedrockCall[]>();
expectTypeOf(bedrock.callsTo('Converse')[0]!.input).toEqualTypeOf<Omit<ConverseCommandInput, 'modelId'> | undefined>();
expectTypeOf(bedrock.callsTo('ConverseStream')[0]!.operation).toEqualTypeOf<'ConverseStream'>();
expectTypeOf(bedrock.callsTo('Converse')[0]!.input!.messages![0]!.content).toEqualTypeOf<ContentBlock[] | undefined>();
expectTypeOf(bedrock.lastCall!.http.headers).toEqualTypeOf<Record<string, string>>();
// @ts-expect-error: not an operation
bedrock.callsTo('Conversation');
// @ts-expect-error: Converse bodies have no `prompt`
void bedrock.callsTo('Converse')[0]?.input?.prompt;

// --- Matchers -------------------------------------------------------------------------------------------
expect(bedrock).toHaveConversed();
expect(bedrock).toHaveConversedTimes(2);
expect(bedrock).toHaveConversedWith({ modelId: /claude/, prompt: 'weather', system: /brief/, stream: true, input: { inferenceConfig: { maxTokens: 10 } } });
expect(bedrock).toHaveConversedWith({ input: { messages: [{ content: [{ text: expect.stringContaining('Oslo') }] }] } });
expect(bedrock).toHaveNthConversedWith(1, { prompt: 'x' });
expect(bedrock).toHaveLastConversedWith({ input: { messages: [{ content: [{ image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } }] }] } });
expect(bedrock).toHaveInvokedWith({ modelId: 'meta.llama3-8b-instruct-v1:0', input: { max_gen_len: 10 } });
expect(bedrock).toHaveBeenCalledWithModel(/llama/);
expect(bedrock).toHaveReceivedCall('ConverseStream', { input: { inferenceConfig: { temperature: 0 } } });
expect(bedrock).not.toHaveReceivedCallTimes('InvokeModel', 3);

// @ts-expect-error: a count is a number
expect(bedrock).toHaveConversedTimes('2');
// @ts-expect-error: not an expectation field
expect(bedrock).toHaveConversedWith({ modelid: 'x' });
// @ts-expect-error: a model id is a string or a RegExp
expect(bedrock).toHaveConversedWith({ modelId: 42 });
// @ts-expect-error: `input` is typed from the SDK: maxTokens is a number
expect(bedrock).toHaveConversedWith({ input: { inferenceConfig: { maxTokens: 'ten' } } });
// @ts-expect-error: …and Converse has no `max_gen_len`
expect(bedrock).toHaveConversedWith({ input: { max_gen_len: 10 } });
// @ts-expect-error: messages are a list
expect(bedrock).toHaveConversedWith({ input: { messages: 'Hello' } });
// @ts-expect-error: an expectation is required
expect(bedrock).toHaveConversedWith();
// @ts-expect-error: the nth call comes first
expect(bedrock).toHaveNthConversedWith({ prompt: 'x' }, 1);
// @ts-expect-error: not an operation
expect(bedrock).toHaveReceivedCall('Conversation');
// @ts-expect-error: the expectation's input is typed for the operation named
expect(bedrock).toHaveReceivedCall('ConverseStream', { input: { inferenceConfig: { temperature: 'hot' } } });
// @ts-expect-error: a model is a string or a RegExp
expect(bedrock).toHaveBeenCalledWithModel(['a', 'b']);
