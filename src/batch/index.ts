/**
 * `local-bedrock/batch`: batch inference (model invocation jobs) without any SDK client — the job store,
 * the runner, storage adapters and `waitForJob`. The control-plane operations use these same modules.
 */
export { createBatch, findJobOwner } from './batch-jobs.js';
export type { BatchEvents, BatchHost, BatchOptions, BatchProgress, LocalBatch, WaitForJobOptions } from './batch-jobs.js';
export { FINAL_JOB_STATUSES, STOPPABLE_JOB_STATUSES, createJobStore, jobArnOf, newJobId } from './job-store.js';
export type { BatchJob, BatchJobCheckpoint, BatchJobStatus, JobStore, JobStoreOptions, ModelInvocationType } from './job-store.js';
export { countJsonlLines, jsonlLines } from './jsonl-lines.js';
export type { JsonlLine } from './jsonl-lines.js';
export { runJob } from './runner.js';
export type { BatchInterruption, RunnerContext } from './runner.js';
export { waitForJob } from './wait-for-job.js';
export {
  BEDROCK_S3_URI_PATTERN,
  BatchStorageNotFoundError,
  InvalidS3UriError,
  bedrockS3UriViolations,
  compareS3Uris,
  createDirectoryStorage,
  createMemoryStorage,
  createS3Storage,
  formatS3Uri,
  joinS3Uri,
  parseS3Uri,
  s3UriBaseName,
} from './storage/index.js';
export type {
  BatchStorage,
  DirectoryStorageOptions,
  MemoryStorage,
  MemoryStorageContent,
  MemoryStorageOptions,
  S3ClientLike,
  S3Location,
  S3StorageOptions,
} from './storage/index.js';
