import { ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import { ConverseCommand, ConverseStreamCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { expect, test, type RecordedStreamEvent } from '../../src/testing/vitest.js';

// The call log: every call the test's runtime answered, with the decoded request, the response and the raw
// HTTP request.

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const hello = { role: 'user' as const, content: [{ text: 'Hello' }] };

test('each call keeps its decoded request, its response and the raw HTTP request', async ({ bedrock }) => {
  bedrock.on('Converse').reply({ text: 'Hi there!' });
  await bedrock.runtimeClient.send(new ConverseCommand({ modelId: HAIKU, messages: [hello], inferenceConfig: { maxTokens: 50 } }));

  const call = bedrock.lastCall!;
  expect(call).toMatchObject({ operation: 'Converse', modelId: HAIKU, statusCode: 200, complete: true, error: undefined });
  expect(call.input).toEqual({ messages: [hello], inferenceConfig: { maxTokens: 50 } });
  expect(call.output).toMatchObject({ stopReason: 'end_turn', output: { message: { role: 'assistant', content: [{ text: 'Hi there!' }] } } });
  expect(call.http.method).toBe('POST');
  expect(call.http.path).toBe(`/model/${encodeURIComponent(HAIKU)}/converse`);
  expect(call.http.headers['content-type']).toBe('application/json');
  expect(call.http.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOCALBEDROCK\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
});

test('callsTo() gives the calls of one operation, typed from the SDK', async ({ bedrock }) => {
  await bedrock.runtimeClient.send(new ConverseCommand({ modelId: HAIKU, messages: [hello], inferenceConfig: { temperature: 0 } }));
  await bedrock.runtimeClient.send(new InvokeModelCommand({ modelId: HAIKU, body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] }) }));

  const [converse] = bedrock.callsTo('Converse');
  expect(converse?.input?.inferenceConfig?.temperature).toBe(0);
  const [invoke] = bedrock.callsTo('InvokeModel');
  expect(invoke?.input).toMatchObject({ max_tokens: 20 });
  expect(bedrock.calls.map((call) => call.operation)).toEqual(['Converse', 'InvokeModel']);
  expect(bedrock.callsTo('ConverseStream')).toEqual([]);
});

test('a streamed call is complete, with its events, once the stream has ended', async ({ bedrock }) => {
  bedrock.on('ConverseStream').reply({ text: 'one two' });
  const { stream } = await bedrock.runtimeClient.send(new ConverseStreamCommand({ modelId: HAIKU, messages: [hello] }));

  const call = bedrock.lastCall!;
  expect(call.operation).toBe('ConverseStream');
  expect(call.complete).toBe(false);
  expect(call.output).toBeUndefined();

  for await (const event of stream ?? []) void event;
  expect(call.complete).toBe(true);
  const events = bedrock.callsTo('ConverseStream')[0]!.output as RecordedStreamEvent[];
  expect(events.map((event) => event.type)).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
  expect(events[1]).toEqual({ type: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'one' }, p: expect.any(String) } });
});

test('failed calls record the error and the SDK’s retries', async ({ bedrock }) => {
  bedrock.on('Converse').failOnce('ThrottlingException');
  await bedrock.runtimeClient.send(new ConverseCommand({ modelId: HAIKU, messages: [hello] }));
  const [throttled, retried] = bedrock.calls;
  expect(throttled).toMatchObject({ statusCode: 429, error: { name: 'ThrottlingException' } });
  expect(throttled!.http.headers['amz-sdk-request']).toBe('attempt=1; max=3');
  expect(retried!.http.headers['amz-sdk-request']).toBe('attempt=2; max=3');
});

test('clearCalls() forgets the calls; reset() keeps them', async ({ bedrock }) => {
  await bedrock.runtimeClient.send(new ConverseCommand({ modelId: HAIKU, messages: [hello] }));
  bedrock.reset();
  expect(bedrock.calls).toHaveLength(1);
  bedrock.clearCalls();
  expect(bedrock.calls).toEqual([]);
  expect(bedrock.lastCall).toBeUndefined();
});

test('the control-plane client is wired to the same runtime, and answers as the runtime does', async ({ bedrock }) => {
  const outcome = await bedrock.controlClient.send(new ListFoundationModelsCommand({})).then(
    () => 'answered',
    (error: Error) => error.name,
  );
  expect(bedrock.lastCall?.http.path).toBe('/foundation-models');
  expect(bedrock.lastCall?.http.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  // Until the control plane is emulated the runtime answers "no such operation"; either way, this runtime answered.
  expect(['answered', 'ResourceNotFoundException']).toContain(outcome);
});
