import { ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelWithResponseStreamCommand,
  ModelStreamErrorException,
  ThrottlingException,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { describe } from 'vitest';
import { createManualClock } from '../src/core/clock.js';
import { createBedrockTest, createLocalBedrock, expect, test } from '../src/testing/vitest.js';
import { collectEvents, userText } from './support/clients.js';
import { probeBackend } from './support/probe-backend.js';

/**
 * The fixture's fault and quota methods, through the fixture's own clients (which retry like the SDK's
 * standard strategy, without waiting): attempts are counted from `$metadata` and the call log.
 */

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const NOVA = 'amazon.nova-micro-v1:0';
const LONG_TEXT = 'one two three four five six seven eight';
const converse = (modelId = MODEL) => new ConverseCommand({ modelId, messages: [userText('Hi')] });
const converseStream = () => new ConverseStreamCommand({ modelId: MODEL, messages: [userText('Hi')] });
const caught = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & Record<string, unknown>);

/** Reads a stream to its end or failure: the events received, and what it failed with. */
async function readStream<T>(stream: AsyncIterable<T> | undefined): Promise<{ events: T[]; error: unknown }> {
  const events: T[] = [];
  try {
    for await (const event of stream ?? []) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

const statuses = (calls: readonly { statusCode: number }[]) => calls.map((call) => call.statusCode);

describe('bedrock.fail()', () => {
  test('throttles the first two Converse calls; the clients retry at once and the third attempt answers', async ({ bedrock }) => {
    bedrock.on('Converse').reply({ text: 'Finally.' });
    bedrock.fail('Converse', { error: 'ThrottlingException', times: 2 });
    const output = await bedrock.runtimeClient.send(converse());
    expect(output.$metadata.attempts).toBe(3);
    expect(output.output?.message?.content?.[0]?.text).toBe('Finally.');
    expect(statuses(bedrock.callsTo('Converse'))).toEqual([429, 429, 200]);
  });

  test('a fault without a limit outlasts the retries; the SDK throws the typed exception', async ({ bedrock }) => {
    bedrock.fail('Converse', 'ServiceUnavailableException');
    const error = await caught(bedrock.runtimeClient.send(converse()));
    expect(error).toMatchObject({ name: 'ServiceUnavailableException', message: 'Bedrock is unable to process your request.', $metadata: { attempts: 3 } });
    expect(bedrock).toHaveConversedTimes(3);
  });

  test('hits only the operations, models and call numbers it names, with its message and retry-after', async ({ bedrock }) => {
    bedrock.fail(['Converse', 'InvokeModel'], { error: 'ModelTimeoutException', message: 'The model took too long.', modelId: 'anthropic.*', calls: [2], retryAfterSeconds: 4 });
    await bedrock.runtimeClient.send(converse());
    await bedrock.runtimeClient.send(converse(NOVA));
    // The second anthropic call: a 408 the SDK does not retry.
    expect(await caught(bedrock.runtimeClient.send(converse()))).toMatchObject({ name: 'ModelTimeoutException', message: 'The model took too long.' });
    await bedrock.runtimeClient.send(converse());
    expect(statuses(bedrock.calls)).toEqual([200, 200, 408, 200]);
    expect(bedrock.calls[2]?.headers['retry-after']).toBe('4');
  });

  test('fails control-plane operations too', async ({ bedrock }) => {
    bedrock.fail('ListFoundationModels', { error: 'AccessDeniedException', message: 'No access to the catalogue.' });
    const error = await caught(bedrock.controlClient.send(new ListFoundationModelsCommand({})));
    expect(error).toMatchObject({ name: 'AccessDeniedException', message: 'No access to the catalogue.' });
  });

  test('works whatever the backend, unlike a script', async () => {
    const backend = probeBackend('From the probe.');
    const bedrock = createLocalBedrock({ backend });
    try {
      bedrock.fail('Converse', { error: 'InternalServerException', times: 1 });
      const output = await bedrock.runtimeClient.send(converse());
      expect(output.output?.message?.content?.[0]?.text).toBe('From the probe.');
      expect(output.$metadata.attempts).toBe(2);
      // The failed attempt never reached the backend.
      expect(backend.requests).toHaveLength(1);
    } finally {
      await bedrock.dispose();
    }
  });

  test('returns a function that removes the fault', async ({ bedrock }) => {
    const heal = bedrock.fail('Converse', 'ServiceUnavailableException');
    await caught(bedrock.runtimeClient.send(converse()));
    heal();
    await expect(bedrock.runtimeClient.send(converse())).resolves.toMatchObject({ $metadata: { attempts: 1 } });
    expect(bedrock.runtime.faults.rules).toEqual([]);
  });

  test('refuses a fault that could never fire', ({ bedrock }) => {
    expect(() => bedrock.fail('Converse', { error: 'ThrottlingException', times: 0 })).toThrow(TypeError);
    expect(() => bedrock.fail('Converse', { error: 'ThrottleException' as 'ThrottlingException' })).toThrow(/not a Bedrock exception/);
  });
});

describe('bedrock.cutStream()', () => {
  test('ends a ConverseStream after three events with a throttlingException frame, thrown typed by the SDK', async ({ bedrock }) => {
    bedrock.on('ConverseStream').reply({ text: LONG_TEXT });
    bedrock.cutStream('ConverseStream', { afterEvents: 3, exception: 'throttlingException' });
    const { stream, $metadata } = await bedrock.runtimeClient.send(converseStream());
    const { events, error } = await readStream<ConverseStreamOutput>(stream);
    expect(events).toHaveLength(3);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({ message: 'Too many requests, please wait before trying again.' });
    // A stream that has started is not retried.
    expect($metadata.attempts).toBe(1);
  });

  test('defaults to modelStreamErrorException, and stops after `times`', async ({ bedrock }) => {
    bedrock.cutStream('InvokeModelWithResponseStream', { afterEvents: 1, message: 'The model crashed.', times: 1 });
    const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    const invoke = () => bedrock.runtimeClient.send(new InvokeModelWithResponseStreamCommand({ modelId: MODEL, body, contentType: 'application/json' }));
    const { events, error } = await readStream((await invoke()).body);
    expect(error).toBeInstanceOf(ModelStreamErrorException);
    expect(error).toMatchObject({ message: 'The model crashed.', originalStatusCode: 500 });
    // Spent after one stream: the next one is whole, and longer than the cut one.
    const whole = await collectEvents((await invoke()).body);
    expect(events.length).toBeGreaterThan(0);
    expect(whole.length).toBeGreaterThan(events.length);
  });
});

describe('bedrock.dropConnection()', () => {
  test('resets the connection before the answer; the clients retry it as a transient error', async ({ bedrock }) => {
    bedrock.dropConnection('Converse', { times: 1 });
    const output = await bedrock.runtimeClient.send(converse());
    expect(output.$metadata.attempts).toBe(2);
  });

  test('resets the connection in the middle of a stream', async ({ bedrock }) => {
    bedrock.on('ConverseStream').reply({ text: LONG_TEXT });
    bedrock.dropConnection('ConverseStream', { afterEvents: 2 });
    const { stream } = await bedrock.runtimeClient.send(converseStream());
    const { events, error } = await readStream(stream);
    expect(events).toHaveLength(2);
    expect(error).toMatchObject({ code: 'ECONNRESET' });
  });
});

describe('bedrock.delay()', () => {
  test('holds the call until the caller gives up, before the backend is asked', async () => {
    const backend = probeBackend();
    const bedrock = createLocalBedrock({ backend });
    try {
      bedrock.delay('Converse', { latencyMs: 60_000 });
      const controller = new AbortController();
      const pending = caught(bedrock.runtimeClient.send(converse(), { abortSignal: controller.signal }));
      setImmediate(() => controller.abort());
      expect(await pending).toMatchObject({ name: 'AbortError' });
      expect(backend.requests).toHaveLength(0);
    } finally {
      await bedrock.dispose();
    }
  });
});

describe('bedrock.quotas()', () => {
  const clock = createManualClock('2026-01-01T00:00:00Z');
  const clockedTest = createBedrockTest({ clock });

  clockedTest('throttles past a requests-per-minute quota until the clock moves on', async ({ bedrock }) => {
    bedrock.quotas({ 'anthropic.*': { requestsPerMinute: 1 } });
    await bedrock.runtimeClient.send(converse());
    const error = await caught(bedrock.runtimeClient.send(converse()));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({ message: 'Too many requests, please wait before trying again.', $metadata: { attempts: 3 } });
    expect(bedrock.lastCall?.headers['retry-after']).toBe('60');
    // Another model has no quota.
    await expect(bedrock.runtimeClient.send(converse(NOVA))).resolves.toBeDefined();
    clock.advance(60_000);
    await expect(bedrock.runtimeClient.send(converse())).resolves.toMatchObject({ $metadata: { attempts: 1 } });
    expect(bedrock.runtime.quotas.usage(MODEL).requests).toBe(1);
  });

  test('an undefined quota removes one', async ({ bedrock }) => {
    bedrock.quotas({ [MODEL]: { requestsPerMinute: 0 } });
    expect(await caught(bedrock.runtimeClient.send(converse()))).toMatchObject({ name: 'ThrottlingException' });
    bedrock.quotas({ [MODEL]: undefined });
    await expect(bedrock.runtimeClient.send(converse())).resolves.toBeDefined();
  });
});

describe('bedrock.reset()', () => {
  test('clears the faults and quotas a test added', async ({ bedrock }) => {
    bedrock.fail('Converse', 'ServiceUnavailableException');
    bedrock.cutStream('ConverseStream', { afterEvents: 0 });
    bedrock.quotas({ [MODEL]: { requestsPerMinute: 0 } });
    bedrock.reset();
    expect(bedrock.runtime.faults.rules).toEqual([]);
    expect(bedrock.runtime.quotas.active).toBe(false);
    await expect(bedrock.runtimeClient.send(converse())).resolves.toMatchObject({ $metadata: { attempts: 1 } });
    const { stream } = await bedrock.runtimeClient.send(converseStream());
    expect((await readStream(stream)).error).toBeUndefined();
  });

  const suiteTest = createBedrockTest({
    faults: [{ operation: 'CountTokens', error: 'ServiceUnavailableException' }],
    quotas: { [MODEL]: { requestsPerMinute: 100 } },
    setup: (bedrock) => bedrock.fail('Converse', { modelId: NOVA, error: 'AccessDeniedException' }),
  });

  suiteTest('goes back to the faults and quotas of the options and setup, with fresh counts', async ({ bedrock }) => {
    const atStart = bedrock.runtime.faults.rules;
    expect(atStart).toHaveLength(2);
    bedrock.fail('Converse', { error: 'ThrottlingException', times: 1 });
    await expect(bedrock.runtimeClient.send(converse())).resolves.toMatchObject({ $metadata: { attempts: 2 } });
    expect(bedrock.runtime.quotas.usage(MODEL).requests).toBe(1);
    bedrock.reset();
    expect(bedrock.runtime.faults.rules).toEqual(atStart);
    expect(bedrock.runtime.quotas.usage(MODEL).requests).toBe(0);
    expect(bedrock.runtime.quotas.active).toBe(true);
    expect(await caught(bedrock.runtimeClient.send(converse(NOVA)))).toMatchObject({ name: 'AccessDeniedException' });
    await expect(bedrock.runtimeClient.send(converse())).resolves.toMatchObject({ $metadata: { attempts: 1 } });
  });
});
