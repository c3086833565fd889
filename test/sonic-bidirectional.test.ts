import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  type BedrockRuntimeClientConfig,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../src/core/clock.js';
import { startServer, type LocalBedrockServer } from '../src/front-doors/server.js';
import { createFetchHandler, type Backend, type ChatRequest, type LocalBedrockOptions } from '../src/index.js';
import { FRONT_DOORS, runtimeClient, TEST_CREDENTIALS, userText } from './support/clients.js';
import {
  audioStart,
  contentEnd,
  fixedInput,
  label,
  promptEnd,
  promptStart,
  runSession,
  sessionEnd,
  sessionStart,
  SonicInput,
  textBlock,
  toolResultBlock,
  type SonicOutput,
} from './support/sonic-session.js';

const SONIC = 'amazon.nova-sonic-v1:0';
const SONIC_2 = 'amazon.nova-2-sonic-v1:0';
const WEATHER_TOOL = {
  name: 'getWeather',
  description: 'The weather in a city.',
  schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** The answer events of one completion, in order, without the audio pieces (their count varies with the text). */
const TEXT_REPLY = [
  'contentStart:TEXT:ASSISTANT:SPECULATIVE',
  'textOutput:ASSISTANT',
  'contentEnd:TEXT:PARTIAL_TURN',
  'contentStart:AUDIO:ASSISTANT',
  'contentEnd:AUDIO:PARTIAL_TURN',
  'contentStart:TEXT:ASSISTANT:FINAL',
  'textOutput:ASSISTANT',
  'contentEnd:TEXT:END_TURN',
  'usageEvent',
];

const labels = (events: SonicOutput[]) => events.map(label).filter((name) => name !== 'audioOutput');
const texts = (events: SonicOutput[], role: string) => events.filter((event) => event.name === 'textOutput' && event.body.role === role).map((event) => event.body.content);
const audioBytes = (events: SonicOutput[]) =>
  events.filter((event) => event.name === 'audioOutput').reduce((total, event) => total + Buffer.from(String(event.body.content), 'base64').length, 0);

/** Ends the prompt and the session once the (last) completion has ended. */
function endAfterCompletion(input: SonicInput, promptName = 'p1') {
  return (event: SonicOutput) => {
    if (event.name !== 'completionEnd') return;
    input.send(promptEnd(promptName), sessionEnd());
    input.end();
  };
}

/** A scripted reply that records the requests the backend got. */
function recordingReplies(...replies: Array<{ text?: string; toolUse?: { name: string; input: unknown; toolUseId?: string } }>) {
  const requests: ChatRequest[] = [];
  const responses = replies.map((reply) => (request: ChatRequest) => {
    requests.push(structuredClone(request));
    return reply;
  });
  return { requests, responses };
}

describe.each(FRONT_DOORS)('InvokeModelWithBidirectionalStream (Nova Sonic) through the %s door', (door) => {
  it.each([SONIC, SONIC_2])('answers an interactive user text on %s with text, audio, usage and completionEnd in order', async (modelId) => {
    const { requests, responses } = recordingReplies({ text: 'Hello! How can I help?' });
    const { client, runtime } = runtimeClient(door, { responses });
    const input = new SonicInput();
    input.send(sessionStart(), promptStart('p1'), ...textBlock('p1', 'sys', 'SYSTEM', 'You are a friendly assistant.', false));
    input.send(...textBlock('p1', 'h1', 'USER', 'My name is Ann.', false), ...textBlock('p1', 'h2', 'ASSISTANT', 'Hi Ann.', false));
    input.send(...textBlock('p1', 'u1', 'USER', 'Hello there', true));

    const { events, error } = await runSession(client, modelId, input, endAfterCompletion(input));

    expect(error).toBeUndefined();
    expect(labels(events)).toEqual(['completionStart', ...TEXT_REPLY, 'completionEnd:END_TURN']);
    expect(texts(events, 'ASSISTANT')).toEqual(['Hello! How can I help?', 'Hello! How can I help?']);
    // Every event names the session, the prompt and the completion; content events their block.
    const { sessionId, completionId } = events[0]!.body;
    expect(typeof sessionId).toBe('string');
    expect(events.every((event) => event.body.sessionId === sessionId && event.body.promptName === 'p1' && event.body.completionId === completionId)).toBe(true);
    const speculative = events.find((event) => label(event) === 'contentStart:TEXT:ASSISTANT:SPECULATIVE')!;
    expect(speculative.body.additionalModelFields).toBe('{"generationStage":"SPECULATIVE"}');
    expect(events.filter((event) => event.body.contentId === speculative.body.contentId).map((event) => event.name)).toEqual(['contentStart', 'textOutput', 'contentEnd']);
    // Silence at the prompt's output rate, 60 ms per character, 16-bit mono.
    const audioStart = events.find((event) => label(event) === 'contentStart:AUDIO:ASSISTANT')!;
    expect(audioStart.body.audioOutputConfiguration).toEqual({ mediaType: 'audio/lpcm', sampleRateHertz: 24000, sampleSizeBits: 16, encoding: 'base64', channelCount: 1 });
    expect(audioBytes(events)).toBe(Math.round('Hello! How can I help?'.length * 0.06 * 24000) * 2);
    const usage = events.find((event) => event.name === 'usageEvent')!.body as { totalTokens: number; totalInputTokens: number; totalOutputTokens: number; details: { total: { output: { speechTokens: number } } } };
    expect(usage.totalTokens).toBe(usage.totalInputTokens + usage.totalOutputTokens);
    expect(usage.details.total.output.speechTokens).toBeGreaterThan(0);
    // The backend saw the system prompt, the history and the user's turn.
    expect(requests).toHaveLength(1);
    expect(requests[0]!.system).toEqual(['You are a friendly assistant.']);
    expect(requests[0]!.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'My name is Ann.' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hi Ann.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Hello there' }] },
    ]);
    expect(requests[0]!.maxTokens).toBe(1024);
    expect(runtime.callLog.calls.filter((call) => call.operation === 'InvokeModelWithBidirectionalStream')).toHaveLength(1);
  });

  it('answers an audio turn with the placeholder transcript first (USER, FINAL), triggered by contentEnd', async () => {
    const { requests, responses } = recordingReplies({ text: 'I heard you.' });
    const { client } = runtimeClient(door, { responses });
    const input = new SonicInput();
    // One second of 16 kHz 16-bit audio, in 1 KB frames.
    input.send(sessionStart(), promptStart('p1'), ...audioStart('p1', 'mic', new Uint8Array(32000)), contentEnd('p1', 'mic'));

    const { events, error } = await runSession(client, SONIC, input, endAfterCompletion(input));

    expect(error).toBeUndefined();
    expect(labels(events)).toEqual(['completionStart', 'contentStart:TEXT:USER:FINAL', 'textOutput:USER', 'contentEnd:TEXT:END_TURN', ...TEXT_REPLY, 'completionEnd:END_TURN']);
    expect(texts(events, 'USER')).toEqual(['(audio input, 1.0 s)']);
    expect(requests[0]!.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: '(audio input, 1.0 s)' }] }]);
    const usage = events.find((event) => event.name === 'usageEvent')!.body as { details: { delta: { input: { speechTokens: number } } } };
    expect(usage.details.delta.input.speechTokens).toBe(25);
  });

  it('transcribes audio with a custom hook, triggered by promptEnd, and speaks with a custom hook', async () => {
    const heard: Array<{ bytes: number; sampleRateHertz: number; contentName: string }> = [];
    const { requests, responses } = recordingReplies({ text: 'It is noon.' });
    const { client } = runtimeClient(door, {
      responses,
      sonic: {
        transcribe: (audio, info) => {
          heard.push({ bytes: audio.length, sampleRateHertz: info.sampleRateHertz, contentName: info.contentName });
          return 'What time is it?';
        },
        synthesize: (text, info) => new Uint8Array(text.length * 2).fill(info.voiceId === 'tiffany' ? 7 : 1),
      },
    });
    const input = new SonicInput();
    input.send(sessionStart(), { ...promptStart('p1', { voiceId: 'tiffany' }) }, ...audioStart('p1', 'mic', new Uint8Array(4000).fill(3)), promptEnd('p1'));

    const { events, error } = await runSession(client, SONIC, input, (event) => {
      if (event.name !== 'completionEnd') return;
      input.send(sessionEnd());
      input.end();
    });

    expect(error).toBeUndefined();
    expect(heard).toEqual([{ bytes: 4000, sampleRateHertz: 16000, contentName: 'mic' }]);
    expect(texts(events, 'USER')).toEqual(['What time is it?']);
    expect(requests[0]!.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'text', text: 'What time is it?' }] });
    const audio = events.filter((event) => event.name === 'audioOutput').map((event) => Buffer.from(String(event.body.content), 'base64'));
    expect(Buffer.concat(audio)).toEqual(Buffer.alloc('It is noon.'.length * 2, 7));
  });

  it('round-trips a tool call: toolUse, the client’s toolResult, then the rest of the same completion', async () => {
    const { requests, responses } = recordingReplies({ toolUse: { name: 'getWeather', input: { city: 'Paris' }, toolUseId: 'tooluse_1' } }, { text: 'It is sunny in Paris.' });
    const { client } = runtimeClient(door, { responses });
    const input = new SonicInput();
    input.send(sessionStart(), promptStart('p1', { tools: [WEATHER_TOOL] }), ...textBlock('p1', 'u1', 'USER', 'Weather in Paris?', true));

    const { events, error } = await runSession(client, SONIC, input, (event) => {
      if (event.name === 'toolUse') input.send(...toolResultBlock('p1', 'r1', String(event.body.toolUseId), { forecast: 'sunny' }));
      endAfterCompletion(input)(event);
    });

    expect(error).toBeUndefined();
    expect(labels(events)).toEqual([
      'completionStart',
      'contentStart:TOOL:TOOL',
      'toolUse',
      'contentEnd:TOOL:TOOL_USE',
      'usageEvent',
      ...TEXT_REPLY,
      'completionEnd:END_TURN',
    ]);
    const toolUse = events.find((event) => event.name === 'toolUse')!.body;
    expect(toolUse).toMatchObject({ toolName: 'getWeather', toolUseId: 'tooluse_1', content: '{"city":"Paris"}' });
    expect(new Set(events.map((event) => event.body.completionId)).size).toBe(1);
    expect(texts(events, 'ASSISTANT')).toEqual(['It is sunny in Paris.', 'It is sunny in Paris.']);
    // The tool's schema arrived as JSON text and reached the backend as a schema; the result as JSON.
    expect(requests[0]!.tools).toEqual([{ name: 'getWeather', description: 'The weather in a city.', inputSchema: WEATHER_TOOL.schema }]);
    expect(requests[1]!.messages.slice(-2)).toEqual([
      { role: 'assistant', content: [{ type: 'toolUse', id: 'tooluse_1', name: 'getWeather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'toolResult', toolUseId: 'tooluse_1', content: [{ type: 'json', value: { forecast: 'sunny' } }] }] },
    ]);
    // Usage is cumulative over the session.
    const usages = events.filter((event) => event.name === 'usageEvent').map((event) => event.body.totalTokens as number);
    expect(usages[1]!).toBeGreaterThan(usages[0]!);
  });

  it('fails an out-of-order event with ValidationException, once, after reading the client’s whole input', async () => {
    const { client, runtime } = runtimeClient(door);
    // The client goes on sending after the violation: the answer must not end before its input does.
    const after = Array.from({ length: 40 }, (_, index) => ({ textInput: { promptName: 'p1', contentName: 'x', content: `more ${index}` } }));
    const input = fixedInput([sessionStart(), promptStart('p1'), { textInput: { promptName: 'p1', contentName: 'x', content: 'Hi' } }, ...after, sessionEnd()]);

    const { events, error } = await runSession(client, SONIC, input);

    expect(events).toEqual([]);
    expect(error?.name).toBe('ValidationException');
    expect(error?.message).toBe('textInput names unknown contentName "x": send contentStart first.');
    // Never retried: one call.
    expect(runtime.callLog.calls.filter((call) => call.operation === 'InvokeModelWithBidirectionalStream')).toHaveLength(1);
  });

  it('fails a violation after a completed turn from the for await, after the events already sent', async () => {
    const { client } = runtimeClient(door, { responses: [{ text: 'First answer.' }] });
    const input = new SonicInput();
    input.send(sessionStart(), promptStart('p1'), ...textBlock('p1', 'u1', 'USER', 'Hello', true));

    const result = await runSession(client, SONIC, input, (event) => {
      if (event.name !== 'completionEnd') return;
      // Reusing a content name is not allowed.
      input.send(...textBlock('p1', 'u1', 'USER', 'Again', true), sessionEnd());
      input.end();
    });

    expect(result.thrownFrom).toBe('stream');
    expect(result.error?.name).toBe('ValidationException');
    expect(result.error?.message).toBe('contentName "u1" was already used in prompt "p1".');
    expect(labels(result.events).at(-1)).toBe('completionEnd:END_TURN');
  });

  it('rejects a promptStart without voiceId with the service’s message as the first output event', async () => {
    const { client } = runtimeClient(door);
    const input = fixedInput([sessionStart(), promptStart('p1', { voiceId: null }), ...textBlock('p1', 'u1', 'USER', 'Hello', true), promptEnd('p1'), sessionEnd()]);

    const { events, error } = await runSession(client, SONIC, input);

    expect(events).toEqual([]);
    expect(error?.name).toBe('ValidationException');
    expect(error?.message).toBe('Received invalid voiceId: value must not be empty');
  });

  it('rejects events before sessionStart and unknown event names', async () => {
    const { client } = runtimeClient(door);
    const first = await runSession(client, SONIC, fixedInput([promptStart('p1'), sessionEnd()]));
    expect(first.error?.message).toBe('promptStart received before sessionStart: a session must start with sessionStart.');
    const second = await runSession(client, SONIC, fixedInput([sessionStart(), { barge: {} }]));
    expect(second.error?.message).toBe('Unknown input event "barge".');
  });

  it('ends the backend call when the caller aborts mid-session', async () => {
    const backendState = { called: false, aborted: false };
    let markCalled = () => {};
    const called = new Promise<void>((resolve) => (markCalled = resolve));
    const backend: Backend = {
      name: 'hanging',
      chat: () => Promise.reject(new Error('unused')),
      async chatStream(_request, options) {
        backendState.called = true;
        markCalled();
        // Never answers: only an abort ends it.
        await new Promise<void>((resolve) => options?.signal?.addEventListener('abort', () => resolve(), { once: true }));
        backendState.aborted = options?.signal?.aborted === true;
        throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      },
    };
    const { client, runtime } = runtimeClient(door, { backend });
    const input = new SonicInput();
    input.send(sessionStart(), promptStart('p1'), ...textBlock('p1', 'u1', 'USER', 'Hello', true));
    const controller = new AbortController();

    const session = runSession(client, SONIC, input, () => {}, controller.signal);
    await called;
    controller.abort();
    const { error } = await session;
    input.end();

    expect(error?.name).toBe('AbortError');
    expect(backendState.aborted).toBe(true);
    await expect.poll(() => runtime.callLog.calls.at(-1)?.complete).toBe(true);
  });

  it('ends a session that outlives sessionTimeoutMs with ModelTimeoutException (runtime clock)', async () => {
    const clock = createManualClock('2026-01-01T00:00:00Z');
    const { client } = runtimeClient(door, { clock, responses: [{ text: 'Hi.' }], sonic: { sessionTimeoutMs: 8 * 60_000 } });
    const input = new SonicInput();
    input.send(sessionStart(), promptStart('p1'), ...textBlock('p1', 'u1', 'USER', 'Hello', true));

    const result = await runSession(client, SONIC, input, (event) => {
      if (event.name !== 'completionEnd') return;
      clock.advance(8 * 60_000);
      input.end();
    });

    expect(result.thrownFrom).toBe('stream');
    expect(result.error?.name).toBe('ModelTimeoutException');
    expect(result.error?.message).toBe('Model has timed out in processing the request. Try your request again.');
  });

  it('ends a session whose input stays idle for inputIdleTimeoutMs with the service’s validationException (runtime clock)', async () => {
    const clock = createManualClock('2026-01-01T00:00:00Z');
    const { client, runtime } = runtimeClient(door, { clock, sonic: { inputIdleTimeoutMs: 60_000 } });
    const input = new SonicInput();
    input.send(sessionStart(), promptStart('p1'));

    const session = runSession(client, SONIC, input);
    await expect.poll(() => runtime.callLog.calls.length).toBe(1);
    clock.advance(59_999);
    input.send(...textBlock('p1', 'sys', 'SYSTEM', 'Be brief.', false));
    await expect.poll(() => input.taken).toBe(5);
    clock.advance(60_000);
    input.end();
    const { error } = await session;

    expect(error).toMatchObject({ name: 'ValidationException', message: 'Timed out waiting for input events' });
  });

  it.each([SONIC, SONIC_2])('refuses %s on Converse, ConverseStream and InvokeModel with the service’s message', async (modelId) => {
    const { client } = runtimeClient(door);
    const message = "This action doesn't support the model that you provided.";
    await expect(client.send(new ConverseCommand({ modelId, messages: [userText('Hi')] }))).rejects.toMatchObject({ name: 'ValidationException', message });
    await expect(client.send(new ConverseStreamCommand({ modelId, messages: [userText('Hi')] }))).rejects.toMatchObject({ name: 'ValidationException', message });
    await expect(client.send(new InvokeModelCommand({ modelId, body: JSON.stringify({ messages: [] }) }))).rejects.toMatchObject({ name: 'ValidationException', message });
  });

  it('refuses a model that is no Sonic model with ValidationException', async () => {
    const { client } = runtimeClient(door);
    const { error } = await runSession(client, 'amazon.nova-lite-v1:0', fixedInput([sessionStart(), sessionEnd()]));
    expect(error).toMatchObject({ name: 'ValidationException', message: "This action doesn't support the model that you provided." });
  });
});

const SERVER_HANDLERS = [
  ['HTTP/2', () => new NodeHttp2Handler()],
  ['HTTP/1.1 chunked', () => new NodeHttpHandler()],
] as const;

describe.each(SERVER_HANDLERS)('InvokeModelWithBidirectionalStream through the server door (%s)', (_protocol, requestHandler) => {
  let server: LocalBedrockServer | undefined;
  let client: BedrockRuntimeClient | undefined;
  afterEach(async () => {
    client?.destroy();
    await server?.close();
  });

  async function serverClient(options: LocalBedrockOptions = {}, config: Partial<BedrockRuntimeClientConfig> = {}) {
    server = await startServer({ port: 0, env: {}, ...options });
    client = new BedrockRuntimeClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, requestHandler: requestHandler(), ...config });
    return client;
  }

  it('runs a full duplex text session', async () => {
    const sdk = await serverClient({ responses: [{ text: 'Hello from the server.' }] });
    const input = new SonicInput();
    input.send(sessionStart(), promptStart('p1'), ...textBlock('p1', 'sys', 'SYSTEM', 'Be brief.', false), ...textBlock('p1', 'u1', 'USER', 'Hi', true));

    let takenBeforeEnd = 0;
    const { events, error } = await runSession(sdk, SONIC, input, (event) => {
      if (event.name === 'completionEnd') takenBeforeEnd = input.taken;
      endAfterCompletion(input)(event);
    });

    expect(error).toBeUndefined();
    expect(labels(events)).toEqual(['completionStart', ...TEXT_REPLY, 'completionEnd:END_TURN']);
    expect(texts(events, 'ASSISTANT')).toEqual(['Hello from the server.', 'Hello from the server.']);
    // Output came while the input was still open: promptEnd and sessionEnd were sent only after completionEnd.
    expect(takenBeforeEnd).toBe(8);
    expect(input.taken).toBe(10);
  });

  it('fails an out-of-order event with ValidationException', async () => {
    const sdk = await serverClient();
    const input = fixedInput([sessionStart(), { contentStart: { promptName: 'nope', contentName: 'c', type: 'TEXT', role: 'USER', interactive: true } }, sessionEnd()]);
    const { error } = await runSession(sdk, SONIC, input);
    expect(error).toMatchObject({ name: 'ValidationException', message: 'contentStart received for prompt "nope" with no prompt open: send promptStart first.' });
  });
});

