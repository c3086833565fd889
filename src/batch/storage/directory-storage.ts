import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join, resolve, sep } from 'node:path';
import { finished } from 'node:stream/promises';
import { BatchStorageNotFoundError, type BatchStorage } from './types.js';
import { InvalidS3UriError, compareS3Uris, formatS3Uri, parseS3Uri } from './s3-uri.js';

/**
 * Options of `createDirectoryStorage`.
 *
 * @example
 * const storage = createDirectoryStorage('./batch-data', { chunkSize: 256 * 1024 });
 */
export interface DirectoryStorageOptions {
  /** Size of the chunks `read()` yields, in bytes. Default 64 KiB. */
  chunkSize?: number;
}

/**
 * Where half-written objects wait before their rename. Bucket names start with a letter or digit, so this
 * name never collides with a bucket directory, and it lives under the root so the rename stays on one file
 * system (and is therefore atomic).
 */
const TEMP_DIRECTORY = '.local-bedrock-tmp';
const DEFAULT_CHUNK_SIZE = 64 * 1024;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? ((error as { code?: unknown }).code as string | undefined) : undefined;
}

/** A plain `Uint8Array` view of a `Buffer`, so every adapter yields the same type without copying. */
function plainBytes(chunk: Buffer): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Batch storage in a local directory: `s3://bucket/key` is the file `<root>/bucket/key`, so inputs can be
 * prepared and outputs inspected with ordinary tools. Objects are written to a temporary file and renamed
 * into place, so a crash or a failing stream never leaves half an object. Keys that cannot be a relative
 * file path (`.` or `..` segments, empty segments, a trailing `/`) are refused with an `InvalidS3UriError`.
 *
 * @example
 * const storage = createDirectoryStorage('./batch-data');
 * await storage.write('s3://in-bucket/input/records.jsonl', new TextEncoder().encode('{"recordId":"CALL0000001","modelInput":{}}\n'));
 * // the file is now ./batch-data/in-bucket/input/records.jsonl
 */
