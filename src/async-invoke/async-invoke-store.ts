import type { Clock } from '../core/clock.js';
import { BedrockServiceError } from '../errors/bedrock-errors.js';
import { joinS3Uri } from '../batch/storage/s3-uri.js';
import type { BatchStorage } from '../batch/storage/types.js';
import type { LocalBedrockLogger } from '../core/logger.js';
import { newResourceId } from '../core/resource-id.js';
import { renderReel, type ReelPlan } from './nova-reel.js';

/**
 * Async invocations (StartAsyncInvoke / GetAsyncInvoke / ListAsyncInvokes): each runs in the background,
 * writes its files under `{s3Uri}/{invocationId}/` in the runtime's storage, and ends `Completed` or `Failed`.
 */

const encoder = new TextEncoder();

/** The status of an async invocation (the service has no other states). */
export type AsyncInvokeStatus = 'InProgress' | 'Completed' | 'Failed';

/** An async invocation as GetAsyncInvoke describes it (timestamps as ISO strings). */
export interface AsyncInvocation {
  invocationArn: string;
  modelArn: string;
  clientRequestToken?: string;
  status: AsyncInvokeStatus;
  failureMessage?: string;
  submitTime: string;
  lastModifiedTime: string;
  endTime?: string;
  outputDataConfig: { s3OutputDataConfig: { s3Uri: string; kmsKeyId?: string; bucketOwner?: string } };
}

/** What StartAsyncInvoke hands the store once the request is valid. */
export interface AsyncInvokeStart {
  region: string;
  modelId: string;
  modelArn: string;
  plan: ReelPlan;
  outputDataConfig: AsyncInvocation['outputDataConfig'];
  clientRequestToken?: string;
  /** The request's identity for idempotency: the same token with another request is a conflict. */
  fingerprint: string;
}

/** The async invocations of one runtime. */
export interface AsyncInvokeStore {
  start(input: AsyncInvokeStart): AsyncInvocation;
  /** By ARN; `undefined` when there is none. */
  get(invocationArn: string): AsyncInvocation | undefined;
  /** Every invocation, oldest first. */
  list(): AsyncInvocation[];
  /** Resolves with the invocation once it has ended (`Completed` or `Failed`). */
  settled(invocationArn: string): Promise<AsyncInvocation>;
}

/**
 * Creates the store. Storage is read when a job writes, so it follows the runtime's batch storage.
 *
 * @example
 * const store = createAsyncInvokeStore({ clock: SYSTEM_CLOCK, accountId: '123456789012', storage: () => runtime.batch.storage, logger: console });
 */
export function createAsyncInvokeStore(options: { clock: Clock; accountId: string; storage: () => BatchStorage; logger: LocalBedrockLogger }): AsyncInvokeStore {
  const invocations = new Map<string, AsyncInvocation>();
  const fingerprints = new Map<string, string>();
  const running = new Map<string, Promise<AsyncInvocation>>();
  const now = () => new Date(options.clock.now()).toISOString();

  async function run(invocation: AsyncInvocation, input: AsyncInvokeStart): Promise<AsyncInvocation> {
    // Let StartAsyncInvoke answer first, as the service does, then render.
    await new Promise((resolve) => setImmediate(resolve));
    const id = invocation.invocationArn.slice(invocation.invocationArn.lastIndexOf('/') + 1);
    try {
      const storage = options.storage();
      const folder = input.outputDataConfig.s3OutputDataConfig.s3Uri;
      const written: { name: string; uri: string }[] = [];
      for (const file of renderReel(input.modelId, input.plan)) {
        const uri = joinS3Uri(folder, id, file.name);
        await storage.write(uri, file.bytes);
        written.push({ name: file.name, uri });
      }
      // The service's status and manifest files have no published schema; these carry what clients read.
      const shots = written.filter((file) => file.name.startsWith('shot_'));
      const status = { schemaVersion: '1.0', fullVideo: { status: 'SUCCESS', location: written[0]!.uri }, shots: shots.map((shot) => ({ status: 'SUCCESS', location: shot.uri })) };
      const manifest = { invocationArn: invocation.invocationArn, modelArn: invocation.modelArn, outputs: written.map((file) => file.uri) };
      await storage.write(joinS3Uri(folder, id, 'video-generation-status.json'), encoder.encode(JSON.stringify(status)));
      await storage.write(joinS3Uri(folder, id, 'manifest.json'), encoder.encode(JSON.stringify(manifest)));
      invocation.status = 'Completed';
    } catch (error) {
      invocation.status = 'Failed';
      invocation.failureMessage = `Failed to write the output: ${error instanceof Error ? error.message : String(error)}`;
      options.logger.warn(`[local-bedrock] Async invocation ${invocation.invocationArn} failed: ${invocation.failureMessage}`);
    }
    invocation.lastModifiedTime = now();
    invocation.endTime = invocation.lastModifiedTime;
    return invocation;
  }

  return {
    start(input) {
      if (input.clientRequestToken !== undefined) {
        const existing = [...invocations.values()].find((candidate) => candidate.clientRequestToken === input.clientRequestToken);
        if (existing) {
          if (fingerprints.get(existing.invocationArn) !== input.fingerprint) {
            throw new BedrockServiceError('ConflictException', 'The clientRequestToken was already used for a different request.');
          }
          return existing;
        }
      }
      const id = newResourceId();
      const time = now();
      const invocation: AsyncInvocation = {
        invocationArn: `arn:aws:bedrock:${input.region}:${options.accountId}:async-invoke/${id}`,
        modelArn: input.modelArn,
        ...(input.clientRequestToken === undefined ? {} : { clientRequestToken: input.clientRequestToken }),
        status: 'InProgress',
        submitTime: time,
        lastModifiedTime: time,
        outputDataConfig: input.outputDataConfig,
      };
      invocations.set(invocation.invocationArn, invocation);
      fingerprints.set(invocation.invocationArn, input.fingerprint);
      running.set(invocation.invocationArn, run(invocation, input));
      return invocation;
    },
    get: (invocationArn) => invocations.get(invocationArn),
    list: () => [...invocations.values()],
    settled(invocationArn) {
      const job = running.get(invocationArn);
      if (!job) return Promise.reject(new BedrockServiceError('ResourceNotFoundException', `The async invocation ${invocationArn} could not be found.`));
      return job;
    },
  };
}
