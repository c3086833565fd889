import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The cassette file: what a recording backend wrote, as pretty JSON a reviewer can read in a diff.
 * Binary data is stored as `{ "$base64": "…" }`; in request keys it is stored by hash only
 * (`{ "$sha256": "…", "length": n }`), since a request is matched, never replayed.
 */

/**
 * The cassette format version this package reads and writes.
 *
 * @example
 * const cassette: Cassette = { version: CASSETTE_VERSION, interactions: [] };
 */
export const CASSETTE_VERSION = 1;

/**
 * A JSON value, as a cassette stores requests and answers.
 *
 * @example
 * const value: CassetteJson = { text: 'Hi', sizes: [1, 2], image: { $base64: 'iVBORw0K' } };
 */
export type CassetteJson = null | boolean | number | string | CassetteJson[] | { [key: string]: CassetteJson };

/**
 * Which backend method an interaction answered.
 *
 * @example
 * const kind: CassetteInteractionKind = 'chatStream';
 */
export type CassetteInteractionKind = 'chat' | 'chatStream' | 'embed' | 'generateImage';

/**
 * One recorded call: the normalized request it matches on and the neutral answer it replays.
 *
 * @example
 * const request = { modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] };
 * const interaction: CassetteInteraction = {
 *   kind: 'chat', modelId: request.modelId, key: 'f07e7184fa01bad3', request,
 *   response: { content: [{ type: 'text', text: 'Hi!' }], stopReason: 'end_turn', usage: { inputTokens: 3, outputTokens: 2 } },
 * };
 */
export interface CassetteInteraction {
  kind: CassetteInteractionKind;
  /** The Bedrock model id (base id) the request named. */
  modelId: string;
  /** A short hash of `request`: identical requests have identical keys. */
  key: string;
  /** The request with stable key order, without fields that vary between machines (`backendModel`). */
  request: CassetteJson;
  /** The Bedrock operation that asked (informational; not matched on). */
  operation?: string;
  /** The wrapped backend and the model it ran when recording (informational; not matched on). */
  recordedWith?: { backend: string; backendModel: string };
  /** The complete answer (`chat`, `embed`, `generateImage`). */
  response?: CassetteJson;
  /** Every stream event in order, the last one `finish` (`chatStream`). */
  events?: CassetteJson[];
}

/**
 * The whole cassette file.
 *
 * @example
 * const empty: Cassette = { version: 1, interactions: [] };
 */
export interface Cassette {
  version: typeof CASSETTE_VERSION;
  interactions: CassetteInteraction[];
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * A value as cassette JSON: `undefined` members dropped, byte arrays as base64 (or, with `bytesAsHash`, as
 * their hash), and with `sortKeys` object keys in sorted order so equal requests serialize identically.
 *
 * @example
 * toCassetteJson({ b: 1, a: new Uint8Array([1]) }, { sortKeys: true }); // { a: { $base64: 'AQ==' }, b: 1 }
 */
export function toCassetteJson(value: unknown, options: { sortKeys?: boolean; bytesAsHash?: boolean } = {}): CassetteJson {
  if (value instanceof Uint8Array) {
    return options.bytesAsHash ? { $sha256: sha256(value), length: value.length } : { $base64: Buffer.from(value).toString('base64') };
  }
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toCassetteJson(item, options)));
  if (isPlainObject(value)) {
    const keys = options.sortKeys ? Object.keys(value).sort() : Object.keys(value);
    const result: { [key: string]: CassetteJson } = {};
    for (const key of keys) if (value[key] !== undefined) result[key] = toCassetteJson(value[key], options);
    return result;
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  // Functions, symbols and bigints never appear in neutral types; keep the file valid JSON if one does.
  return String(value);
}

/**
 * The inverse of `toCassetteJson` for answers: `{ "$base64": … }` objects become `Uint8Array`s again. Each
 * call builds fresh objects, so a caller that mutates an answer cannot change what is replayed next.
 *
 * @example
 * fromCassetteJson({ data: { $base64: 'AQ==' } }); // { data: Uint8Array [1] }
 */
export function fromCassetteJson<T>(value: CassetteJson): T {
  const revive = (item: CassetteJson): unknown => {
    if (Array.isArray(item)) return item.map(revive);
    if (item === null || typeof item !== 'object') return item;
    const keys = Object.keys(item);
    if (keys.length === 1 && typeof item.$base64 === 'string') return new Uint8Array(Buffer.from(item.$base64, 'base64'));
    return Object.fromEntries(keys.map((key) => [key, revive(item[key]!)]));
  };
  return revive(value) as T;
}

