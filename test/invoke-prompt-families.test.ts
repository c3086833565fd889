import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOllamaBackend, type ChatRequest, type ScriptedReply } from '../src/index.js';
import { FRONT_DOORS, runtimeClient, type FrontDoor } from './support/clients.js';
import { startFakeOllama, type FakeOllama } from './support/fake-ollama-server.js';
import { invocationMetrics, invoke, invokeStream, type InvokeResult } from './support/invoke.js';

const CLAUDE_V2 = 'anthropic.claude-v2:1';
const LLAMA = 'us.meta.llama3-2-11b-instruct-v1:0';
const MISTRAL_7B = 'mistral.mistral-7b-instruct-v0:2';
const MISTRAL_LARGE = 'mistral.mistral-large-2407-v1:0';
const DEEPSEEK = 'us.deepseek.r1-v1:0';

const CLAUDE_PROMPT = 'You are terse.\n\nHuman: Say hello.\n\nAssistant:';
const LLAMA_PROMPT =
  '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>' +
  '<|start_header_id|>user<|end_header_id|>\n\nSay hello.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n';
const MISTRAL_PROMPT = '<s>[INST] Hi [/INST] Hello.</s>[INST] Say hello. [/INST]';
const DEEPSEEK_PROMPT = '<｜begin▁of▁sentence｜>You are terse.<｜User｜>Say hello.<｜Assistant｜><think>\n';

/** Five tokens as the scripted backend counts and streams them: `Hello`, ` there`, `,`, ` friend`, `.`. */
const REPLY = 'Hello there, friend.';
const METRICS = 'amazon-bedrock-invocationMetrics';
const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
/** The first bytes of a PNG file, enough for a format to be recognized. */
const PNG_BASE64 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');

function text(value: string) {
  return { type: 'text', text: value };
}

/** A client on the scripted backend that answers every call with `reply` and records each neutral request. */
function scriptedClient(door: FrontDoor, reply: ScriptedReply = { text: REPLY }): { client: BedrockRuntimeClient; seen: ChatRequest[] } {
  const seen: ChatRequest[] = [];
  const { client } = runtimeClient(door, {
    rules: [
      {
        reply: (request) => {
          seen.push(request);
          return reply;
        },
      },
    ],
  });
  return { client, seen };
}

function headerUsage(result: InvokeResult): { inputTokens: number; outputTokens: number } {
  return { inputTokens: Number(result.headers['x-amzn-bedrock-input-token-count']), outputTokens: Number(result.headers['x-amzn-bedrock-output-token-count']) };
}

function metricsUsage(chunks: readonly Record<string, unknown>[]): { inputTokens: number; outputTokens: number } {
  const metrics = invocationMetrics(chunks)!;
  expect(Object.keys(metrics).sort()).toEqual(['firstByteLatency', 'inputTokenCount', 'invocationLatency', 'outputTokenCount']);
  return { inputTokens: metrics.inputTokenCount!, outputTokens: metrics.outputTokenCount! };
}

/** A chunk without the metrics the operation adds, and a check that only the last chunk has them. */
function withoutMetrics(chunks: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  chunks.slice(0, -1).forEach((chunk) => expect(chunk).not.toHaveProperty(METRICS));
  expect(chunks.at(-1)).toHaveProperty(METRICS);
  return chunks.map(({ [METRICS]: _, ...rest }) => rest);
}

function malformed(...violations: string[]): string {
  return `Malformed input request: ${violations.join(', ')}, please reformat your input and try again.`;
}

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama({ models: ['llama3.2', 'mistral', 'deepseek-r1'] });
});
afterAll(async () => {
  await fake.close();
});

