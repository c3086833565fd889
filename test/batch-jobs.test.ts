import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  ListModelInvocationJobsCommand,
  StopModelInvocationJobCommand,
  type BedrockClient,
  type CreateModelInvocationJobCommandInput,
} from '@aws-sdk/client-bedrock';
import { afterEach, describe, expect, it } from 'vitest';
import { createDirectoryStorage, createMemoryStorage, createS3Storage, type BatchStorage, type MemoryStorage } from '../src/batch/storage/index.js';
import { waitForJob } from '../src/batch/wait-for-job.js';
import type { BatchJobStatus } from '../src/batch/job-store.js';
import type { BatchOptions, BatchProgress } from '../src/batch/batch-jobs.js';
import { createManualClock } from '../src/core/clock.js';
import { createRuntime, createScriptedBackend, type Backend, type LocalBedrockOptions, type LocalBedrockRuntime } from '../src/index.js';
import { FRONT_DOORS, controlClient, type FrontDoor } from './support/clients.js';
import { startS3Server } from './support/s3-server.js';

const CLAUDE = 'anthropic.claude-3-haiku-20240307-v1:0';
const ROLE = 'arn:aws:iam::123456789012:role/BedrockBatch';
const INPUT = 's3://in-bucket/input/records.jsonl';
const OUTPUT = 's3://out-bucket/output/';

const runtimes: LocalBedrockRuntime[] = [];
const directories: string[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.dispose()));
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

function setup(door: FrontDoor, batch: BatchOptions = {}, options: LocalBedrockOptions = {}) {
  const storage = (batch.storage as MemoryStorage | undefined) ?? createMemoryStorage({ chunkSize: 1000 });
  const runtime = createRuntime({ env: {}, ...options, batch: { mode: 'immediate', ...batch, storage } });
  runtimes.push(runtime);
  return { runtime, storage: storage as MemoryStorage, client: controlClient(door, runtime).client };
}

function claudeRecord(index: number) {
  return {
    recordId: `CALL${String(index).padStart(7, '0')}`,
    modelInput: { anthropic_version: 'bedrock-2023-05-31', max_tokens: 20 + (index % 7), messages: [{ role: 'user', content: `Question number ${index}?` }] },
  };
}

function jobInput(overrides: Partial<CreateModelInvocationJobCommandInput> = {}): CreateModelInvocationJobCommandInput {
  return {
    jobName: 'my-job-1',
    roleArn: ROLE,
    modelId: CLAUDE,
    inputDataConfig: { s3InputDataConfig: { s3Uri: INPUT, s3InputFormat: 'JSONL' } },
    outputDataConfig: { s3OutputDataConfig: { s3Uri: OUTPUT } },
    timeoutDurationInHours: 24,
    ...overrides,
  };
}

async function createJob(client: BedrockClient, overrides: Partial<CreateModelInvocationJobCommandInput> = {}): Promise<string> {
  const { jobArn } = await client.send(new CreateModelInvocationJobCommand(jobInput(overrides)));
  return jobArn!;
}

const jobIdOf = (jobArn: string) => jobArn.slice(jobArn.lastIndexOf('/') + 1);

interface OutputLine {
  recordId: string;
  modelInput?: unknown;
  modelOutput?: { usage?: { input_tokens: number; output_tokens: number; inputTokens?: number; outputTokens?: number }; content?: unknown[]; output?: unknown };
  error?: { errorCode: number; errorMessage: string };
}

async function readJsonLines(storage: BatchStorage, uri: string): Promise<OutputLine[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of storage.read(uri)) chunks.push(chunk);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OutputLine);
}

/**
 * A backend that answers like the scripted one but lets through only as many calls as the test allows;
 * the others wait (and end when their call is aborted). `whenBlocked()` resolves once a call waits.
 */
function gatedChatBackend() {
  const inner = createScriptedBackend();
  let allowance = 0;
  const blocked: (() => void)[] = [];
  const blockedListeners: (() => void)[] = [];
  const backend: Backend = {
    name: 'gated',
    async chat(request, options) {
      if (allowance > 0) allowance--;
      else {
        await new Promise<void>((resolve, reject) => {
          blocked.push(resolve);
          options?.signal?.addEventListener('abort', () => reject(options.signal?.reason ?? new Error('aborted')));
          for (const listener of blockedListeners.splice(0)) listener();
        });
      }
      return inner.chat(request, options);
    },
    chatStream: (request, options) => inner.chatStream(request, options),
  };
  return {
    backend,
    allow(count: number) {
      allowance += count;
      while (allowance > 0 && blocked.length > 0) {
        allowance--;
        blocked.shift()!();
      }
    },
    whenBlocked(): Promise<void> {
      if (blocked.length > 0 && allowance === 0) return Promise.resolve();
      return new Promise((resolve) => blockedListeners.push(resolve));
    },
  };
}

