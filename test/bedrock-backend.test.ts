import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { createBedrockBackend, createRecordingBackend, createRuntime, LocalBedrockHandler } from '../src/index.js';
import { collectEvents, FRONT_DOORS, runtimeClient, TEST_CREDENTIALS, userText } from './support/clients.js';
import { invoke } from './support/invoke.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const WEATHER = { toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } };

/** "Bedrock": another local-bedrock runtime behind a real SDK client, scripted so its answers are recognisable. */
function upstream() {
  const runtime = createRuntime({
    env: {},
    rules: [
      { match: { prompt: 'throttle' }, reply: { error: 'ThrottlingException' } },
      { match: { prompt: /weather/ }, reply: { text: 'Checking.', toolUse: { name: 'get_weather', input: { city: 'Oslo' }, toolUseId: 'tooluse_upstream' } } },
      { reply: (request) => ({ text: `Upstream saw ${request.messages.length} message(s), system "${request.system.join(' ')}", maxTokens ${request.maxTokens}.` }) },
    ],
  });
  const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1, requestHandler: new LocalBedrockHandler(runtime) });
  return { runtime, client };
}

describe.each(FRONT_DOORS)('the Bedrock backend (%s door)', (door) => {
  it('forwards Converse and answers with what Bedrock said', async () => {
    const bedrock = upstream();
    const { client } = runtimeClient(door, { backend: createBedrockBackend({ client: bedrock.client }) });
    const output = await client.send(new ConverseCommand({ modelId: HAIKU, system: [{ text: 'Be brief.' }], messages: [userText('Hi')], inferenceConfig: { maxTokens: 50 } }));
    expect(output.output!.message!.content![0]!.text).toBe('Upstream saw 1 message(s), system "Be brief.", maxTokens 50.');
    expect(bedrock.runtime.callLog.calls[0]).toMatchObject({ operation: 'Converse', modelId: HAIKU });
  });

  it('forwards streams, tool calls and native InvokeModel bodies (as Converse)', async () => {
    const bedrock = upstream();
    const { client } = runtimeClient(door, { backend: createBedrockBackend({ client: bedrock.client }) });
    const events = await collectEvents((await client.send(new ConverseStreamCommand({ modelId: HAIKU, messages: [userText('weather?')], toolConfig: { tools: [WEATHER] } }))).stream);
    expect(events.find((event) => event.contentBlockStart)?.contentBlockStart?.start?.toolUse).toEqual({ toolUseId: 'tooluse_upstream', name: 'get_weather' });
    expect(events.at(-2)?.messageStop?.stopReason).toBe('tool_use');
    const native = await invoke(client, HAIKU, { anthropic_version: 'bedrock-2023-05-31', max_tokens: 30, messages: [{ role: 'user', content: 'Hello' }] });
    expect((native.body.content as Array<{ text: string }>)[0]!.text).toBe('Upstream saw 1 message(s), system "", maxTokens 30.');
    expect(bedrock.runtime.callLog.calls.map((call) => call.operation)).toEqual(['ConverseStream', 'Converse']);
  });

  it('passes Bedrock’s errors through as the same exceptions', async () => {
    const bedrock = upstream();
    const { client } = runtimeClient(door, { backend: createBedrockBackend({ client: bedrock.client }) }, { maxAttempts: 1 });
    await expect(client.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('throttle')] }))).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
  });

  it('records Bedrock once and replays without it', async () => {
    const cassette = join(await mkdtemp(join(tmpdir(), 'local-bedrock-proxy-')), 'bedrock.json');
    const bedrock = upstream();
    const recorder = createRecordingBackend({ backend: createBedrockBackend({ client: bedrock.client }), cassette, mode: 'record' });
    const { client: recording } = runtimeClient(door, { backend: recorder });
    const recorded = await recording.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hi')] }));
    await recorder.flush();
    // Replay against a "Bedrock" that would answer differently: the cassette must answer instead.
    const other = createRuntime({ env: {}, responses: [{ text: 'not this' }] });
    const otherClient = new BedrockRuntimeClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS, requestHandler: new LocalBedrockHandler(other) });
    const replayer = createRecordingBackend({ backend: createBedrockBackend({ client: otherClient }), cassette, mode: 'replay' });
    const { client: replaying } = runtimeClient(door, { backend: replayer });
    const replayed = await replaying.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hi')] }));
    expect(replayed.output).toEqual(recorded.output);
    expect(other.callLog.calls).toHaveLength(0);
  });
});
