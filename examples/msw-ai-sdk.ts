/**
 * The msw door: the Vercel AI SDK's Bedrock provider, unchanged and pointed at AWS's own hostname, answered
 * in-process by msw handlers. Run: `npx tsx examples/msw-ai-sdk.ts`.
 */
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { generateText, streamText } from 'ai';
import { setupServer } from 'msw/node';
import { createRuntime } from 'local-bedrock';
import { bedrockHandlers } from 'local-bedrock/msw';

const runtime = createRuntime({ responses: [{ text: 'Hello from local Bedrock, through msw.' }] });
const server = setupServer(...bedrockHandlers(runtime));
server.listen({ onUnhandledRequest: 'error' }); // nothing leaves the process

// A region and static credentials: the provider signs its requests, and nothing reads AWS_* variables.
const bedrock = createAmazonBedrock({ region: 'us-east-1', accessKeyId: 'local', secretAccessKey: 'local' });
const model = bedrock('anthropic.claude-3-haiku-20240307-v1:0');

const { text, usage } = await generateText({ model, prompt: 'Say hello.' });
console.log('generateText:', text, `(${usage.inputTokens} in, ${usage.outputTokens} out)`);

process.stdout.write('streamText:   ');
const result = streamText({ model, prompt: 'Tell me what a local emulator is good for.' });
for await (const piece of result.textStream) process.stdout.write(piece);
console.log(`\n              finish: ${await result.finishReason}`);

console.log('calls answered:', runtime.callLog.calls.map((call) => call.operation).join(', '));
server.close();