describe.each(FRONT_DOORS)('InvokeModel with prompt-family bodies through the %s door', (door) => {
  describe('Claude Text Completions', () => {
    const body = { prompt: CLAUDE_PROMPT, max_tokens_to_sample: 200, temperature: 0.2, top_p: 0.9, top_k: 50, stop_sequences: ['\n\nHuman:'], anthropic_version: 'bedrock-2023-05-31' };

    it('answers with completion, stop_reason and stop, reading the prompt as turns', async () => {
      const { client, seen } = scriptedClient(door);
      const result = await invoke(client, CLAUDE_V2, body);
      expect(result.contentType).toBe('application/json');
      expect(result.body).toEqual({ completion: ` ${REPLY}`, stop_reason: 'stop_sequence', stop: '\n\nHuman:' });
      expect(seen[0]).toMatchObject({
        system: ['You are terse.'],
        messages: [{ role: 'user', content: [text('Say hello.')] }],
        maxTokens: 200,
        temperature: 0.2,
        topP: 0.9,
        topK: 50,
        stopSequences: ['\n\nHuman:'],
      });
      expect(headerUsage(result).outputTokens).toBe(5);

      const { chunks, contentType } = await invokeStream(client, CLAUDE_V2, body);
      expect(contentType).toBe('application/json');
      const plain = withoutMetrics(chunks);
      expect(plain.slice(0, -1).every((chunk) => chunk.stop_reason === null && chunk.stop === null && Object.keys(chunk).join() === 'completion,stop_reason,stop')).toBe(true);
      expect(plain.map((chunk) => chunk.completion).join('')).toBe(` ${REPLY}`);
      expect(plain.at(-1)).toEqual({ completion: '', stop_reason: 'stop_sequence', stop: '\n\nHuman:' });
      expect(metricsUsage(chunks)).toEqual(headerUsage(result));
    });

    it('honours max_tokens_to_sample and stop_sequences', async () => {
      const { client } = scriptedClient(door);
      const cut = await invoke(client, CLAUDE_V2, { ...body, max_tokens_to_sample: 2 });
      expect(cut.body).toEqual({ completion: ' Hello there', stop_reason: 'max_tokens', stop: null });
      expect(headerUsage(cut).outputTokens).toBe(2);
      const stopped = await invoke(client, CLAUDE_V2, { ...body, stop_sequences: [', friend'] });
      expect(stopped.body).toEqual({ completion: ' Hello there', stop_reason: 'stop_sequence', stop: ', friend' });
    });

    it('continues a prefilled answer without the leading space', async () => {
      const { client, seen } = scriptedClient(door, { text: '"ok": true}' });
      const result = await invoke(client, CLAUDE_V2, { prompt: '\n\nHuman: Answer in JSON.\n\nAssistant: {', max_tokens_to_sample: 50 });
      expect(result.body.completion).toBe('"ok": true}');
      expect(seen[0]!.messages).toEqual([
        { role: 'user', content: [text('Answer in JSON.')] },
        { role: 'assistant', content: [text('{')] },
      ]);
    });
  });

  describe('Meta Llama', () => {
    const body = { prompt: LLAMA_PROMPT, max_gen_len: 100, temperature: 0.5, top_p: 0.9 };

    it('answers with generation and token counts equal to the usage headers', async () => {
      const { client, seen } = scriptedClient(door);
      const result = await invoke(client, LLAMA, body);
      expect(result.contentType).toBe('application/json');
      expect(Object.keys(result.body)).toEqual(['generation', 'prompt_token_count', 'generation_token_count', 'stop_reason']);
      expect(result.body).toMatchObject({ generation: REPLY, generation_token_count: 5, stop_reason: 'stop' });
      expect(headerUsage(result)).toEqual({ inputTokens: result.body.prompt_token_count, outputTokens: result.body.generation_token_count });
      expect(seen[0]).toMatchObject({ system: ['You are terse.'], messages: [{ role: 'user', content: [text('Say hello.')] }], maxTokens: 100, temperature: 0.5, topP: 0.9 });
    });

    it('streams the prompt count on the first chunk only, a running generation count, and the stop reason last', async () => {
      const { client } = scriptedClient(door);
      const { body: whole } = await invoke(client, LLAMA, body);
      const { chunks, contentType } = await invokeStream(client, LLAMA, body);
      expect(contentType).toBe('application/json');
      const plain = withoutMetrics(chunks);
      expect(plain.map((chunk) => Object.keys(chunk).join())).toEqual(Array(6).fill('generation,prompt_token_count,generation_token_count,stop_reason'));
      expect(plain.map((chunk) => chunk.prompt_token_count)).toEqual([whole.prompt_token_count, null, null, null, null, null]);
      expect(plain.map((chunk) => chunk.generation_token_count)).toEqual([1, 2, 3, 4, 5, 5]);
      expect(plain.map((chunk) => chunk.stop_reason)).toEqual([null, null, null, null, null, 'stop']);
      expect(plain.map((chunk) => chunk.generation).join('')).toBe(REPLY);
      expect(plain.at(-1)!.generation).toBe('');
      expect(metricsUsage(chunks)).toEqual({ inputTokens: whole.prompt_token_count, outputTokens: 5 });
    });

    it('honours max_gen_len, defaults it to 512, and puts vision images in the user turn', async () => {
      const { client, seen } = scriptedClient(door);
      const cut = await invoke(client, LLAMA, { ...body, max_gen_len: 2 });
      expect(cut.body).toMatchObject({ generation: 'Hello there', generation_token_count: 2, stop_reason: 'length' });
      await invoke(client, LLAMA, { prompt: 'Describe <|image|>', images: [PNG_BASE64] });
      expect(seen[1]!.maxTokens).toBe(512);
      expect(seen[1]!.messages).toEqual([{ role: 'user', content: [{ type: 'image', format: 'png', data: new Uint8Array(Buffer.from(PNG_BASE64, 'base64')) }, text('Describe <|image|>')] }]);
    });
  });

  describe('Mistral text completion', () => {
    const body = { prompt: MISTRAL_PROMPT, max_tokens: 100, temperature: 0.7, top_p: 0.9, top_k: 50 };

    it('answers with outputs[].text and stop_reason, reading the [INST] turns', async () => {
      const { client, seen } = scriptedClient(door);
      const result = await invoke(client, MISTRAL_7B, body);
      expect(result.contentType).toBe('application/json');
      expect(result.body).toEqual({ outputs: [{ text: REPLY, stop_reason: 'stop' }] });
      expect(seen[0]).toMatchObject({
        messages: [
          { role: 'user', content: [text('Hi')] },
          { role: 'assistant', content: [text('Hello.')] },
          { role: 'user', content: [text('Say hello.')] },
        ],
        maxTokens: 100,
        topK: 50,
      });

      const { chunks } = await invokeStream(client, MISTRAL_7B, body);
      const plain = withoutMetrics(chunks);
      expect(plain.slice(0, -1)).toEqual(['Hello', ' there', ',', ' friend', '.'].map((piece) => ({ outputs: [{ text: piece, stop_reason: null }] })));
      expect(plain.at(-1)).toEqual({ outputs: [{ text: '', stop_reason: 'stop' }] });
      expect(metricsUsage(chunks)).toEqual(headerUsage(result));
    });

    it('honours max_tokens and stop', async () => {
      const { client } = scriptedClient(door);
      expect((await invoke(client, MISTRAL_7B, { ...body, max_tokens: 2 })).body).toEqual({ outputs: [{ text: 'Hello there', stop_reason: 'length' }] });
      expect((await invoke(client, MISTRAL_7B, { ...body, stop: [', friend'] })).body).toEqual({ outputs: [{ text: 'Hello there', stop_reason: 'stop' }] });
    });
  });

  describe('Mistral chat completion', () => {
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say hello.' },
    ];

    it('answers with choices[].message and stop_reason, and streams message content', async () => {
      const { client, seen } = scriptedClient(door);
      const result = await invoke(client, MISTRAL_LARGE, { messages, max_tokens: 100, temperature: 0.3, top_p: 0.8 });
      expect(result.contentType).toBe('application/json');
      expect(result.body).toEqual({ choices: [{ index: 0, message: { role: 'assistant', content: REPLY, tool_calls: null }, stop_reason: 'stop' }] });
      expect(seen[0]).toMatchObject({ system: ['You are terse.'], messages: [{ role: 'user', content: [text('Say hello.')] }], maxTokens: 100, temperature: 0.3, topP: 0.8 });

      const { chunks } = await invokeStream(client, MISTRAL_LARGE, { messages, max_tokens: 100 });
      const plain = withoutMetrics(chunks);
      expect(plain.slice(0, -1)).toEqual(
        ['Hello', ' there', ',', ' friend', '.'].map((piece) => ({ choices: [{ index: 0, message: { role: 'assistant', content: piece }, stop_reason: null }] })),
      );
      expect(plain.at(-1)).toEqual({ choices: [{ index: 0, message: { role: 'assistant', content: '' }, stop_reason: 'stop' }] });
      expect(metricsUsage(chunks)).toEqual(headerUsage(result));
    });

    it('honours max_tokens and stop', async () => {
      const { client } = scriptedClient(door);
      const cut = await invoke(client, MISTRAL_LARGE, { messages, max_tokens: 2 });
      expect(cut.body.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'Hello there', tool_calls: null }, stop_reason: 'length' }]);
      const stopped = await invoke(client, MISTRAL_LARGE, { messages, stop: [', friend'] });
      expect(stopped.body.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'Hello there', tool_calls: null }, stop_reason: 'stop' }]);
    });

    it('calls a tool with a 9-character id and JSON-string arguments, streamed whole at the end, and reads the tool result back', async () => {
      const { client } = runtimeClient(door);
      const question = { role: 'user', content: 'What is the weather in Paris?' };
      const request = { messages: [question], tools: [WEATHER_TOOL], tool_choice: 'any' };
      const result = await invoke(client, MISTRAL_LARGE, request);
      const [choice] = result.body.choices as { message: { content: string; tool_calls: { id: string; function: { name: string; arguments: string } }[] }; stop_reason: string }[];
      expect(choice!.stop_reason).toBe('tool_calls');
      const [call] = choice!.message.tool_calls;
      expect(Object.keys(call!)).toEqual(['id', 'function']);
      expect(call!.id).toMatch(/^[A-Za-z0-9]{9}$/);
      expect(call!.function.name).toBe('get_weather');
      expect(JSON.parse(call!.function.arguments)).toEqual({ city: 'Paris' });

      const { chunks } = await invokeStream(client, MISTRAL_LARGE, request);
      expect(withoutMetrics(chunks).at(-1)).toEqual({ choices: [{ index: 0, message: { role: 'assistant', content: '', tool_calls: [call] }, stop_reason: 'tool_calls' }] });

      const followUp = await invoke(client, MISTRAL_LARGE, {
        messages: [question, { role: 'assistant', content: '', tool_calls: [call] }, { role: 'tool', tool_call_id: call!.id, content: '{"temperature":21}' }],
        tools: [WEATHER_TOOL],
      });
      expect(followUp.body.choices).toEqual([
        { index: 0, message: { role: 'assistant', content: 'Based on the tool result: {"temperature":21}', tool_calls: null }, stop_reason: 'stop' },
      ]);
    });

    it('offers no tools when tool_choice is none', async () => {
      const { client, seen } = scriptedClient(door);
      await invoke(client, MISTRAL_LARGE, { messages, tools: [WEATHER_TOOL], tool_choice: 'none' });
      expect(seen[0]!.tools).toEqual([]);
      await invoke(client, MISTRAL_LARGE, { messages, tools: [WEATHER_TOOL], tool_choice: 'auto' });
      expect(seen[1]).toMatchObject({ tools: [{ name: 'get_weather', description: 'Current weather for a city', inputSchema: WEATHER_TOOL.function.parameters }], toolChoice: { type: 'auto' } });
    });
  });

  describe('DeepSeek R1', () => {
    const body = { prompt: DEEPSEEK_PROMPT, max_tokens: 100, temperature: 0.5, top_p: 0.9 };
    const reply = { reasoning: 'The user wants a hello.', text: REPLY };
    const answer = `The user wants a hello.\n</think>\n\n${REPLY}`;

    it('answers with the reasoning, </think>, then the answer, in choices[].text', async () => {
      const { client, seen } = scriptedClient(door, reply);
      const result = await invoke(client, DEEPSEEK, body);
      expect(result.contentType).toBe('application/json');
      expect(result.body).toEqual({ choices: [{ text: answer, stop_reason: 'stop' }] });
      expect(seen[0]).toMatchObject({ system: ['You are terse.'], messages: [{ role: 'user', content: [text('Say hello.')] }], reasoning: {}, maxTokens: 100 });

      const { chunks } = await invokeStream(client, DEEPSEEK, body);
      const plain = withoutMetrics(chunks);
      const texts = plain.map((chunk) => (chunk.choices as { text: string; stop_reason: string | null }[])[0]!);
      expect(texts.slice(0, 7).map((piece) => piece.text)).toEqual(['The', ' user', ' wants', ' a', ' hello', '.', '\n</think>\n\nHello']);
      expect(texts.map((piece) => piece.text).join('')).toBe(answer);
      expect(texts.slice(0, -1).every((piece) => piece.stop_reason === null)).toBe(true);
      expect(plain.at(-1)).toEqual({ choices: [{ text: '', stop_reason: 'stop' }] });
      expect(metricsUsage(chunks)).toEqual(headerUsage(result));
    });

    it('honours max_tokens (reasoning counts) and stop', async () => {
      const { client } = scriptedClient(door, reply);
      expect((await invoke(client, DEEPSEEK, { ...body, max_tokens: 8 })).body).toEqual({
        choices: [{ text: 'The user wants a hello.\n</think>\n\nHello there', stop_reason: 'length' }],
      });
      expect((await invoke(client, DEEPSEEK, { ...body, stop: [', friend'] })).body).toEqual({
        choices: [{ text: 'The user wants a hello.\n</think>\n\nHello there', stop_reason: 'stop' }],
      });
    });
  });

  describe('on an Ollama server', () => {
    beforeEach(() => fake.reset());
    const ollamaClient = () => runtimeClient(door, { backend: createOllamaBackend({ host: fake.host, env: {} }) }).client;
    const lastChat = () => fake.chats.at(-1)!.body;

    it('Claude Text Completions: sends the parsed turns and sampling options, and reports Ollama usage', async () => {
      const client = ollamaClient();
      const body = { prompt: 'You are a pirate.\n\nHuman: Hi\n\nAssistant: Arr.\n\nHuman: Where is the gold?\n\nAssistant:', max_tokens_to_sample: 50, temperature: 0.2, top_p: 0.8, top_k: 10 };
      fake.script({ content: ['Ahoy', ' there.'], promptEvalCount: 11, evalCount: 2 }, { content: ['Ahoy', ' there.'], promptEvalCount: 11, evalCount: 2 });
      const result = await invoke(client, CLAUDE_V2, body);
      expect(lastChat()).toMatchObject({
        model: 'llama3.2',
        messages: [
          { role: 'system', content: 'You are a pirate.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Arr.' },
          { role: 'user', content: 'Where is the gold?' },
        ],
        options: { num_predict: 50, temperature: 0.2, top_p: 0.8, top_k: 10 },
      });
      expect(result.body).toEqual({ completion: ' Ahoy there.', stop_reason: 'stop_sequence', stop: '\n\nHuman:' });
      expect(headerUsage(result)).toEqual({ inputTokens: 11, outputTokens: 2 });

      const { chunks } = await invokeStream(client, CLAUDE_V2, body);
      expect(withoutMetrics(chunks)).toEqual([
        { completion: ' Ahoy', stop_reason: null, stop: null },
        { completion: ' there.', stop_reason: null, stop: null },
        { completion: '', stop_reason: 'stop_sequence', stop: '\n\nHuman:' },
      ]);
      expect(metricsUsage(chunks)).toEqual({ inputTokens: 11, outputTokens: 2 });
    });

    it('Meta Llama: sends the system and user turns with the image, and counts as Ollama counted', async () => {
      const client = ollamaClient();
      const body = { prompt: LLAMA_PROMPT, max_gen_len: 64, temperature: 0.5, top_p: 0.9, images: [PNG_BASE64] };
      fake.script({ content: ['Hi', ' there'], promptEvalCount: 12, evalCount: 2 }, { content: ['Hi', ' there'], promptEvalCount: 12, evalCount: 2, doneReason: 'length' });
      const result = await invoke(client, LLAMA, body);
      expect(lastChat()).toMatchObject({
        model: 'llama3.2',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Say hello.', images: [PNG_BASE64] },
        ],
        options: { num_predict: 64, temperature: 0.5, top_p: 0.9 },
      });
      expect(result.body).toEqual({ generation: 'Hi there', prompt_token_count: 12, generation_token_count: 2, stop_reason: 'stop' });
      expect(headerUsage(result)).toEqual({ inputTokens: 12, outputTokens: 2 });

      const { chunks } = await invokeStream(client, LLAMA, body);
      const plain = withoutMetrics(chunks);
      expect(plain.map((chunk) => [chunk.generation, chunk.generation_token_count, chunk.stop_reason])).toEqual([
        ['Hi', 1, null],
        [' there', 2, null],
        ['', 2, 'length'],
      ]);
      expect(typeof plain[0]!.prompt_token_count).toBe('number');
      expect(plain.slice(1).map((chunk) => chunk.prompt_token_count)).toEqual([null, null]);
      expect(metricsUsage(chunks)).toEqual({ inputTokens: 12, outputTokens: 2 });
    });

    it('Mistral text completion: sends the [INST] turns to the mistral model', async () => {
      const client = ollamaClient();
      const body = { prompt: MISTRAL_PROMPT, max_tokens: 40, temperature: 0.7, top_p: 0.9, top_k: 50 };
      const result = await invoke(client, MISTRAL_7B, body);
      expect(lastChat()).toMatchObject({
        model: 'mistral',
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello.' },
          { role: 'user', content: 'Say hello.' },
        ],
        options: { num_predict: 40, temperature: 0.7, top_p: 0.9, top_k: 50 },
      });
      expect(result.body).toEqual({ outputs: [{ text: 'Echo: Say hello.', stop_reason: 'stop' }] });

      const { chunks } = await invokeStream(client, MISTRAL_7B, body);
      expect(withoutMetrics(chunks)).toEqual([
        { outputs: [{ text: 'Echo: ', stop_reason: null }] },
        { outputs: [{ text: 'Say ', stop_reason: null }] },
        { outputs: [{ text: 'hello.', stop_reason: null }] },
        { outputs: [{ text: '', stop_reason: 'stop' }] },
      ]);
      expect(metricsUsage(chunks)).toEqual(headerUsage(result));
    });

    it('Mistral chat completion: sends tools, answers a tool call, and sends the tool result back', async () => {
      const client = ollamaClient();
      const question = { role: 'user', content: 'What is the weather in Paris?' };
      const request = { messages: [question], tools: [WEATHER_TOOL], tool_choice: 'auto', max_tokens: 80, temperature: 0.1 };
      const toolReply = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], promptEvalCount: 30, evalCount: 7 };
      fake.script(toolReply, toolReply);
      const result = await invoke(client, MISTRAL_LARGE, request);
      expect(lastChat()).toMatchObject({ model: 'mistral', messages: [question], tools: [WEATHER_TOOL], options: { num_predict: 80, temperature: 0.1 } });
      const call = { id: expect.stringMatching(/^[A-Za-z0-9]{9}$/), function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
      expect(result.body).toEqual({ choices: [{ index: 0, message: { role: 'assistant', content: '', tool_calls: [call] }, stop_reason: 'tool_calls' }] });
      expect(headerUsage(result)).toEqual({ inputTokens: 30, outputTokens: 7 });

      const { chunks } = await invokeStream(client, MISTRAL_LARGE, request);
      expect(withoutMetrics(chunks)).toEqual([{ choices: [{ index: 0, message: { role: 'assistant', content: '', tool_calls: [call] }, stop_reason: 'tool_calls' }] }]);
      expect(metricsUsage(chunks)).toEqual({ inputTokens: 30, outputTokens: 7 });

      const toolCall = (result.body.choices as { message: { tool_calls: unknown[] } }[])[0]!.message.tool_calls[0] as { id: string };
      fake.script({ content: ['It is 21 degrees.'], promptEvalCount: 40, evalCount: 5 });
      const followUp = await invoke(client, MISTRAL_LARGE, {
        messages: [question, { role: 'assistant', content: '', tool_calls: [toolCall] }, { role: 'tool', tool_call_id: toolCall.id, content: '{"temperature":21}' }],
        tools: [WEATHER_TOOL],
      });
      expect(lastChat().messages).toEqual([
        question,
        { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
        { role: 'tool', content: '{"temperature":21}', tool_name: 'get_weather' },
      ]);
      expect(followUp.body.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'It is 21 degrees.', tool_calls: null }, stop_reason: 'stop' }]);
    });

    it('DeepSeek R1: asks the deepseek-r1 model to think and writes its thinking before </think>', async () => {
      const client = ollamaClient();
      const body = { prompt: DEEPSEEK_PROMPT, max_tokens: 300, temperature: 0.6, top_p: 0.95 };
      const thinkingReply = { thinking: ['Greeting', ' needed.'], content: ['Hello!'], promptEvalCount: 9, evalCount: 4 };
      fake.script(thinkingReply, thinkingReply);
      const result = await invoke(client, DEEPSEEK, body);
      expect(lastChat()).toMatchObject({
        model: 'deepseek-r1',
        think: true,
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Say hello.' },
        ],
        options: { num_predict: 300, temperature: 0.6, top_p: 0.95 },
      });
      expect(result.body).toEqual({ choices: [{ text: 'Greeting needed.\n</think>\n\nHello!', stop_reason: 'stop' }] });
      expect(headerUsage(result)).toEqual({ inputTokens: 9, outputTokens: 4 });

      const { chunks } = await invokeStream(client, DEEPSEEK, body);
      expect(withoutMetrics(chunks)).toEqual([
        { choices: [{ text: 'Greeting', stop_reason: null }] },
        { choices: [{ text: ' needed.', stop_reason: null }] },
        { choices: [{ text: '\n</think>\n\nHello!', stop_reason: null }] },
        { choices: [{ text: '', stop_reason: 'stop' }] },
      ]);
      expect(metricsUsage(chunks)).toEqual({ inputTokens: 9, outputTokens: 4 });
    });
  });

  describe('content types', () => {
    const bodies: [string, Record<string, unknown>][] = [
      [CLAUDE_V2, { prompt: CLAUDE_PROMPT, max_tokens_to_sample: 20 }],
      [LLAMA, { prompt: LLAMA_PROMPT }],
      [MISTRAL_7B, { prompt: MISTRAL_PROMPT }],
      [MISTRAL_LARGE, { messages: [{ role: 'user', content: 'Hi' }] }],
      [DEEPSEEK, { prompt: DEEPSEEK_PROMPT }],
    ];

    it('reads the body as JSON when it is sent as application/octet-stream', async () => {
      const { client } = runtimeClient(door);
      for (const [modelId, body] of bodies) {
        const result = await invoke(client, modelId, body, { contentType: 'application/octet-stream' });
        expect(result.contentType).toBe('application/json');
        expect(Number(result.headers['x-amzn-bedrock-output-token-count'])).toBeGreaterThan(0);
      }
    });

    it('reads the body as JSON when the request has no content type at all', async () => {
      const { client } = runtimeClient(door);
      const sentTypes: (string | undefined)[] = [];
      client.middlewareStack.add(
        (next) => async (args) => {
          const headers = (args.request as { headers: Record<string, string> }).headers;
          delete headers['content-type'];
          return next(args);
        },
        { step: 'build', priority: 'low', name: 'dropContentType' },
      );
      client.middlewareStack.add(
        (next) => async (args) => {
          sentTypes.push((args.request as { headers: Record<string, string> }).headers['content-type']);
          return next(args);
        },
        { step: 'deserialize', priority: 'high', name: 'recordContentType' },
      );
      for (const [modelId, body] of bodies) {
        const result = await invoke(client, modelId, body);
        expect(result.contentType).toBe('application/json');
        const { chunks } = await invokeStream(client, modelId, body);
        expect(invocationMetrics(chunks)).toBeDefined();
      }
      expect(sentTypes).toEqual(Array(bodies.length * 2).fill(undefined));
    });
  });

  describe('validation', () => {
    it.each([
      [
        'a Claude Messages body sent to Llama',
        LLAMA,
        { anthropic_version: 'bedrock-2023-05-31', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] },
        malformed(
          '#: required key [prompt] not found',
          '#: extraneous key [anthropic_version] is not permitted',
          '#: extraneous key [max_tokens] is not permitted',
          '#: extraneous key [messages] is not permitted',
        ),
      ],
      ['max_gen_len above the Llama limit', LLAMA, { prompt: 'Hi', max_gen_len: 4096 }, malformed('#/max_gen_len: 4096 is not less or equal to 2048')],
      ['wrong Llama types and ranges', LLAMA, { prompt: 42, temperature: 1.5, images: 'abc' }, malformed('#/prompt: expected type: String, found: Number', '#/temperature: 1.5 is not less or equal to 1', '#/images: expected type: JSONArray, found: String')],
      ['a Claude text body without max_tokens_to_sample', CLAUDE_V2, { prompt: CLAUDE_PROMPT }, malformed('#: required key [max_tokens_to_sample] not found')],
      ['max_tokens_to_sample above the Claude limit', CLAUDE_V2, { prompt: CLAUDE_PROMPT, max_tokens_to_sample: 5000 }, malformed('#/max_tokens_to_sample: 5000 is not less or equal to 4096')],
      ['a Claude text prompt without a Human turn', CLAUDE_V2, { prompt: 'Say hello.', max_tokens_to_sample: 10 }, 'prompt must start with "\\n\\nHuman:" turn after an optional system prompt'],
      ['a Claude text prompt not ending with an Assistant turn', CLAUDE_V2, { prompt: '\n\nHuman: Hi', max_tokens_to_sample: 10 }, 'prompt must end with "\\n\\nAssistant:" turn'],
      ['max_tokens above the Mistral limit', MISTRAL_7B, { prompt: MISTRAL_PROMPT, max_tokens: 9000 }, malformed('#/max_tokens: 9000 is not less or equal to 8192')],
      ['wrong Mistral text types and ranges', MISTRAL_7B, { prompt: MISTRAL_PROMPT, top_k: 0, stop: 'x' }, malformed('#/top_k: 0 is not greater or equal to 1', '#/stop: expected type: JSONArray, found: String')],
      ['chat messages sent to a text-only Mistral model', MISTRAL_7B, { messages: [{ role: 'user', content: 'Hi' }] }, malformed('#: required key [prompt] not found', '#: extraneous key [messages] is not permitted')],
      ['a Mistral chat body without messages', MISTRAL_LARGE, { max_tokens: 10 }, malformed('#: required key [messages] not found')],
      [
        'a bad Mistral chat role and max_tokens',
        MISTRAL_LARGE,
        { messages: [{ role: 'robot', content: 'Hi' }], max_tokens: 9000 },
        malformed('#/max_tokens: 9000 is not less or equal to 8192', '#/messages/0/role: robot is not a valid enum value'),
      ],
      ['a tool message without tool_call_id', MISTRAL_LARGE, { messages: [{ role: 'tool', content: '{}' }] }, malformed('#/messages/0: required key [tool_call_id] not found')],
      ['an unknown tool_choice', MISTRAL_LARGE, { messages: [{ role: 'user', content: 'Hi' }], tool_choice: 'sometimes' }, malformed('#/tool_choice: sometimes is not a valid enum value')],
      [
        'a Llama key and max_tokens above the limit for DeepSeek',
        DEEPSEEK,
        { prompt: DEEPSEEK_PROMPT, max_tokens: 40000, max_gen_len: 10 },
        malformed('#: extraneous key [max_gen_len] is not permitted', '#/max_tokens: 40000 is not less or equal to 32768'),
      ],
    ])('rejects %s', async (_, modelId, body, message) => {
      const { client } = runtimeClient(door);
      await expect(invoke(client, modelId, body)).rejects.toMatchObject({ name: 'ValidationException', message, $metadata: { httpStatusCode: 400 } });
      await expect(invokeStream(client, modelId, body)).rejects.toMatchObject({ name: 'ValidationException', message });
    });
  });
});
