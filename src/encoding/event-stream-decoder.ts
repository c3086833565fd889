/**
 * A small decoder for the event-stream frames local-bedrock itself writes (string headers only), used to
 * show a streamed answer in the call log. The SDKs do the real decoding of what goes over the wire.
 */

const decoder = new TextDecoder();
const STRING_HEADER_TYPE = 7;

/** One decoded frame: its headers and its JSON payload (or the raw text when it is not JSON). */
export interface DecodedFrame {
  headers: Record<string, string>;
  payload: unknown;
}

function decodeHeaders(bytes: Uint8Array): Record<string, string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headers: Record<string, string> = {};
  let offset = 0;
  while (offset < bytes.length) {
    const nameLength = bytes[offset]!;
    const name = decoder.decode(bytes.subarray(offset + 1, offset + 1 + nameLength));
    offset += 1 + nameLength;
    if (bytes[offset] !== STRING_HEADER_TYPE) break;
    const valueLength = view.getUint16(offset + 1);
    headers[name] = decoder.decode(bytes.subarray(offset + 3, offset + 3 + valueLength));
    offset += 3 + valueLength;
  }
  return headers;
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Splits concatenated frames and decodes each (CRCs are not checked: these are our own bytes). */
export function decodeFrames(chunks: readonly Uint8Array[]): DecodedFrame[] {
  const frames: DecodedFrame[] = [];
  for (const chunk of chunks) {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let offset = 0; offset + 16 <= chunk.length; ) {
      const totalLength = view.getUint32(offset);
      const headersLength = view.getUint32(offset + 4);
      const headers = decodeHeaders(chunk.subarray(offset + 12, offset + 12 + headersLength));
      const payload = decoder.decode(chunk.subarray(offset + 12 + headersLength, offset + totalLength - 4));
      frames.push({ headers, payload: parsePayload(payload) });
      offset += totalLength;
    }
  }
  return frames;
}
