import { crc32 } from '../../../encoding/crc32.js';

/**
 * Decodes InvokeModelWithBidirectionalStream's request body. The JS SDK sends each input event as an inner
 * event-stream message (`:event-type=chunk`, payload `{"bytes":"<base64 of {\"event\":{…}}>"}`) wrapped as the
 * payload of an outer "signed" message (`:date`, `:chunk-signature`); an outer message with an empty payload ends
 * the input. Frames may arrive split across chunks, or several in one. The signature is not checked.
 */

/**
 * One thing the input stream said.
 *
 * @example
 * for (const input of decoder.push(chunk)) if (input.kind === 'end') endOfInput();
 */
export type DecodedInput =
  /** An input event, `{"event":{…}}` parsed from JSON, not yet validated. */
  | { kind: 'event'; value: unknown }
  /** The empty outer message: the client has finished sending. */
  | { kind: 'end' }
  /** Bytes that are no input event; the text describes why. */
  | { kind: 'invalid'; message: string };

const PRELUDE_LENGTH = 12;
const MINIMUM_FRAME = 16;
/** A bound on one frame, so that garbage lengths fail fast instead of buffering forever. */
const MAXIMUM_FRAME = 16 * 1024 * 1024;
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** One event-stream message: its string headers (others are skipped) and its payload. */
interface Message {
  headers: Map<string, string>;
  payload: Uint8Array;
}

/** Bytes of a header value of each non-string type; -1 for the length-prefixed ones (byte array, string). */
const FIXED_VALUE_LENGTHS: Readonly<Record<number, number>> = { 0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16 };
const STRING_TYPE = 7;
const BYTES_TYPE = 6;

function readHeaders(bytes: Uint8Array): Map<string, string> | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headers = new Map<string, string>();
  let offset = 0;
  while (offset < bytes.length) {
    const nameLength = bytes[offset]!;
    const typeOffset = offset + 1 + nameLength;
    if (nameLength === 0 || typeOffset >= bytes.length) return undefined;
    const name = new TextDecoder().decode(bytes.subarray(offset + 1, typeOffset));
    const type = bytes[typeOffset]!;
    offset = typeOffset + 1;
    if (type === STRING_TYPE || type === BYTES_TYPE) {
      if (offset + 2 > bytes.length) return undefined;
      const length = view.getUint16(offset);
      if (offset + 2 + length > bytes.length) return undefined;
      if (type === STRING_TYPE) headers.set(name, new TextDecoder().decode(bytes.subarray(offset + 2, offset + 2 + length)));
      offset += 2 + length;
      continue;
    }
    const length = FIXED_VALUE_LENGTHS[type];
    if (length === undefined || offset + length > bytes.length) return undefined;
    offset += length;
  }
  return headers;
}

/** Parses one whole frame; `undefined` when its structure or checksums are wrong. */
function readMessage(frame: Uint8Array): Message | undefined {
  if (frame.length < MINIMUM_FRAME) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const totalLength = view.getUint32(0);
  const headersLength = view.getUint32(4);
  if (totalLength !== frame.length || PRELUDE_LENGTH + headersLength + 4 > totalLength) return undefined;
  if (view.getUint32(8) !== crc32(frame.subarray(0, 8))) return undefined;
  if (view.getUint32(totalLength - 4) !== crc32(frame.subarray(0, totalLength - 4))) return undefined;
  const headers = readHeaders(frame.subarray(PRELUDE_LENGTH, PRELUDE_LENGTH + headersLength));
  if (!headers) return undefined;
  return { headers, payload: frame.subarray(PRELUDE_LENGTH + headersLength, totalLength - 4) };
}

/** An inner `chunk` message → the input event it carries. */
function readChunk(message: Message): DecodedInput {
  const messageType = message.headers.get(':message-type') ?? 'event';
  const eventType = message.headers.get(':event-type');
  if (messageType !== 'event' || eventType !== 'chunk') {
    return { kind: 'invalid', message: `Unexpected input message (${messageType} ${eventType ?? 'without :event-type'}): only chunk events are accepted.` };
  }
  try {
    const payload = JSON.parse(textDecoder.decode(message.payload)) as { bytes?: unknown };
    if (typeof payload.bytes !== 'string') return { kind: 'invalid', message: 'Invalid input event: the chunk has no bytes.' };
    return { kind: 'event', value: JSON.parse(textDecoder.decode(Buffer.from(payload.bytes, 'base64'))) };
  } catch {
    return { kind: 'invalid', message: 'Invalid input event: the chunk bytes are not JSON.' };
  }
}

/**
 * Splits the request body into frames as its chunks arrive and decodes each into an input event.
 *
 * @example
 * const decoder = new SonicInputDecoder();
 * for await (const chunk of request.bodyStream) for (const input of decoder.push(chunk)) handle(input);
 */
export class SonicInputDecoder {
  private pending: Uint8Array = new Uint8Array();
  private broken = false;

  /** The inputs completed by this chunk (none while a frame is still incomplete). */
  push(chunk: Uint8Array): DecodedInput[] {
    if (this.broken) return [];
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const inputs: DecodedInput[] = [];
    while (this.pending.length >= PRELUDE_LENGTH) {
      const totalLength = new DataView(this.pending.buffer, this.pending.byteOffset, PRELUDE_LENGTH).getUint32(0);
      if (totalLength < MINIMUM_FRAME || totalLength > MAXIMUM_FRAME) return this.fail(inputs);
      if (this.pending.length < totalLength) break;
      const frame = this.pending.subarray(0, totalLength);
      this.pending = this.pending.subarray(totalLength);
      const outer = readMessage(frame);
      if (!outer) return this.fail(inputs);
      // An unsigned client sends the chunk message itself; a signed one wraps it.
      if (outer.headers.has(':event-type') || outer.headers.has(':message-type')) {
        inputs.push(readChunk(outer));
        continue;
      }
      if (outer.payload.length === 0) {
        inputs.push({ kind: 'end' });
        continue;
      }
      const inner = readMessage(outer.payload);
      if (!inner) return this.fail(inputs);
      inputs.push(readChunk(inner));
    }
    return inputs;
  }

  /** Whether bytes of an unfinished frame are left over (the body ended mid-frame). */
  get hasPartialFrame(): boolean {
    return !this.broken && this.pending.length > 0;
  }

  /** Framing is lost for good: report it once and ignore the rest of the body. */
  private fail(inputs: DecodedInput[]): DecodedInput[] {
    this.broken = true;
    this.pending = new Uint8Array();
    inputs.push({ kind: 'invalid', message: 'Invalid input event bytes: the event-stream framing or checksum is wrong.' });
    return inputs;
  }
}
