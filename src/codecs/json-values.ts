/** Small helpers for reading untyped JSON safely. */

/** A JSON object, or `undefined` for anything else. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A list, or `undefined` for anything else. */
export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** A string, or `undefined` for anything else. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A finite number, or `undefined` for anything else. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Decodes a base64 blob member; the SDKs always send valid base64. */
export function fromBase64(value: unknown): Uint8Array | undefined {
  return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : undefined;
}

/** Encodes bytes as base64, as JSON blob members are sent. */
export function toBase64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}
