/**
 * The `requestHandler` door: the client never opens a connection; every request is answered in-process.
 * Run: `npx tsx examples/request-handler.ts`.
 */
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { LocalBedrockHandler } from 'local-bedrock';

const client = new BedrockRuntimeClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  requestHandler: new LocalBedrockHandler({ responses: [{ text: 'Hello from a scripted reply.' }] }),
});

const answer = await client.send(
  new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: [{ text: 'Say hello.' }] }] }),
);
console.log(answer.output?.message?.content?.[0]?.text);
