import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, InvokeModelWithResponseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, type LocalBedrockRuntime } from '../src/index.js';
import { startServer, type LocalBedrockServer } from '../src/front-doors/server.js';
import { createLocalBedrock } from '../src/testing/vitest.js';
import { parseFaultRules } from '../src/faults/fault-rules.js';
import { collectEvents, controlClient, FRONT_DOORS, runtimeClient, TEST_CREDENTIALS, userText } from './support/clients.js';
import { probeBackend } from './support/probe-backend.js';

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const converse = (text = 'Hi') => new ConverseCommand({ modelId: MODEL, messages: [userText(text)] });
const caught = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & Record<string, unknown>);

describe('fault injection: exceptions before the response, retried by the SDK', () => {
  it('throttles the first two Converse calls; the SDK retries and the third attempt succeeds', async () => {
    const bedrock = createLocalBedrock({ backend: probeBackend('Finally.') });
    bedrock.runtime.faults.add({ operation: 'Converse', error: 'ThrottlingException', times: 2 });
    const output = await bedrock.runtimeClient.send(converse());
    expect(output.$metadata.attempts).toBe(3);
    expect(output.output?.message?.content?.[0]?.text).toBe('Finally.');
    expect(bedrock.runtime.callLog.calls.map((call) => call.statusCode)).toEqual([429, 429, 200]);
    await bedrock.dispose();
  });

  it('surfaces a persistent fault after the attempts of the standard retry strategy', async () => {
    // The real standard strategy: transient errors back off ~50 ms, so this costs little time.
    const { client, runtime } = runtimeClient('middleware', { faults: [{ error: 'ServiceUnavailableException' }] });
    const error = await caught(client.send(converse()));
    expect(error).toMatchObject({ name: 'ServiceUnavailableException', message: 'Bedrock is unable to process your request.' });
    expect(error).toMatchObject({ $metadata: { attempts: 3 } });
    expect(runtime.callLog.calls).toHaveLength(3);
  });

  it('sends retry-after and a custom message', async () => {
    const { client, runtime } = runtimeClient('requestHandler', {}, { maxAttempts: 1 });
    runtime.faults.add({ error: 'ThrottlingException', message: 'Too many tokens, please wait before trying again.', retryAfterSeconds: 3 });
    const error = await caught(client.send(converse()));
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Too many tokens, please wait before trying again.' });
    expect(runtime.callLog.calls[0]!.headers['retry-after']).toBe('3');
  });

  it('hits only the calls, operations and models a rule names', async () => {
    const { client, runtime } = runtimeClient('middleware', { backend: probeBackend() }, { maxAttempts: 1 });
    runtime.faults.add({ operation: 'Converse', modelId: 'anthropic.*', calls: [2], error: 'ModelTimeoutException' });
    await client.send(converse('one'));
    expect(await caught(client.send(converse('two')))).toMatchObject({ name: 'ModelTimeoutException' });
    await client.send(converse('three'));
    await client.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [userText('other model')] }));
    expect(runtime.callLog.calls.map((call) => call.statusCode)).toEqual([200, 408, 200, 200]);
  });

  it('also fails control-plane operations', async () => {
    const { client, runtime } = controlClient('middleware', {}, { maxAttempts: 1 });
    runtime.faults.add({ operation: 'ListFoundationModels', error: 'AccessDeniedException' });
    expect(await caught(client.send(new ListFoundationModelsCommand({})))).toMatchObject({ name: 'AccessDeniedException' });
  });

  it('rolls probabilities from a seed, so a run repeats exactly', async () => {
    const outcomes = async (seed: number) => {
      const { client, runtime } = runtimeClient('middleware', { faultSeed: seed, faults: [{ probability: 0.5, error: 'InternalServerException' }] }, { maxAttempts: 1 });
      for (let call = 0; call < 16; call++) await caught(client.send(converse()));
      return runtime.callLog.calls.map((call) => call.statusCode).join(',');
    };
    const first = await outcomes(7);
    expect(await outcomes(7)).toBe(first);
    expect(first).toContain('500');
    expect(first).toContain('200');
    expect(await outcomes(8)).not.toBe(first);
  });

  it('reads rules from LOCAL_BEDROCK_FAULTS and refuses a rule that could never fire', () => {
    const runtime = createRuntime({ env: { LOCAL_BEDROCK_FAULTS: '[{"operation":"Converse","error":"ThrottlingException","times":1}]' } });
    expect(runtime.faults.rules).toEqual([{ operation: 'Converse', error: 'ThrottlingException', times: 1 }]);
    expect(() => parseFaultRules('[{"error":"ThrottleException"}]')).toThrow(/not a Bedrock exception/);
    expect(() => runtime.faults.add({ operation: 'Converse' })).toThrow(/give "error"/);
  });
});

