/**
 * InvokeModel with each chat family's own body format — Titan Text, Nova, Cohere Command and Command R,
 * AI21 Jamba, gpt-oss and Qwen — answered on this machine by the default (scripted) backend.
 * Run: `npx tsx examples/invoke-chat-families.ts`.
 */
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { localBedrock } from 'local-bedrock';

const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
client.middlewareStack.use(localBedrock());

/** The value at a path of keys and indexes in parsed JSON. */
function dig(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((current, key) => (typeof current === 'object' && current !== null ? (current as Record<string | number, unknown>)[key] : undefined), value);
}

/** One call per family: the model id, its native body, and where the answer sits in the response. */
const calls: { family: string; modelId: string; body: object; answer: (string | number)[] }[] = [
  {
    family: 'Titan Text',
    modelId: 'amazon.titan-text-express-v1',
    body: { inputText: 'User: What is Amazon Bedrock?\nBot:', textGenerationConfig: { maxTokenCount: 60, temperature: 0.5 } },
    answer: ['results', 0, 'outputText'],
  },
  {
    family: 'Nova',
    modelId: 'us.amazon.nova-lite-v1:0',
    body: {
      schemaVersion: 'messages-v1',
      system: [{ text: 'Answer in one sentence.' }],
      messages: [{ role: 'user', content: [{ text: 'What is Amazon Bedrock?' }] }],
      inferenceConfig: { max_new_tokens: 60, temperature: 0.5 },
    },
    answer: ['output', 'message', 'content', 0, 'text'],
  },
  {
    family: 'Cohere Command',
    modelId: 'cohere.command-text-v14',
    body: { prompt: 'What is Amazon Bedrock?', max_tokens: 60 },
    answer: ['generations', 0, 'text'],
  },
  {
    family: 'Cohere Command R (tool call)',
    modelId: 'cohere.command-r-plus-v1:0',
    body: {
      message: 'What is the weather in Paris?',
      tools: [{ name: 'get_weather', description: 'Current weather', parameter_definitions: { city: { type: 'str', description: 'City', required: true } } }],
    },
    answer: ['tool_calls'],
  },
  {
    family: 'AI21 Jamba',
    modelId: 'ai21.jamba-1-5-mini-v1:0',
    body: { messages: [{ role: 'user', content: 'What is Amazon Bedrock?' }], max_tokens: 60 },
    answer: ['choices', 0, 'message', 'content'],
  },
  {
    family: 'OpenAI gpt-oss',
    modelId: 'openai.gpt-oss-20b-1:0',
    body: { messages: [{ role: 'user', content: 'What is Amazon Bedrock?' }], max_completion_tokens: 120, reasoning_effort: 'low' },
    answer: ['choices', 0, 'message'],
  },
  {
    family: 'Qwen',
    modelId: 'qwen.qwen3-32b-v1:0',
    body: { messages: [{ role: 'user', content: 'What is Amazon Bedrock?' }], max_tokens: 60 },
    answer: ['choices', 0, 'message', 'content'],
  },
];

for (const { family, modelId, body, answer } of calls) {
  const output = await client.send(new InvokeModelCommand({ modelId, body: JSON.stringify(body), contentType: 'application/json' }));
  const value = dig(JSON.parse(new TextDecoder().decode(output.body)), answer);
  console.log(`${family} (${modelId}):\n    ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}
