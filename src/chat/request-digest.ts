import { createHash } from 'node:crypto';
import type { ChatRequest } from './types.js';

/** A stable digest of everything that shapes the answer (limits excluded, so truncation gives a prefix). */
export function requestDigest(request: ChatRequest): Buffer {
  const shape = [request.system, request.messages, request.tools, request.toolChoice, request.responseSchema, request.reasoning];
  return createHash('sha256')
    .update(JSON.stringify(shape, (_key, value) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value)))
    .digest();
}

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A Bedrock-style tool use id (`tooluse_` + 22 url-safe characters), stable per request and position. */
export function stableToolUseId(digest: Buffer, position: number): string {
  const bytes = createHash('sha256').update(digest).update(String(position)).digest();
  let id = 'tooluse_';
  for (let index = 0; index < 22; index++) id += URL_SAFE[bytes[index]! & 63];
  return id;
}
