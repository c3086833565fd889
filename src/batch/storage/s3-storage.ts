import type { CompletedPart } from '@aws-sdk/client-s3';
import { BatchStorageNotFoundError, type BatchStorage } from './types.js';
import { InvalidS3UriError, compareS3Uris, formatS3Uri, parseS3Uri, type S3Location } from './s3-uri.js';

/**
 * The part of an `S3Client` (from `@aws-sdk/client-s3`) this adapter uses. Typed structurally so that
 * local-bedrock's types do not depend on the S3 SDK, which is an optional peer.
 *
 * @example
 * const client: S3ClientLike = new S3Client({ region: 'us-east-1' });
 */
export interface S3ClientLike {
  send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * Options of `createS3Storage`.
 *
 * @example
 * const options: S3StorageOptions = { client: new S3Client({ region: 'us-east-1' }), partSize: 16 * 1024 * 1024 };
 */
export interface S3StorageOptions {
  /** The client that reaches S3 (or any S3-compatible endpoint), configured with region and credentials. */
  client: S3ClientLike;
  /**
   * Size of each part when a streamed body is uploaded in parts, in bytes: the most a `write()` holds in
   * memory. At least 5 MiB (S3's minimum part size); default 8 MiB. A stream shorter than one part is sent
   * with a single PutObject.
   */
  partSize?: number;
}

type S3Sdk = typeof import('@aws-sdk/client-s3');

const MIB = 1024 * 1024;
const MIN_PART_SIZE = 5 * MIB;
const DEFAULT_PART_SIZE = 8 * MIB;
/** S3 numbers parts 1 to 10 000. */
const MAX_PARTS = 10_000;

/** Loads the S3 SDK on first use: it is an optional peer of local-bedrock. */
async function loadS3Sdk(): Promise<S3Sdk> {
  try {
    return await import('@aws-sdk/client-s3');
  } catch (cause) {
    throw new Error('[local-bedrock] S3 batch storage needs @aws-sdk/client-s3: npm install @aws-sdk/client-s3', { cause });
  }
}

interface S3ErrorLike {
  name?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** Whether an SDK error says the object (or its bucket) is not there. */
function isNotFound(error: unknown): boolean {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as S3ErrorLike;
  const name = failure.name ?? failure.Code;
  return name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchBucket' || failure.$metadata?.httpStatusCode === 404;
}

function objectLocation(uri: string): S3Location {
  const location = parseS3Uri(uri);
  if (location.key === '') throw new InvalidS3UriError(uri, 'the URI names a bucket, not an object');
  return location;
}

/** A plain `Uint8Array` view of whatever byte chunk a body stream yields (Node `Buffer`s included). */
function plainBytes(chunk: unknown): Uint8Array {
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  const bytes = chunk as Uint8Array;
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The chunks of a GetObject `Body`: a Node `Readable` in Node, a web stream elsewhere. */
async function* bodyChunks(body: unknown): AsyncGenerator<Uint8Array> {
  if (body === undefined || body === null) return;
  if (body instanceof Uint8Array) {
    yield plainBytes(body);
    return;
  }
  if (typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function') {
    // Leaving this loop early (the consumer stopped reading) destroys the stream and frees the socket.
    for await (const chunk of body as AsyncIterable<unknown>) yield plainBytes(chunk);
    return;
  }
  const webBody = body as { transformToWebStream?: () => ReadableStream<Uint8Array>; getReader?: () => ReadableStreamDefaultReader<Uint8Array> };
  const stream = typeof webBody.transformToWebStream === 'function' ? webBody.transformToWebStream() : (body as ReadableStream<Uint8Array>);
  const reader = stream.getReader();
  let done = false;
  try {
    while (!done) {
      const next = await reader.read();
      done = next.done;
      if (next.value) yield plainBytes(next.value);
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Batch storage on real S3 (or any S3-compatible store: MinIO, LocalStack, Ceph) through your `S3Client`, so
 * batch jobs read and write the very `s3://` URIs they name. Reads stream the object; streamed writes go up
 * in parts (one part in memory at a time) and are aborted if the stream fails, so a failed write leaves no
 * object. Needs `@aws-sdk/client-s3`, loaded on first use.
 *
 * A read of a missing bucket is reported like a missing object (`BatchStorageNotFoundError`); other S3
 * errors (access denied, a missing bucket on write) reach the caller unchanged.
 *
 * @example
 * import { S3Client } from '@aws-sdk/client-s3';
 * const storage = createS3Storage({ client: new S3Client({ region: 'us-east-1' }) });
 * for await (const chunk of storage.read('s3://in-bucket/input/records.jsonl')) process.stdout.write(chunk);
 */
export function createS3Storage(options: S3StorageOptions): BatchStorage {
  const { client } = options;
  const partSize = options.partSize ?? DEFAULT_PART_SIZE;
  if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE) {
    throw new RangeError(`[local-bedrock] partSize must be an integer of at least ${MIN_PART_SIZE} bytes (5 MiB, S3's minimum part size), not ${partSize}.`);
  }
  let sdkPromise: Promise<S3Sdk> | undefined;
  const sdk = () => (sdkPromise ??= loadS3Sdk());
  const send = <Output>(command: unknown) => client.send(command as never) as Promise<Output>;

  /** Uploads a stream in parts of `partSize`, holding one part in memory; sends one PutObject if it is short. */
  const writeStream = async (module: S3Sdk, { bucket, key }: S3Location, body: AsyncIterable<Uint8Array>): Promise<void> => {
    // Grows to partSize as bytes arrive, so the many small outputs of a job do not each allocate a full part.
    let part = new Uint8Array(Math.min(partSize, 64 * 1024));
    let filled = 0;
    const reserve = (length: number) => {
      if (length <= part.byteLength) return;
      const grown = new Uint8Array(Math.min(partSize, Math.max(length, part.byteLength * 2)));
      grown.set(part.subarray(0, filled));
      part = grown;
    };
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];
    const flushPart = async () => {
      if (parts.length === MAX_PARTS) throw new Error(`[local-bedrock] s3://${bucket}/${key} needs more than ${MAX_PARTS} parts; raise partSize.`);
      if (uploadId === undefined) {
        // CRC32 named up front makes every part carry a checksum that Complete can repeat, which S3 requires
        // of uploads created with an algorithm and which keeps the SDK's default checksums consistent.
        const created = await send<{ UploadId?: string }>(new module.CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32' }));
        if (!created.UploadId) throw new Error(`[local-bedrock] S3 returned no UploadId for s3://${bucket}/${key}.`);
        uploadId = created.UploadId;
      }
      const PartNumber = parts.length + 1;
      const uploaded = await send<{ ETag?: string; ChecksumCRC32?: string }>(
        new module.UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: part.subarray(0, filled), ChecksumAlgorithm: 'CRC32' }),
      );
      parts.push({ PartNumber, ETag: uploaded.ETag, ...(uploaded.ChecksumCRC32 ? { ChecksumCRC32: uploaded.ChecksumCRC32 } : {}) });
      filled = 0;
    };
    try {
      for await (const chunk of body) {
        let offset = 0;
        while (offset < chunk.byteLength) {
          // A full part goes up only once more bytes arrive, so a body of exactly one part stays a PutObject.
          if (filled === partSize) await flushPart();
          const taken = Math.min(chunk.byteLength - offset, partSize - filled);
          reserve(filled + taken);
          part.set(chunk.subarray(offset, offset + taken), filled);
          filled += taken;
          offset += taken;
        }
      }
      if (uploadId === undefined) {
        await send(new module.PutObjectCommand({ Bucket: bucket, Key: key, Body: part.subarray(0, filled) }));
        return;
      }
      if (filled > 0) await flushPart();
      await send(new module.CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      if (uploadId !== undefined) {
        // Best effort: the caller needs the original failure, and S3 lifecycle rules reap what an abort misses.
        await send(new module.AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
      }
      throw error;
    }
  };

  return {
    name: 's3',
    async *read(uri) {
      const { bucket, key } = objectLocation(uri);
      const module = await sdk();
      let output: { Body?: unknown };
      try {
        output = await send(new module.GetObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (isNotFound(error)) throw new BatchStorageNotFoundError(uri);
        throw error;
      }
      yield* bodyChunks(output.Body);
    },
    async exists(uri) {
      const { bucket, key } = parseS3Uri(uri);
      // A bare bucket is no object: false, like a missing key, so callers can probe any URI they were given.
      if (key === '') return false;
      const module = await sdk();
      try {
        await send(new module.HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
    async list(prefix) {
      const { bucket, key: keyPrefix } = parseS3Uri(prefix);
      const module = await sdk();
      const uris: string[] = [];
      let token: string | undefined;
      do {
        const page = await send<{ Contents?: { Key?: string }[]; IsTruncated?: boolean; NextContinuationToken?: string }>(
          new module.ListObjectsV2Command({ Bucket: bucket, Prefix: keyPrefix === '' ? undefined : keyPrefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) if (object.Key !== undefined) uris.push(formatS3Uri({ bucket, key: object.Key }));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return uris.sort(compareS3Uris);
    },
    async write(uri, body) {
      const location = objectLocation(uri);
      const module = await sdk();
      if (body instanceof Uint8Array) {
        await send(new module.PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: body }));
        return;
      }
      await writeStream(module, location, body);
    },
    async delete(uri) {
      const { bucket, key } = objectLocation(uri);
      const module = await sdk();
      await send(new module.DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
