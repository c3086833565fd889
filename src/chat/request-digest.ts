import type { ChatRequest } from './types.js';

/**
 * A stable fingerprint of everything that shapes an answer (limits excluded, so a truncated answer is a
 * prefix of the full one). Deterministic answers, signatures and tool-use ids derive from it. It needs to
 * be stable and well mixed, not secret, so it is two FNV-1a lanes over the request's content, expanded with
 * SplitMix32 — far cheaper per request than serializing and hashing with SHA-256.
 */
export function requestDigest(request: ChatRequest, length = 32): Buffer {
  const state = { a: 0x811c9dc5, b: 0x01000193 ^ 0x5bd1e995 };
  const feedString = (text: string) => {
    let { a, b } = state;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x5bd1e995) ^ (b >>> 15);
    }
    state.a = a;
    state.b = b;
  };
  const feed = (value: unknown): void => {
    if (value === null || value === undefined) return feedString('\u0000');
    if (typeof value === 'string') return feedString(`"${value}`);
    if (typeof value === 'number' || typeof value === 'boolean') return feedString(`#${String(value)}`);
    if (value instanceof Uint8Array) {
      feedString(`b${value.length}`);
      for (let index = 0; index < value.length; index += Math.max(1, value.length >> 10)) feedString(String.fromCharCode(value[index]!));
      return;
    }
    if (Array.isArray(value)) {
      feedString(`[${value.length}`);
      for (const item of value) feed(item);
      return;
    }
    if (typeof value === 'object') {
      for (const key of Object.keys(value)) {
        feedString(`{${key}`);
        feed((value as Record<string, unknown>)[key]);
      }
    }
  };
  feed(request.system);
  feed(request.messages);
  feed(request.tools);
  feed(request.toolChoice);
  feed(request.responseSchema);
  feed(request.reasoning);
  return expand(state.a ^ state.b, state.b, length);
}

/** SplitMix32 from two seeds: as many well-mixed bytes as asked for. */
function expand(seedA: number, seedB: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let x = seedA | 0;
  for (let offset = 0; offset < length; offset += 4) {
    x = (x + 0x9e3779b9 + seedB) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    for (let shift = 0; shift < 4 && offset + shift < length; shift++) bytes[offset + shift] = (z >>> (shift * 8)) & 0xff;
  }
  return bytes;
}

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A Bedrock-style tool use id (`tooluse_` + 22 url-safe characters), stable per request and position. */
export function stableToolUseId(digest: Buffer, position: number): string {
  const bytes = expand(digest.readInt32LE(0) ^ Math.imul(position + 1, 0x27d4eb2d), digest.readInt32LE(4), 22);
  let id = 'tooluse_';
  for (let index = 0; index < 22; index++) id += URL_SAFE[bytes[index]! & 63];
  return id;
}
