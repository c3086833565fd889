import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { describe, expect, it } from 'vitest';
import { SonicInputDecoder, type DecodedInput } from './input-decoder.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** An input event framed as the JS SDK sends it: a chunk message inside a signed envelope. */
function signedEvent(event: Record<string, unknown>): Uint8Array {
  const bytes = Buffer.from(JSON.stringify({ event })).toString('base64');
  const inner = codec.encode({
    headers: {
      ':event-type': { type: 'string', value: 'chunk' },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify({ bytes })),
  });
  return envelope(inner);
}

function envelope(body: Uint8Array): Uint8Array {
  return codec.encode({
    headers: { ':date': { type: 'timestamp', value: new Date('2026-01-01T00:00:00Z') }, ':chunk-signature': { type: 'binary', value: new Uint8Array(32).fill(9) } },
    body,
  });
}

const decodeAll = (decoder: SonicInputDecoder, chunks: Uint8Array[]): DecodedInput[] => chunks.flatMap((chunk) => decoder.push(chunk));

describe('SonicInputDecoder', () => {
  it('unwraps signed envelopes, whole or split byte by byte, and reads the empty envelope as the end', () => {
    const body = Buffer.concat([signedEvent({ sessionStart: {} }), signedEvent({ promptEnd: { promptName: 'p' } }), envelope(new Uint8Array())]);
    const expected = [{ kind: 'event', value: { event: { sessionStart: {} } } }, { kind: 'event', value: { event: { promptEnd: { promptName: 'p' } } } }, { kind: 'end' }];
    expect(decodeAll(new SonicInputDecoder(), [body])).toEqual(expected);
    const bytes = [...body].map((byte) => Uint8Array.of(byte));
    const decoder = new SonicInputDecoder();
    expect(decodeAll(decoder, bytes)).toEqual(expected);
    expect(decoder.hasPartialFrame).toBe(false);
  });

  it('reports a flipped CRC byte once and ignores the rest of the body', () => {
    const frame = signedEvent({ sessionStart: {} });
    frame[frame.length - 1] = frame.at(-1)! ^ 0xff;
    const decoder = new SonicInputDecoder();
    expect(decodeAll(decoder, [frame, signedEvent({ sessionEnd: {} })])).toEqual([{ kind: 'invalid', message: 'Invalid input event bytes: the event-stream framing or checksum is wrong.' }]);
  });

  it('reports a chunk whose bytes are not JSON, and keeps decoding after it', () => {
    const inner = codec.encode({
      headers: { ':event-type': { type: 'string', value: 'chunk' }, ':message-type': { type: 'string', value: 'event' } },
      body: fromUtf8(JSON.stringify({ bytes: Buffer.from('not json').toString('base64') })),
    });
    const inputs = decodeAll(new SonicInputDecoder(), [envelope(inner), signedEvent({ sessionEnd: {} })]);
    expect(inputs.map((input) => input.kind)).toEqual(['invalid', 'event']);
  });

  it('says when the body ended in the middle of a frame', () => {
    const frame = signedEvent({ sessionStart: {} });
    const decoder = new SonicInputDecoder();
    expect(decoder.push(frame.subarray(0, 20))).toEqual([]);
    expect(decoder.hasPartialFrame).toBe(true);
  });
});