export function createDirectoryStorage(root: string, options: DirectoryStorageOptions = {}): BatchStorage {
  const rootDirectory = resolve(root);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`[local-bedrock] chunkSize must be a positive integer, not ${chunkSize}.`);

  /** The path segments of a key, refusing any that would leave the bucket directory or alias another key. */
  const keySegments = (uri: string, key: string): string[] => {
    const segments = key.split('/');
    for (const segment of segments) {
      if (segment === '.' || segment === '..') throw new InvalidS3UriError(uri, `the key segment '${segment}' cannot be stored in a directory`);
      if (segment.includes('\0')) throw new InvalidS3UriError(uri, 'the key contains a NUL character');
      if (sep === '\\' && /[\\:*?"<>|]/.test(segment)) throw new InvalidS3UriError(uri, 'the key contains a character Windows file names cannot hold');
    }
    return segments;
  };

  /** `<root>/bucket/key` for an object URI, with the bucket directory for pruning. */
  const objectPath = (uri: string): { path: string; bucketDirectory: string } => {
    const { bucket, key } = parseS3Uri(uri);
    if (key === '') throw new InvalidS3UriError(uri, 'the URI names a bucket, not an object');
    const segments = keySegments(uri, key);
    // An empty segment (`a//b`, `a/`) would map onto the same file as another key, or onto a directory.
    if (segments.includes('')) throw new InvalidS3UriError(uri, 'a key with an empty segment or a trailing "/" cannot be stored in a directory');
    const bucketDirectory = join(rootDirectory, bucket);
    return { path: join(bucketDirectory, ...segments), bucketDirectory };
  };

  /** Removes directories left empty by a delete, up to (not including) the bucket directory. */
  const pruneEmptyParents = async (path: string, bucketDirectory: string): Promise<void> => {
    let directory = resolve(path, '..');
    while (directory.length > bucketDirectory.length && directory.startsWith(bucketDirectory + sep)) {
      try {
        await rmdir(directory);
      } catch {
        return; // not empty (or already gone): the objects under it keep it
      }
      directory = resolve(directory, '..');
    }
  };

  /** Every file under `directory`, as keys relative to the bucket, skipping directories outside `keyPrefix`. */
  const walk = async (directory: string, relative: string, keyPrefix: string, found: string[]): Promise<void> => {
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      const key = relative + entry.name;
      if (entry.isDirectory()) {
        const folder = `${key}/`;
        if (folder.startsWith(keyPrefix) || keyPrefix.startsWith(folder)) await walk(join(directory, entry.name), folder, keyPrefix, found);
      } else if (entry.isFile() && key.startsWith(keyPrefix)) {
        found.push(key);
      }
    }
  };

  const write = async (uri: string, body: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> => {
    const { path } = objectPath(uri);
    const temporaryDirectory = join(rootDirectory, TEMP_DIRECTORY);
    await mkdir(temporaryDirectory, { recursive: true });
    const temporaryPath = join(temporaryDirectory, `${randomUUID()}.tmp`);
    try {
      const output = createWriteStream(temporaryPath);
      const closed = finished(output);
      // Without a listener, a write error would be unhandled until `closed` is awaited.
      closed.catch(() => undefined);
      try {
        const chunks = body instanceof Uint8Array ? [body] : body;
        for await (const chunk of chunks) {
          if (output.errored) break;
          // Respect backpressure so a large stream stays in constant memory.
          if (!output.write(chunk)) await once(output, 'drain');
        }
      } catch (error) {
        // Closed before the file is removed below, which Windows requires.
        output.destroy();
        await closed.catch(() => undefined);
        throw error;
      }
      output.end();
      await closed;
      await mkdir(resolve(path, '..'), { recursive: true });
      try {
        await rename(temporaryPath, path);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
        // A delete pruned the parent between mkdir and rename; create it again once.
        await mkdir(resolve(path, '..'), { recursive: true });
        await rename(temporaryPath, path);
      }
    } catch (error) {
      await rm(temporaryPath, { force: true });
      if (errorCode(error) === 'EISDIR' || errorCode(error) === 'ENOTDIR' || errorCode(error) === 'EEXIST' || errorCode(error) === 'ENOTEMPTY') {
        throw new Error(`[local-bedrock] Cannot store ${uri} in ${rootDirectory}: a file and a directory would share one path (an object key is also a "folder" of other keys).`, {
          cause: error,
        });
      }
      throw error;
    }
  };

  return {
    name: 'directory',
    async *read(uri) {
      const { path } = objectPath(uri);
      const input = createReadStream(path, { highWaterMark: chunkSize });
      try {
        for await (const chunk of input) yield plainBytes(chunk as Buffer);
      } catch (error) {
        // A "folder" (EISDIR) or a path through a file (ENOTDIR) holds no object either.
        if (['ENOENT', 'EISDIR', 'ENOTDIR'].includes(errorCode(error) ?? '')) throw new BatchStorageNotFoundError(uri);
        throw error;
      } finally {
        input.destroy();
      }
    },
    async exists(uri) {
      const { key } = parseS3Uri(uri);
      // No file can hold a bare bucket, a "folder" key (`a/`) or an empty segment: no such object exists here.
      if (key === '' || key.split('/').includes('')) return false;
      const { path } = objectPath(uri);
      try {
        return (await stat(path)).isFile();
      } catch (error) {
        if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return false;
        throw error;
      }
    },
    async list(prefix) {
      const { bucket, key: keyPrefix } = parseS3Uri(prefix);
      const found: string[] = [];
      await walk(join(rootDirectory, bucket), '', keyPrefix, found);
      return found.map((key) => formatS3Uri({ bucket, key })).sort(compareS3Uris);
    },
    write,
    async delete(uri) {
      const { path, bucketDirectory } = objectPath(uri);
      try {
        await unlink(path);
      } catch (error) {
        // Deleting a missing object is not an error; nor is "deleting" a folder, which is no object.
        const code = errorCode(error);
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return;
        // macOS reports unlinking a directory as EPERM.
        if (code === 'EPERM' && (await stat(path).then((entry) => entry.isDirectory(), () => false))) return;
        throw error;
      }
      await pruneEmptyParents(path, bucketDirectory);
    },
  };
}
