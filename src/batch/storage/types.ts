/**
 * Where batch jobs read their input and write their output. Every location is an `s3://bucket/key` URI, as
 * in the job's `inputDataConfig`/`outputDataConfig`; each adapter maps it onto its own medium (memory, a
 * local directory, real S3 through a user's `S3Client`).
 */

/** An object store addressed by `s3://bucket/key` URIs. */
export interface BatchStorage {
  /** A short name for messages and `describe()`: `memory`, `directory`, `s3`. */
  readonly name: string;
  /**
   * Streams an object's bytes in chunks (never the whole object at once, so inputs of any size fit in
   * constant memory). Rejects with a `BatchStorageNotFoundError` when the object does not exist.
   */
  read(uri: string): AsyncIterable<Uint8Array>;
  /** Whether an object exists at exactly this URI. */
  exists(uri: string): Promise<boolean>;
  /**
   * The URIs of the objects whose URI starts with `prefix` (a "folder" when it ends in `/`), sorted.
   * Empty when there are none.
   */
  list(prefix: string): Promise<string[]>;
  /** Creates or replaces an object from bytes or a byte stream (streamed through, not buffered whole). */
  write(uri: string, body: Uint8Array | AsyncIterable<Uint8Array>): Promise<void>;
  /** Deletes an object; deleting a missing object is not an error. */
  delete(uri: string): Promise<void>;
}

const NOT_FOUND_MARKER = Symbol.for('local-bedrock.BatchStorageNotFoundError');

/** The object a storage adapter was asked to read does not exist. */
export class BatchStorageNotFoundError extends Error {
  readonly [NOT_FOUND_MARKER] = true;
  override readonly name = 'BatchStorageNotFoundError';
  constructor(readonly uri: string) {
    super(`[local-bedrock] No object at ${uri}.`);
  }
  /** True for any `BatchStorageNotFoundError`, even one from another copy of this package. */
  static isInstance(value: unknown): value is BatchStorageNotFoundError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[NOT_FOUND_MARKER] === true;
  }
}
