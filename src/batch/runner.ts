/**
 * Runs one batch job: validates its input, streams every record through the runtime's real operation
 * pipeline (codecs, token counting, errors) with bounded concurrency, and writes the outputs and manifest
 * exactly where and how Bedrock does. Memory stays constant in the number of records: input is read line by
 * line, and output lines are written in part objects of `partSize` records, assembled into the final `.out`
 * by streaming the parts once a file is done. Each part is followed by a checkpoint in the job store, so a
 * runtime restarted on the same store and storage continues without losing or repeating a record.
 */
import { handleBedrockRequest } from '../core/handle-request.js';
import { describeError } from '../core/describe-error.js';
import type { LocalHttpRequest } from '../core/http-types.js';
import type { LocalBedrockRuntime } from '../core/runtime.js';
import { jsonlLines, type JsonlLine } from './jsonl-lines.js';
import type { BatchJob, BatchJobCheckpoint, BatchJobStatus, JobStore } from './job-store.js';
import type { BatchStorage } from './storage/types.js';

/** Why a running job was interrupted: a user's stop, its timeout, or its runtime going away. */
export type BatchInterruption = 'stop' | 'expire' | 'dispose';

/** What the runner needs from the runtime that owns the job. */
export interface RunnerContext {
  runtime: LocalBedrockRuntime;
  storage: BatchStorage;
  store: JobStore;
  /** Records in flight at once. */
  concurrency: number;
  /** Records per part object (and per checkpoint). */
  partSize: number;
  /** Aborted with a `BatchInterruption` as its reason. */
  signal: AbortSignal;
  /** Called after each record and each status change. */
  onProgress(job: BatchJob): void;
  onStatus(job: BatchJob): void;
}

