import { crc32 } from './crc32.js';

/**
 * Encoder for AWS event-stream frames (`application/vnd.amazon.eventstream`).
 *
 * The headers Bedrock sends repeat for every event of one type, so they are encoded once per type and
 * cached; only the payload and the two CRCs are computed per frame. The bytes are identical to what
 * `@smithy/eventstream-codec` produces (a test proves it).
 */

const encoder = new TextEncoder();
const STRING_HEADER_TYPE = 7;

function encodeStringHeaders(headers: ReadonlyArray<readonly [string, string]>): Uint8Array {
  const parts = headers.map(([name, value]) => [encoder.encode(name), encoder.encode(value)] as const);
  const size = parts.reduce((total, [name, value]) => total + 1 + name.length + 1 + 2 + value.length, 0);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const [name, value] of parts) {
    bytes[offset++] = name.length;
    bytes.set(name, offset);
    offset += name.length;
    bytes[offset++] = STRING_HEADER_TYPE;
    view.setUint16(offset, value.length);
    offset += 2;
    bytes.set(value, offset);
    offset += value.length;
  }
  return bytes;
}

/** Joins pre-encoded headers and a payload into one frame with prelude and message CRCs. */
export function encodeFrame(headers: Uint8Array, payload: Uint8Array): Uint8Array {
  const totalLength = 12 + headers.length + payload.length + 4;
  const frame = new Uint8Array(totalLength);
  const view = new DataView(frame.buffer);
  view.setUint32(0, totalLength);
  view.setUint32(4, headers.length);
  view.setUint32(8, crc32(frame.subarray(0, 8)));
  frame.set(headers, 12);
  frame.set(payload, 12 + headers.length);
  view.setUint32(totalLength - 4, crc32(frame.subarray(0, totalLength - 4)));
  return frame;
}

const headerCache = new Map<string, Uint8Array>();

/**
 * Header bytes of an `event` frame (`:event-type`, `:content-type`, `:message-type`, in Bedrock's order) or
 * of an `exception` frame (`:exception-type` first; the type is the lowerCamel union member name).
 */
function cachedHeaders(messageType: 'event' | 'exception', type: string): Uint8Array {
  const key = `${messageType}:${type}`;
  let headers = headerCache.get(key);
  if (!headers) {
    headers = encodeStringHeaders([
      [messageType === 'event' ? ':event-type' : ':exception-type', type],
      [':content-type', 'application/json'],
      [':message-type', messageType],
    ]);
    headerCache.set(key, headers);
  }
  return headers;
}

const PADDING_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * Bedrock pads every event payload with a `p` field (a prefix of `a–zA–Z0–9`) so that payload sizes do not
 * reveal token lengths. Its length here is derived from the payload, so equal events give equal bytes.
 */
function paddingFor(json: string): string {
  return PADDING_ALPHABET.slice(0, 1 + (json.length * 7) % PADDING_ALPHABET.length);
}

/** Serializes an event payload as JSON with Bedrock's `p` padding field appended. */
export function paddedJson(payload: Record<string, unknown>): Uint8Array {
  const json = JSON.stringify(payload);
  const padding = paddingFor(json);
  // Splice the field in rather than re-serializing: `json` always ends with `}`.
  const padded = json.length === 2 ? `{"p":"${padding}"}` : `${json.slice(0, -1)},"p":"${padding}"}`;
  return encoder.encode(padded);
}

/** One `event` frame carrying an already serialized payload. */
export function encodeEventFrame(eventType: string, payload: Uint8Array): Uint8Array {
  return encodeFrame(cachedHeaders('event', eventType), payload);
}

/** One `event` frame whose payload is `payload` as padded JSON. */
export function eventFrame(eventType: string, payload: Record<string, unknown>): Uint8Array {
  return encodeEventFrame(eventType, paddedJson(payload));
}

/**
 * One InvokeModelWithResponseStream `chunk` frame carrying a native chunk's JSON as base64:
 * `{"bytes":"<base64>","p":"…"}`. Built as text directly — base64 needs no JSON escaping — and
 * byte-identical to `eventFrame('chunk', { bytes })`.
 */
export function chunkFrame(nativeJson: string): Uint8Array {
  const bytes = Buffer.from(nativeJson).toString('base64');
  const json = `{"bytes":"${bytes}"}`;
  return encodeEventFrame('chunk', encoder.encode(`${json.slice(0, -1)},"p":"${paddingFor(json)}"}`));
}

/** One `exception` frame, e.g. `exceptionFrame('throttlingException', {message})`. */
export function exceptionFrame(exceptionType: string, payload: Record<string, unknown>): Uint8Array {
  return encodeFrame(cachedHeaders('exception', exceptionType), encoder.encode(JSON.stringify(payload)));
}
