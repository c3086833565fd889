/**
 * Production failures on demand: throttling that the SDK's own retry strategy retries, a stream that dies
 * half-way, a dropped connection, and on-demand quotas with Bedrock's texts and `retry-after`.
 * Run: `npx tsx examples/fault-injection.ts`.
 */
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { createManualClock, createRuntime, localBedrock } from 'local-bedrock';

const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';
const ask = (text: string) => ({ modelId, messages: [{ role: 'user' as const, content: [{ text }] }], inferenceConfig: { maxTokens: 200 } });
const clock = createManualClock();
const runtime = createRuntime({ clock, quotas: { [modelId]: { requestsPerMinute: 2 } } });
const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
client.middlewareStack.use(localBedrock(runtime));

// 1. Two throttled attempts: the SDK retries (with its real backoff) and the third attempt answers.
runtime.faults.add({ operation: 'Converse', error: 'ThrottlingException', times: 2 });
const retried = await client.send(new ConverseCommand(ask('Hello after two throttles')));
console.log(`retried: ${retried.$metadata.attempts} attempts, then "${retried.output?.message?.content?.[0]?.text?.slice(0, 40)}…"`);

// 2. A stream cut after three events with a modelStreamErrorException frame (mid-stream errors are never retried).
runtime.faults.add({ operation: 'ConverseStream', streamCut: { afterEvents: 3, exception: 'modelStreamErrorException' }, times: 1 });
try {
  for await (const event of (await client.send(new ConverseStreamCommand(ask('Tell me a story')))).stream ?? []) console.log('event:', Object.keys(event)[0]);
} catch (error) {
  console.log('stream failed:', (error as Error).name, '-', (error as Error).message);
}

// 3. The quota: two calls a minute. The third is throttled with retry-after; a minute later it passes.
clock.advance(60_000);
const once = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
once.middlewareStack.use(localBedrock(runtime));
await once.send(new ConverseCommand(ask('one')));
await once.send(new ConverseCommand(ask('two')));
await once.send(new ConverseCommand(ask('three'))).catch((error: Error) => console.log('quota:', error.name, '-', error.message, '- retry-after', runtime.callLog.calls.at(-1)?.headers['retry-after'], 's'));
clock.advance(60_000);
console.log('a minute later:', (await once.send(new ConverseCommand(ask('four')))).stopReason);
