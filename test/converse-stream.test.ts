import { ConverseCommand, ConverseStreamCommand, type ConverseStreamCommandInput, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import type { Backend, ChatStreamEvent } from '../src/index.js';
import { collectEvents, eventName, FRONT_DOORS, runtimeClient, userText } from './support/clients.js';
import { gatedBackend } from './support/gated-backend.js';

const CLAUDE = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const WEATHER_TOOL = {
  toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } } },
};

function streamCommand(input: Partial<ConverseStreamCommandInput> = {}): ConverseStreamCommand {
  return new ConverseStreamCommand({ modelId: CLAUDE, messages: [userText('Tell me about local models.')], ...input } as ConverseStreamCommandInput);
}

function joinedText(events: ConverseStreamOutput[]): string {
  return events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
}

describe.each(FRONT_DOORS)('ConverseStream through the %s door', (door) => {
  it('streams text in Bedrock’s event order, with metadata last', async () => {
    const { client } = runtimeClient(door);
    const output = await client.send(streamCommand());
    expect(output.$metadata.httpStatusCode).toBe(200);
    const events = await collectEvents(output.stream);
    const names = events.map(eventName);
    expect(names[0]).toBe('messageStart');
    expect(events[0]!.messageStart).toEqual({ role: 'assistant' });
    // Text blocks open with their first delta: no contentBlockStart.
    expect(names).not.toContain('contentBlockStart');
    expect(names.slice(1, -3).every((name) => name === 'contentBlockDelta')).toBe(true);
    expect(names.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    expect(events.at(-2)!.messageStop).toEqual({ stopReason: 'end_turn' });
    const metadata = events.at(-1)!.metadata!;
    expect(metadata.usage!.totalTokens).toBe(metadata.usage!.inputTokens! + metadata.usage!.outputTokens!);
    expect(Number.isInteger(metadata.metrics!.latencyMs)).toBe(true);
    expect(events.filter((event) => event.contentBlockDelta).every((event) => event.contentBlockDelta!.contentBlockIndex === 0)).toBe(true);
  });

  it('streams the same answer and usage that Converse gives', async () => {
    const { client } = runtimeClient(door);
    const request = { modelId: CLAUDE, messages: [userText('Compare both operations')], inferenceConfig: { maxTokens: 12 } };
    const whole = await client.send(new ConverseCommand(request));
    const events = await collectEvents((await client.send(new ConverseStreamCommand(request))).stream);
    expect(joinedText(events)).toBe(whole.output!.message!.content![0]!.text);
    expect(events.filter((event) => event.contentBlockDelta).length).toBe(whole.usage!.outputTokens);
    expect(events.at(-1)!.metadata!.usage).toEqual(whole.usage);
    expect(events.at(-2)!.messageStop!.stopReason).toBe('max_tokens');
  });

  it('streams a tool call: contentBlockStart, input fragments that join into JSON, tool_use', async () => {
    const { client } = runtimeClient(door);
    const events = await collectEvents(
      (await client.send(streamCommand({ messages: [userText('Weather in Rome?')], toolConfig: { tools: [WEATHER_TOOL], toolChoice: { auto: {} } } }))).stream,
    );
    const start = events.find((event) => event.contentBlockStart)!.contentBlockStart!;
    expect(start.contentBlockIndex).toBe(1);
    expect(start.start?.toolUse).toMatchObject({ name: 'get_weather', toolUseId: expect.stringMatching(/^tooluse_/) });
    const input = events
      .filter((event) => event.contentBlockDelta?.contentBlockIndex === 1)
      .map((event) => event.contentBlockDelta!.delta!.toolUse!.input)
      .join('');
    expect(JSON.parse(input)).toEqual({ city: 'Rome', days: 1 });
    expect(events.filter((event) => event.contentBlockStop).map((event) => event.contentBlockStop!.contentBlockIndex)).toEqual([0, 1]);
    expect(events.at(-2)!.messageStop!.stopReason).toBe('tool_use');
  });

  it('streams reasoning deltas, then the signature, in their own block', async () => {
    const { client } = runtimeClient(door);
    const events = await collectEvents(
      (
        await client.send(
          streamCommand({ inferenceConfig: { maxTokens: 3000 }, additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } } }),
        )
      ).stream,
    );
    const reasoning = events.filter((event) => event.contentBlockDelta?.contentBlockIndex === 0).map((event) => event.contentBlockDelta!.delta!.reasoningContent!);
    expect(reasoning.length).toBeGreaterThan(2);
    expect(reasoning.at(-1)!.signature).toBeTruthy();
    expect(reasoning.slice(0, -1).every((delta) => typeof delta.text === 'string')).toBe(true);
    expect(joinedText(events)).toContain('You asked');
    expect(events.find((event) => event.contentBlockStop)!.contentBlockStop!.contentBlockIndex).toBe(0);
  });

  it('puts performanceConfig, serviceTier and requested response fields where Bedrock does', async () => {
    const { client } = runtimeClient(door);
    const events = await collectEvents(
      (
        await client.send(
          streamCommand({
            // Latency-optimized inference exists only for a few models, through their inference profiles.
            modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
            performanceConfig: { latency: 'optimized' },
            serviceTier: { type: 'priority' },
            additionalModelResponseFieldPaths: ['/stop_sequence'],
            inferenceConfig: { stopSequences: ['models'] },
          }),
        )
      ).stream,
    );
    expect(events.at(-2)!.messageStop).toEqual({ stopReason: 'stop_sequence', additionalModelResponseFields: { stop_sequence: 'models' } });
    expect(events.at(-1)!.metadata).toMatchObject({ performanceConfig: { latency: 'optimized' }, serviceTier: { type: 'priority' } });
  });

  it('ends a stream broken at delta N with the scripted exception', async () => {
    const { client } = runtimeClient(door, {
      responses: [
        { text: 'one two three four five', streamError: { afterDeltas: 3 } },
        { text: 'one two three', streamError: { afterDeltas: 1, error: { name: 'ThrottlingException', message: 'Slow down.' } } },
      ],
    });
    const received: ConverseStreamOutput[] = [];
    const failure = await (async () => {
      for await (const event of (await client.send(streamCommand())).stream!) received.push(event);
    })().catch((error: unknown) => error);
    expect(received.map(eventName)).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockDelta']);
    expect(failure).toMatchObject({ name: 'ModelStreamErrorException', originalStatusCode: 500, $fault: 'client' });

    const stream = (await client.send(streamCommand())).stream!;
    await expect(collectEvents(stream)).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Slow down.' });
  });

  it('fails before the stream starts with an HTTP error, retried as Bedrock’s are', async () => {
    let calls = 0;
    const { client } = runtimeClient(door, { rules: [{ reply: () => (calls++, { error: 'ServiceUnavailableException' }) }] });
    await expect(client.send(streamCommand())).rejects.toMatchObject({ name: 'ServiceUnavailableException', $fault: 'server', $metadata: { httpStatusCode: 503 } });
    expect(calls).toBe(3);
  });

  it('ends a stream that stops without finishing with modelStreamErrorException', async () => {
    const backend: Backend = {
      name: 'truncating',
      chat: () => Promise.reject(new Error('unused')),
      async chatStream() {
        return (async function* (): AsyncGenerator<ChatStreamEvent> {
          yield { type: 'textDelta', text: 'Half an' };
        })();
      },
    };
    const { client } = runtimeClient(door, { backend });
    const received: ConverseStreamOutput[] = [];
    const failure = await (async () => {
      for await (const event of (await client.send(streamCommand())).stream!) received.push(event);
    })().catch((error: unknown) => error);
    expect(received.map(eventName)).toEqual(['messageStart', 'contentBlockDelta']);
    expect(failure).toMatchObject({ name: 'ModelStreamErrorException', message: 'The model stream ended before the answer was complete.' });
  });

  it('turns an unexpected backend failure mid-stream into internalServerException', async () => {
    const warnings: string[] = [];
    const backend: Backend = {
      name: 'broken',
      chat: () => Promise.reject(new Error('unused')),
      async chatStream() {
        return (async function* (): AsyncGenerator<ChatStreamEvent> {
          yield { type: 'textDelta', text: 'Hello' };
          throw new RangeError('backend bug');
        })();
      },
    };
    const { client } = runtimeClient(door, { backend, logger: { warn: (message) => warnings.push(message) } });
    const stream = (await client.send(streamCommand())).stream!;
    await expect(collectEvents(stream)).rejects.toMatchObject({ name: 'InternalServerException' });
    expect(warnings.join('\n')).toContain('RangeError: backend bug');
  });
});


describe('cancelling a stream', () => {
  it('aborts the backend call when the caller aborts through abortSignal (requestHandler door)', async () => {
    const { backend, state } = gatedBackend();
    const { client } = runtimeClient('requestHandler', { backend });
    const controller = new AbortController();
    const output = await client.send(streamCommand(), { abortSignal: controller.signal });
    const iterator = output.stream![Symbol.asyncIterator]();
    expect(eventName((await iterator.next()).value)).toBe('messageStart');
    state.release();
    expect((await iterator.next()).value.contentBlockDelta.delta.text).toBe('piece0 ');
    controller.abort();
    await expect(iterator.next()).rejects.toThrow();
    await expect.poll(() => state.aborted && state.finished).toBe(true);
  });

  it('stops the backend when the consumer stops reading (middleware door)', async () => {
    const { backend, state } = gatedBackend();
    const { client } = runtimeClient('middleware', { backend });
    const output = await client.send(streamCommand());
    let deltas = 0;
    for await (const event of output.stream!) {
      if (event.contentBlockDelta) deltas++;
      if (deltas === 2) break;
      state.release();
    }
    expect(deltas).toBe(2);
    await expect.poll(() => state.aborted && state.finished).toBe(true);
  });
});
