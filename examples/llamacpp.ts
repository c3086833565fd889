/**
 * Real answers from a GGUF model inside this process, through llama.cpp (`npm i node-llama-cpp`): no server,
 * no network. Run: `LOCAL_BEDROCK_LLAMACPP_MODEL=/path/model.gguf npx tsx examples/llamacpp.ts`.
 *
 * Without LOCAL_BEDROCK_LLAMACPP_MODEL it generates the repository's scripted tiny test model (about 250 KB,
 * written to the temp directory), which always answers "Hello from the tiny llama.", and says so.
 */
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { createLlamaCppBackend, LocalBedrockHandler } from 'local-bedrock';
import { tinyModelPath } from '../test/support/gguf/tiny-model.js';

const modelPath = process.env.LOCAL_BEDROCK_LLAMACPP_MODEL ?? tinyModelPath('sentence');
if (!process.env.LOCAL_BEDROCK_LLAMACPP_MODEL) {
  console.error(`LOCAL_BEDROCK_LLAMACPP_MODEL is not set: using the generated tiny test model ${modelPath} (it always answers the same sentence).`);
}

// gpu 'auto' uses a GPU build when its binary and driver are present; threads default to 1 on ≤ 2 cores.
const backend = createLlamaCppBackend({ modelPath, gpu: 'auto', contextSize: 4096 });
const client = new BedrockRuntimeClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
  requestHandler: new LocalBedrockHandler({ backend }),
});

try {
  console.error(`running on: ${JSON.stringify(await backend.describe())}`);
  const output = await client.send(
    new ConverseStreamCommand({
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      messages: [{ role: 'user', content: [{ text: 'Write one sentence about running models locally.' }] }],
      inferenceConfig: { maxTokens: 80 },
    }),
  );
  for await (const event of output.stream ?? []) {
    if (event.contentBlockDelta?.delta?.text) process.stdout.write(event.contentBlockDelta.delta.text);
    if (event.messageStop) console.log(`\nstop reason: ${event.messageStop.stopReason}`);
    if (event.metadata) console.log(`usage: ${JSON.stringify(event.metadata.usage)}`);
  }
} catch (error) {
  console.error(`${(error as Error).name}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await backend.dispose();
}
