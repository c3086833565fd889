/**
 * Batch inference throughput and memory.
 *
 *   npx tsx bench/batch.bench.ts
 *
 * Each size runs in its own child process, so that `process.resourceUsage().maxRSS` is that run's own peak:
 * a JSONL input of N Claude Messages records is written to a temporary directory (streamed, never held
 * whole), a runtime with directory storage runs one job through a real `BedrockClient`
 * (CreateModelInvocationJob in `immediate` mode, so the call returns when the job has ended), and the child
 * prints records/s and its peak RSS.
 *
 * Targets: ≥ 1 000 records/s at 10 000 records on the scripted backend; peak RSS at 100 000 records ≤ 1.3×
 * the peak at 10 000 (memory must not grow with the number of records). The script only prints.
 *
 * Every record goes through the full InvokeModel pipeline (codec, token counting, scripted answer), so
 * records/s is capped by what one direct call costs. Each child therefore also times 2 000 direct
 * `handleBedrockRequest` calls with the same kind of body and prints the job's time per record as a multiple
 * of it: the runner's own cost, which (unlike records/s) hardly moves with other load on the machine.
 *
 * The library is imported from the build (`dist/batch.js`) by a computed path when it exists; until the
 * `./batch` entry is built, the sources are loaded through tsx (the loader's own memory is in both runs alike).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const SIZES = (process.env.BENCH_BATCH_SIZES ?? '10000,100000').split(',').map(Number);

interface ChildResult {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  /** Job time per record ÷ time of one direct InvokeModel through the core: the runner's own cost. */
  runnerOverhead: number;
  maxRssMiB: number;
  status: string;
  source: string;
}

const DIRECT_SAMPLE = 2000;

function recordAt(index: number) {
  return {
    recordId: `CALL${String(index + 1).padStart(7, '0')}`,
    modelInput: { anthropic_version: 'bedrock-2023-05-31', max_tokens: 32, messages: [{ role: 'user', content: `Summarize item ${index} in one line.` }] },
  };
}

async function writeInput(file: string, records: number): Promise<void> {
  const out = createWriteStream(file);
  for (let index = 0; index < records; index++) {
    const line = `${JSON.stringify(recordAt(index))}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function loadLibrary() {
  const build = new URL('../dist/batch.js', import.meta.url);
  const built = await access(fileURLToPath(build)).then(
    () => true,
    () => false,
  );
  const BUILD_INDEX = '../dist/index.js';
  const BUILD_BATCH = '../dist/batch.js';
  if (built) {
    const index = (await import(BUILD_INDEX)) as typeof import('../src/index.js');
    const batch = (await import(BUILD_BATCH)) as typeof import('../src/batch/index.js');
    return { ...index, ...batch, source: 'dist' };
  }
  const index = await import('../src/index.js');
  const batch = await import('../src/batch/index.js');
  return { ...index, ...batch, source: 'src (tsx)' };
}

async function child(records: number): Promise<void> {
  const { BedrockClient, CreateModelInvocationJobCommand, GetModelInvocationJobCommand } = await import('@aws-sdk/client-bedrock');
  const library = await loadLibrary();
  const directory = await mkdtemp(join(tmpdir(), 'local-bedrock-batch-bench-'));
  try {
    const storage = library.createDirectoryStorage(directory);
    // The input goes in through the adapter itself, streamed from a staging file.
    const inputUri = 's3://in-bucket/input/records.jsonl';
    const staging = join(directory, 'staging.jsonl');
    await writeInput(staging, records);
    await storage.write(inputUri, createReadStream(staging) as AsyncIterable<Uint8Array>);
    await rm(staging);
    const runtime = library.createRuntime({ env: {}, batch: { storage, mode: 'immediate' } });
    const client = new BedrockClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    client.middlewareStack.use(library.localBedrock(runtime));
    const started = performance.now();
    const { jobArn } = await client.send(
      new CreateModelInvocationJobCommand({
        jobName: 'bench',
        roleArn: 'arn:aws:iam::123456789012:role/Batch',
        modelId: MODEL,
        inputDataConfig: { s3InputDataConfig: { s3Uri: inputUri } },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://out-bucket/output/' } },
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    // The floor: the same kind of record sent straight to the core one by one, without the runner.
    const sample = Math.min(records, DIRECT_SAMPLE);
    const directStarted = performance.now();
    for (let index = 0; index < sample; index++) {
      await library.handleBedrockRequest(runtime, {
        method: 'POST',
        path: `/model/${encodeURIComponent(MODEL)}/invoke`,
        query: {},
        headers: { 'content-type': 'application/json' },
        body: new TextEncoder().encode(JSON.stringify(recordAt(index).modelInput)),
      });
    }
    const directSecondsPerRecord = (performance.now() - directStarted) / 1000 / sample;
    await runtime.dispose();
    const result: ChildResult = {
      records,
      seconds,
      recordsPerSecond: records / seconds,
      runnerOverhead: seconds / records / directSecondsPerRecord,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      status: `${job.status} ${job.successRecordCount}/${job.totalRecordCount}`,
      source: library.source,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function runChild(records: number): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  const processChild = spawn(process.execPath, ['--import', 'tsx', self, '--child', String(records)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  processChild.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(processChild, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`bench child for ${records} records exited with ${code}`);
  return JSON.parse(output.trim().split('\n').at(-1)!) as ChildResult;
}

async function main(): Promise<void> {
  const childIndex = process.argv.indexOf('--child');
  if (childIndex !== -1) return child(Number(process.argv[childIndex + 1]));
  const results: ChildResult[] = [];
  for (const size of SIZES) {
    const result = await runChild(size);
    results.push(result);
    console.log(
      `${String(size).padStart(7)} records: ${result.recordsPerSecond.toFixed(0).padStart(6)} records/s  (${result.seconds.toFixed(2)} s, ${result.runnerOverhead.toFixed(2)}× a direct InvokeModel)  peak RSS ${result.maxRssMiB.toFixed(0)} MiB  [${result.status}; library from ${result.source}]`,
    );
  }
  const small = results.find((result) => result.records === 10_000);
  const large = results.find((result) => result.records === 100_000);
  if (small) console.log(`throughput at 10 000 records: ${small.recordsPerSecond.toFixed(0)} records/s (target ≥ 1 000)`);
  if (small && large) console.log(`peak RSS 100 000 / 10 000 records: ${(large.maxRssMiB / small.maxRssMiB).toFixed(2)}× (target ≤ 1.3)`);
}

await main();
