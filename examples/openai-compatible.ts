/**
 * Bedrock calls answered by a server speaking the OpenAI API (vLLM, llama-server, LM Studio, LiteLLM…).
 * Set `LOCAL_BEDROCK_OPENAI_BASE_URL` (e.g. `http://127.0.0.1:8000/v1`), `LOCAL_BEDROCK_OPENAI_MODEL` and,
 * if the server wants one, `OPENAI_API_KEY`. Without a base URL this starts the fake OpenAI server from
 * `test/support`, so `npx tsx examples/openai-compatible.ts` runs anywhere.
 */
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { LocalBedrockHandler } from 'local-bedrock';
import { startFakeOpenAI } from '../test/support/fake-openai-server.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const fake = process.env.LOCAL_BEDROCK_OPENAI_BASE_URL ? undefined : await startFakeOpenAI({ models: ['gpt-4o-mini'] });
fake?.script(
  { content: ['Running', ' models', ' locally', ' keeps', ' data', ' on', ' your', ' machine.'] },
  { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
);

const client = new BedrockRuntimeClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
  requestHandler: new LocalBedrockHandler({
    backend: 'openai',
    openai: {
      // Unset options fall back to LOCAL_BEDROCK_OPENAI_BASE_URL, LOCAL_BEDROCK_OPENAI_MODEL and the API key variables.
      ...(fake ? { baseURL: fake.baseURL, model: 'gpt-4o-mini' } : {}),
    },
  }),
});

try {
  const output = await client.send(
    new ConverseStreamCommand({
      modelId: HAIKU,
      messages: [{ role: 'user', content: [{ text: 'Write one sentence about running models locally.' }] }],
      inferenceConfig: { maxTokens: 80 },
    }),
  );
  for await (const event of output.stream ?? []) {
    if (event.contentBlockDelta?.delta?.text) process.stdout.write(event.contentBlockDelta.delta.text);
    if (event.metadata) console.log(`\nusage: ${JSON.stringify(event.metadata.usage)}`);
  }

  const weather = await client.send(
    new ConverseCommand({
      modelId: HAIKU,
      messages: [{ role: 'user', content: [{ text: 'What is the weather in Paris?' }] }],
      toolConfig: {
        tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } } }],
        toolChoice: { tool: { name: 'get_weather' } },
      },
    }),
  );
  console.log(`tool call: ${JSON.stringify(weather.output?.message?.content?.find((block) => block.toolUse)?.toolUse)}`);
} catch (error) {
  console.error(`${(error as Error).name}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await fake?.close();
}