interface RecordResult {
  line: string;
  ok: boolean;
  inputTokens: number;
  outputTokens: number;
  /** The call finished after the job was interrupted: its answer is not kept. */
  late: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MALFORMED_RECORD = 'Malformed input request, please reformat your input and try again.';

/**
 * Runs (or continues) a job to its end. Never rejects: a failure marks the job `Failed` with a message and is
 * logged; an interruption by `dispose` leaves the job as it is, to be continued by the next runtime.
 *
 * @example
 * await runJob(context, store.get('abcdefghij12')!);
 */
export async function runJob(context: RunnerContext, job: BatchJob): Promise<void> {
  try {
    await runStages(context, job);
  } catch (error) {
    if (context.signal.aborted && context.signal.reason === 'dispose') return;
    context.runtime.logger.warn(`[local-bedrock] Batch job ${job.jobArn} failed: ${describeError(error)}`);
    await finish(context, job, 'Failed', 'The batch job failed because of an internal error.').catch(() => {});
  }
}

async function setStatus(context: RunnerContext, job: BatchJob, status: BatchJobStatus, patch: Partial<BatchJob> = {}): Promise<void> {
  await context.store.update(job.jobId, { ...patch, status, lastModifiedTime: new Date(context.runtime.clock.now()).toISOString() });
  context.onStatus(job);
}

async function finish(context: RunnerContext, job: BatchJob, status: BatchJobStatus, message?: string): Promise<void> {
  const now = new Date(context.runtime.clock.now()).toISOString();
  await context.store.update(job.jobId, { status, message, endTime: now, lastModifiedTime: now, checkpoint: undefined });
  context.onStatus(job);
}

/** The input objects of a job: the object itself, or every `.jsonl` object under a prefix. */
async function inputFiles(storage: BatchStorage, uri: string): Promise<string[]> {
  if (!uri.endsWith('/') && (await storage.exists(uri))) return [uri];
  const prefix = uri.endsWith('/') ? uri : `${uri}/`;
  return (await storage.list(prefix)).filter((candidate) => candidate.endsWith('.jsonl'));
}

/** `s3://bucket/out/` + job id → `s3://bucket/out/{jobId}/`. */
function outputFolder(job: BatchJob): string {
  return `${job.outputDataConfig.s3OutputDataConfig.s3Uri.replace(/\/+$/, '')}/${job.jobId}/`;
}

function fileName(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}

function partUri(job: BatchJob, inputUri: string, part: number): string {
  return `${outputFolder(job)}.parts/${fileName(inputUri)}.${String(part).padStart(6, '0')}`;
}

function interruption(signal: AbortSignal): BatchInterruption | undefined {
  return signal.aborted ? (signal.reason as BatchInterruption) : undefined;
}

async function runStages(context: RunnerContext, job: BatchJob): Promise<void> {
  const { storage, signal } = context;
  const inputUri = job.inputDataConfig.s3InputDataConfig.s3Uri;
  if (job.status === 'Stopping') return finish(context, job, 'Stopped');
  if (job.status !== 'InProgress') {
    // Nothing was written yet: (re)start from validation.
    await setStatus(context, job, 'Validating');
    const files = await inputFiles(storage, inputUri);
    if (files.length === 0) {
      return finish(context, job, 'Failed', `The input location ${inputUri} does not contain any .jsonl file, or cannot be accessed with the provided role.`);
    }
    let total = 0;
    for (const file of files) {
      for await (const _line of jsonlLines(storage.read(file))) total++;
      if (interruption(signal)) return interrupted(context, job, [], undefined);
    }
    if (total === 0) return finish(context, job, 'Failed', `The input location ${inputUri} does not contain any records.`);
    await setStatus(context, job, 'Scheduled', { totalRecordCount: total, processedRecordCount: 0, successRecordCount: 0, errorRecordCount: 0 });
    if (interruption(signal)) return interrupted(context, job, [], undefined);
    await setStatus(context, job, 'InProgress', { checkpoint: emptyCheckpoint() });
  }
  const files = await inputFiles(storage, inputUri);
  const checkpoint: BatchJobCheckpoint = { ...(job.checkpoint ?? emptyCheckpoint()) };
  // A job continued on another runtime needs the same storage: without its input it cannot go on.
  if (files.length === 0) return finish(context, job, 'Failed', `The input location ${inputUri} is no longer accessible.`);
  // Counts after the checkpoint were lost with the previous runtime; their records run again.
  Object.assign(job, pickCounts(checkpoint));
  for (let fileIndex = checkpoint.fileIndex; fileIndex < files.length; fileIndex++) {
    const file = files[fileIndex]!;
    const stoppedBy = await runFile(context, job, file, checkpoint);
    if (stoppedBy) return interrupted(context, job, files, stoppedBy);
    const parts = checkpoint.partsWritten;
    await assemble(context, job, file, parts);
    Object.assign(checkpoint, { fileIndex: fileIndex + 1, recordsDone: 0, partsWritten: 0 });
    await context.store.update(job.jobId, { checkpoint: { ...checkpoint } });
    await deleteParts(context, job, file, parts);
  }
  await writeManifest(context, job);
  const errors = job.errorRecordCount ?? 0;
  await finish(context, job, errors > 0 ? 'PartiallyCompleted' : 'Completed');
}

function emptyCheckpoint(): BatchJobCheckpoint {
  return { fileIndex: 0, recordsDone: 0, partsWritten: 0, processedRecordCount: 0, successRecordCount: 0, errorRecordCount: 0, inputTokenCount: 0, outputTokenCount: 0 };
}

function pickCounts(checkpoint: BatchJobCheckpoint): Partial<BatchJob> {
  const { processedRecordCount, successRecordCount, errorRecordCount, inputTokenCount, outputTokenCount } = checkpoint;
  return { processedRecordCount, successRecordCount, errorRecordCount, inputTokenCount, outputTokenCount };
}

/**
 * Processes the remaining records of one input file. Returns the interruption that stopped it, if any; the
 * records answered before it are in part objects (and counted) either way.
 */
async function runFile(context: RunnerContext, job: BatchJob, file: string, checkpoint: BatchJobCheckpoint): Promise<BatchInterruption | undefined> {
  const { signal, storage } = context;
  let buffer: string[] = [];
  const writePart = async () => {
    if (buffer.length === 0) return;
    await storage.write(partUri(job, file, checkpoint.partsWritten), encoder.encode(`${buffer.join('\n')}\n`));
    checkpoint.partsWritten++;
    checkpoint.recordsDone += buffer.length;
    Object.assign(checkpoint, { processedRecordCount: job.processedRecordCount ?? 0, successRecordCount: job.successRecordCount ?? 0, errorRecordCount: job.errorRecordCount ?? 0 });
    checkpoint.inputTokenCount = job.inputTokenCount ?? 0;
    checkpoint.outputTokenCount = job.outputTokenCount ?? 0;
    buffer = [];
    await context.store.update(job.jobId, { checkpoint: { ...checkpoint } });
  };
  const emit = async (result: RecordResult) => {
    if (result.late) return;
    buffer.push(result.line);
    job.processedRecordCount = (job.processedRecordCount ?? 0) + 1;
    if (result.ok) job.successRecordCount = (job.successRecordCount ?? 0) + 1;
    else job.errorRecordCount = (job.errorRecordCount ?? 0) + 1;
    job.inputTokenCount = (job.inputTokenCount ?? 0) + result.inputTokens;
    job.outputTokenCount = (job.outputTokenCount ?? 0) + result.outputTokens;
    context.onProgress(job);
    if (buffer.length >= context.partSize) await writePart();
  };
  // A sliding window keeps `concurrency` records in flight while writing their lines in input order.
  const window: Promise<RecordResult>[] = [];
  const skip = checkpoint.recordsDone;
  for await (const line of jsonlLines(storage.read(file))) {
    if (line.index < skip) continue;
    if (signal.aborted) break;
    window.push(processRecord(context, job, line));
    if (window.length >= context.concurrency) await emit(await window.shift()!);
  }
  while (window.length > 0) await emit(await window.shift()!);
  const stoppedBy = interruption(signal);
  // A disposed runtime leaves the unsaved lines behind: the next runtime answers them again from the checkpoint.
  if (stoppedBy !== 'dispose') await writePart();
  return stoppedBy;
}

async function processRecord(context: RunnerContext, job: BatchJob, line: JsonlLine): Promise<RecordResult> {
  const { signal } = context;
  const generatedId = `CALL${String(line.index + 1).padStart(7, '0')}`;
  let record: unknown;
  try {
    record = JSON.parse(line.text);
  } catch {
    return failure({ recordId: generatedId }, 400, MALFORMED_RECORD, signal);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return failure({ recordId: generatedId }, 400, MALFORMED_RECORD, signal);
  const { recordId: givenId, modelInput } = record as { recordId?: unknown; modelInput?: unknown };
  const recordId = typeof givenId === 'string' && givenId !== '' ? givenId : generatedId;
  if (typeof modelInput !== 'object' || modelInput === null || Array.isArray(modelInput)) {
    return failure({ recordId, modelInput }, 400, 'The record has no modelInput object. Each line must be {"recordId": …, "modelInput": {…}}.', signal);
  }
  const converse = job.modelInvocationType === 'Converse';
  const inputText = JSON.stringify(modelInput);
  const request: LocalHttpRequest = {
    method: 'POST',
    path: `/model/${encodeURIComponent(job.modelId)}/${converse ? 'converse' : 'invoke'}`,
    query: {},
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: encoder.encode(inputText),
  };
  const response = await handleBedrockRequest(context.runtime, request, { signal, origin: 'batch' });
  const outputText = decoder.decode(await bodyBytes(response.body));
  if (response.statusCode !== 200) {
    const message = (parseJson(outputText) as { message?: unknown } | undefined)?.message;
    return failure({ recordId, modelInput }, response.statusCode, typeof message === 'string' ? message : outputText, signal);
  }
  // InvokeModel reports usage in headers; Converse only in its body.
  const usage = converse ? (parseJson(outputText) as { usage?: { inputTokens?: number; outputTokens?: number } } | undefined)?.usage : undefined;
  const inputTokens = converse ? (usage?.inputTokens ?? 0) : Number(response.headers['x-amzn-bedrock-input-token-count'] ?? 0);
  const outputTokens = converse ? (usage?.outputTokens ?? 0) : Number(response.headers['x-amzn-bedrock-output-token-count'] ?? 0);
  return {
    // Both bodies are already JSON text: splicing them in spares a parse and a serialization per record.
    line: `{"recordId":${JSON.stringify(recordId)},"modelInput":${inputText},"modelOutput":${outputText}}`,
    ok: true,
    inputTokens,
    outputTokens,
    late: signal.aborted,
  };
}

function failure(fields: { recordId: string; modelInput?: unknown }, errorCode: number, errorMessage: string, signal: AbortSignal): RecordResult {
  return { line: JSON.stringify({ ...fields, error: { errorCode, errorMessage } }), ok: false, inputTokens: 0, outputTokens: 0, late: signal.aborted };
}

async function bodyBytes(body: Uint8Array | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Streams a file's parts, in order, into its final `.out` object. */
async function assemble(context: RunnerContext, job: BatchJob, file: string, parts: number): Promise<void> {
  const { storage } = context;
  const target = `${outputFolder(job)}${fileName(file)}.out`;
  if (parts === 0) return storage.write(target, new Uint8Array(0));
  await storage.write(
    target,
    (async function* () {
      for (let part = 0; part < parts; part++) yield* storage.read(partUri(job, file, part));
    })(),
  );
}

async function deleteParts(context: RunnerContext, job: BatchJob, file: string, parts: number): Promise<void> {
  // The parts of a finished file are no longer needed; a missing one (deleted before a restart) is fine.
  for (let part = 0; part < Math.max(parts, 0); part++) await context.storage.delete(partUri(job, file, part));
}

async function writeManifest(context: RunnerContext, job: BatchJob): Promise<void> {
  const manifest = {
    totalRecordCount: job.totalRecordCount ?? 0,
    processedRecordCount: job.processedRecordCount ?? 0,
    successRecordCount: job.successRecordCount ?? 0,
    errorRecordCount: job.errorRecordCount ?? 0,
    inputTokenCount: job.inputTokenCount ?? 0,
    outputTokenCount: job.outputTokenCount ?? 0,
  };
  await context.storage.write(`${outputFolder(job)}manifest.json.out`, encoder.encode(`${JSON.stringify(manifest)}\n`));
}

/**
 * Ends an interrupted job. A stop or a timeout keeps what was answered: the current file's parts become
 * its `.out` and the manifest counts them. A disposed runtime changes nothing.
 */
async function interrupted(context: RunnerContext, job: BatchJob, files: string[], stoppedBy: BatchInterruption | undefined): Promise<void> {
  const reason = stoppedBy ?? interruption(context.signal);
  if (reason === 'dispose' || reason === undefined) return;
  const checkpoint = job.checkpoint;
  const current = checkpoint ? files[checkpoint.fileIndex] : undefined;
  if (checkpoint && current) {
    await assemble(context, job, current, checkpoint.partsWritten);
    await deleteParts(context, job, current, checkpoint.partsWritten);
  }
  if (job.status === 'InProgress' || job.status === 'Stopping') await writeManifest(context, job);
  if (reason === 'expire') await finish(context, job, 'Expired', `The batch job did not finish within its timeout of ${job.timeoutDurationInHours} hours.`);
  else await finish(context, job, 'Stopped');
}
