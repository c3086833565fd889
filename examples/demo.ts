/**
 * The main job: Bedrock's Converse and ConverseStream answered on this machine by the built-in default
 * (scripted) backend — no AWS account, no network, no model download. Run: `npm run demo`.
 */
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { localBedrock } from 'local-bedrock';

const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
client.middlewareStack.use(localBedrock());

const modelId = 'us.anthropic.claude-3-7-sonnet-20250219-v1:0';

// Converse: one answer.
const answer = await client.send(
  new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'What is Amazon Bedrock?' }] }], inferenceConfig: { maxTokens: 60 } }),
);
console.log('Converse:', answer.output?.message?.content?.[0]?.text);
console.log('  stopReason:', answer.stopReason, '| usage:', JSON.stringify(answer.usage));

// ConverseStream: the same kind of answer, token by token.
const stream = await client.send(
  new ConverseStreamCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'Stream a short greeting.' }] }], inferenceConfig: { maxTokens: 30 } }),
);
process.stdout.write('ConverseStream: ');
for await (const event of stream.stream ?? []) {
  if (event.contentBlockDelta?.delta?.text) process.stdout.write(event.contentBlockDelta.delta.text);
  if (event.messageStop) process.stdout.write(`\n  stopReason: ${event.messageStop.stopReason}`);
  if (event.metadata) process.stdout.write(` | usage: ${JSON.stringify(event.metadata.usage)}\n`);
}

// Tool use: a forced tool call comes back with input valid against the tool's schema.
const toolCall = await client.send(
  new ConverseCommand({
    modelId,
    messages: [{ role: 'user', content: [{ text: 'What is the weather in Paris?' }] }],
    toolConfig: {
      tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } } }],
      toolChoice: { any: {} },
    },
  }),
);
const toolUse = toolCall.output?.message?.content?.find((block) => block.toolUse)?.toolUse;
console.log('Tool use:', toolUse?.name, JSON.stringify(toolUse?.input), `(${toolCall.stopReason})`);
