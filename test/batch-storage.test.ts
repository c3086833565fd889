import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchStorageNotFoundError,
  InvalidS3UriError,
  createDirectoryStorage,
  createMemoryStorage,
  createS3Storage,
  type BatchStorage,
  type S3ClientLike,
} from '../src/batch/storage/index.js';
import { startS3Server, type S3TestServer } from './support/s3-server.js';

const BUCKET = 'batch-bucket';
const OTHER_BUCKET = 'other-bucket';
const MIB = 1024 * 1024;
const UTF8 = new TextEncoder();

/** Deterministic pseudo-random bytes, so a multi-MB body has no repeating pattern a bug could hide in. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

/** Yields `bytes` in slices of `size` (uneven on purpose), copying so the storage cannot rely on views. */
async function* streamOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.slice(offset, offset + size);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readAll(storage: BatchStorage, uri: string): Promise<{ bytes: Uint8Array; chunks: Uint8Array[] }> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of storage.read(uri)) chunks.push(chunk);
  return { bytes: new Uint8Array(Buffer.concat(chunks)), chunks };
}

async function readText(storage: BatchStorage, uri: string): Promise<string> {
  return new TextDecoder().decode((await readAll(storage, uri)).bytes);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Runs `tasks` with at most `limit` in flight, so 1 100 writes do not open 1 100 sockets at once. */
async function inBatches(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += limit) {
    await Promise.all(Array.from({ length: Math.min(limit, count - start) }, (_, offset) => task(start + offset)));
  }
}

interface Subject {
  storage: BatchStorage;
  close(): Promise<void>;
}

const ADAPTERS: { name: string; largestChunk: number | undefined; open(): Promise<Subject> }[] = [
  {
    name: 'memory',
    largestChunk: 64 * 1024,
    async open() {
      return { storage: createMemoryStorage(), close: async () => undefined };
    },
  },
  {
    name: 'directory',
    largestChunk: 64 * 1024,
    async open() {
      const root = await mkdtemp(join(tmpdir(), 'local-bedrock-directory-storage-'));
      return { storage: createDirectoryStorage(root), close: () => rm(root, { recursive: true, force: true }) };
    },
  },
  {
    name: 's3',
    // The HTTP body arrives in socket-sized chunks whose size the server and kernel decide.
    largestChunk: undefined,
    async open() {
      const server = await startS3Server({ buckets: [BUCKET, OTHER_BUCKET] });
      return { storage: createS3Storage({ client: server.client, partSize: 5 * MIB }), close: () => server.close() };
    },
  },
];