describe.each(FRONT_DOORS)('batch inference jobs through %s', (door) => {
  it('runs 1 000 records end to end: one output line per record, in order, and a manifest that adds up', async () => {
    const { runtime, storage, client } = setup(door);
    const records = Array.from({ length: 1000 }, (_, index) => claudeRecord(index + 1));
    storage.put(INPUT, records);
    const progress: BatchProgress[] = [];
    runtime.batch.on('progress', (event) => progress.push(event));

    const jobArn = await createJob(client);

    expect(jobArn).toMatch(/^arn:aws:bedrock:us-east-1:123456789012:model-invocation-job\/[a-z0-9]{12}$/);
    const byArn = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    const byId = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobIdOf(jobArn) }));
    expect(byArn).toMatchObject({
      jobArn,
      jobName: 'my-job-1',
      modelId: CLAUDE,
      status: 'Completed',
      totalRecordCount: 1000,
      processedRecordCount: 1000,
      successRecordCount: 1000,
      errorRecordCount: 0,
      timeoutDurationInHours: 24,
      modelInvocationType: 'InvokeModel',
    });
    expect(byId.jobArn).toBe(jobArn);
    expect(byArn.submitTime).toBeInstanceOf(Date);
    expect(byArn.jobExpirationTime!.getTime() - byArn.submitTime!.getTime()).toBe(24 * 3600 * 1000);
    expect(byArn.endTime).toBeInstanceOf(Date);

    const folder = `${OUTPUT}${jobIdOf(jobArn)}/`;
    const lines = storage.getJsonLines<OutputLine>(`${folder}records.jsonl.out`);
    expect(lines).toHaveLength(1000);
    lines.forEach((line, index) => {
      expect(line.recordId).toBe(records[index]!.recordId);
      expect(line.modelInput).toEqual(records[index]!.modelInput);
      expect(line.error).toBeUndefined();
      expect(line.modelOutput?.content).toEqual([expect.objectContaining({ type: 'text' })]);
    });
    const [manifest] = storage.getJsonLines<Record<string, number>>(`${folder}manifest.json.out`);
    expect(manifest).toEqual({
      totalRecordCount: 1000,
      processedRecordCount: 1000,
      successRecordCount: 1000,
      errorRecordCount: 0,
      inputTokenCount: lines.reduce((sum, line) => sum + line.modelOutput!.usage!.input_tokens, 0),
      outputTokenCount: lines.reduce((sum, line) => sum + line.modelOutput!.usage!.output_tokens, 0),
    });
    expect(manifest!.inputTokenCount).toBeGreaterThan(1000);
    // Only the outputs remain: the part objects were assembled and removed.
    expect(storage.keys(folder)).toEqual([`${folder}manifest.json.out`, `${folder}records.jsonl.out`]);
    // Progress moved record by record up to the total.
    const counts = progress.map((event) => event.processedRecordCount);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ jobArn, status: 'Completed', processedRecordCount: 1000, totalRecordCount: 1000 });
  }, 60_000);

  it('writes a per-record error for a malformed line or an invalid body, and ends PartiallyCompleted', async () => {
    const { storage, client } = setup(door);
    const good = claudeRecord(1);
    const invalid = { recordId: 'CALL0000002', modelInput: { anthropic_version: 'bedrock-2023-05-31', messages: [{ role: 'user', content: 'no max_tokens' }] } };
    const last = claudeRecord(4);
    storage.put(INPUT, `${JSON.stringify(good)}\n${JSON.stringify(invalid)}\n{"recordId": "CALL0000003", "modelInput": {\n\n${JSON.stringify(last)}\n`);

    const jobArn = await createJob(client);

    const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(job).toMatchObject({ status: 'PartiallyCompleted', totalRecordCount: 4, processedRecordCount: 4, successRecordCount: 2, errorRecordCount: 2 });
    const lines = storage.getJsonLines<OutputLine>(`${OUTPUT}${jobIdOf(jobArn)}/records.jsonl.out`);
    expect(lines.map((line) => line.recordId)).toEqual(['CALL0000001', 'CALL0000002', 'CALL0000003', 'CALL0000004']);
    expect(lines[0]!.modelOutput).toBeDefined();
    expect(lines[1]).toMatchObject({ modelInput: invalid.modelInput, error: { errorCode: 400, errorMessage: expect.stringContaining('max_tokens') } });
    expect(lines[2]).toEqual({ recordId: 'CALL0000003', error: { errorCode: 400, errorMessage: 'Malformed input request, please reformat your input and try again.' } });
    expect(lines[3]!.modelOutput).toBeDefined();
    const [manifest] = storage.getJsonLines<Record<string, number>>(`${OUTPUT}${jobIdOf(jobArn)}/manifest.json.out`);
    expect(manifest).toMatchObject({ totalRecordCount: 4, successRecordCount: 2, errorRecordCount: 2 });
  });

  it('runs a Converse-type job with Converse request fields as modelInput', async () => {
    const progress: BatchProgress[] = [];
    const { storage, client } = setup(door, { onProgress: (event) => progress.push(event) });
    const records = Array.from({ length: 5 }, (_, index) => ({
      recordId: `CONV${String(index).padStart(7, '0')}`,
      modelInput: { messages: [{ role: 'user', content: [{ text: `Say ${index}` }] }], inferenceConfig: { maxTokens: 30 } },
    }));
    storage.put(INPUT, records);

    const jobArn = await createJob(client, { modelInvocationType: 'Converse', modelId: 'amazon.nova-lite-v1:0' });

    const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(job).toMatchObject({ status: 'Completed', modelInvocationType: 'Converse', successRecordCount: 5 });
    const lines = storage.getJsonLines<OutputLine>(`${OUTPUT}${jobIdOf(jobArn)}/records.jsonl.out`);
    expect(lines.map((line) => line.recordId)).toEqual(records.map((record) => record.recordId));
    for (const line of lines) expect(line.modelOutput).toMatchObject({ output: { message: { role: 'assistant' } }, stopReason: expect.any(String) });
    expect(progress.filter((event) => event.status === 'InProgress').map((event) => event.processedRecordCount)).toEqual([0, 1, 2, 3, 4, 5]);
    const [manifest] = storage.getJsonLines<Record<string, number>>(`${OUTPUT}${jobIdOf(jobArn)}/manifest.json.out`);
    expect(manifest!.outputTokenCount).toBe(lines.reduce((sum, line) => sum + line.modelOutput!.usage!.outputTokens!, 0));
  });

  it('runs a profile-only model by its base id, as batch jobs do, though live calls need a profile', async () => {
    const { storage, client } = setup(door);
    storage.put(INPUT, [claudeRecord(1), claudeRecord(2)]);

    const jobArn = await createJob(client, { modelId: 'anthropic.claude-sonnet-4-20250514-v1:0' });

    expect(await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }))).toMatchObject({ status: 'Completed', successRecordCount: 2 });
  });

  it('reads every .jsonl object under an input prefix, each to its own .out', async () => {
    const { storage, client } = setup(door);
    storage.put('s3://in-bucket/batch/a.jsonl', [claudeRecord(1), claudeRecord(2)]);
    storage.put('s3://in-bucket/batch/b.jsonl', [claudeRecord(3), claudeRecord(4), claudeRecord(5)]);
    storage.put('s3://in-bucket/batch/notes.txt', 'not input');

    const jobArn = await createJob(client, { inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://in-bucket/batch/' } } });

    const folder = `${OUTPUT}${jobIdOf(jobArn)}/`;
    expect(storage.keys(folder)).toEqual([`${folder}a.jsonl.out`, `${folder}b.jsonl.out`, `${folder}manifest.json.out`]);
    expect(storage.getJsonLines<OutputLine>(`${folder}a.jsonl.out`).map((line) => line.recordId)).toEqual(['CALL0000001', 'CALL0000002']);
    expect(storage.getJsonLines<OutputLine>(`${folder}b.jsonl.out`).map((line) => line.recordId)).toEqual(['CALL0000003', 'CALL0000004', 'CALL0000005']);
    const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(job).toMatchObject({ status: 'Completed', totalRecordCount: 5, successRecordCount: 5 });
  });

  it('stops a running job: Stopping, then Stopped with the records answered so far', async () => {
    const gate = gatedChatBackend();
    const { runtime, storage, client } = setup(door, { mode: 'background', concurrency: 1 }, { backend: gate.backend });
    storage.put(INPUT, Array.from({ length: 10 }, (_, index) => claudeRecord(index + 1)));
    const statuses: BatchJobStatus[] = [];
    runtime.batch.on('status', (job) => statuses.push(job.status));

    const jobArn = await createJob(client);
    gate.allow(3);
    await gate.whenBlocked();
    const running = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(running).toMatchObject({ status: 'InProgress', totalRecordCount: 10, processedRecordCount: 3, successRecordCount: 3 });
    await client.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
    const stopped = await waitForJob(client, jobArn);

    expect(stopped.status).toBe('Stopped');
    expect(statuses).toEqual(['Validating', 'Scheduled', 'InProgress', 'Stopping', 'Stopped']);
    const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(job).toMatchObject({ status: 'Stopped', totalRecordCount: 10, processedRecordCount: 3, successRecordCount: 3, errorRecordCount: 0 });
    expect(job.endTime).toBeInstanceOf(Date);
    const lines = storage.getJsonLines<OutputLine>(`${OUTPUT}${jobIdOf(jobArn)}/records.jsonl.out`);
    expect(lines.map((line) => line.recordId)).toEqual(['CALL0000001', 'CALL0000002', 'CALL0000003']);
    // A stopped job cannot be stopped again.
    const again = await client.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn })).catch((error: Error) => error);
    expect(again).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Stopped') });
  });

  it('expires a running job when the clock passes its expiration time', async () => {
    const clock = createManualClock('2025-03-01T00:00:00Z');
    const gate = gatedChatBackend();
    const { storage, client } = setup(door, { mode: 'background', concurrency: 2 }, { backend: gate.backend, clock });
    storage.put(INPUT, Array.from({ length: 6 }, (_, index) => claudeRecord(index + 1)));

    const jobArn = await createJob(client, { timeoutDurationInHours: 48 });
    gate.allow(2);
    await gate.whenBlocked();
    const before = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(before.status).toBe('InProgress');
    expect(before.jobExpirationTime).toEqual(new Date('2025-03-03T00:00:00Z'));
    clock.advance(48 * 3600 * 1000);
    const expired = await waitForJob(client, jobArn);

    expect(expired.status).toBe('Expired');
    const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(job).toMatchObject({ status: 'Expired', message: expect.stringContaining('48 hours'), processedRecordCount: 2, endTime: new Date('2025-03-03T00:00:00Z') });
  });

  it('marks a job Failed and logs the cause when its storage breaks mid-run', async () => {
    const memory = createMemoryStorage();
    const warnings: string[] = [];
    const broken: BatchStorage = { ...memory, name: 'broken', write: () => Promise.reject(new Error('disk full')) };
    const { client } = setup(door, { storage: broken }, { logger: { warn: (message) => warnings.push(message) } });
    memory.put(INPUT, [claudeRecord(1), claudeRecord(2)]);

    const jobArn = await createJob(client);

    const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(job).toMatchObject({ status: 'Failed', message: expect.any(String) });
    expect(warnings).toEqual([expect.stringContaining('disk full')]);
  });

  it('fails a job whose input does not exist, with a message', async () => {
    const { client } = setup(door);

    const jobArn = await createJob(client, { inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://in-bucket/missing.jsonl' } } });

    const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(job).toMatchObject({ status: 'Failed', message: expect.stringContaining('s3://in-bucket/missing.jsonl') });
  });

  it.each([
    ['a job name with spaces', { jobName: 'my job' }, "Value 'my job' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern"],
    ['a job name of 64 characters', { jobName: 'j'.repeat(64) }, "at 'jobName' failed to satisfy constraint: Member must have length less than or equal to 63"],
    ['a role ARN that is not an IAM role', { roleArn: 'arn:aws:iam::123456789012:user/me' }, "at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern"],
    ['a timeout under 24 hours', { timeoutDurationInHours: 23 }, "Value '23' at 'timeoutDurationInHours' failed to satisfy constraint: Member must have value greater than or equal to 24"],
    ['a timeout over 168 hours', { timeoutDurationInHours: 169 }, "Value '169' at 'timeoutDurationInHours' failed to satisfy constraint: Member must have value less than or equal to 168"],
    ['an input that is not an S3 URI', { inputDataConfig: { s3InputDataConfig: { s3Uri: 'https://bucket/records.jsonl' } } }, "at 'inputDataConfig.s3InputDataConfig.s3Uri' failed to satisfy constraint"],
    ['an output that is not an S3 URI', { outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://Bad_Bucket/out/' } } }, "at 'outputDataConfig.s3OutputDataConfig.s3Uri' failed to satisfy constraint"],
    ['an unknown invocation type', { modelInvocationType: 'Chat' as never }, "Value 'Chat' at 'modelInvocationType' failed to satisfy constraint: Member must satisfy enum value set: [InvokeModel, Converse]"],
    ['no job name', { jobName: undefined }, "Value null at 'jobName' failed to satisfy constraint: Member must not be null"],
    ['an unknown model', { modelId: 'acme.unknown-model-v1' }, 'The provided model identifier is invalid.'],
  ])('refuses %s with a ValidationException', async (_case, overrides, message) => {
    const { runtime, client } = setup(door);

    const error = await client.send(new CreateModelInvocationJobCommand(jobInput(overrides as Partial<CreateModelInvocationJobCommandInput>))).catch((caught: Error) => caught);

    expect(error).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toContain(message);
    expect(runtime.batch.jobs.list()).toHaveLength(0);
  });

  it('refuses a second job with the same name, but answers a repeated client token with the same job', async () => {
    const { runtime, storage, client } = setup(door);
    storage.put(INPUT, [claudeRecord(1)]);

    const first = await createJob(client, { clientRequestToken: 'token-1' });
    const repeated = await createJob(client, { clientRequestToken: 'token-1' });
    const duplicate = await createJob(client, { clientRequestToken: 'token-2' }).catch((error: Error) => error);

    expect(repeated).toBe(first);
    expect(duplicate).toMatchObject({ name: 'ValidationException', message: 'The provided job name is currently in use.' });
    expect(runtime.batch.jobs.list()).toHaveLength(1);
    const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: first }));
    expect(job.clientRequestToken).toBe('token-1');
  });

  it('answers ResourceNotFoundException for an unknown job and ValidationException for a malformed identifier', async () => {
    const { client } = setup(door);

    const unknown = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: 'abcdefghij12' })).catch((error: Error) => error);
    const unknownStop = await client.send(new StopModelInvocationJobCommand({ jobIdentifier: 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghij12' })).catch((error: Error) => error);
    const malformed = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: 'not-a-job' })).catch((error: Error) => error);

    expect(unknown).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    expect(unknownStop).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(malformed).toMatchObject({ name: 'ValidationException', message: expect.stringContaining("at 'jobIdentifier' failed to satisfy constraint") });
  });

  it('lists jobs filtered by time, status and name, sorted by creation time, page by page', async () => {
    const clock = createManualClock('2025-01-01T00:00:00Z');
    const { storage, client } = setup(door, {}, { clock });
    storage.put(INPUT, [claudeRecord(1)]);
    const arns: string[] = [];
    for (let index = 0; index < 5; index++) {
      const failing = index % 2 === 1;
      arns.push(
        await createJob(client, {
          jobName: `${failing ? 'broken' : 'daily'}-job-${index}`,
          ...(failing ? { inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://in-bucket/none.jsonl' } } } : {}),
        }),
      );
      clock.advance(60_000);
    }
    const list = async (input: ConstructorParameters<typeof ListModelInvocationJobsCommand>[0] = {}) => client.send(new ListModelInvocationJobsCommand(input));

    const all = await list();
    expect(all.invocationJobSummaries!.map((job) => job.jobArn)).toEqual([...arns].reverse());
    expect((await list({ sortOrder: 'Ascending', sortBy: 'CreationTime' })).invocationJobSummaries!.map((job) => job.jobArn)).toEqual(arns);
    expect((await list({ statusEquals: 'Failed' })).invocationJobSummaries!.map((job) => job.jobName)).toEqual(['broken-job-3', 'broken-job-1']);
    expect((await list({ nameContains: 'daily' })).invocationJobSummaries!.map((job) => job.jobName)).toEqual(['daily-job-4', 'daily-job-2', 'daily-job-0']);
    const window = await list({ submitTimeAfter: new Date('2025-01-01T00:00:30Z'), submitTimeBefore: new Date('2025-01-01T00:03:30Z'), sortOrder: 'Ascending' });
    expect(window.invocationJobSummaries!.map((job) => job.jobArn)).toEqual(arns.slice(1, 4));
    expect(all.invocationJobSummaries![0]).toMatchObject({ jobName: 'daily-job-4', status: 'Completed', submitTime: new Date('2025-01-01T00:04:00Z') });

    const first = await list({ maxResults: 2 });
    const second = await list({ maxResults: 2, nextToken: first.nextToken });
    const third = await list({ maxResults: 2, nextToken: second.nextToken });
    expect([...first.invocationJobSummaries!, ...second.invocationJobSummaries!, ...third.invocationJobSummaries!].map((job) => job.jobArn)).toEqual([...arns].reverse());
    expect(third.nextToken).toBeUndefined();
    const tooMany = await list({ maxResults: 1001 }).catch((error: Error) => error);
    expect(tooMany).toMatchObject({ name: 'ValidationException', message: expect.stringContaining("at 'maxResults'") });
  });
});

