import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { collectEvents, FRONT_DOORS, runtimeClient, userText } from './support/clients.js';
import { invoke } from './support/invoke.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

describe.each(FRONT_DOORS)('the call log (%s door)', (door) => {
  it('records each call with its HTTP request, decoded input and output', async () => {
    const { client, runtime } = runtimeClient(door);
    const seen: string[] = [];
    runtime.callLog.subscribe((call) => seen.push(`${call.operation}:${call.statusCode}`));
    await client.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hello')] }));
    await client.send(new ConverseCommand({ modelId: 'acme.nope', messages: [userText('Hello')] })).catch(() => undefined);
    const [ok, failed] = runtime.callLog.calls;
    expect(ok).toMatchObject({ operation: 'Converse', modelId: HAIKU, statusCode: 200, complete: true, error: undefined, input: { messages: [userText('Hello')] } });
    expect(ok!.http.method).toBe('POST');
    expect(ok!.http.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect((ok!.output as { stopReason: string }).stopReason).toBe('end_turn');
    expect(failed).toMatchObject({ statusCode: 400, error: { name: 'ValidationException', message: 'The provided model identifier is invalid.' } });
    expect(seen).toEqual(['Converse:200', 'Converse:400']);
  });

  it('records a stream’s events once it has ended, and a mid-stream exception as the error', async () => {
    const { client, runtime } = runtimeClient(door, { responses: [{ text: 'one two', streamError: { afterDeltas: 1 } }] });
    const events = collectEvents((await client.send(new ConverseStreamCommand({ modelId: HAIKU, messages: [userText('Hi')] }))).stream);
    await expect(events).rejects.toMatchObject({ name: 'ModelStreamErrorException' });
    const [call] = runtime.callLog.calls;
    expect(call!.complete).toBe(true);
    expect((call!.output as Array<{ type: string }>).map((event) => event.type)).toEqual(['messageStart', 'contentBlockDelta', 'modelStreamErrorException']);
    expect(call!.error?.name).toBe('ModelStreamErrorException');
  });

  it('lets scripted rules match on the operation', async () => {
    const { client } = runtimeClient(door, { rules: [{ match: { operation: 'InvokeModel' }, reply: { text: 'native' } }] });
    const converse = await client.send(new ConverseCommand({ modelId: HAIKU, messages: [userText('Hi')] }));
    expect(converse.output!.message!.content![0]!.text).not.toBe('native');
    const native = await invoke(client, HAIKU, { anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    expect((native.body.content as Array<{ text: string }>)[0]!.text).toBe('native');
  });
});
