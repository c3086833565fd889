/**
 * How much local-bedrock adds on top of the AWS SDK itself.
 *
 *   npm run bench      (builds first: the benchmark measures dist/, as users run it)
 *
 * FLOOR: a BedrockRuntimeClient whose `requestHandler` returns canned bytes — the exact body (Converse) or
 * the exact event-stream frames (ConverseStream) local-bedrock produces for the same request. The SDK then
 * does identical work (serialize, sign, retry, deserialize, unmarshal every event), so
 * local / floor isolates local-bedrock's own cost. Target: ≤ 1.2×.
 *
 * Rounds of floor and local are interleaved (ABBA order) so that noise on a busy machine hits both alike.
 * Per-call times are medians over rounds of the mean per-call time within a round; the ratio is the median
 * of the per-round local/floor ratios (each pair ran back to back, so it is the figure least hurt by noise).
 */
import { Readable } from 'node:stream';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type ConverseCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { LocalHttpRequest } from '../src/index.js';

// The library as users run it: the build, not the TypeScript sources (a loader's helpers would be measured
// too). Imported by a computed path so that typechecking does not need a build.
const BUILD = '../dist/index.js';
const { createRuntime, handleBedrockRequest, localBedrock } = (await import(BUILD).catch(() => {
  throw new Error('bench: dist/ is missing; run `npm run bench`, which builds first.');
})) as typeof import('../src/index.js');
import { encodeFrame, eventFrame, paddedJson } from '../src/encoding/event-stream.js';
import { batch, median, type Call } from './timing.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };
const INPUT: ConverseCommandInput = {
  modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
  messages: [{ role: 'user', content: [{ text: 'Explain in two sentences what an emulator is for.' }] }],
  inferenceConfig: { maxTokens: 256, temperature: 0 },
};

/** The same request as a Claude Messages body, for InvokeModel. */
const CLAUDE_BODY = JSON.stringify({
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 256,
  temperature: 0,
  messages: [{ role: 'user', content: 'Explain in two sentences what an emulator is for.' }],
});
const invokeCommand = () => new InvokeModelCommand({ modelId: INPUT.modelId, body: CLAUDE_BODY, contentType: 'application/json' });
const invokeStreamCommand = () => new InvokeModelWithResponseStreamCommand({ modelId: INPUT.modelId, body: CLAUDE_BODY, contentType: 'application/json' });

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const TIME_PER_BATCH_MS = Number(process.env.BENCH_BATCH_MS ?? 150);

// ---------------------------------------------------------------------------------------------------------
// Canned answers, captured once from local-bedrock itself.

interface Canned {
  statusCode: number;
  headers: Record<string, string>;
  /** Converse: the body bytes. ConverseStream: the frames, in order. */
  body: Uint8Array | Uint8Array[];
}

/** The SDK's signed request as the core reads it (what the front doors hand to `handleBedrockRequest`). */
function toLocalRequest(request: HttpRequest): LocalHttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const query: LocalHttpRequest['query'] = {};
  for (const [name, value] of Object.entries(request.query ?? {})) query[name] = value ?? undefined;
  const body = typeof request.body === 'string' ? new TextEncoder().encode(request.body) : (request.body as Uint8Array);
  return { method: request.method.toUpperCase(), path: request.path, query, headers, body };
}

/** A requestHandler that records what local-bedrock answers for the SDK's real, signed request. */
async function capture(command: ConverseCommand | ConverseStreamCommand | InvokeModelCommand | InvokeModelWithResponseStreamCommand): Promise<Canned> {
  const runtime = createRuntime();
  let canned: Canned | undefined;
  const client = new BedrockRuntimeClient({
    region: REGION,
    credentials: CREDENTIALS,
    requestHandler: {
      async handle(request: HttpRequest) {
        const response = await handleBedrockRequest(runtime, toLocalRequest(request));
        let body: Uint8Array | Uint8Array[];
        if (response.body instanceof Uint8Array) body = response.body;
        else {
          body = [];
          for await (const frame of response.body) body.push(frame);
        }
        canned = { statusCode: response.statusCode, headers: response.headers, body };
        return { response: replay(canned) };
      },
    },
  });
  const output = await client.send(command as ConverseCommand);
  if ('stream' in output && output.stream) for await (const _ of output.stream as AsyncIterable<unknown>);
  if ('body' in output && output.body && !(output.body instanceof Uint8Array)) for await (const _ of output.body as AsyncIterable<unknown>);
  if (!canned || canned.statusCode !== 200) throw new Error(`capture failed: ${JSON.stringify(canned?.headers)}`);
  return canned;
}