describe('batch jobs across a restart', () => {
  it('continues an InProgress job on a new runtime with the same job store and storage: every record exactly once', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'local-bedrock-batch-'));
    directories.push(directory);
    const jobStore = join(directory, 'jobs.json');
    const records = Array.from({ length: 250 }, (_, index) => claudeRecord(index + 1));
    const firstStorage = createDirectoryStorage(join(directory, 's3'));
    await firstStorage.write(INPUT, new TextEncoder().encode(records.map((record) => JSON.stringify(record)).join('\n')));
    const gate = gatedChatBackend();
    const first = createRuntime({ env: {}, backend: gate.backend, batch: { storage: firstStorage, jobStore, mode: 'background', concurrency: 2, checkpointEvery: 50 } });
    const { client } = controlClient('middleware', first);

    const jobArn = await createJob(client);
    gate.allow(120);
    await gate.whenBlocked();
    await first.dispose();

    const interrupted = first.batch.jobs.get(jobArn)!;
    expect(interrupted.status).toBe('InProgress');
    expect(interrupted.checkpoint?.recordsDone).toBe(100);

    const secondStorage = createDirectoryStorage(join(directory, 's3'));
    const second = createRuntime({ env: {}, batch: { storage: secondStorage, jobStore, mode: 'background', checkpointEvery: 50 } });
    runtimes.push(second);
    const finished = await waitForJob(second, jobArn);

    expect(finished).toMatchObject({ status: 'Completed', totalRecordCount: 250, processedRecordCount: 250, successRecordCount: 250, errorRecordCount: 0 });
    const lines = await readJsonLines(secondStorage, `${OUTPUT}${jobIdOf(jobArn)}/records.jsonl.out`);
    expect(lines.map((line) => line.recordId)).toEqual(records.map((record) => record.recordId));
    const [manifest] = await readJsonLines(secondStorage, `${OUTPUT}${jobIdOf(jobArn)}/manifest.json.out`);
    expect(manifest).toMatchObject({ processedRecordCount: 250, inputTokenCount: lines.reduce((sum, line) => sum + line.modelOutput!.usage!.input_tokens, 0) });
    expect(await secondStorage.list(`${OUTPUT}${jobIdOf(jobArn)}/`)).toEqual([`${OUTPUT}${jobIdOf(jobArn)}/manifest.json.out`, `${OUTPUT}${jobIdOf(jobArn)}/records.jsonl.out`]);
    const { client: secondClient } = controlClient('requestHandler', second);
    const described = await secondClient.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    expect(described.status).toBe('Completed');
  });
});

