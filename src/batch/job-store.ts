/**
 * Where batch jobs live: in memory, or in one JSON file rewritten atomically (temp file + rename) so that a
 * runtime restarted on the same file finds every job, and each running job's checkpoint, as it was.
 */
import { newResourceId } from '../core/resource-id.js';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The statuses of a model invocation job, as the service names them. */
export type BatchJobStatus =
  | 'Submitted'
  | 'Validating'
  | 'Scheduled'
  | 'InProgress'
  | 'Completed'
  | 'PartiallyCompleted'
  | 'Failed'
  | 'Stopping'
  | 'Stopped'
  | 'Expired';

/**
 * The statuses a job never leaves.
 *
 * @example
 * FINAL_JOB_STATUSES.includes(job.status); // true once the job is over
 */
export const FINAL_JOB_STATUSES: readonly BatchJobStatus[] = ['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired'];

/**
 * The statuses in which a job may still be stopped.
 *
 * @example
 * STOPPABLE_JOB_STATUSES.includes('InProgress'); // true
 */
export const STOPPABLE_JOB_STATUSES: readonly BatchJobStatus[] = ['Submitted', 'Validating', 'Scheduled', 'InProgress'];

/** How a job's records are invoked: the native body (`InvokeModel`) or Converse request fields. */
export type ModelInvocationType = 'InvokeModel' | 'Converse';

/**
 * How far a running job got, saved with the job so that a restarted runtime continues where it stopped:
 * the input file it is in, the records of that file already written to part objects, and the totals so far.
 */
export interface BatchJobCheckpoint {
  /** Index (in sorted order) of the input file being processed; earlier files are finished. */
  fileIndex: number;
  /** Records of that file whose output lines are safely in part objects. */
  recordsDone: number;
  /** Part objects written for that file. */
  partsWritten: number;
  processedRecordCount: number;
  successRecordCount: number;
  errorRecordCount: number;
  inputTokenCount: number;
  outputTokenCount: number;
}

/** A batch job as stored: the service's fields (wire casing) plus the runner's bookkeeping. */
export interface BatchJob {
  jobArn: string;
  /** The last part of the ARN: 12 characters `[a-z0-9]`. */
  jobId: string;
  jobName: string;
  modelId: string;
  roleArn: string;
  clientRequestToken?: string;
  status: BatchJobStatus;
  /** Why the job failed or ended early. */
  message?: string;
  /** ISO-8601. */
  submitTime: string;
  lastModifiedTime: string;
  endTime?: string;
  inputDataConfig: { s3InputDataConfig: { s3Uri: string; s3InputFormat?: string; s3BucketOwner?: string } };
  outputDataConfig: { s3OutputDataConfig: { s3Uri: string; s3EncryptionKeyId?: string; s3BucketOwner?: string } };
  vpcConfig?: { subnetIds: string[]; securityGroupIds: string[] };
  timeoutDurationInHours: number;
  jobExpirationTime: string;
  modelInvocationType?: ModelInvocationType;
  tags?: { key: string; value: string }[];
  totalRecordCount?: number;
  processedRecordCount?: number;
  successRecordCount?: number;
  errorRecordCount?: number;
  /** Token totals so far (written to the manifest, not part of the job's description). */
  inputTokenCount?: number;
  outputTokenCount?: number;
  /** Progress saved while the job runs; removed when it ends. */
  checkpoint?: BatchJobCheckpoint;
}

/** Options of `createJobStore`. */
export interface JobStoreOptions {
  /** A JSON file keeping the jobs across restarts. Default: none (jobs live in memory only). */
  file?: string;
}

/** The jobs of one runtime, by id, ARN, name and client token. */
export interface JobStore {
  /** A job by its 12-character id or its ARN. */
  get(identifier: string): BatchJob | undefined;
  /** The job created with this `clientRequestToken`, if any. */
  byClientRequestToken(token: string): BatchJob | undefined;
  /** The job with this name, if any. */
  byName(name: string): BatchJob | undefined;
  /** Every job, in creation order. */
  list(): BatchJob[];
  /** Stores a new job (and saves the file). */
  add(job: BatchJob): Promise<void>;
  /**
   * Changes a job. `persist: false` keeps the change in memory only: progress counts move with every
   * record, but the file is rewritten only at checkpoints and status changes.
   */
  update(jobId: string, patch: Partial<BatchJob>, options?: { persist?: boolean }): Promise<BatchJob>;
  /** Resolves once every change so far is in the file. */
  flush(): Promise<void>;
}

const ARN_ID = /(?:^|\/)([a-z0-9]{12})$/;

/**
 * A new job id: 12 characters `[a-z0-9]`, like the service's.
 *
 * @example
 * newJobId(); // 'k3v9x0q2m7ab'
 */
export function newJobId(): string {
  return newResourceId();
}

/**
 * The ARN of a job.
 *
 * @example
 * jobArnOf('us-east-1', '123456789012', 'abcdefghij12'); // 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghij12'
 */
export function jobArnOf(region: string, accountId: string, jobId: string): string {
  return `arn:aws:bedrock:${region}:${accountId}:model-invocation-job/${jobId}`;
}

interface StoreFile {
  version: 1;
  jobs: BatchJob[];
}

/**
 * Creates a job store: in memory, or backed by a JSON file (read now if it exists, rewritten atomically on
 * every persisted change).
 *
 * @example
 * const jobs = createJobStore({ file: '.local-bedrock/jobs.json' });
 */
export function createJobStore(options: JobStoreOptions = {}): JobStore {
  const jobs = new Map<string, BatchJob>();
  const file = options.file;
  if (file && existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoreFile>;
    for (const job of parsed.jobs ?? []) jobs.set(job.jobId, job);
  }
  // Writes are chained so that an older snapshot can never land after a newer one.
  let writing: Promise<void> = Promise.resolve();
  let sequence = 0;
  const save = (): Promise<void> => {
    if (!file) return Promise.resolve();
    const snapshot = JSON.stringify({ version: 1, jobs: [...jobs.values()] } satisfies StoreFile);
    const temporary = `${file}.${process.pid}.${++sequence}.tmp`;
    writing = writing
      .catch(() => {})
      .then(async () => {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(temporary, snapshot);
        await rename(temporary, file);
      });
    return writing;
  };
  const find = (identifier: string): BatchJob | undefined => {
    const id = ARN_ID.exec(identifier)?.[1];
    const job = id === undefined ? undefined : jobs.get(id);
    return job && (identifier === job.jobId || identifier === job.jobArn) ? job : undefined;
  };
  return {
    get: find,
    byClientRequestToken: (token) => [...jobs.values()].find((job) => job.clientRequestToken === token),
    byName: (name) => [...jobs.values()].find((job) => job.jobName === name),
    list: () => [...jobs.values()],
    add(job) {
      jobs.set(job.jobId, job);
      return save();
    },
    async update(jobId, patch, updateOptions = {}) {
      const job = jobs.get(jobId);
      if (!job) throw new Error(`[local-bedrock] No batch job ${jobId}.`);
      Object.assign(job, patch);
      for (const key of Object.keys(patch) as (keyof BatchJob)[]) if (patch[key] === undefined) delete job[key];
      if (updateOptions.persist !== false) await save();
      return job;
    },
    flush: () => writing.catch(() => {}),
  };
}
