import { BatchStorageNotFoundError, type BatchStorage } from './types.js';
import { InvalidS3UriError, compareS3Uris, formatS3Uri, parseS3Uri } from './s3-uri.js';

/**
 * Options of `createMemoryStorage`.
 *
 * @example
 * const storage = createMemoryStorage({ chunkSize: 16 }); // reads yield 16-byte chunks
 */
export interface MemoryStorageOptions {
  /**
   * Size of the chunks `read()` yields, in bytes. Default 64 KiB. Small values make a consumer meet lines
   * split across chunks, as it would with a real object store.
   */
  chunkSize?: number;
}

/**
 * What `put()` accepts: text, bytes, or records written as JSON Lines (one `JSON.stringify` per line).
 *
 * @example
 * const records: MemoryStorageContent = [{ recordId: 'CALL0000001', modelInput: { prompt: 'Hi' } }];
 */
export type MemoryStorageContent = string | Uint8Array | readonly unknown[];

/**
 * The in-memory store: the `BatchStorage` contract plus synchronous shortcuts for tests and scripts.
 *
 * @example
 * const storage: MemoryStorage = createMemoryStorage();
 * storage.put('s3://in-bucket/input/records.jsonl', 'line\n');
 * storage.getText('s3://in-bucket/input/records.jsonl'); // 'line\n'
 */
export interface MemoryStorage extends BatchStorage {
  readonly name: 'memory';
  /** Creates or replaces an object; an array of records becomes JSON Lines, each line ending in `\n`. */
  put(uri: string, content: MemoryStorageContent): void;
  /** An object's bytes as UTF-8 text; throws `BatchStorageNotFoundError` when it does not exist. */
  getText(uri: string): string;
  /** An object parsed as JSON Lines (blank lines skipped); throws `BatchStorageNotFoundError` when it does not exist. */
  getJsonLines<T = unknown>(uri: string): T[];
  /** The URIs of all objects, or of those starting with `prefix`, sorted as S3 lists them. */
  keys(prefix?: string): string[];
}

const DEFAULT_CHUNK_SIZE = 64 * 1024;
const UTF8_ENCODER = new TextEncoder();

/** Object operations need a key; a bare bucket (`s3://bucket/`) names no object. */
function objectUri(uri: string): string {
  const location = parseS3Uri(uri);
  if (location.key === '') throw new InvalidS3UriError(uri, 'the URI names a bucket, not an object');
  return formatS3Uri(location);
}

/** Normalizes `s3://bucket` to `s3://bucket/` so a prefix compares like the stored URIs. */
function prefixUri(prefix: string): string {
  return formatS3Uri(parseS3Uri(prefix));
}

function concatChunks(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function toBytes(content: MemoryStorageContent): Uint8Array {
  if (typeof content === 'string') return UTF8_ENCODER.encode(content);
  if (content instanceof Uint8Array) return content.slice();
  return UTF8_ENCODER.encode(content.map((record) => `${JSON.stringify(record)}\n`).join(''));
}

/**
 * Batch storage in memory: the default, with no files and no network. Every object lives in this instance
 * only. `read()` still streams the object in chunks, so code reading batch input is exercised as it would be
 * against S3.
 *
 * @example
 * const storage = createMemoryStorage();
 * storage.put('s3://in-bucket/input/records.jsonl', [{ recordId: 'CALL0000001', modelInput: { messages: [] } }]);
 * // … run a batch job reading s3://in-bucket/input/ and writing s3://out-bucket/output/ …
 * storage.keys('s3://out-bucket/output/'); // ['s3://out-bucket/output/abcdefghij12/manifest.json.out', …]
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): MemoryStorage {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`[local-bedrock] chunkSize must be a positive integer, not ${chunkSize}.`);
  const objects = new Map<string, Uint8Array>();

  const bytesOf = (uri: string): Uint8Array => {
    const bytes = objects.get(objectUri(uri));
    if (!bytes) throw new BatchStorageNotFoundError(uri);
    return bytes;
  };
  const keys = (prefix?: string): string[] => {
    const start = prefix === undefined ? '' : prefixUri(prefix);
    return [...objects.keys()].filter((uri) => uri.startsWith(start)).sort(compareS3Uris);
  };

  return {
    name: 'memory',
    async *read(uri) {
      // Stored arrays are replaced on write, never mutated, so a read in progress keeps its own bytes; each
      // chunk is a copy, so a consumer that edits its chunks cannot change the stored object.
      const bytes = bytesOf(uri);
      for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) yield bytes.slice(offset, offset + chunkSize);
    },
    async exists(uri) {
      // A bare bucket is no object: false, like a missing key, so callers can probe any URI they were given.
      return parseS3Uri(uri).key !== '' && objects.has(objectUri(uri));
    },
    async list(prefix) {
      return keys(prefix);
    },
    async write(uri, body) {
      const key = objectUri(uri);
      if (body instanceof Uint8Array) {
        objects.set(key, body.slice());
        return;
      }
      // Collected first, so a stream that fails part-way leaves the previous object (or none) in place.
      const chunks: Uint8Array[] = [];
      let length = 0;
      for await (const chunk of body) {
        chunks.push(chunk.slice());
        length += chunk.byteLength;
      }
      objects.set(key, concatChunks(chunks, length));
    },
    async delete(uri) {
      objects.delete(objectUri(uri));
    },
    put(uri, content) {
      objects.set(objectUri(uri), toBytes(content));
    },
    getText(uri) {
      return new TextDecoder().decode(bytesOf(uri));
    },
    getJsonLines<T = unknown>(uri: string): T[] {
      return new TextDecoder()
        .decode(bytesOf(uri))
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as T);
    },
    keys,
  };
}