describe('a batch job on real S3', () => {
  it('reads its input from and writes its outputs to an S3 server', async () => {
    const s3 = await startS3Server({ buckets: ['in-bucket', 'out-bucket'] });
    try {
      const storage = createS3Storage({ client: s3.client });
      const records = Array.from({ length: 30 }, (_, index) => claudeRecord(index + 1));
      await storage.write(INPUT, new TextEncoder().encode(records.map((record) => `${JSON.stringify(record)}\n`).join('')));
      const runtime = createRuntime({ env: {}, batch: { storage, mode: 'immediate', checkpointEvery: 8 } });
      runtimes.push(runtime);
      const { client } = controlClient('requestHandler', runtime);

      const jobArn = await createJob(client);

      const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
      expect(job).toMatchObject({ status: 'Completed', totalRecordCount: 30, successRecordCount: 30 });
      const folder = `${OUTPUT}${jobIdOf(jobArn)}/`;
      expect(await storage.list(folder)).toEqual([`${folder}manifest.json.out`, `${folder}records.jsonl.out`]);
      const lines = await readJsonLines(storage, `${folder}records.jsonl.out`);
      expect(lines.map((line) => line.recordId)).toEqual(records.map((record) => record.recordId));
      const [manifest] = await readJsonLines(storage, `${folder}manifest.json.out`);
      expect(manifest).toMatchObject({ totalRecordCount: 30, outputTokenCount: lines.reduce((sum, line) => sum + line.modelOutput!.usage!.output_tokens, 0) });
    } finally {
      await s3.close();
    }
  }, 30_000);
});