/** The floor's answer: canned bytes, delivered the way local-bedrock delivers them (bytes, or a Readable). */
function replay(canned: Canned): HttpResponse {
  const body = canned.body instanceof Uint8Array ? canned.body : Readable.from(canned.body, { objectMode: false });
  return new HttpResponse({ statusCode: canned.statusCode, headers: { ...canned.headers }, body });
}

function floorClient(canned: Canned): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: REGION,
    credentials: CREDENTIALS,
    requestHandler: {
      async handle() {
        return { response: replay(canned) };
      },
    },
  });
}

function localClient(): BedrockRuntimeClient {
  const client = new BedrockRuntimeClient({ region: REGION, credentials: CREDENTIALS });
  client.middlewareStack.use(localBedrock());
  return client;
}

// ---------------------------------------------------------------------------------------------------------
// Calls


function converseCall(client: BedrockRuntimeClient): Call<number> {
  return async () => {
    const output = await client.send(new ConverseCommand(INPUT));
    if (!output.output?.message) throw new Error('Converse returned no message');
    return 0;
  };
}

/** Consumes the whole stream; returns the number of events. */
function converseStreamCall(client: BedrockRuntimeClient): Call<number> {
  return async () => {
    const output = await client.send(new ConverseStreamCommand(INPUT));
    let events = 0;
    for await (const _ of output.stream!) events++;
    return events;
  };
}

function invokeCall(client: BedrockRuntimeClient): Call<number> {
  return async () => {
    const output = await client.send(invokeCommand());
    if (output.body.length === 0) throw new Error('InvokeModel returned no body');
    return 0;
  };
}

