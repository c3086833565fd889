import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Backend } from '../src/index.js';
import { bedrockHandlers, createFetchHandler } from '../src/front-doors/msw.js';
import { gatedBackend } from './support/gated-backend.js';

const CLAUDE = 'anthropic.claude-3-haiku-20240307-v1:0';
const RUNTIME_URL = 'https://bedrock-runtime.us-east-1.amazonaws.com';
const converseBody = (text: string) => JSON.stringify({ messages: [{ role: 'user', content: [{ text }] }] });

function post(url: string, body: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, ...init });
}

/** Decodes a whole event-stream body with the AWS reference codec (CRCs checked). */
function decodeEventStream(bytes: Uint8Array): Array<{ type: string; messageType: string; payload: Record<string, unknown> }> {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events = [];
  for (let offset = 0; offset < bytes.length; ) {
    const length = view.getUint32(offset);
    const message = codec.decode(bytes.subarray(offset, offset + length));
    events.push({
      type: String(message.headers[':event-type']?.value ?? message.headers[':exception-type']?.value),
      messageType: String(message.headers[':message-type']?.value),
      payload: JSON.parse(toUtf8(message.body)) as Record<string, unknown>,
    });
    offset += length;
  }
  return events;
}


const runtime = createRuntime({ env: {} });
const handlers = bedrockHandlers(runtime, { endpoints: ['http://localhost:4599', 'https://gateway.example.com/bedrock/'] });
const server = setupServer(
  ...handlers,
  // Other handlers of the same app, listed after ours: they must still get what is not Bedrock's.
  http.all('http://localhost:4599/*', () => HttpResponse.text('not bedrock')),
  http.get('https://example.com/*', () => HttpResponse.text('other host')),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('bedrockHandlers() with plain fetch', () => {
  it('answers Converse with Bedrock’s JSON, the model id percent-encoded or with a raw colon', async () => {
    for (const modelId of [encodeURIComponent(CLAUDE), CLAUDE]) {
      const response = await post(`${RUNTIME_URL}/model/${modelId}/converse`, converseBody('Hello'));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
      const body = (await response.json()) as { output: { message: { role: string; content: Array<{ text: string }> } }; stopReason: string; usage: object };
      expect(body.output.message.role).toBe('assistant');
      expect(body.output.message.content[0]!.text).toEqual(expect.any(String));
      expect(body.stopReason).toBe('end_turn');
      expect(body.usage).toMatchObject({ inputTokens: expect.any(Number), outputTokens: expect.any(Number) });
    }
    const call = handlers.runtime.callLog.calls.at(-1)!;
    expect(call).toMatchObject({ operation: 'Converse', modelId: CLAUDE });
    expect(call.http.headers).toMatchObject({ host: 'bedrock-runtime.us-east-1.amazonaws.com', 'content-type': 'application/json' });
  });

  it('answers ConverseStream with event-stream frames that decode with the AWS codec', async () => {
    const response = await post(`${RUNTIME_URL}/model/${encodeURIComponent(CLAUDE)}/converse-stream`, converseBody('Stream please'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    const events = decodeEventStream(new Uint8Array(await response.arrayBuffer()));
    expect(events.every((event) => event.messageType === 'event')).toBe(true);
    expect(events[0]!.type).toBe('messageStart');
    expect(events.slice(-3).map((event) => event.type)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    expect(events.filter((event) => event.type === 'contentBlockDelta').length).toBeGreaterThan(1);
  });

  it('answers errors as Bedrock does: status, x-amzn-errortype and a JSON message', async () => {
    const invalid = await post(`${RUNTIME_URL}/model/${CLAUDE}/converse`, JSON.stringify({ messages: [] }));
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('x-amzn-errortype')).toMatch(/^ValidationException:/);
    expect(await invalid.json()).toEqual({ message: expect.any(String) });

    const unknownModel = await post(`${RUNTIME_URL}/model/no.such-model-v1/converse`, converseBody('Hi'));
    expect(unknownModel.headers.get('x-amzn-errortype')).toMatch(/^(ValidationException|ResourceNotFoundException):/);
  });

  it('answers an unknown path on a Bedrock host itself (ResourceNotFoundException), on the runtime and control-plane hosts', async () => {
    for (const url of [`${RUNTIME_URL}/no-such-operation`, 'https://bedrock.eu-west-1.amazonaws.com/no-such-operation', 'https://bedrock-runtime-fips.us-east-1.amazonaws.com/x']) {
      const response = await fetch(url);
      expect(response.status).toBe(404);
      expect(response.headers.get('x-amzn-errortype')).toMatch(/^ResourceNotFoundException:/);
      expect(((await response.json()) as { message: string }).message).toContain('No Bedrock operation matches');
    }
  });

  it('leaves other hosts, and non-Bedrock paths of a custom endpoint, to the handlers that follow', async () => {
    expect(await (await fetch('https://example.com/anything')).text()).toBe('other host');
    expect(await (await post('http://localhost:4599/api/chat', '{}')).text()).toBe('not bedrock');
    // The body is still there for the handler that takes the request.
    server.use(http.post('http://localhost:4599/echo', async ({ request }) => HttpResponse.text(await request.text())));
    expect(await (await post('http://localhost:4599/echo', '{"kept":true}')).text()).toBe('{"kept":true}');
  });

  it('answers Bedrock operations on custom endpoints, below the endpoint’s path', async () => {
    for (const base of ['http://localhost:4599', 'https://gateway.example.com/bedrock']) {
      const response = await post(`${base}/model/${encodeURIComponent(CLAUDE)}/converse`, converseBody('Hi'));
      expect(response.status).toBe(200);
      expect(((await response.json()) as { stopReason: string }).stopReason).toBe('end_turn');
    }
  });

  it('aborting a Converse call rejects the fetch and aborts the backend call', async () => {
    const state = { started: false, aborted: false };
    const backend: Backend = {
      name: 'waiting',
      chatStream: () => Promise.reject(new Error('unused')),
      chat: (_request, options) =>
        new Promise((_resolve, reject) => {
          state.started = true;
          options?.signal?.addEventListener('abort', () => ((state.aborted = true), reject(options.signal!.reason)));
        }),
    };
    // Silent: the core warns about the backend's AbortError.
    server.use(...bedrockHandlers({ backend, env: {}, logger: { warn: () => {} } }));
    const controller = new AbortController();
    const answer = post(`${RUNTIME_URL}/model/${CLAUDE}/converse`, converseBody('Hi'), { signal: controller.signal });
    await expect.poll(() => state.started).toBe(true);
    controller.abort();
    await expect(answer).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => state.aborted).toBe(true);
  });

  it('cancels the backend when the caller aborts through the AbortSignal mid-stream', async () => {
    const { backend, state } = gatedBackend();
    server.use(...bedrockHandlers({ backend, env: {} }));
    const controller = new AbortController();
    const response = await post(`${RUNTIME_URL}/model/${CLAUDE}/converse-stream`, converseBody('Hi'), { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(decodeEventStream((await reader.read()).value!)[0]!.type).toBe('messageStart');
    // The body is pulled on its own schedule: release the backend once it waits.
    await expect.poll(() => state.waiting).toBe(true);
    state.release();
    expect(decodeEventStream((await reader.read()).value!)[0]!.payload).toMatchObject({ delta: { text: 'piece0 ' } });
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    await expect.poll(() => state.aborted && state.finished).toBe(true);
  });

});

describe('createFetchHandler()', () => {
  it('answers a Request, or fetch’s own (input, init) arguments, whatever the host', async () => {
    const bedrockFetch = createFetchHandler({ responses: [{ text: 'first' }, { text: 'second' }], env: {} });
    const url = `http://anywhere.test/model/${CLAUDE}/converse`;
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: converseBody('Hi') };
    const texts = [];
    for (const response of [await bedrockFetch(new Request(url, init)), await bedrockFetch(url, init)]) {
      texts.push(((await response.json()) as { output: { message: { content: Array<{ text: string }> } } }).output.message.content[0]!.text);
    }
    expect(texts).toEqual(['first', 'second']);
    expect((await bedrockFetch('http://anywhere.test/unknown')).status).toBe(404);
  });

  // Through msw 2 a reader's cancel() reaches the body only once msw's unread internal clone of the response is
  // garbage-collected (mswjs/interceptors#712, fixed only in the interceptors msw 3 uses), so it is tested here.
  it('cancels the backend when the reader cancels the body', async () => {
    const { backend, state } = gatedBackend();
    const bedrockFetch = createFetchHandler({ backend, env: {} });
    const response = await bedrockFetch(`${RUNTIME_URL}/model/${CLAUDE}/converse-stream`, { method: 'POST', body: converseBody('Hi') });
    const reader = response.body!.getReader();
    await reader.read();
    // The body is pulled on its own schedule: release the backend once it waits.
    await expect.poll(() => state.waiting).toBe(true);
    state.release();
    expect(decodeEventStream((await reader.read()).value!)[0]!.payload).toMatchObject({ delta: { text: 'piece0 ' } });
    await reader.cancel();
    await expect.poll(() => state.aborted && state.finished).toBe(true);
  });

  it('rejects like fetch when the signal is already aborted', async () => {
    const bedrockFetch = createFetchHandler({ env: {} });
    await expect(bedrockFetch(`${RUNTIME_URL}/model/${CLAUDE}/converse`, { method: 'POST', body: converseBody('Hi'), signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
