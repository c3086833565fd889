/**
 * Claude through InvokeModel with its native Messages body: one answer, a tool call, and the same request
 * streamed chunk by chunk. Run: `npx tsx examples/invoke-claude.ts`.
 */
import { BedrockRuntimeClient, InvokeModelCommand, InvokeModelWithResponseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { localBedrock } from 'local-bedrock';

const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
client.middlewareStack.use(localBedrock());
const modelId = 'us.anthropic.claude-3-7-sonnet-20250219-v1:0';
const decoder = new TextDecoder();

const body = {
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 200,
  system: 'You answer briefly.',
  messages: [{ role: 'user', content: 'What is the weather in Lisbon?' }],
  tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
};

const answer = await client.send(new InvokeModelCommand({ modelId, body: JSON.stringify(body) }));
const message = JSON.parse(decoder.decode(answer.body));
console.log('stop_reason:', message.stop_reason);
for (const block of message.content) console.log(' ', block.type, block.type === 'text' ? block.text : JSON.stringify(block.input ?? {}));

const stream = await client.send(new InvokeModelWithResponseStreamCommand({ modelId, body: JSON.stringify({ ...body, tools: undefined }) }));
process.stdout.write('streamed: ');
for await (const event of stream.body ?? []) {
  const chunk = JSON.parse(decoder.decode(event.chunk?.bytes));
  if (chunk.delta?.type === 'text_delta') process.stdout.write(chunk.delta.text);
  if (chunk['amazon-bedrock-invocationMetrics']) console.log(`\n  metrics: ${JSON.stringify(chunk['amazon-bedrock-invocationMetrics'])}`);
}