describe.each(ADAPTERS)('$name batch storage', ({ name, largestChunk, open }) => {
  let subject: Subject;
  let storage: BatchStorage;
  let folderCount = 0;
  /** A fresh "folder" per test, so cases never see each other's objects. */
  const folder = () => `s3://${BUCKET}/case-${(folderCount += 1)}/`;

  beforeAll(async () => {
    subject = await open();
    storage = subject.storage;
  }, 30_000);
  afterAll(() => subject?.close());

  it('is named after its medium', () => {
    expect(storage.name).toBe(name);
  });

  it('reads back the bytes it wrote', async () => {
    const uri = `${folder()}records.jsonl`;
    const body = UTF8.encode('{"recordId":"CALL0000001","modelInput":{"prompt":"hi"}}\n');
    await storage.write(uri, body);
    const { bytes, chunks } = await readAll(storage, uri);
    expect(bytes).toEqual(body);
    for (const chunk of chunks) expect(chunk).toBeInstanceOf(Uint8Array);
  });

  it('streams a multi-MB body through write and read, in chunks', async () => {
    const uri = `${folder()}large.jsonl.out`;
    const body = pseudoRandomBytes(12 * MIB + 12_345, 7);
    await storage.write(uri, streamOf(body, 100_003));
    const hash = createHash('sha256');
    let chunkCount = 0;
    let length = 0;
    let largest = 0;
    for await (const chunk of storage.read(uri)) {
      hash.update(chunk);
      chunkCount += 1;
      length += chunk.byteLength;
      largest = Math.max(largest, chunk.byteLength);
    }
    expect(length).toBe(body.byteLength);
    expect(hash.digest('hex')).toBe(sha256(body));
    expect(chunkCount).toBeGreaterThan(1);
    expect(largest).toBeLessThanOrEqual(largestChunk ?? body.byteLength - 1);
  });

  it('writes a stream shorter than one part, and an empty object', async () => {
    const base = folder();
    await storage.write(`${base}short`, streamOf(UTF8.encode('line one\nline two\n'), 4));
    await storage.write(`${base}empty-bytes`, new Uint8Array(0));
    await storage.write(`${base}empty-stream`, streamOf(new Uint8Array(0), 1));
    expect(await readText(storage, `${base}short`)).toBe('line one\nline two\n');
    expect((await readAll(storage, `${base}empty-bytes`)).bytes.byteLength).toBe(0);
    expect((await readAll(storage, `${base}empty-stream`)).bytes.byteLength).toBe(0);
    expect(await storage.list(base)).toEqual([`${base}empty-bytes`, `${base}empty-stream`, `${base}short`]);
  });

  it('lists by prefix, sorted as S3 sorts keys (UTF-8 byte order)', async () => {
    const base = folder();
    const keys = ['b.jsonl', 'a/nested/deep.jsonl', 'records-2.jsonl', 'a.jsonl', 'records.jsonl', '😀.jsonl', 'ｚ.jsonl', 'Z.jsonl'];
    for (const key of keys) await storage.write(`${base}${key}`, UTF8.encode(key));
    await storage.write(`s3://${OTHER_BUCKET}/${base.slice(`s3://${BUCKET}/`.length)}a.jsonl`, UTF8.encode('elsewhere'));

    // 'ｚ' (U+FF5A) sorts before '😀' (U+1F600) in UTF-8, though not in JavaScript's default UTF-16 order.
    expect(await storage.list(base)).toEqual(
      ['Z.jsonl', 'a.jsonl', 'a/nested/deep.jsonl', 'b.jsonl', 'records-2.jsonl', 'records.jsonl', 'ｚ.jsonl', '😀.jsonl'].map((key) => `${base}${key}`),
    );
    expect(await storage.list(`${base}rec`)).toEqual([`${base}records-2.jsonl`, `${base}records.jsonl`]);
    expect(await storage.list(`${base}a/`)).toEqual([`${base}a/nested/deep.jsonl`]);
    expect(await storage.list(`${base}a`)).toEqual([`${base}a.jsonl`, `${base}a/nested/deep.jsonl`]);
    expect(await storage.list(`${base}nothing-here/`)).toEqual([]);
    expect(await storage.list(`s3://${BUCKET}`)).toContain(`${base}b.jsonl`);
    expect(await storage.list(`s3://${BUCKET}/`)).toContain(`${base}b.jsonl`);
  });

  it('lists more than one ListObjectsV2 page (1 000 keys) completely and in order', async () => {
    const base = folder();
    const count = 1_100;
    // Written in a scrambled order, so sorting is the storage's doing.
    await inBatches(count, 50, (index) => storage.write(`${base}part-${String((index * 7919) % count).padStart(5, '0')}.jsonl`, UTF8.encode(String(index))));
    const listed = await storage.list(base);
    expect(listed).toHaveLength(count);
    expect(listed).toEqual(Array.from({ length: count }, (_, index) => `${base}part-${String(index).padStart(5, '0')}.jsonl`));
  }, 60_000);

  it('tells which objects exist', async () => {
    const base = folder();
    await storage.write(`${base}dir/file.jsonl`, UTF8.encode('x'));
    expect(await storage.exists(`${base}dir/file.jsonl`)).toBe(true);
    expect(await storage.exists(`${base}dir/missing.jsonl`)).toBe(false);
    // A "folder" is a prefix, not an object.
    expect(await storage.exists(`${base}dir`)).toBe(false);
    expect(await storage.exists(`${base}dir/file.jsonl/below`)).toBe(false);
    // A bucket is no object either.
    expect(await storage.exists(`s3://${BUCKET}`)).toBe(false);
    expect(await storage.exists(`s3://${BUCKET}/`)).toBe(false);
  });

  it('deletes objects, and deleting a missing one is not an error', async () => {
    const base = folder();
    await storage.write(`${base}keep.jsonl`, UTF8.encode('keep'));
    await storage.write(`${base}folder/drop.jsonl`, UTF8.encode('drop'));
    await storage.delete(`${base}folder/drop.jsonl`);
    await storage.delete(`${base}folder/drop.jsonl`);
    await storage.delete(`${base}never-written.jsonl`);
    expect(await storage.exists(`${base}folder/drop.jsonl`)).toBe(false);
    expect(await storage.list(base)).toEqual([`${base}keep.jsonl`]);
    // Once the folder's last object is gone, its name is free for an object.
    await storage.write(`${base}folder`, UTF8.encode('now an object'));
    expect(await readText(storage, `${base}folder`)).toBe('now an object');
  });

  it('rejects a read of a missing object with BatchStorageNotFoundError', async () => {
    const base = folder();
    await storage.write(`${base}dir/file.jsonl`, UTF8.encode('x'));
    for (const uri of [`${base}missing.jsonl`, `${base}dir`, 's3://no-such-bucket-here/records.jsonl']) {
      const error = await rejectionOf(readAll(storage, uri));
      expect(BatchStorageNotFoundError.isInstance(error), `${uri}: ${String(error)}`).toBe(true);
      expect((error as BatchStorageNotFoundError).uri).toBe(uri);
      expect((error as Error).message).toBe(`[local-bedrock] No object at ${uri}.`);
    }
  });

  it('keeps keys with spaces and non-ASCII characters exactly', async () => {
    const base = folder();
    const uri = `${base}my input/données été 日本語 😀 +%20&=.jsonl`;
    await storage.write(uri, UTF8.encode('unicode'));
    expect(await storage.list(base)).toEqual([uri]);
    expect(await storage.exists(uri)).toBe(true);
    expect(await readText(storage, uri)).toBe('unicode');
    await storage.delete(uri);
    expect(await storage.list(base)).toEqual([]);
  });

  it('replaces an object on overwrite', async () => {
    const uri = `${folder()}records.jsonl.out`;
    await storage.write(uri, UTF8.encode('a much longer first version\n'));
    await storage.write(uri, streamOf(UTF8.encode('second\n'), 3));
    expect(await readText(storage, uri)).toBe('second\n');
    expect(await storage.list(uri)).toEqual([uri]);
  });

  it('keeps the previous object when a streamed write fails part-way', async () => {
    const uri = `${folder()}out.jsonl`;
    await storage.write(uri, UTF8.encode('previous'));
    const failure = new Error('model crashed');
    async function* failing(): AsyncGenerator<Uint8Array> {
      // Past one 5 MiB part, so S3 has a multipart upload in flight when the stream fails.
      yield pseudoRandomBytes(6 * MIB, 3);
      yield pseudoRandomBytes(1 * MIB, 4);
      throw failure;
    }
    expect(await rejectionOf(storage.write(uri, failing()))).toBe(failure);
    expect(await readText(storage, uri)).toBe('previous');
    expect(await storage.list(uri)).toEqual([uri]);
  });

  it('rejects URIs that are not s3://bucket/key with InvalidS3UriError', async () => {
    for (const uri of ['https://bucket/key', 's3://Upper/key', 's3://ab/key', 's3:///key']) {
      expect(InvalidS3UriError.isInstance(await rejectionOf(storage.write(uri, UTF8.encode('x')))), uri).toBe(true);
      expect(InvalidS3UriError.isInstance(await rejectionOf(readAll(storage, uri))), uri).toBe(true);
      expect(InvalidS3UriError.isInstance(await rejectionOf(storage.exists(uri))), uri).toBe(true);
      expect(InvalidS3UriError.isInstance(await rejectionOf(storage.list(uri))), uri).toBe(true);
    }
    // A bucket is no object.
    expect(InvalidS3UriError.isInstance(await rejectionOf(storage.write(`s3://${BUCKET}/`, UTF8.encode('x'))))).toBe(true);
    expect(InvalidS3UriError.isInstance(await rejectionOf(storage.delete(`s3://${BUCKET}`)))).toBe(true);
  });
});

describe('memory batch storage helpers', () => {
  it('puts text, bytes and records, and reads them back as text and JSON Lines', () => {
    const storage = createMemoryStorage();
    storage.put('s3://in-bucket/input/records.jsonl', [
      { recordId: 'CALL0000001', modelInput: { prompt: 'one' } },
      { recordId: 'CALL0000002', modelInput: { prompt: 'two' } },
    ]);
    storage.put('s3://in-bucket/input/notes.txt', 'plain text');
    storage.put('s3://in-bucket/other/bytes.bin', new Uint8Array([1, 2, 3]));
    expect(storage.getText('s3://in-bucket/input/records.jsonl')).toBe(
      '{"recordId":"CALL0000001","modelInput":{"prompt":"one"}}\n{"recordId":"CALL0000002","modelInput":{"prompt":"two"}}\n',
    );
    expect(storage.getJsonLines<{ recordId: string }>('s3://in-bucket/input/records.jsonl').map((record) => record.recordId)).toEqual([
      'CALL0000001',
      'CALL0000002',
    ]);
    expect(storage.getText('s3://in-bucket/input/notes.txt')).toBe('plain text');
    expect(storage.keys('s3://in-bucket/input/')).toEqual(['s3://in-bucket/input/notes.txt', 's3://in-bucket/input/records.jsonl']);
    expect(storage.keys()).toEqual(['s3://in-bucket/input/notes.txt', 's3://in-bucket/input/records.jsonl', 's3://in-bucket/other/bytes.bin']);
  });

  it('copies put bytes, so later changes to the caller’s array do not leak in', async () => {
    const storage = createMemoryStorage();
    const bytes = new Uint8Array([1, 2, 3]);
    storage.put('s3://in-bucket/bytes.bin', bytes);
    await storage.write('s3://in-bucket/written.bin', bytes);
    bytes[0] = 9;
    expect((await readAll(storage, 's3://in-bucket/bytes.bin')).bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect((await readAll(storage, 's3://in-bucket/written.bin')).bytes).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('reads in chunks of the configured size, splitting lines across chunks', async () => {
    const storage = createMemoryStorage({ chunkSize: 10 });
    storage.put('s3://in-bucket/records.jsonl', [{ recordId: 'CALL0000001' }, { recordId: 'CALL0000002' }]);
    const { chunks } = await readAll(storage, 's3://in-bucket/records.jsonl');
    expect(chunks.map((chunk) => chunk.byteLength)).toEqual([10, 10, 10, 10, 10, 4]); // 54 bytes: two 27-byte lines
  });

  it('throws BatchStorageNotFoundError from getText and getJsonLines for a missing object', () => {
    const storage = createMemoryStorage();
    expect(() => storage.getText('s3://in-bucket/missing')).toThrow(BatchStorageNotFoundError);
    expect(() => storage.getJsonLines('s3://in-bucket/missing')).toThrow('[local-bedrock] No object at s3://in-bucket/missing.');
  });

  it('refuses a chunk size that is not a positive integer', () => {
    expect(() => createMemoryStorage({ chunkSize: 0 })).toThrow(RangeError);
  });
});

describe('directory batch storage on disk', () => {
  let root: string;
  let storage: BatchStorage;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'local-bedrock-directory-layout-'));
    storage = createDirectoryStorage(root);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('stores s3://bucket/key as the file <root>/bucket/key, and lists files put there by hand', async () => {
    await storage.write('s3://in-bucket/input/records.jsonl', UTF8.encode('{"recordId":"CALL0000001"}\n'));
    expect(await readFile(join(root, 'in-bucket', 'input', 'records.jsonl'), 'utf8')).toBe('{"recordId":"CALL0000001"}\n');
    await writeFile(join(root, 'in-bucket', 'input', 'by-hand.jsonl'), 'hand\n');
    expect(await storage.list('s3://in-bucket/input/')).toEqual(['s3://in-bucket/input/by-hand.jsonl', 's3://in-bucket/input/records.jsonl']);
    expect(await readText(storage, 's3://in-bucket/input/by-hand.jsonl')).toBe('hand\n');
  });

  it('leaves no temporary file behind, after a write or a failed write', async () => {
    await storage.write('s3://in-bucket/clean/a.jsonl', streamOf(UTF8.encode('abc'), 1));
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield UTF8.encode('half');
      throw new Error('stream broke');
    }
    await expect(storage.write('s3://in-bucket/clean/b.jsonl', failing())).rejects.toThrow('stream broke');
    expect(await readdir(join(root, '.local-bedrock-tmp'))).toEqual([]);
    expect(await storage.exists('s3://in-bucket/clean/b.jsonl')).toBe(false);
  });

  it('refuses keys that would leave the bucket directory or alias another key', async () => {
    for (const uri of ['s3://in-bucket/../escape.jsonl', 's3://in-bucket/a/../../escape.jsonl', 's3://in-bucket/./a.jsonl', 's3://in-bucket/a//b.jsonl', 's3://in-bucket/folder/']) {
      const error = await rejectionOf(storage.write(uri, UTF8.encode('x')));
      expect(InvalidS3UriError.isInstance(error), uri).toBe(true);
      expect(InvalidS3UriError.isInstance(await rejectionOf(readAll(storage, uri))), uri).toBe(true);
    }
    expect(await readdir(root)).not.toContain('escape.jsonl');
  });

  it('explains a key that is both an object and a folder of other keys', async () => {
    await storage.write('s3://in-bucket/conflict', UTF8.encode('object'));
    await expect(storage.write('s3://in-bucket/conflict/child.jsonl', UTF8.encode('child'))).rejects.toThrow(/a file and a directory would share one path/);
  });
});

describe('S3 batch storage against s3rver', () => {
  let server: S3TestServer;
  const sent: string[] = [];
  let storage: BatchStorage;
  beforeAll(async () => {
    server = await startS3Server({ buckets: [BUCKET] });
    // Observes the commands on their way to the real client; the server answers every one.
    const observed: S3ClientLike = {
      send: (command: never, options?: { abortSignal?: AbortSignal }) => {
        sent.push((command as object).constructor.name);
        return server.client.send(command, options);
      },
    };
    storage = createS3Storage({ client: observed, partSize: 5 * MIB });
  }, 30_000);
  afterAll(() => server?.close());

  it('uploads a stream longer than one part as a multipart upload, readable by any S3 client', async () => {
    const body = pseudoRandomBytes(11 * MIB, 11);
    sent.length = 0;
    await storage.write(`s3://${BUCKET}/multipart/out.jsonl.out`, streamOf(body, 65_536));
    expect(sent).toEqual(['CreateMultipartUploadCommand', 'UploadPartCommand', 'UploadPartCommand', 'UploadPartCommand', 'CompleteMultipartUploadCommand']);
    const object = await server.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'multipart/out.jsonl.out' }));
    // Compared by digest: a deep equality of 11 MiB arrays, element by element, takes minutes.
    expect(sha256(await object.Body!.transformToByteArray())).toBe(sha256(body));
  });

  it('sends a stream of at most one part, and plain bytes, as a single PutObject', async () => {
    sent.length = 0;
    await storage.write(`s3://${BUCKET}/single/exactly-one-part`, streamOf(pseudoRandomBytes(5 * MIB, 5), 1_000_000));
    await storage.write(`s3://${BUCKET}/single/bytes`, pseudoRandomBytes(6 * MIB, 6));
    expect(sent).toEqual(['PutObjectCommand', 'PutObjectCommand']);
  });

  it('aborts the multipart upload when the stream fails', async () => {
    sent.length = 0;
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield pseudoRandomBytes(6 * MIB, 8);
      throw new Error('stream broke');
    }
    await expect(storage.write(`s3://${BUCKET}/aborted/out.jsonl`, failing())).rejects.toThrow('stream broke');
    expect(sent).toEqual(['CreateMultipartUploadCommand', 'UploadPartCommand', 'AbortMultipartUploadCommand']);
    const listing = await server.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'aborted/' }));
    expect(listing.KeyCount).toBe(0);
  });

  it('reads and lists objects another S3 client put there', async () => {
    await server.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'from-elsewhere/records.jsonl', Body: '{"recordId":"CALL0000001"}\n' }));
    expect(await storage.list(`s3://${BUCKET}/from-elsewhere/`)).toEqual([`s3://${BUCKET}/from-elsewhere/records.jsonl`]);
    expect(await readText(storage, `s3://${BUCKET}/from-elsewhere/records.jsonl`)).toBe('{"recordId":"CALL0000001"}\n');
  });

  it('reports a missing bucket as a missing object on read and exists, and as S3’s error on write', async () => {
    expect(await storage.exists('s3://no-such-bucket/records.jsonl')).toBe(false);
    expect(BatchStorageNotFoundError.isInstance(await rejectionOf(readAll(storage, 's3://no-such-bucket/records.jsonl')))).toBe(true);
    expect(await rejectionOf(storage.write('s3://no-such-bucket/records.jsonl', UTF8.encode('x')))).toMatchObject({ name: 'NoSuchBucket' });
  });

  it('refuses a part size below S3’s 5 MiB minimum', () => {
    expect(() => createS3Storage({ client: server.client, partSize: 1024 })).toThrow(RangeError);
  });
});