describe.each(FRONT_DOORS)('fault injection in streams (%s)', (door) => {
  it('cuts a ConverseStream after two events with a throttlingException frame', async () => {
    const { client, runtime } = runtimeClient(door, { responses: [{ text: 'one two three four five six' }] });
    runtime.faults.add({ operation: 'ConverseStream', streamCut: { afterEvents: 2, exception: 'throttlingException' } });
    const { stream } = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: [userText('Hi')] }));
    const events: object[] = [];
    const error = await caught(
      (async () => {
        for await (const event of stream!) events.push(event);
      })(),
    );
    expect(events).toHaveLength(2);
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' });
  });

  it('cuts an InvokeModel stream with a modelStreamErrorException carrying the original status', async () => {
    const { client, runtime } = runtimeClient(door);
    runtime.faults.add({ streamCut: { afterEvents: 1, exception: 'modelStreamErrorException', message: 'The model crashed.' } });
    const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    const { body: stream } = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: MODEL, body, contentType: 'application/json' }));
    const chunks: unknown[] = [];
    const error = await caught(
      (async () => {
        for await (const event of stream!) chunks.push(event);
      })(),
    );
    // Exactly one event, although the stream sends its first chunks together.
    expect(chunks).toHaveLength(1);
    expect(error).toMatchObject({ name: 'ModelStreamErrorException', message: 'The model crashed.', originalStatusCode: 500 });
  });

  it('drops the connection before the answer: the SDK retries the reset like a real one', async () => {
    const { client, runtime } = runtimeClient(door, { backend: probeBackend('After the reset.') });
    runtime.faults.add({ dropConnection: true, times: 1 });
    const output = await client.send(converse());
    expect(output.$metadata.attempts).toBe(2);
    expect(output.output?.message?.content?.[0]?.text).toBe('After the reset.');
  });

  it('drops the connection in the middle of a stream', async () => {
    const { client, runtime } = runtimeClient(door, { responses: [{ text: 'one two three four five six' }] });
    runtime.faults.add({ dropConnection: { afterEvents: 1 } });
    const { stream } = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: [userText('Hi')] }));
    expect(await caught(collectEvents(stream))).toMatchObject({ code: 'ECONNRESET' });
  });

  it('waits the latency and gives up when the caller aborts, before the backend is called', async () => {
    const backend = probeBackend();
    const { client, runtime } = runtimeClient(door, { backend }, { maxAttempts: 1 });
    runtime.faults.add({ latencyMs: 60_000 });
    const controller = new AbortController();
    const pending = caught(client.send(converse(), { abortSignal: controller.signal }));
    setImmediate(() => controller.abort());
    expect(await pending).toMatchObject({ name: 'AbortError' });
    expect(backend.requests).toHaveLength(0);
  });
});

describe('fault injection through the HTTP server', () => {
  let server: LocalBedrockServer | undefined;
  let runtime: LocalBedrockRuntime;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const serverClient = async () => {
    runtime = createRuntime({ env: {}, backend: probeBackend('Over HTTP.') });
    server = await startServer({ runtime, port: 0, env: {} });
    return new BedrockRuntimeClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS, endpoint: server.url, requestHandler: new NodeHttpHandler() });
  };

  it('resets the socket for a dropped connection; the SDK retries', async () => {
    const client = await serverClient();
    runtime.faults.add({ dropConnection: true, times: 1 });
    const output = await client.send(converse());
    expect(output.$metadata.attempts).toBe(2);
    expect(output.output?.message?.content?.[0]?.text).toBe('Over HTTP.');
  });

  it('sends a cut stream frame by frame to an HTTP client', async () => {
    const client = await serverClient();
    runtime.faults.add({ streamCut: { afterEvents: 1, exception: 'serviceUnavailableException' } });
    const { stream } = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: [userText('Hi')] }));
    expect(await caught(collectEvents(stream))).toMatchObject({ name: 'ServiceUnavailableException' });
  });
});
