import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConverseCommand, ConverseStreamCommand, InvokeModelCommand, type BedrockRuntimeClient, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordingBackend, type CassetteMode } from '../src/backends/recording/recording-backend.js';
import type { Cassette } from '../src/backends/recording/cassette.js';
import { createOllamaBackend, createScriptedBackend, type Backend, type ChatRequest } from '../src/index.js';
import { collectEvents, FRONT_DOORS, runtimeClient, userText, type FrontDoor } from './support/clients.js';
import { startFakeOllama, type FakeOllama } from './support/fake-ollama-server.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const TITAN_EMBED = 'amazon.titan-embed-text-v2:0';
const TITAN_IMAGE = 'amazon.titan-image-generator-v2:0';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let directory: string;
let cassette: string;
let ollama: FakeOllama | undefined;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'local-bedrock-cassette-'));
  cassette = join(directory, 'cassette.json');
});

afterEach(async () => {
  await ollama?.close();
  ollama = undefined;
  await rm(directory, { recursive: true, force: true });
});

/** A client answered by a recording backend around `backend`; `env: {}` so the developer's own mode never leaks in. */
function recordingClient(door: FrontDoor, backend: Backend, mode: CassetteMode | undefined, env: Record<string, string> = {}) {
  const recorder = createRecordingBackend({ backend, cassette, mode, env });
  return { ...runtimeClient(door, { backend: recorder }, { maxAttempts: 1 }), recorder };
}

/** An Ollama backend pointing at a port nothing listens on: replay must never need it. */
function deadOllama(): Backend {
  return createOllamaBackend({ host: 'http://127.0.0.1:9', env: {}, connectTimeoutMs: 200 });
}

