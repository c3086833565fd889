/**
 * Real answers from a local model through Ollama (`ollama serve` must be running). The model a Bedrock id
 * maps to is pulled on first use, with progress printed. Run: `npx tsx examples/ollama.ts`.
 */
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { createOllamaBackend, LocalBedrockHandler } from 'local-bedrock';

const backend = createOllamaBackend({
  host: process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434',
  onPullProgress: ({ model, status, completed, total }) =>
    console.error(`pulling ${model}: ${status}${total ? ` ${Math.round(((completed ?? 0) / total) * 100)}%` : ''}`),
});
const client = new BedrockRuntimeClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
  requestHandler: new LocalBedrockHandler({ backend, modelMap: { 'anthropic.claude-3-haiku-20240307-v1:0': 'llama3.2' } }),
});

try {
  const output = await client.send(
    new ConverseStreamCommand({
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      messages: [{ role: 'user', content: [{ text: 'Write one sentence about running models locally.' }] }],
      inferenceConfig: { maxTokens: 80 },
    }),
  );
  for await (const event of output.stream ?? []) {
    if (event.contentBlockDelta?.delta?.text) process.stdout.write(event.contentBlockDelta.delta.text);
    if (event.metadata) console.log(`\nusage: ${JSON.stringify(event.metadata.usage)}`);
  }
} catch (error) {
  console.error(`${(error as Error).name}: ${(error as Error).message}`);
  process.exitCode = 1;
}
