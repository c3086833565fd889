/**
 * Batch inference that really runs: write a JSONL input, create a model invocation job through the real
 * `BedrockClient`, watch its progress, and read the outputs and manifest Bedrock would write to S3.
 * Run: `npx tsx examples/batch.ts`.
 */
import { BedrockClient, CreateModelInvocationJobCommand, GetModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { createRuntime, localBedrock } from 'local-bedrock';
import { createMemoryStorage, waitForJob, type BatchProgress } from 'local-bedrock/batch';

const storage = createMemoryStorage();
const records = Array.from({ length: 500 }, (_, index) => ({
  recordId: `CALL${String(index + 1).padStart(7, '0')}`,
  modelInput: { anthropic_version: 'bedrock-2023-05-31', max_tokens: 40, messages: [{ role: 'user', content: `Give me fact number ${index + 1} about owls.` }] },
}));
storage.put('s3://my-input-bucket/owls/records.jsonl', records);

/** A one-line progress bar on stderr, redrawn in place. */
function drawProgress(progress: BatchProgress): void {
  const total = progress.totalRecordCount ?? 0;
  const done = progress.processedRecordCount;
  const width = 30;
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total || '?'} ${progress.status.padEnd(18)}`);
}

const runtime = createRuntime({ batch: { storage, onProgress: drawProgress } });
const client = new BedrockClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
client.middlewareStack.use(localBedrock(runtime));

const { jobArn } = await client.send(
  new CreateModelInvocationJobCommand({
    jobName: 'owl-facts',
    roleArn: 'arn:aws:iam::123456789012:role/BedrockBatch',
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://my-input-bucket/owls/records.jsonl' } },
    outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://my-output-bucket/results/' } },
  }),
);
// The job runs in the background, as on the service; this resolves when it has ended (no polling).
await waitForJob(client, jobArn!);
process.stderr.write('\n');

const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
console.log(`${job.jobName}: ${job.status}, ${job.successRecordCount} ok / ${job.errorRecordCount} failed of ${job.totalRecordCount}`);

const jobId = jobArn!.split('/').pop();
const outputs = storage.getJsonLines<{ recordId: string; modelOutput?: { content: { text: string }[] } }>(`s3://my-output-bucket/results/${jobId}/records.jsonl.out`);
console.log(`first answer (${outputs[0]?.recordId}):`, outputs[0]?.modelOutput?.content[0]?.text);
console.log('manifest:', storage.getText(`s3://my-output-bucket/results/${jobId}/manifest.json.out`).trim());
console.log('objects written:', storage.keys('s3://my-output-bucket/'));
await runtime.dispose();
