/**
 * The batch side of one runtime (`runtime.batch`): its job store and storage, the jobs running in the
 * background, their stop and timeout, and events for progress and status changes.
 */
import type { Clock, ManualClock } from '../core/clock.js';
import type { LocalBedrockRuntime } from '../core/runtime.js';
import { FINAL_JOB_STATUSES, createJobStore, type BatchJob, type BatchJobStatus, type JobStore } from './job-store.js';
import { runJob, type BatchInterruption } from './runner.js';
import { createMemoryStorage } from './storage/memory-storage.js';
import type { BatchStorage } from './storage/types.js';

/** How far a job got: sent after every record and every status change. */
export interface BatchProgress {
  jobArn: string;
  jobId: string;
  status: BatchJobStatus;
  /** Records answered so far (successes and errors). */
  processedRecordCount: number;
  /** All records of the job; known once it is validated. */
  totalRecordCount: number | undefined;
  successRecordCount: number;
  errorRecordCount: number;
}

/** Batch options of a runtime (option `batch` of `createRuntime`). */
export interface BatchOptions {
  /** Where inputs are read and outputs written. Default: a new `createMemoryStorage()`. */
  storage?: BatchStorage;
  /**
   * A JSON file keeping jobs (and the checkpoints of running jobs) across restarts. A runtime created on an
   * existing file continues its unfinished jobs. Default: jobs live in memory only.
   */
  jobStore?: string;
  /**
   * `background` (default): CreateModelInvocationJob answers at once and the job runs on its own, as on
   * the service. `immediate`: the job runs to its end before CreateModelInvocationJob answers (tests need no
   * waiting).
   */
  mode?: 'background' | 'immediate';
  /** Records of one job in flight at once. Default: 4. */
  concurrency?: number;
  /** Records per output part object, i.e. how often a running job is checkpointed. Default: 100. */
  checkpointEvery?: number;
  /** Called after every record and every status change of every job. */
  onProgress?: (progress: BatchProgress) => void;
}

/** The events of `runtime.batch.on()`. */
export interface BatchEvents {
  /** After every record and every status change. */
  progress: BatchProgress;
  /** After every status change, with the job as stored. */
  status: BatchJob;
}

/** Options of `waitForJob`. */
export interface WaitForJobOptions {
  /** The statuses to wait for. Default: the final ones (Completed, PartiallyCompleted, Failed, Stopped, Expired). */
  statuses?: readonly BatchJobStatus[];
}

/** The batch jobs of one runtime. */
export interface LocalBatch {
  /** Where this runtime's jobs read and write. */
  readonly storage: BatchStorage;
  /** This runtime's jobs. */
  readonly jobs: JobStore;
  /** Whether CreateModelInvocationJob waits for the job to end. */
  readonly mode: 'background' | 'immediate';
  /** Listens to an event; returns the function that stops listening. */
  on<E extends keyof BatchEvents>(event: E, listener: (payload: BatchEvents[E]) => void): () => void;
  /** Runs a stored job (or continues it from its checkpoint); resolves when it has ended or been interrupted. */
  start(jobId: string): Promise<void>;
  /** Asks a job to stop: it moves to `Stopping`, then `Stopped` once its answered records are written. */
  stop(jobId: string): Promise<void>;
  /** Resolves with the job once it reaches one of `statuses` (default: a final status). */
  waitForJob(jobIdentifier: string, options?: WaitForJobOptions): Promise<BatchJob>;
  /** Interrupts running jobs without changing them (a runtime on the same job store continues them). */
  dispose(): Promise<void>;
}

