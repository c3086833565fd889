import { Readable } from 'node:stream';
import { BedrockRuntimeClient, ConverseStreamCommand, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { describe, expect, it } from 'vitest';
import { createRuntime, handleBedrockRequest, LocalBedrockHandler } from '../src/index.js';
import { chunkFrame, encodeEventFrame, eventFrame, exceptionFrame } from '../src/encoding/event-stream.js';
import { collectEvents, TEST_CREDENTIALS, userText } from './support/clients.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const stringHeader = (value: string) => ({ type: 'string' as const, value });

describe('event-stream frames', () => {
  it('match the reference bytes of a messageStart event and a throttling exception', () => {
    expect(hex(encodeEventFrame('messageStart', fromUtf8('{"role":"assistant"}')))).toBe(
      '000000760000005296d5fade0b3a6576656e742d7479706507000c6d65737361676553746172740d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b22726f6c65223a22617373697374616e74227d6fa8c599',
    );
    expect(hex(exceptionFrame('throttlingException', { message: 'Too many requests' }))).toBe(
      '00000090000000618e91a9b70f3a657863657074696f6e2d747970650700137468726f74746c696e67457863657074696f6e0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d74797065070009657863657074696f6e7b226d657373616765223a22546f6f206d616e79207265717565737473227de67f8005',
    );
  });

  it('are byte-identical to @smithy/eventstream-codec for any payload', () => {
    const samples = ['', 'x', '{"text":"héllo ✓ 😀"}', 'a'.repeat(70_000)];
    for (const eventType of ['messageStart', 'contentBlockDelta', 'metadata', 'chunk']) {
      for (const sample of samples) {
        const body = fromUtf8(sample);
        const reference = codec.encode({
          headers: { ':event-type': stringHeader(eventType), ':content-type': stringHeader('application/json'), ':message-type': stringHeader('event') },
          body,
        });
        expect(hex(encodeEventFrame(eventType, body))).toBe(hex(reference));
      }
    }
  });

  it('build InvokeModel chunk frames identical to the generic event encoder', () => {
    for (const chunk of [{ type: 'message_stop' }, { type: 'content_block_delta', delta: { text: 'héllo "quoted" \\ ✓' } }]) {
      const json = JSON.stringify(chunk);
      expect(hex(chunkFrame(json))).toBe(hex(eventFrame('chunk', { bytes: Buffer.from(json).toString('base64') })));
    }
  });

  it('carry Bedrock’s `p` padding in every event payload, deterministically', () => {
    const frame = eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } });
    const decoded = codec.decode(frame);
    expect(decoded.headers[':message-type']?.value).toBe('event');
    expect(decoded.headers[':content-type']?.value).toBe('application/json');
    const payload = JSON.parse(toUtf8(decoded.body));
    expect(payload).toMatchObject({ contentBlockIndex: 0, delta: { text: 'Hi' } });
    expect(payload.p).toMatch(/^[a-zA-Z0-9]+$/);
    expect(hex(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }))).toBe(hex(frame));
  });
});

/** Captures the frames of one ConverseStream answer straight from the core. */
async function capturedFrames(): Promise<Uint8Array[]> {
  const response = await handleBedrockRequest(createRuntime({ env: {} }), {
    method: 'POST',
    path: `/model/${encodeURIComponent('anthropic.claude-3-haiku-20240307-v1:0')}/converse-stream`,
    query: {},
    headers: { 'content-type': 'application/json' },
    body: fromUtf8(JSON.stringify({ messages: [userText('Split me into pieces, please.')] })),
  });
  const frames: Uint8Array[] = [];
  for await (const frame of response.body as AsyncIterable<Uint8Array>) frames.push(frame);
  return frames;
}

/** Splits concatenated event-stream bytes into frames by their length prelude. */
function splitFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const length = new DataView(bytes.buffer, bytes.byteOffset + offset).getUint32(0);
    frames.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return frames;
}

/** A client whose handler replays the given bytes in the given chunk sizes. */
function replayingClient(bytes: Uint8Array, chunkSizes: (index: number) => number): BedrockRuntimeClient {
  const handler = new LocalBedrockHandler();
  const chunks: Uint8Array[] = [];
  for (let offset = 0, index = 0; offset < bytes.length; index++) {
    const size = chunkSizes(index);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  const replay = {
    ...handler,
    handle: async (_request: HttpRequest, _options?: HttpHandlerOptions) => ({
      response: { statusCode: 200, headers: { 'content-type': 'application/vnd.amazon.eventstream' }, body: Readable.from(chunks) } as unknown as HttpResponse,
    }),
  };
  return new BedrockRuntimeClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS, requestHandler: replay as unknown as LocalBedrockHandler });
}

const command = () => new ConverseStreamCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [userText('Split me into pieces, please.')] });

describe('the SDK decoding local-bedrock’s streams', () => {
  it('decodes frames split at every kind of boundary into the same events', async () => {
    const whole = Buffer.concat(await capturedFrames());
    const frames = splitFrames(whole);
    const expected = await collectEvents((await replayingClient(whole, () => whole.length).send(command())).stream);
    expect(expected.length).toBe(frames.length);
    expect(frames.every((frame) => codec.decode(frame).headers[':message-type']?.value === 'event')).toBe(true);
    for (const sizes of [() => 1, (index: number) => 1 + ((index * 7) % 13), () => 117, () => frames[0]!.length + 3]) {
      const events: ConverseStreamOutput[] = await collectEvents((await replayingClient(whole, sizes).send(command())).stream);
      expect(events).toEqual(expected);
    }
  });

  it('rejects a frame whose payload was corrupted, and a truncated last frame', async () => {
    const frames = await capturedFrames();
    const corrupted = Buffer.concat(frames);
    const position = frames[0]!.length + 20;
    corrupted.writeUInt8(corrupted.readUInt8(position) ^ 0xff, position);
    await expect(collectEvents((await replayingClient(corrupted, () => 64).send(command())).stream)).rejects.toThrow(/checksum/i);
    const truncated = Buffer.concat(frames).subarray(0, -5);
    await expect(collectEvents((await replayingClient(truncated, () => 64).send(command())).stream)).rejects.toThrow(/Truncated/);
  });
});