/** Consumes the whole InvokeModelWithResponseStream; returns the number of chunks. */
function invokeStreamCall(client: BedrockRuntimeClient): Call<number> {
  return async () => {
    const output = await client.send(invokeStreamCommand());
    let chunks = 0;
    for await (const _ of output.body!) chunks++;
    return chunks;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Timing



/** Iterations that take about `TIME_PER_BATCH_MS` per side, measured after warming both up. */
async function calibrate(a: Call<number>, b: Call<number>): Promise<number> {
  const warmup = Date.now() + 1500;
  while (Date.now() < warmup) {
    await a();
    await b();
  }
  const probes: number[] = [];
  for (let i = 0; i < 5; i++) probes.push(await batch(a, 30), await batch(b, 30));
  const perCall = median(probes);
  return Math.max(20, Math.round((TIME_PER_BATCH_MS * 1000) / perCall));
}

interface Result {
  name: string;
  floor: number;
  local: number;
  ratios: number[];
  events?: number;
}

async function compare(name: string, floor: Call<number>, local: Call<number>, events?: number): Promise<Result> {
  const iterations = await calibrate(floor, local);
  const floorTimes: number[] = [];
  const localTimes: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // ABBA: alternate who goes first so that drift within a round cancels out.
    let f: number, l: number;
    if (round % 2 === 0) {
      f = await batch(floor, iterations);
      l = await batch(local, iterations);
    } else {
      l = await batch(local, iterations);
      f = await batch(floor, iterations);
    }
    floorTimes.push(f);
    localTimes.push(l);
    ratios.push(l / f);
  }
  process.stderr.write(`  ${name}: ${ROUNDS} rounds × ${iterations} calls each side\n`);
  return { name, floor: median(floorTimes), local: median(localTimes), ratios, events };
}

// ---------------------------------------------------------------------------------------------------------
// Micro-benchmark: our frame encoder vs @smithy/eventstream-codec

function microEncoder(): { name: string; ours: number; codec: number }[] {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const eventType = 'contentBlockDelta';
  const payload = { contentBlockIndex: 0, delta: { text: ' emulator' } };
  const headers = {
    ':event-type': { type: 'string' as const, value: eventType },
    ':content-type': { type: 'string' as const, value: 'application/json' },
    ':message-type': { type: 'string' as const, value: 'event' },
  };
  const body = paddedJson(payload);
  const ours = eventFrame(eventType, payload);
  const reference = codec.encode({ headers, body });
  if (Buffer.compare(Buffer.from(ours), Buffer.from(reference)) !== 0) throw new Error('eventFrame differs from EventStreamCodec.encode');

  const time = (fn: () => unknown): number => {
    const iterations = 20_000;
    for (let i = 0; i < iterations; i++) fn(); // warm-up
    const samples: number[] = [];
    for (let round = 0; round < 7; round++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) fn();
      samples.push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
    }
    return median(samples);
  };
  // Both sides build the same frame from the same object: JSON + padding + headers + CRCs.
  const withJson = { name: `eventFrame vs codec (incl. JSON), ${ours.length} B`, ours: time(() => eventFrame(eventType, payload)), codec: time(() => codec.encode({ headers, body: paddedJson(payload) })) };
  // Framing alone (headers + prelude + CRCs) on a ready payload; our header bytes are the cached ones.
  const headerBytes = ours.subarray(12, 12 + new DataView(ours.buffer, ours.byteOffset).getUint32(4));
  const framingOnly = { name: 'encodeFrame vs codec (framing only)', ours: time(() => encodeFrame(headerBytes, body)), codec: time(() => codec.encode({ headers, body })) };
  return [withJson, framingOnly];
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = Date.now();
  const cannedConverse = await capture(new ConverseCommand(INPUT));
  const cannedStream = await capture(new ConverseStreamCommand(INPUT));

  process.stderr.write('benchmarking…\n');
  const converse = await compare('Converse', converseCall(floorClient(cannedConverse)), converseCall(localClient()));

  const floorStream = converseStreamCall(floorClient(cannedStream));
  const localStream = converseStreamCall(localClient());
  const [floorEvents, localEvents] = [await floorStream(), await localStream()];
  if (floorEvents !== localEvents) throw new Error(`event counts differ: floor ${floorEvents}, local ${localEvents}`);
  const stream = await compare('ConverseStream', floorStream, localStream, localEvents);

  const cannedInvoke = await capture(invokeCommand());
  const invokeModel = await compare('InvokeModel', invokeCall(floorClient(cannedInvoke)), invokeCall(localClient()));
  const cannedInvokeStream = await capture(invokeStreamCommand());
  const floorInvokeStream = invokeStreamCall(floorClient(cannedInvokeStream));
  const localInvokeStream = invokeStreamCall(localClient());
  const [floorChunks, localChunks] = [await floorInvokeStream(), await localInvokeStream()];
  if (floorChunks !== localChunks) throw new Error(`chunk counts differ: floor ${floorChunks}, local ${localChunks}`);
  const invokeStream = await compare('InvokeStream', floorInvokeStream, localInvokeStream, localChunks);

  const micro = microEncoder();

  const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);
  const rows = [converse, stream, invokeModel, invokeStream];
  console.log('');
  console.log(`local-bedrock overhead vs SDK floor  (Node ${process.version}, medians of ${ROUNDS} interleaved rounds)`);
  console.log('');
  console.log('operation        events   floor µs   local µs   local/floor   per-round ratios (min–max)');
  for (const row of rows) {
    const min = Math.min(...row.ratios);
    const max = Math.max(...row.ratios);
    console.log(
      `${row.name.padEnd(15)} ${String(row.events ?? '-').padStart(7)} ${fmt(row.floor)}  ${fmt(row.local)}  ${fmt(median(row.ratios), 2)}×     ${min.toFixed(2)}–${max.toFixed(2)}×`,
    );
  }
  console.log('');
  console.log(`ConverseStream floor per event: ${((stream.floor - converse.floor) / stream.events!).toFixed(1)} µs (rough: (stream − converse) / events)`);
  console.log('');
  console.log('frame encoder micro-benchmark              ours µs  codec µs   codec/ours');
  for (const row of micro) console.log(`${row.name.padEnd(40)} ${fmt(row.ours, 2)} ${fmt(row.codec, 2)}   ${fmt(row.codec / row.ours, 1)}×`);
  console.log('');
  console.log(`target: local/floor ≤ 1.20×   (total run ${((Date.now() - began) / 1000).toFixed(1)} s)`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
