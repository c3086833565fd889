/**
 * Scripting answers for tests: queued replies, rules that match prompts, tool calls, errors and broken
 * streams — all delivered through the real SDK. Run: `npx tsx examples/scripted-replies.ts`.
 */
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { createRuntime, localBedrock } from 'local-bedrock';

const runtime = createRuntime({
  rules: [
    { match: { prompt: /weather/i }, reply: { toolUse: { name: 'get_weather', input: { city: 'Paris' } } } },
    { match: { prompt: 'overloaded' }, reply: { error: 'ThrottlingException' } },
    { match: { prompt: 'flaky stream' }, reply: { text: 'This stream breaks half way', streamError: { afterDeltas: 2 } } },
  ],
});
const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
client.middlewareStack.use(localBedrock(runtime));
const modelId = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
const ask = (text: string) => ({ modelId, messages: [{ role: 'user' as const, content: [{ text }] }] });

runtime.scripted?.enqueue({ text: 'The first call gets this exact text.' });
console.log((await client.send(new ConverseCommand(ask('anything')))).output?.message?.content?.[0]?.text);

const weather = await client.send(new ConverseCommand({ ...ask('weather in Paris?'), toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] } }));
console.log('tool call:', JSON.stringify(weather.output?.message?.content?.[0]?.toolUse));

await client.send(new ConverseCommand(ask('are you overloaded?'))).catch((error: Error) => console.log('error:', error.name, '-', error.message));

try {
  for await (const event of (await client.send(new ConverseStreamCommand(ask('flaky stream')))).stream ?? []) {
    if (event.contentBlockDelta?.delta?.text) console.log('delta:', JSON.stringify(event.contentBlockDelta.delta.text));
  }
} catch (error) {
  console.log('stream error:', (error as Error).name);
}