/**
 * A request in the form it is matched on, and its key (16 hex digits of SHA-256). `backendModel` is left
 * out: a CI machine may map models differently from the machine that recorded, and the Bedrock `modelId`
 * (kept) is what the caller asked for.
 *
 * @example
 * const { request, key } = normalizeRequest({ modelId: 'amazon.titan-embed-text-v2:0', backendModel: 'nomic-embed-text', texts: ['hi'], images: [] });
 */
export function normalizeRequest(request: { modelId: string; backendModel: string }): { request: CassetteJson; key: string } {
  const { backendModel: _machineSpecific, ...stable } = request;
  const normalized = toCassetteJson(stable, { sortKeys: true, bytesAsHash: true });
  return { request: normalized, key: sha256(JSON.stringify(normalized)).slice(0, 16) };
}

/**
 * Reads a cassette; `undefined` when the file does not exist. A file that is not a version-1 cassette is an
 * error naming the file, so a hand-edit gone wrong is found at once.
 *
 * @example
 * const cassette = (await readCassette('test/cassettes/chat.json')) ?? { version: 1, interactions: [] };
 */
export async function readCassette(path: string): Promise<Cassette | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`The cassette ${path} is not valid JSON (${(error as Error).message}).`);
  }
  const cassette = parsed as Partial<Cassette> | null;
  if (!isPlainObject(cassette) || !Array.isArray(cassette.interactions)) {
    throw new Error(`The cassette ${path} is not a cassette: expected { "version": ${CASSETTE_VERSION}, "interactions": [...] }.`);
  }
  if (cassette.version !== CASSETTE_VERSION) {
    throw new Error(`The cassette ${path} has version ${String(cassette.version)}; this local-bedrock reads version ${CASSETTE_VERSION}. Re-record it.`);
  }
  return cassette as Cassette;
}

/**
 * Writes a cassette atomically: to a temporary file beside it, then renamed over it, so a crash or a
 * concurrent reader never sees half a file.
 *
 * @example
 * await writeCassette('test/cassettes/chat.json', { version: 1, interactions: [] });
 */
export async function writeCassette(path: string, cassette: Cassette): Promise<void> {
  const text = `${JSON.stringify(cassette, null, 2)}\n`;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Every leaf of a JSON value by path (`messages[0].content[0].text`), for comparing requests. */
function leaves(value: CassetteJson, path = '', into = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.length === 0) into.set(path, '[]');
    value.forEach((item, index) => leaves(item, `${path}[${index}]`, into));
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) into.set(path, '{}');
    for (const key of keys) leaves(value[key]!, path === '' ? key : `${path}.${key}`, into);
  } else {
    into.set(path, JSON.stringify(value));
  }
  return into;
}

function shorten(text: string | undefined, max = 80): string {
  if (text === undefined) return '(absent)';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The recorded interaction most like a request (fewest differing fields, the same kind and model breaking
 * ties), with up to `limit` of the differences, for a replay miss to show what changed.
 *
 * @example
 * const closest = closestInteraction(cassette.interactions, 'chat', normalizeRequest(request).request);
 * closest?.differences; // ['messages[0].content[0].text: recorded "Hello", requested "Hello!"']
 */
export function closestInteraction(
  interactions: readonly CassetteInteraction[],
  kind: CassetteInteractionKind,
  request: CassetteJson,
  limit = 3,
): { interaction: CassetteInteraction; differences: string[] } | undefined {
  const wanted = leaves(request);
  let best: { interaction: CassetteInteraction; differences: string[]; score: number } | undefined;
  for (const interaction of interactions) {
    const recorded = leaves(interaction.request);
    const differences: string[] = [];
    for (const path of new Set([...recorded.keys(), ...wanted.keys()])) {
      if (recorded.get(path) !== wanted.get(path)) {
        differences.push(`${path}: recorded ${shorten(recorded.get(path))}, requested ${shorten(wanted.get(path))}`);
      }
    }
    if (interaction.kind !== kind) differences.unshift(`kind: recorded ${interaction.kind}, requested ${kind}`);
    // A different kind counts double: a ConverseStream recording rarely explains a Converse miss.
    const score = differences.length + (interaction.kind !== kind ? 1 : 0);
    if (!best || score < best.score) best = { interaction, differences, score };
  }
  if (!best) return undefined;
  const { interaction, differences } = best;
  const more = differences.length - limit;
  return { interaction, differences: more > 0 ? [...differences.slice(0, limit), `${more} more`] : differences };
}
