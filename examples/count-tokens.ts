/**
 * CountTokens: what a Converse request and a Claude InvokeModel body will cost, next to the usage the real
 * call then reports (on the scripted backend they are the same number). Run: `npx tsx examples/count-tokens.ts`.
 */
import { BedrockRuntimeClient, ConverseCommand, CountTokensCommand, InvokeModelCommand, type Message } from '@aws-sdk/client-bedrock-runtime';
import { localBedrock } from 'local-bedrock';

const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
client.middlewareStack.use(localBedrock());
// CountTokens takes a foundation model id: inference profile ids (`us.…`) are rejected, as on Bedrock.
const modelId = 'anthropic.claude-3-5-sonnet-20240620-v1:0';

const messages: Message[] = [{ role: 'user', content: [{ text: 'Summarize the plot of Hamlet in two sentences.' }] }];
const system = [{ text: 'You answer briefly.' }];
const counted = await client.send(new CountTokensCommand({ modelId, input: { converse: { messages, system } } }));
const answer = await client.send(new ConverseCommand({ modelId, messages, system, inferenceConfig: { maxTokens: 100 } }));
console.log(`Converse:    CountTokens ${counted.inputTokens} · usage.inputTokens ${answer.usage?.inputTokens}`);

const body = JSON.stringify({
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 100,
  system: 'You answer briefly.',
  messages: [{ role: 'user', content: 'Summarize the plot of Hamlet in two sentences.' }],
});
const countedBody = await client.send(new CountTokensCommand({ modelId, input: { invokeModel: { body: new TextEncoder().encode(body) } } }));
const invoked = await client.send(new InvokeModelCommand({ modelId, body }));
const usage = JSON.parse(new TextDecoder().decode(invoked.body)).usage;
console.log(`InvokeModel: CountTokens ${countedBody.inputTokens} · usage.input_tokens ${usage.input_tokens}`);
