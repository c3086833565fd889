import { ConverseCommand, ConverseStreamCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../src/core/clock.js';
import { createLocalBedrock } from '../src/testing/vitest.js';
import { collectEvents, FRONT_DOORS, runtimeClient, userText } from './support/clients.js';
import { probeBackend } from './support/probe-backend.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const SONNET_4 = 'anthropic.claude-sonnet-4-20250514-v1:0';
const caught = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error);
const converse = (modelId = HAIKU, maxTokens = 100) => new ConverseCommand({ modelId, messages: [userText('Hi')], inferenceConfig: { maxTokens } });

describe.each(FRONT_DOORS)('on-demand quotas (%s)', (door) => {
  it('throttles past the requests-per-minute quota with retry-after, and admits again a minute later', async () => {
    const clock = createManualClock('2026-01-01T00:00:00Z');
    const { client, runtime } = runtimeClient(door, { clock, quotas: { [HAIKU]: { requestsPerMinute: 2 } } }, { maxAttempts: 1 });
    await client.send(converse());
    clock.advance(10_000);
    await client.send(converse());
    const error = await caught(client.send(converse()));
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' });
    expect(runtime.callLog.calls.at(-1)!.statusCode).toBe(429);
    expect(runtime.callLog.calls.at(-1)!.headers['retry-after']).toBe('50');
    clock.advance(50_000);
    await expect(client.send(converse())).resolves.toBeDefined();
  });

  it('reserves input plus maxTokens, then settles to what the call used', async () => {
    const clock = createManualClock();
    const { client, runtime } = runtimeClient(door, { clock, backend: probeBackend(), quotas: { 'anthropic.*': { tokensPerMinute: 3000 } } }, { maxAttempts: 1 });
    // A 2 500-token reservation fits once; settled to a few tokens, it leaves room for the next one.
    await client.send(converse(HAIKU, 2500));
    expect(runtime.quotas.usage(HAIKU).tokens).toBeLessThan(100);
    await client.send(converse(HAIKU, 2500));
    // Two reservations at once do not fit: the second is refused while the first is still counted.
    const error = await caught(client.send(converse(HAIKU, 3001)));
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Too many tokens, please wait before trying again.' });
  });

  it('reserves the model maximum output when maxTokens is unset — the classic surprise throttle', async () => {
    const { client } = runtimeClient(door, { quotas: { [SONNET_4]: { tokensPerMinute: 50_000 } } }, { maxAttempts: 1 });
    // Claude Sonnet 4 may write 64 000 tokens: that reservation alone exceeds a 50 000 TPM quota.
    const error = await caught(client.send(new ConverseCommand({ modelId: `us.${SONNET_4}`, messages: [userText('Hi')] })));
    expect(error).toMatchObject({ name: 'ThrottlingException' });
    await expect(client.send(converse(`us.${SONNET_4}`, 1000))).resolves.toBeDefined();
  });

  it('burns output tokens five times on Claude 4 models', async () => {
    const { client, runtime } = runtimeClient(door, { backend: probeBackend(), quotas: { 'anthropic.*': { tokensPerMinute: 1_000_000 } } });
    await client.send(converse(`us.${SONNET_4}`, 100));
    await client.send(converse(HAIKU, 100));
    // The probe backend reports 1 input and 1 output token.
    expect(runtime.quotas.usage(`us.${SONNET_4}`, SONNET_4, true).tokens).toBe(1 + 5);
    expect(runtime.quotas.usage(HAIKU).tokens).toBe(1 + 1);
  });

  it('counts in-region and cross-region calls separately, as the service does', async () => {
    const { client, runtime } = runtimeClient(door, { quotas: { [HAIKU]: { requestsPerMinute: 1 } } }, { maxAttempts: 1 });
    await client.send(converse(HAIKU));
    await client.send(converse(`us.${HAIKU}`));
    expect(await caught(client.send(converse(`eu.${HAIKU}`)))).toMatchObject({ name: 'ThrottlingException' });
    expect(runtime.quotas.usage(HAIKU).requests).toBe(1);
  });

  it('settles streams and InvokeModel from their reported usage', async () => {
    const { client, runtime } = runtimeClient(door, { backend: probeBackend(), quotas: { [HAIKU]: { tokensPerMinute: 1_000_000 } } });
    const { stream } = await client.send(new ConverseStreamCommand({ modelId: HAIKU, messages: [userText('Hi')], inferenceConfig: { maxTokens: 500 } }));
    await collectEvents(stream);
    const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 500, messages: [{ role: 'user', content: 'Hi' }] });
    await client.send(new InvokeModelCommand({ modelId: HAIKU, body, contentType: 'application/json' }));
    expect(runtime.quotas.usage(HAIKU).tokens).toBe(4);
  });

  it('enforces tokens per day across minutes', async () => {
    const clock = createManualClock();
    const { client } = runtimeClient(door, { clock, backend: probeBackend(), quotas: { [HAIKU]: { tokensPerDay: 150 } } }, { maxAttempts: 1 });
    await client.send(converse(HAIKU, 100));
    clock.advance(5 * 60_000);
    await client.send(converse(HAIKU, 100));
    clock.advance(5 * 60_000);
    expect(await caught(client.send(converse(HAIKU, 149)))).toMatchObject({ message: 'Too many tokens per day, please wait before trying again.' });
    clock.advance(24 * 60 * 60_000);
    await expect(client.send(converse(HAIKU, 100))).resolves.toBeDefined();
  });
});

describe('quotas and the SDK retry strategy', () => {
  it('lets the SDK retry a throttled call and surface ThrottlingException after its attempts', async () => {
    const bedrock = createLocalBedrock({ quotas: { [HAIKU]: { requestsPerMinute: 1 } } });
    await bedrock.runtimeClient.send(converse());
    const error = await caught(bedrock.runtimeClient.send(converse()));
    expect(error).toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: 3 } });
    expect(bedrock.runtime.callLog.calls.map((call) => call.statusCode)).toEqual([200, 429, 429, 429]);
    await bedrock.dispose();
  });

  it('reads quotas from LOCAL_BEDROCK_QUOTAS', async () => {
    const { client } = runtimeClient('middleware', { env: { LOCAL_BEDROCK_QUOTAS: JSON.stringify({ 'anthropic.*': { requestsPerMinute: 1 } }) } }, { maxAttempts: 1 });
    await client.send(converse());
    expect(await caught(client.send(converse()))).toMatchObject({ name: 'ThrottlingException' });
  });
});
