/**
 * InvokeModel with the native bodies of the prompt-string families — Claude Text Completions, Meta Llama,
 * Mistral (text and chat), DeepSeek R1 — answered locally. The chat-template markers in each prompt are read
 * back into turns, so a local model sees a real conversation. Run: `npx tsx examples/invoke-prompt-families.ts`
 * (set `LOCAL_BEDROCK_BACKEND=ollama` to have a local Ollama answer instead of the scripted backend).
 */
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { localBedrock } from 'local-bedrock';

const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
client.middlewareStack.use(localBedrock());

async function invokeModel(modelId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const output = await client.send(new InvokeModelCommand({ modelId, contentType: 'application/json', body: JSON.stringify(body) }));
  return JSON.parse(new TextDecoder().decode(output.body)) as Record<string, unknown>;
}

const claude = await invokeModel('anthropic.claude-v2:1', {
  prompt: '\n\nHuman: Name one planet.\n\nAssistant:',
  max_tokens_to_sample: 60,
});
console.log('Claude v2     :', JSON.stringify(claude));

const llama = await invokeModel('us.meta.llama3-3-70b-instruct-v1:0', {
  prompt:
    '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>' +
    '<|start_header_id|>user<|end_header_id|>\n\nName one planet.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
  max_gen_len: 60,
  temperature: 0.5,
});
console.log('Llama 3.3     :', JSON.stringify(llama));

const mistralText = await invokeModel('mistral.mistral-7b-instruct-v0:2', { prompt: '<s>[INST] Name one planet. [/INST]', max_tokens: 60 });
console.log('Mistral 7B    :', JSON.stringify(mistralText));

const mistralChat = await invokeModel('mistral.mistral-large-2407-v1:0', {
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
  tool_choice: 'any',
});
console.log('Mistral Large :', JSON.stringify(mistralChat));

const deepseek = await invokeModel('us.deepseek.r1-v1:0', {
  prompt: '<｜begin▁of▁sentence｜><｜User｜>Name one planet.<｜Assistant｜><think>\n',
  max_tokens: 200,
});
console.log('DeepSeek R1   :', JSON.stringify(deepseek));