describe('InvokeModelWithBidirectionalStream through the fetch door', () => {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  /** One input event as the JS SDK frames it: a chunk message inside a signed envelope. */
  const signed = (body: Uint8Array) =>
    codec.encode({ headers: { ':date': { type: 'timestamp', value: new Date(0) }, ':chunk-signature': { type: 'binary', value: new Uint8Array(32) } }, body });
  const inputFrame = (event: Record<string, unknown>) =>
    signed(
      codec.encode({
        headers: { ':event-type': { type: 'string', value: 'chunk' }, ':message-type': { type: 'string', value: 'event' } },
        body: fromUtf8(JSON.stringify({ bytes: Buffer.from(JSON.stringify({ event })).toString('base64') })),
      }),
    );

  it('streams the request body: the answer arrives while the input is still open', async () => {
    const bedrockFetch = createFetchHandler({ env: {}, responses: [{ text: 'Hello over fetch.' }] });
    let feed!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (controller) => void (feed = controller) });
    for (const event of [sessionStart(), promptStart('p1'), ...textBlock('p1', 'u1', 'USER', 'Hi', true)]) feed.enqueue(inputFrame(event));
    const response = await bedrockFetch('https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-sonic-v1:0/invoke-with-bidirectional-stream', {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.amazon.eventstream' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);

    const names: string[] = [];
    let pending: Uint8Array = new Uint8Array();
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending = Buffer.concat([pending, value]);
      while (pending.length >= 4 && pending.length >= new DataView(pending.buffer, pending.byteOffset).getUint32(0)) {
        const length = new DataView(pending.buffer, pending.byteOffset).getUint32(0);
        const message = codec.decode(pending.subarray(0, length));
        pending = pending.subarray(length);
        const { event } = JSON.parse(Buffer.from(JSON.parse(toUtf8(message.body)).bytes, 'base64').toString()) as { event: Record<string, unknown> };
        const name = Object.keys(event)[0]!;
        names.push(name);
        if (name === 'completionEnd') {
          feed.enqueue(inputFrame(promptEnd('p1')));
          feed.enqueue(inputFrame(sessionEnd()));
          feed.enqueue(signed(new Uint8Array()));
          feed.close();
        }
      }
    }
    expect(names[0]).toBe('completionStart');
    expect(names.at(-1)).toBe('completionEnd');
  });
});
