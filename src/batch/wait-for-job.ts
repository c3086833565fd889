/**
 * Waiting for a batch job without polling: the runtime running it says when its status changes.
 */
import { isRuntime, type LocalBedrockRuntime } from '../core/runtime.js';
import { findJobOwner, type WaitForJobOptions } from './batch-jobs.js';
import type { BatchJob } from './job-store.js';

/**
 * Resolves with the job once it reaches a final status (or one of `options.statuses`). Pass the runtime
 * running it, or any SDK client answered by local-bedrock in this process (the job's runtime is found by its
 * ARN). Event-driven: no polling, no sleeps; with a manual clock, `advance()` past the job's expiry ends it.
 *
 * @example
 * const { jobArn } = await client.send(new CreateModelInvocationJobCommand({ … }));
 * const job = await waitForJob(client, jobArn!);
 * job.status; // 'Completed'
 */
export function waitForJob(target: LocalBedrockRuntime | object, jobArn: string, options: WaitForJobOptions = {}): Promise<BatchJob> {
  const batch = isRuntime(target) ? target.batch : findJobOwner(jobArn);
  if (!batch) {
    return Promise.reject(
      new Error(`[local-bedrock] waitForJob: job ${jobArn} is not run by a local-bedrock runtime in this process; pass the runtime that runs it.`),
    );
  }
  return batch.waitForJob(jobArn, options);
}