async function readCassetteFile(): Promise<Cassette> {
  return JSON.parse(await readFile(cassette, 'utf8')) as Cassette;
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { $fault?: string; $metadata?: { attempts?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected a rejection, got a result.');
}

const converseInput = (text: string) => ({ modelId: HAIKU, messages: [userText(text)], inferenceConfig: { maxTokens: 200, temperature: 0 } });
const claudeBody = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 200, messages: [{ role: 'user', content: 'Tell me about cassettes.' }] };
const decode = (body: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;

/** The four calls a suite makes, each answered from Ollama while recording and from the cassette on replay. */
async function makeCalls(client: BedrockRuntimeClient) {
  const converse = await client.send(new ConverseCommand(converseInput('Why record model answers?')));
  const { stream, ...streamOutput } = await client.send(new ConverseStreamCommand(converseInput('Stream a short story.')));
  const events = await collectEvents<ConverseStreamOutput>(stream);
  const { body: invokeBody, ...invoke } = await client.send(new InvokeModelCommand({ modelId: HAIKU, body: JSON.stringify(claudeBody) }));
  const { body: embedBody, ...embed } = await client.send(new InvokeModelCommand({ modelId: TITAN_EMBED, body: JSON.stringify({ inputText: 'record once, replay in CI' }) }));
  return { converse, stream: { ...streamOutput, events }, invoke: { ...invoke, body: decode(invokeBody) }, embed: { ...embed, body: decode(embedBody) } };
}

type Calls = Awaited<ReturnType<typeof makeCalls>>;

/**
 * Takes out what is new on every call, recorded or not: each output's `$metadata.requestId` (a fresh uuid
 * per HTTP call), Converse's `metrics.latencyMs` and the stream's `metadata.metrics.latencyMs` (measured per
 * call), and the Claude body's `id` (`msg_bdrk_…`, derived from the request id). Returns the rest and those.
 */
function splitPerCall(calls: Calls) {
  const copy = structuredClone(calls);
  const perCall = {
    requestIds: [copy.converse, copy.stream, copy.invoke, copy.embed].map((output) => output.$metadata.requestId),
    latencies: [copy.converse.metrics?.latencyMs, copy.stream.events.find((event) => event.metadata)?.metadata?.metrics?.latencyMs],
    claudeId: copy.invoke.body.id,
  };
  for (const output of [copy.converse, copy.stream, copy.invoke, copy.embed]) delete output.$metadata.requestId;
  delete copy.converse.metrics;
  delete copy.stream.events.find((event) => event.metadata)!.metadata!.metrics;
  delete copy.invoke.body.id;
  return { stable: copy, perCall };
}

describe.each(FRONT_DOORS)('record / replay through the %s door', (door) => {
  it('records against Ollama, then replays identical SDK results with Ollama gone', async () => {
    ollama = await startFakeOllama();
    const recording = recordingClient(door, createOllamaBackend({ host: ollama.host, env: {} }), 'record');
    const recorded = await makeCalls(recording.client);
    await recording.runtime.dispose();
    expect(ollama.requests.filter((request) => request.path === '/api/chat' || request.path === '/api/embed')).toHaveLength(4);
    await ollama.close();
    ollama = undefined;

    const replaying = recordingClient(door, deadOllama(), 'replay');
    const replayed = await makeCalls(replaying.client);

    const before = splitPerCall(recorded);
    const after = splitPerCall(replayed);
    expect(after.stable).toEqual(before.stable);
    expect(replayed.stream.events).toHaveLength(recorded.stream.events.length);
    // The text came from the fake Ollama (its echo), so equality means it was replayed, not regenerated.
    expect(replayed.converse.output?.message?.content?.[0]?.text).toContain('Echo: Why record model answers?');
    expect(replayed.embed.body.embedding).toHaveLength(1024);
    // Only the per-call fields differ, and they are fresh values, not replayed ones.
    for (const ids of [before.perCall.requestIds, after.perCall.requestIds]) for (const id of ids) expect(id).toMatch(UUID);
    expect(after.perCall.requestIds).not.toEqual(before.perCall.requestIds);
    for (const latency of [...before.perCall.latencies, ...after.perCall.latencies]) expect(Number.isInteger(latency)).toBe(true);
    expect(after.perCall.claudeId).toMatch(/^msg_bdrk_/);
    expect(after.perCall.claudeId).not.toBe(before.perCall.claudeId);
  });

  it('writes a versioned, readable cassette: one interaction per call, stream events in order, no temp files left', async () => {
    ollama = await startFakeOllama();
    const { client, recorder } = recordingClient(door, createOllamaBackend({ host: ollama.host, env: {} }), 'record');
    await makeCalls(client);
    await recorder.flush();

    expect(await readdir(directory)).toEqual(['cassette.json']);
    const file = await readCassetteFile();
    expect(Object.keys(file)).toEqual(['version', 'interactions']);
    expect(file.version).toBe(1);
    expect(file.interactions.map((interaction) => [interaction.kind, interaction.operation, interaction.modelId])).toEqual([
      ['chat', 'Converse', HAIKU],
      ['chatStream', 'ConverseStream', HAIKU],
      ['chat', 'InvokeModel', HAIKU],
      ['embed', undefined, TITAN_EMBED],
    ]);
    for (const interaction of file.interactions) {
      expect(interaction.key).toMatch(/^[0-9a-f]{16}$/);
      expect(interaction.recordedWith).toEqual({ backend: 'ollama', backendModel: 'llama3.2' });
      expect(interaction.request).toMatchObject({ modelId: interaction.modelId });
      expect(interaction.request).not.toHaveProperty('backendModel');
    }
    const [converse, stream, , embed] = file.interactions;
    expect(converse!.request).toMatchObject({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Why record model answers?' }] }], maxTokens: 200 });
    // Keys are sorted, so the same request always serializes (and hashes) the same way.
    expect(Object.keys(converse!.request as object)).toEqual(Object.keys(converse!.request as object).sort());
    expect(converse!.response).toMatchObject({ content: [{ type: 'text', text: expect.stringContaining('Echo:') }], stopReason: 'end_turn' });
    const events = stream!.events as Array<{ type: string }>;
    expect(events.slice(0, -1).every((event) => event.type === 'textDelta')).toBe(true);
    expect(events.length).toBeGreaterThan(3);
    expect(events.at(-1)).toMatchObject({ type: 'finish', stopReason: 'end_turn' });
    expect(embed!.response).toMatchObject({ embeddings: [expect.any(Array)], inputTokens: 5 });
  });

  it('replays repeated identical requests in recorded order, cycling once they are used up', async () => {
    ollama = await startFakeOllama();
    ollama.script({ content: ['first answer'] }, { content: ['second answer'] });
    const recording = recordingClient(door, createOllamaBackend({ host: ollama.host, env: {} }), 'record');
    const ask = async (client: BedrockRuntimeClient) => (await client.send(new ConverseCommand(converseInput('Same question')))).output?.message?.content?.[0]?.text;
    expect([await ask(recording.client), await ask(recording.client)]).toEqual(['first answer', 'second answer']);

    const { client } = recordingClient(door, deadOllama(), 'replay');
    expect([await ask(client), await ask(client), await ask(client)]).toEqual(['first answer', 'second answer', 'first answer']);
  });

  it('fails a replay miss with a ValidationException naming the cassette, the model, the closest recording and how to record', async () => {
    ollama = await startFakeOllama();
    const recording = recordingClient(door, createOllamaBackend({ host: ollama.host, env: {} }), 'record');
    await recording.client.send(new ConverseCommand(converseInput('What is the capital of France?')));

    const { client } = recordingClient(door, deadOllama(), undefined, { LOCAL_BEDROCK_CASSETTE_MODE: 'replay' });
    const error = await rejection(client.send(new ConverseCommand(converseInput('What is the capital of Spain?'))));
    expect(error.name).toBe('ValidationException');
    expect(error.$fault).toBe('client');
    expect(error.$metadata?.attempts).toBe(1);
    expect(error.message).toContain(`The cassette ${cassette} has no recorded chat answer for this request to ${HAIKU}`);
    expect(error.message).toContain(`Closest recording: chat to ${HAIKU} (key `);
    expect(error.message).toContain('messages[0].content[0].text: recorded "What is the capital of France?", requested "What is the capital of Spain?"');
    expect(error.message).toContain('LOCAL_BEDROCK_CASSETTE_MODE=auto');
  });

  it('in auto mode replays what the cassette has and records only the misses', async () => {
    ollama = await startFakeOllama();
    const recording = recordingClient(door, createOllamaBackend({ host: ollama.host, env: {} }), 'record');
    const first = await recording.client.send(new ConverseCommand(converseInput('Recorded before')));
    expect(ollama.chats).toHaveLength(1);

    const auto = recordingClient(door, createOllamaBackend({ host: ollama.host, env: {} }), undefined, { LOCAL_BEDROCK_CASSETTE_MODE: 'auto' });
    expect(auto.recorder.mode).toBe('auto');
    const hit = await auto.client.send(new ConverseCommand(converseInput('Recorded before')));
    const miss = await auto.client.send(new ConverseCommand(converseInput('New question')));
    const again = await auto.client.send(new ConverseCommand(converseInput('New question')));
    expect(hit.output).toEqual(first.output);
    expect(again.output).toEqual(miss.output);
    // Only the miss reached Ollama; the repeat of it was already a hit.
    expect(ollama.chats).toHaveLength(2);
    expect(ollama.chats[1]!.body.messages).toEqual([{ role: 'user', content: 'New question' }]);
    expect((await readCassetteFile()).interactions.map((interaction) => (interaction.request as { messages: Array<{ content: Array<{ text: string }> }> }).messages[0]!.content[0]!.text)).toEqual([
      'Recorded before',
      'New question',
    ]);
  });
});

describe('record / replay of binary data and aborts', () => {
  const request = (text: string): ChatRequest => ({
    modelId: HAIKU,
    backendModel: 'llama3.2',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    tools: [],
    stopSequences: [],
  });

  it('stores images as base64 and request bytes by hash, and replays the same image bytes', async () => {
    const draw = async (client: BedrockRuntimeClient) => {
      const output = await client.send(
        new InvokeModelCommand({ modelId: TITAN_IMAGE, body: JSON.stringify({ taskType: 'TEXT_IMAGE', textToImageParams: { text: 'a lighthouse' }, imageGenerationConfig: { width: 512, height: 512 } }) }),
      );
      return decode(output.body).images;
    };
    const photo = new Uint8Array(Buffer.from('\x89PNG\r\n\x1a\n pretend photo'));
    const describePhoto = (client: BedrockRuntimeClient) =>
      client.send(new ConverseCommand({ modelId: HAIKU, messages: [{ role: 'user', content: [{ text: 'What is this?' }, { image: { format: 'png', source: { bytes: photo } } }] }] }));

    const recording = recordingClient('middleware', createScriptedBackend(), 'record');
    const recordedImages = await draw(recording.client);
    const recordedAnswer = await describePhoto(recording.client);

    const file = await readFile(cassette, 'utf8');
    expect(file).toContain('"$base64"');
    expect(file).toContain(`"$sha256": "${createHash('sha256').update(photo).digest('hex')}"`);
    expect(file).not.toContain(Buffer.from(photo).toString('base64'));

    const replaying = recordingClient('middleware', createScriptedBackend({ responses: [{ text: 'not the recorded answer' }] }), 'replay');
    expect(await draw(replaying.client)).toEqual(recordedImages);
    expect((await describePhoto(replaying.client)).output).toEqual(recordedAnswer.output);
  });

  it('stops a replayed stream when its signal aborts', async () => {
    const recorder = createRecordingBackend({ backend: createScriptedBackend({ responses: [{ text: 'one two three four five' }] }), cassette, mode: 'record', env: {} });
    const recordedEvents = [];
    for await (const event of await recorder.chatStream(request('count'))) recordedEvents.push(event);
    expect(recordedEvents.length).toBeGreaterThan(3);

    const replay = createRecordingBackend({ backend: deadOllama(), cassette, mode: 'replay', env: {} });
    const controller = new AbortController();
    const iterator = (await replay.chatStream(request('count'), { signal: controller.signal }))[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual(recordedEvents[0]);
    const reason = new Error('caller went away');
    controller.abort(reason);
    await expect(iterator.next()).rejects.toBe(reason);
    // An aborted call is not even started.
    await expect(replay.chat(request('count'), { signal: controller.signal })).rejects.toBe(reason);
  });

  it('does not record a stream its reader abandoned', async () => {
    const recorder = createRecordingBackend({ backend: createScriptedBackend(), cassette, mode: 'record', env: {} });
    for await (const event of await recorder.chatStream(request('abandon me'))) if (event.type === 'textDelta') break;
    await recorder.chat(request('keep me'));
    await recorder.dispose();
    expect((await readCassetteFile()).interactions.map((interaction) => interaction.kind)).toEqual(['chat']);
  });

  it('keeps every interaction of concurrent calls (their writes are coalesced, never lost)', async () => {
    const recorder = createRecordingBackend({ backend: createScriptedBackend(), cassette, mode: 'record', env: {} });
    const texts = ['a', 'b', 'c', 'd', 'e'].map((letter) => `question ${letter}`);
    await Promise.all(texts.map((text) => recorder.chat(request(text))));
    await recorder.flush();
    const recorded = (await readCassetteFile()).interactions.map((interaction) => (interaction.request as { messages: Array<{ content: Array<{ text: string }> }> }).messages[0]!.content[0]!.text);
    expect(recorded.sort()).toEqual(texts);
    expect(await readdir(directory)).toEqual(['cassette.json']);
  });

  it('reads the mode from LOCAL_BEDROCK_CASSETTE_MODE, defaults to replay and rejects unknown modes', () => {
    expect(createRecordingBackend({ backend: createScriptedBackend(), cassette, env: {} }).mode).toBe('replay');
    expect(createRecordingBackend({ backend: createScriptedBackend(), cassette, env: { LOCAL_BEDROCK_CASSETTE_MODE: 'Record' } }).mode).toBe('record');
    expect(createRecordingBackend({ backend: createScriptedBackend(), cassette, mode: 'auto', env: { LOCAL_BEDROCK_CASSETTE_MODE: 'record' } }).mode).toBe('auto');
    expect(() => createRecordingBackend({ backend: createScriptedBackend(), cassette, env: { LOCAL_BEDROCK_CASSETTE_MODE: 'rewind' } })).toThrow(/Unknown cassette mode "rewind"/);
  });

  it('explains a replay from a cassette that does not exist or is not one', async () => {
    const replay = createRecordingBackend({ backend: createScriptedBackend(), cassette, mode: 'replay', env: {} });
    await expect(replay.chat(request('hello'))).rejects.toThrow(/does not exist yet[\s\S]*mode: 'auto'/);
    await writeFile(cassette, '{"version": 2, "interactions": []}');
    const other = createRecordingBackend({ backend: createScriptedBackend(), cassette, mode: 'replay', env: {} });
    await expect(other.chat(request('hello'))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('has version 2') });
  });
});

describe('LOCAL_BEDROCK_CASSETTE', () => {
  it('wraps the chosen backend in a cassette named by the environment', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'local-bedrock-env-')), 'env.json');
    const ask = async (env: Record<string, string>) => {
      const { client } = runtimeClient('middleware', { env, responses: [{ text: 'recorded once' }] });
      const output = await client.send(new ConverseCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
      return output.output!.message!.content![0]!.text;
    };
    expect(await ask({ LOCAL_BEDROCK_CASSETTE: path, LOCAL_BEDROCK_CASSETTE_MODE: 'record' })).toBe('recorded once');
    // A scripted backend with a different queued answer: replay must still give the recorded one.
    const { client } = runtimeClient('middleware', { env: { LOCAL_BEDROCK_CASSETTE: path }, responses: [{ text: 'not this' }] });
    const output = await client.send(new ConverseCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
    expect(output.output!.message!.content![0]!.text).toBe('recorded once');
  });
});
