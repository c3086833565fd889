/**
 * Storage adapters for batch jobs: every location is an `s3://bucket/key` URI, kept in memory (the default),
 * in a local directory, or on real S3 through your `S3Client`.
 */
export type { BatchStorage } from './types.js';
export { BatchStorageNotFoundError } from './types.js';
export type { S3Location } from './s3-uri.js';
export {
  BEDROCK_S3_URI_PATTERN,
  InvalidS3UriError,
  bedrockS3UriViolations,
  compareS3Uris,
  formatS3Uri,
  joinS3Uri,
  parseS3Uri,
  s3UriBaseName,
} from './s3-uri.js';
export type { MemoryStorage, MemoryStorageContent, MemoryStorageOptions } from './memory-storage.js';
export { createMemoryStorage } from './memory-storage.js';
export type { DirectoryStorageOptions } from './directory-storage.js';
export { createDirectoryStorage } from './directory-storage.js';
export type { S3ClientLike, S3StorageOptions } from './s3-storage.js';
export { createS3Storage } from './s3-storage.js';