/** What `createBatch` needs from its runtime, read lazily because the runtime is built around it. */
export interface BatchHost {
  runtime(): LocalBedrockRuntime;
  clock: Clock;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_CHECKPOINT_EVERY = 100;

/** Jobs of every runtime in this process by ARN, so that `waitForJob(client, arn)` finds the runtime running it. */
const JOB_OWNERS = new Map<string, WeakRef<LocalBatch>>();

/**
 * The runtime that owns a job ARN in this process, if any.
 *
 * @example
 * findJobOwner(jobArn)?.waitForJob(jobArn);
 */
export function findJobOwner(jobArn: string): LocalBatch | undefined {
  return JOB_OWNERS.get(jobArn)?.deref();
}

function isManualClock(clock: Clock): clock is ManualClock {
  return typeof (clock as Partial<ManualClock>).onChange === 'function';
}

/**
 * Creates the batch side of a runtime. `createRuntime` calls it; use `runtime.batch`.
 *
 * @example
 * const runtime = createRuntime({ batch: { mode: 'immediate' } });
 * runtime.batch.on('progress', (progress) => console.log(progress.processedRecordCount, '/', progress.totalRecordCount));
 */
export function createBatch(host: BatchHost, options: BatchOptions = {}): LocalBatch {
  const storage = options.storage ?? createMemoryStorage();
  const jobs = createJobStore({ file: options.jobStore });
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const partSize = Math.max(1, Math.floor(options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY));
  const listeners = { progress: new Set<(payload: BatchProgress) => void>(), status: new Set<(payload: BatchJob) => void>() };
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let disposed = false;

  const progressOf = (job: BatchJob): BatchProgress => ({
    jobArn: job.jobArn,
    jobId: job.jobId,
    status: job.status,
    processedRecordCount: job.processedRecordCount ?? 0,
    totalRecordCount: job.totalRecordCount,
    successRecordCount: job.successRecordCount ?? 0,
    errorRecordCount: job.errorRecordCount ?? 0,
  });
  const emitProgress = (job: BatchJob) => {
    if (listeners.progress.size === 0 && !options.onProgress) return;
    const progress = progressOf(job);
    options.onProgress?.(progress);
    for (const listener of [...listeners.progress]) listener(progress);
  };
  const emitStatus = (job: BatchJob) => {
    for (const listener of [...listeners.status]) listener(job);
    emitProgress(job);
  };

  const expiryOf = (job: BatchJob) => new Date(job.jobExpirationTime).getTime();
  const expireDue = () => {
    const now = host.clock.now();
    for (const [jobId, run] of running) {
      const job = jobs.get(jobId);
      if (job && now >= expiryOf(job) && !run.controller.signal.aborted) run.controller.abort('expire' satisfies BatchInterruption);
    }
  };
  // A manual clock tells us when time moves; the system clock gets one timer per running job.
  const stopWatchingClock = isManualClock(host.clock) ? host.clock.onChange(expireDue) : undefined;

  const batch: LocalBatch = {
    storage,
    jobs,
    mode: options.mode ?? 'background',
    on(event, listener) {
      const set = listeners[event] as Set<typeof listener>;
      set.add(listener);
      return () => set.delete(listener);
    },
    start(jobId) {
      const existing = running.get(jobId);
      if (existing) return existing.done;
      const job = jobs.get(jobId);
      if (!job || FINAL_JOB_STATUSES.includes(job.status)) return Promise.resolve();
      JOB_OWNERS.set(job.jobArn, new WeakRef(batch));
      const controller = new AbortController();
      if (host.clock.now() >= expiryOf(job)) controller.abort('expire' satisfies BatchInterruption);
      const timer = isManualClock(host.clock)
        ? undefined
        : setTimeout(() => controller.abort('expire' satisfies BatchInterruption), Math.min(Math.max(expiryOf(job) - host.clock.now(), 0), 2 ** 31 - 1));
      timer?.unref();
      const done = runJob(
        { runtime: host.runtime(), storage, store: jobs, concurrency, partSize, signal: controller.signal, onProgress: emitProgress, onStatus: emitStatus },
        job,
      ).finally(() => {
        if (timer) clearTimeout(timer);
        running.delete(jobId);
      });
      running.set(jobId, { controller, done });
      return done;
    },
    async stop(jobId) {
      const job = jobs.get(jobId);
      if (!job) return;
      const now = new Date(host.clock.now()).toISOString();
      await jobs.update(jobId, { status: 'Stopping', lastModifiedTime: now });
      emitStatus(job);
      const run = running.get(jobId);
      if (run) {
        run.controller.abort('stop' satisfies BatchInterruption);
        return;
      }
      // Not running here (e.g. never started): nothing to wind down.
      await jobs.update(jobId, { status: 'Stopped', endTime: now, lastModifiedTime: now, checkpoint: undefined });
      emitStatus(job);
    },
    waitForJob(jobIdentifier, waitOptions = {}) {
      const statuses = waitOptions.statuses ?? FINAL_JOB_STATUSES;
      const job = jobs.get(jobIdentifier);
      if (!job) return Promise.reject(new Error(`[local-bedrock] waitForJob: no batch job ${jobIdentifier} in this runtime.`));
      if (statuses.includes(job.status)) return Promise.resolve(job);
      if (disposed) return Promise.reject(new Error('[local-bedrock] waitForJob: the runtime was disposed.'));
      return new Promise<BatchJob>((resolve, reject) => {
        const stopListening = batch.on('status', (changed) => {
          if (changed.jobId !== job.jobId || !statuses.includes(changed.status)) return;
          stopListening();
          disposeWaiters.delete(onDispose);
          resolve(changed);
        });
        const onDispose = () => {
          stopListening();
          reject(new Error(`[local-bedrock] waitForJob: the runtime was disposed before job ${job.jobId} reached ${statuses.join(' or ')}.`));
        };
        disposeWaiters.add(onDispose);
      });
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      stopWatchingClock?.();
      const runs = [...running.values()];
      for (const run of runs) if (!run.controller.signal.aborted) run.controller.abort('dispose' satisfies BatchInterruption);
      await Promise.all(runs.map((run) => run.done));
      await jobs.flush();
      for (const waiter of [...disposeWaiters]) waiter();
      for (const job of jobs.list()) if (JOB_OWNERS.get(job.jobArn)?.deref() === batch) JOB_OWNERS.delete(job.jobArn);
    },
  };
  const disposeWaiters = new Set<() => void>();

  // Jobs left unfinished by a previous runtime on the same job store continue here.
  const unfinished = jobs.list().filter((job) => !FINAL_JOB_STATUSES.includes(job.status));
  for (const job of jobs.list()) JOB_OWNERS.set(job.jobArn, new WeakRef(batch));
  if (unfinished.length > 0) {
    setImmediate(() => {
      for (const job of unfinished) if (!disposed) void batch.start(job.jobId);
    });
  }
  return batch;
}

/**
 * Registers a new job's owner (the create operation calls it), so `waitForJob(client, arn)` finds it.
 *
 * @example
 * registerJobOwner(job.jobArn, runtime.batch);
 */
export function registerJobOwner(jobArn: string, batch: LocalBatch): void {
  JOB_OWNERS.set(jobArn, new WeakRef(batch));
}
