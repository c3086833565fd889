import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOllamaBackend } from '../src/index.js';
import { FRONT_DOORS, runtimeClient, type FrontDoor } from './support/clients.js';
import { startFakeOllama, type FakeOllama } from './support/fake-ollama-server.js';
import { invocationMetrics, invoke, invokeStream, type InvokeResult } from './support/invoke.js';

/**
 * InvokeModel and InvokeModelWithResponseStream with the native bodies of Titan Text, Nova, Cohere Command
 * and Command R, AI21 Jamba, and the Chat Completions models (gpt-oss, Qwen), on the scripted backend and on
 * a fake Ollama server.
 */

const TITAN = 'amazon.titan-text-express-v1';
const NOVA = 'amazon.nova-lite-v1:0';
const COMMAND = 'cohere.command-text-v14';
const COMMAND_R = 'cohere.command-r-plus-v1:0';
const JAMBA = 'ai21.jamba-1-5-mini-v1:0';
const GPT_OSS = 'openai.gpt-oss-20b-1:0';
const QWEN = 'qwen.qwen3-32b-v1:0';

type Json = Record<string, unknown>;

let ollama: FakeOllama;
beforeAll(async () => {
  ollama = await startFakeOllama({ models: ['llama3.2', 'gpt-oss', 'qwen3'] });
});
afterAll(() => ollama.close());
beforeEach(() => ollama.reset());

function ollamaClient(door: FrontDoor) {
  return runtimeClient(door, { backend: createOllamaBackend({ host: ollama.host }) }).client;
}

/** The token counts Bedrock sends as headers on every InvokeModel response. */
function tokenHeaders(result: InvokeResult) {
  return { input: Number(result.headers['x-amzn-bedrock-input-token-count']), output: Number(result.headers['x-amzn-bedrock-output-token-count']) };
}

function metricsCounts(chunks: Json[]) {
  const metrics = invocationMetrics(chunks)!;
  expect(Number.isInteger(metrics.invocationLatency) && Number.isInteger(metrics.firstByteLatency)).toBe(true);
  return { input: metrics.inputTokenCount, output: metrics.outputTokenCount };
}

/** Only the last chunk carries the invocation metrics. */
function expectMetricsOnlyLast(chunks: Json[]): void {
  chunks.slice(0, -1).forEach((chunk) => expect(chunk).not.toHaveProperty('amazon-bedrock-invocationMetrics'));
}

function withoutMetrics(chunk: Json | undefined): Json {
  const { 'amazon-bedrock-invocationMetrics': _metrics, ...rest } = chunk ?? {};
  return rest;
}

function malformed(...violations: string[]) {
  return { name: 'ValidationException', message: `Malformed input request: ${violations.join(', ')}, please reformat your input and try again.` };
}

/** What the fake Ollama server was asked in its last chat exchange. */
function lastOllamaChat(): Json {
  return ollama.chats.at(-1)!.body;
}

describe.each(FRONT_DOORS)('ollama.<model> ids through the %s door', (door) => {
  it('pick the codec by the body’s shape', async () => {
    const { client } = runtimeClient(door);
    const id = 'ollama.qwen2.5:0.5b';
    const nova = await invoke(client, id, { schemaVersion: 'messages-v1', messages: [{ role: 'user', content: [{ text: 'Hi' }] }] });
    expect(Object.keys(nova.body)).toEqual(['output', 'stopReason', 'usage']);
    const openai = await invoke(client, id, { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 20 });
    expect(openai.body.object).toBe('chat.completion');
    const titan = await invoke(client, id, { inputText: 'Hi' });
    expect(titan.body.results).toBeDefined();
    const claude = await invoke(client, id, { anthropic_version: 'bedrock-2023-05-31', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
    expect(claude.body.type).toBe('message');
    const llama = await invoke(client, id, { prompt: '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>' });
    expect(llama.body.generation).toBeDefined();
  });
});

describe.each(FRONT_DOORS)('InvokeModel chat families through the %s door', (door) => {
  describe('Titan Text', () => {
    const body = { inputText: 'User: Tell me about Paris\nBot:', textGenerationConfig: { temperature: 0.2, topP: 0.9 } };

    it('answers with inputTextTokenCount and results, the token headers matching', async () => {
      const { client } = runtimeClient(door);
      const result = await invoke(client, TITAN, body);
      expect(result.contentType).toBe('application/json');
      expect(Object.keys(result.body)).toEqual(['inputTextTokenCount', 'results']);
      const [first] = result.body.results as Json[];
      expect(Object.keys(first!)).toEqual(['tokenCount', 'outputText', 'completionReason']);
      // The `User:`/`Bot:` markers are read as turns, so the model saw the question alone.
      expect(first!.outputText).toContain('You asked: "Tell me about Paris"');
      expect(first!.completionReason).toBe('FINISH');
      expect(tokenHeaders(result)).toEqual({ input: result.body.inputTextTokenCount, output: first!.tokenCount });
    });

    it('streams Titan chunks: input count first, total and completion reason with the last piece', async () => {
      const { client } = runtimeClient(door);
      const plain = await invoke(client, TITAN, body);
      const { chunks, contentType } = await invokeStream(client, TITAN, body);
      expect(contentType).toBe('application/json');
      expect(chunks.length).toBeGreaterThan(2);
      chunks.forEach((chunk) => expect(Object.keys(withoutMetrics(chunk))).toEqual(['outputText', 'index', 'totalOutputTextTokenCount', 'completionReason', 'inputTextTokenCount']));
      const [first, ...rest] = chunks;
      const last = chunks.at(-1)!;
      expect(first!.inputTextTokenCount).toBe(plain.body.inputTextTokenCount);
      rest.forEach((chunk) => expect(chunk.inputTextTokenCount).toBeNull());
      chunks.slice(0, -1).forEach((chunk) => expect([chunk.completionReason, chunk.totalOutputTextTokenCount, chunk.index]).toEqual([null, null, 0]));
      const result = (plain.body.results as Json[])[0]!;
      expect(last.completionReason).toBe('FINISH');
      expect(last.totalOutputTextTokenCount).toBe(result.tokenCount);
      expect(chunks.map((chunk) => chunk.outputText).join('')).toBe(result.outputText);
      expectMetricsOnlyLast(chunks);
      expect(metricsCounts(chunks)).toEqual({ input: plain.body.inputTextTokenCount, output: last.totalOutputTextTokenCount });
    });

    it('honours maxTokenCount and stop sequences', async () => {
      const reply = { text: 'Paris is lovely.\nUser: And Rome?' };
      const { client } = runtimeClient(door, { responses: [reply, reply] });
      const cut = await invoke(client, TITAN, { inputText: 'Tell me about Paris', textGenerationConfig: { maxTokenCount: 5 } });
      expect((cut.body.results as Json[])[0]).toMatchObject({ tokenCount: 5, completionReason: 'LENGTH' });
      expect(tokenHeaders(cut).output).toBe(5);
      const stopped = await invoke(client, TITAN, { inputText: 'Tell me about Paris', textGenerationConfig: { stopSequences: ['User:'] } });
      expect((stopped.body.results as Json[])[0]).toMatchObject({ outputText: 'Paris is lovely.\n', completionReason: 'STOP_CRITERIA_MET' });
    });

    it('sends the parsed turns and options to Ollama, without a system prompt', async () => {
      const client = ollamaClient(door);
      const inputText = 'You are terse.\nUser: Hi\nBot: Hello!\nUser: Name a city\nBot:';
      const result = await invoke(client, TITAN, { inputText, textGenerationConfig: { maxTokenCount: 100, temperature: 0.5, topP: 0.8 } });
      expect(lastOllamaChat()).toMatchObject({
        model: 'llama3.2',
        messages: [
          { role: 'user', content: 'You are terse.\nHi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'Name a city' },
        ],
        options: { num_predict: 100, temperature: 0.5, top_p: 0.8 },
      });
      const answer = (result.body.results as Json[])[0]!;
      expect(answer.outputText).toBe('Echo: Name a city');
      expect(tokenHeaders(result)).toEqual({ input: result.body.inputTextTokenCount, output: answer.tokenCount });

      const { chunks } = await invokeStream(client, TITAN, { inputText: 'Say hello' });
      expect(lastOllamaChat().options).toEqual({ num_predict: 512 });
      expect(chunks.map((chunk) => chunk.outputText).join('')).toBe('Echo: Say hello');
      expect(chunks.at(-1)).toMatchObject({ completionReason: 'FINISH', totalOutputTextTokenCount: 3 });
      expect(metricsCounts(chunks)).toEqual({ input: 2, output: 3 });
    });

    it('rejects bodies that break the schema', async () => {
      const { client } = runtimeClient(door);
      const novaBody = { schemaVersion: 'messages-v1', messages: [{ role: 'user', content: [{ text: 'Hi' }] }], inferenceConfig: { max_new_tokens: 10 } };
      await expect(invoke(client, TITAN, novaBody)).rejects.toMatchObject(
        malformed(
          '#: required key [inputText] not found',
          '#: extraneous key [schemaVersion] is not permitted',
          '#: extraneous key [messages] is not permitted',
          '#: extraneous key [inferenceConfig] is not permitted',
        ),
      );
      await expect(invokeStream(client, TITAN, { inputText: 'Hi', textGenerationConfig: { maxTokenCount: 9000, temperature: 'hot', top_p: 1 } })).rejects.toMatchObject(
        malformed(
          '#/textGenerationConfig: extraneous key [top_p] is not permitted',
          '#/textGenerationConfig/maxTokenCount: 9000 is not less or equal to 8192',
          '#/textGenerationConfig/temperature: expected type: Number, found: String',
        ),
      );
      await expect(invoke(client, TITAN, { inputText: '' })).rejects.toMatchObject(malformed('#/inputText: expected minLength: 1, actual: 0'));
    });
  });

  describe('Nova', () => {
    const body = {
      schemaVersion: 'messages-v1',
      system: [{ text: 'Answer briefly.' }],
      messages: [{ role: 'user', content: [{ text: 'Tell me about Lisbon' }, { cachePoint: { type: 'default' } }] }],
      inferenceConfig: { max_new_tokens: 300, temperature: 0.3, top_p: 0.9, top_k: 20 },
    };
    const weatherTool = {
      toolSpec: {
        name: 'get_weather',
        description: 'Current weather for a city',
        inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      },
    };
    const toolConfig = { tools: [weatherTool], toolChoice: { tool: { name: 'get_weather' } } };
    const question = { role: 'user', content: [{ text: 'What is the weather in Paris?' }] };

    it('answers with output, stopReason and usage in Nova’s names', async () => {
      const { client } = runtimeClient(door);
      const result = await invoke(client, NOVA, body);
      expect(Object.keys(result.body)).toEqual(['output', 'stopReason', 'usage']);
      const output = result.body.output as { message: { role: string; content: Json[] } };
      expect(output.message.role).toBe('assistant');
      expect(output.message.content).toEqual([{ text: expect.stringContaining('You asked: "Tell me about Lisbon"') }]);
      expect(result.body.stopReason).toBe('end_turn');
      const usage = result.body.usage as Record<string, number>;
      expect(Object.keys(usage)).toEqual(['inputTokens', 'outputTokens', 'totalTokens', 'cacheReadInputTokenCount', 'cacheWriteInputTokenCount']);
      expect(usage.totalTokens).toBe(usage.inputTokens! + usage.outputTokens!);
      expect(tokenHeaders(result)).toEqual({ input: usage.inputTokens, output: usage.outputTokens });
    });

    it('streams wrapped Converse events, metadata last', async () => {
      const { client } = runtimeClient(door);
      const plain = await invoke(client, NOVA, body);
      const { chunks } = await invokeStream(client, NOVA, body);
      const names = chunks.map((chunk) => Object.keys(withoutMetrics(chunk)));
      names.forEach((keys) => expect(keys).toHaveLength(1));
      const order = names.map(([name]) => name);
      expect(order[0]).toBe('messageStart');
      expect(order.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
      expect(new Set(order.slice(1, -3))).toEqual(new Set(['contentBlockDelta']));
      expect(chunks[0]).toEqual({ messageStart: { role: 'assistant' } });
      const deltas = chunks.slice(1, -3).map((chunk) => chunk.contentBlockDelta as { delta: { text: string }; contentBlockIndex: number });
      deltas.forEach((delta) => expect(delta.contentBlockIndex).toBe(0));
      expect(deltas.map((delta) => delta.delta.text).join('')).toBe((plain.body.output as { message: { content: { text: string }[] } }).message.content[0]!.text);
      expect(chunks.at(-2)).toEqual({ messageStop: { stopReason: 'end_turn' } });
      const usage = plain.body.usage as Record<string, number>;
      expect(withoutMetrics(chunks.at(-1))).toEqual({ metadata: { usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }, metrics: {}, trace: {} } });
      expectMetricsOnlyLast(chunks);
      expect(metricsCounts(chunks)).toEqual({ input: usage.inputTokens, output: usage.outputTokens });
    });

    it('calls a forced tool, streams it with contentBlockStart, and completes the tool round trip', async () => {
      const { client } = runtimeClient(door);
      const request = { messages: [question], toolConfig };
      const result = await invoke(client, NOVA, request);
      expect(result.body.stopReason).toBe('tool_use');
      const content = (result.body.output as { message: { content: Json[] } }).message.content;
      expect(content).toEqual([{ toolUse: { toolUseId: expect.stringMatching(/^tooluse_/), name: 'get_weather', input: { city: 'Paris' } } }]);
      const toolUse = content[0]!.toolUse as { toolUseId: string };

      const { chunks } = await invokeStream(client, NOVA, request);
      expect(chunks.map((chunk) => Object.keys(withoutMetrics(chunk))[0])).toEqual([
        'messageStart',
        'contentBlockStart',
        ...Array(chunks.length - 5).fill('contentBlockDelta'),
        'contentBlockStop',
        'messageStop',
        'metadata',
      ]);
      expect(chunks[1]).toEqual({ contentBlockStart: { start: { toolUse: { toolUseId: toolUse.toolUseId, name: 'get_weather' } }, contentBlockIndex: 0 } });
      const input = chunks.slice(2, -3).map((chunk) => (chunk.contentBlockDelta as { delta: { toolUse: { input: string } } }).delta.toolUse.input).join('');
      expect(JSON.parse(input)).toEqual({ city: 'Paris' });
      expect(chunks.at(-2)).toEqual({ messageStop: { stopReason: 'tool_use' } });

      const followUp = await invoke(client, NOVA, {
        messages: [
          question,
          { role: 'assistant', content },
          { role: 'user', content: [{ toolResult: { toolUseId: toolUse.toolUseId, content: [{ json: { temperature: 21 } }], status: 'success' } }] },
        ],
        toolConfig: { tools: [weatherTool] },
      });
      expect(followUp.body.stopReason).toBe('end_turn');
      expect((followUp.body.output as { message: { content: Json[] } }).message.content).toEqual([{ text: 'Based on the tool result: {"temperature":21}' }]);
    });

    it('honours max_new_tokens and stopSequences', async () => {
      const { client } = runtimeClient(door);
      const cut = await invoke(client, NOVA, { ...body, inferenceConfig: { max_new_tokens: 4 } });
      expect(cut.body).toMatchObject({ stopReason: 'max_tokens', usage: { outputTokens: 4 } });
      const stopped = await invoke(client, NOVA, { ...body, inferenceConfig: { stopSequences: ['Lisbon'] } });
      expect(stopped.body).toMatchObject({ stopReason: 'stop_sequence', output: { message: { content: [{ text: 'You asked: "Tell me about ' }] } } });
    });

    it('sends the system prompt, turns and snake_case options to Ollama, and reads its tool calls', async () => {
      const client = ollamaClient(door);
      const result = await invoke(client, NOVA, body);
      expect(lastOllamaChat()).toMatchObject({
        messages: [
          { role: 'system', content: 'Answer briefly.' },
          { role: 'user', content: 'Tell me about Lisbon' },
        ],
        options: { num_predict: 300, temperature: 0.3, top_p: 0.9, top_k: 20 },
      });
      expect(result.body).toMatchObject({ output: { message: { content: [{ text: 'Echo: Tell me about Lisbon' }] } }, stopReason: 'end_turn', usage: { inputTokens: 6, outputTokens: 5 } });
      expect(tokenHeaders(result)).toEqual({ input: 6, output: 5 });

      ollama.script({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }], promptEvalCount: 9, evalCount: 4 });
      const { chunks } = await invokeStream(client, NOVA, { messages: [question], toolConfig: { tools: [weatherTool] } });
      expect(lastOllamaChat().tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: weatherTool.toolSpec.inputSchema.json } }]);
      expect(chunks[1]).toMatchObject({ contentBlockStart: { start: { toolUse: { name: 'get_weather' } } } });
      expect(chunks.at(-2)).toEqual({ messageStop: { stopReason: 'tool_use' } });
      expect(metricsCounts(chunks)).toEqual({ input: 9, output: 4 });
    });

    it('reads image blocks and reasoningConfig', async () => {
      const png = Buffer.from('not really a png').toString('base64');
      const request = {
        messages: [{ role: 'user', content: [{ image: { format: 'png', source: { bytes: png } } }, { text: 'What is in this picture?' }] }],
        reasoningConfig: { type: 'enabled', maxReasoningEffort: 'low' },
      };
      await invoke(ollamaClient(door), NOVA, request);
      expect(lastOllamaChat()).toMatchObject({ messages: [{ role: 'user', content: 'What is in this picture?', images: [png] }], think: 'low' });
      const { client } = runtimeClient(door);
      const content = ((await invoke(client, NOVA, request)).body.output as { message: { content: Json[] } }).message.content;
      expect(content.map((block) => Object.keys(block)[0])).toEqual(['reasoningContent', 'text']);
    });

    it('rejects bodies that break Nova’s schema or limits', async () => {
      const { client } = runtimeClient(door);
      await expect(invoke(client, NOVA, { ...body, schemaVersion: 'messages-v2' })).rejects.toMatchObject(malformed('#/schemaVersion: messages-v2 is not a valid enum value'));
      await expect(invoke(client, NOVA, { ...body, inferenceConfig: { maxTokens: 10, temperature: 3 } })).rejects.toMatchObject(
        malformed('#/inferenceConfig: extraneous key [maxTokens] is not permitted', '#/inferenceConfig/temperature: 3 is not less or equal to 1'),
      );
      await expect(invokeStream(client, NOVA, { system: 'Be brief', prompt: 'Hi' })).rejects.toMatchObject(
        malformed('#: required key [messages] not found', '#: extraneous key [prompt] is not permitted', '#/system: expected type: JSONArray, found: String'),
      );
      await expect(invoke(client, NOVA, { ...body, inferenceConfig: { max_new_tokens: 20000 } })).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'The maximum tokens you requested exceeds the model limit of 10000. Try again with a maximum tokens value that is lower than 10000.',
      });
    });
  });

  describe('Cohere Command', () => {
    const body = { prompt: 'Write a line about Rome', temperature: 0.5, p: 0.7, k: 10, max_tokens: 200 };

    it('answers with generations, id and prompt', async () => {
      const { client } = runtimeClient(door);
      const result = await invoke(client, COMMAND, body);
      expect(Object.keys(result.body)).toEqual(['generations', 'id', 'prompt']);
      expect(result.body.prompt).toBe(body.prompt);
      const generations = result.body.generations as Json[];
      expect(generations).toHaveLength(1);
      expect(Object.keys(generations[0]!)).toEqual(['id', 'text', 'finish_reason']);
      expect(generations[0]).toMatchObject({ text: expect.stringContaining('You asked: "Write a line about Rome"'), finish_reason: 'COMPLETE' });
      expect(tokenHeaders(result).output).toBeGreaterThan(0);
    });

    it('streams text pieces, then a finished chunk holding the full response', async () => {
      const { client } = runtimeClient(door);
      const plain = await invoke(client, COMMAND, body);
      const { chunks } = await invokeStream(client, COMMAND, body);
      const pieces = chunks.slice(0, -1);
      pieces.forEach((chunk) => expect(Object.keys(chunk)).toEqual(['text', 'is_finished']));
      pieces.forEach((chunk) => expect(chunk.is_finished).toBe(false));
      const last = withoutMetrics(chunks.at(-1));
      expect(Object.keys(last)).toEqual(['is_finished', 'finish_reason', 'response']);
      expect(last).toMatchObject({ is_finished: true, finish_reason: 'COMPLETE' });
      const text = (plain.body.generations as Json[])[0]!.text;
      expect(pieces.map((chunk) => chunk.text).join('')).toBe(text);
      expect(last.response).toMatchObject({ generations: [{ text, finish_reason: 'COMPLETE' }], prompt: body.prompt });
      expectMetricsOnlyLast(chunks);
      expect(metricsCounts(chunks)).toEqual(tokenHeaders(plain));
    });

    it('cuts at 20 tokens by default, honours stop sequences and repeats the answer for num_generations', async () => {
      const { client } = runtimeClient(door);
      const short = await invoke(client, COMMAND, { prompt: body.prompt });
      expect((short.body.generations as Json[])[0]!.finish_reason).toBe('MAX_TOKENS');
      expect(tokenHeaders(short).output).toBe(20);
      const stopped = await invoke(client, COMMAND, { prompt: body.prompt, stop_sequences: ['Rome'], num_generations: 2 });
      const generations = stopped.body.generations as Json[];
      expect(generations.map((generation) => generation.text)).toEqual(['You asked: "Write a line about ', 'You asked: "Write a line about ']);
      expect(generations[0]!.id).not.toBe(generations[1]!.id);
      expect(generations[0]!.finish_reason).toBe('COMPLETE');
    });

    it('sends the prompt and sampling options to Ollama', async () => {
      const client = ollamaClient(door);
      const result = await invoke(client, COMMAND, body);
      expect(lastOllamaChat()).toMatchObject({ messages: [{ role: 'user', content: body.prompt }], options: { num_predict: 200, temperature: 0.5, top_p: 0.7, top_k: 10 } });
      expect((result.body.generations as Json[])[0]!.text).toBe('Echo: Write a line about Rome');
      const { chunks } = await invokeStream(client, COMMAND, body);
      expect(chunks.at(-1)).toMatchObject({ is_finished: true, response: { generations: [{ text: 'Echo: Write a line about Rome' }] } });
      expect(metricsCounts(chunks)).toEqual({ input: 5, output: 6 });
    });

    it('rejects bodies that break the schema', async () => {
      const { client } = runtimeClient(door);
      await expect(invoke(client, COMMAND, { prompt: 'Hi', max_tokens: 'ten', return_likelihoods: 'SOME', num_generations: 9 })).rejects.toMatchObject(
        malformed(
          '#/max_tokens: expected type: Number, found: String',
          '#/num_generations: 9 is not less or equal to 5',
          '#/return_likelihoods: SOME is not a valid enum value',
        ),
      );
      await expect(invoke(client, COMMAND, { prompt: 'Hi', max_tokens: 5000 })).rejects.toMatchObject(malformed('#/max_tokens: 5000 is not less or equal to 4000'));
    });
  });

  describe('Cohere Command R', () => {
    const weatherTool = { name: 'get_weather', description: 'Current weather for a city', parameter_definitions: { city: { type: 'str', description: 'The city', required: true } } };
    const body = {
      message: 'And what about Madrid?',
      preamble: 'You are a travel guide.',
      chat_history: [
        { role: 'USER', message: 'Tell me about Lisbon' },
        { role: 'CHATBOT', message: 'Lisbon is sunny.' },
      ],
      max_tokens: 300,
      temperature: 0.3,
      p: 0.8,
      k: 40,
      seed: 7,
    };

    it('answers with text, ids, the extended chat history and billed units', async () => {
      const { client } = runtimeClient(door);
      const result = await invoke(client, COMMAND_R, body);
      expect(Object.keys(result.body)).toEqual(['response_id', 'text', 'generation_id', 'chat_history', 'finish_reason', 'meta']);
      expect(result.body.text).toContain('You asked: "And what about Madrid?"');
      expect(result.body.finish_reason).toBe('COMPLETE');
      expect(result.body.chat_history).toEqual([...body.chat_history, { role: 'USER', message: body.message }, { role: 'CHATBOT', message: result.body.text }]);
      const billed = (result.body.meta as { billed_units: { input_tokens: number; output_tokens: number } }).billed_units;
      expect(tokenHeaders(result)).toEqual({ input: billed.input_tokens, output: billed.output_tokens });
    });

    it('streams stream-start, text-generation pieces and stream-end with the full response', async () => {
      const { client } = runtimeClient(door);
      const plain = await invoke(client, COMMAND_R, body);
      const { chunks } = await invokeStream(client, COMMAND_R, body);
      expect(chunks[0]).toEqual({ event_type: 'stream-start', is_finished: false, generation_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const pieces = chunks.slice(1, -1);
      pieces.forEach((chunk) => expect(Object.keys(chunk)).toEqual(['event_type', 'is_finished', 'text']));
      expect(new Set(pieces.map((chunk) => chunk.event_type))).toEqual(new Set(['text-generation']));
      expect(pieces.map((chunk) => chunk.text).join('')).toBe(plain.body.text);
      const last = withoutMetrics(chunks.at(-1));
      expect(last).toMatchObject({ event_type: 'stream-end', is_finished: true, finish_reason: 'COMPLETE' });
      const response = last.response as Json;
      expect(response).toMatchObject({ text: plain.body.text, generation_id: chunks[0]!.generation_id, chat_history: plain.body.chat_history });
      const billed = (response.meta as { billed_units: { input_tokens: number; output_tokens: number } }).billed_units;
      expectMetricsOnlyLast(chunks);
      expect(metricsCounts(chunks)).toEqual({ input: billed.input_tokens, output: billed.output_tokens });
    });

    it('calls a tool the prompt names, streams tool-calls-generation, and answers from tool results', async () => {
      const { client } = runtimeClient(door);
      const request = { message: 'What is the weather in Paris?', tools: [weatherTool] };
      const result = await invoke(client, COMMAND_R, request);
      expect(result.body.tool_calls).toEqual([{ name: 'get_weather', parameters: { city: 'Paris' } }]);
      expect(result.body.finish_reason).toBe('COMPLETE');
      expect((result.body.chat_history as Json[]).at(-1)).toEqual({ role: 'CHATBOT', message: result.body.text, tool_calls: result.body.tool_calls });

      const { chunks } = await invokeStream(client, COMMAND_R, request);
      expect(chunks.map((chunk) => chunk.event_type).slice(-2)).toEqual(['tool-calls-generation', 'stream-end']);
      expect(chunks.at(-2)).toEqual({ event_type: 'tool-calls-generation', is_finished: false, text: result.body.text, tool_calls: result.body.tool_calls });
      expect((chunks.at(-1)!.response as Json).tool_calls).toEqual(result.body.tool_calls);

      const followUp = await invoke(client, COMMAND_R, {
        ...request,
        tool_results: [{ call: { name: 'get_weather', parameters: { city: 'Paris' } }, outputs: [{ temperature: 21 }] }],
      });
      expect(followUp.body.text).toBe('Based on the tool result: {"temperature":21}');
      expect(followUp.body).not.toHaveProperty('tool_calls');
    });

    it('sends preamble, history, documents and tools to Ollama, and tool results as tool messages', async () => {
      const client = ollamaClient(door);
      const result = await invoke(client, COMMAND_R, { ...body, documents: [{ title: 'Madrid', snippet: 'Madrid is the capital of Spain.' }], tools: [weatherTool] });
      expect(lastOllamaChat()).toMatchObject({
        messages: [
          { role: 'system', content: 'You are a travel guide.' },
          { role: 'user', content: 'Tell me about Lisbon' },
          { role: 'assistant', content: 'Lisbon is sunny.' },
          { role: 'user', content: 'And what about Madrid?\n<document name="Madrid">\ntitle: Madrid\nsnippet: Madrid is the capital of Spain.\n</document>' },
        ],
        tools: [
          {
            type: 'function',
            function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string', description: 'The city' } }, required: ['city'] } },
          },
        ],
        options: { num_predict: 300, temperature: 0.3, top_p: 0.8, top_k: 40, seed: 7 },
      });
      expect(result.body.text).toMatch(/^Echo: And what about Madrid\?/);

      ollama.script({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Madrid' } }] });
      const { chunks } = await invokeStream(client, COMMAND_R, { message: 'Weather in Madrid?', tools: [weatherTool] });
      expect(chunks.at(-2)).toEqual({ event_type: 'tool-calls-generation', is_finished: false, text: '', tool_calls: [{ name: 'get_weather', parameters: { city: 'Madrid' } }] });

      await invoke(client, COMMAND_R, {
        message: 'Weather in Madrid?',
        tools: [weatherTool],
        tool_results: [{ call: { name: 'get_weather', parameters: { city: 'Madrid' } }, outputs: [{ temperature: 30 }] }],
      });
      expect(lastOllamaChat().messages).toEqual([
        { role: 'user', content: 'Weather in Madrid?' },
        { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Madrid' } } }] },
        { role: 'tool', content: '{"temperature":30}', tool_name: 'get_weather' },
      ]);
    });

    it('rejects bodies that break the schema', async () => {
      const { client } = runtimeClient(door);
      await expect(invoke(client, COMMAND_R, { chat_history: [{ role: 'BOT', message: 'Hi' }], p: 2, stream: true })).rejects.toMatchObject(
        malformed('#: required key [message] not found', '#: extraneous key [stream] is not permitted', '#/p: 2 is not less or equal to 1', '#/chat_history/0/role: BOT is not a valid enum value'),
      );
      await expect(invokeStream(client, COMMAND_R, { message: 'Hi', tools: [{ name: 'x' }] })).rejects.toMatchObject(malformed('#/tools/0: required key [description] not found'));
    });
  });

  describe('AI21 Jamba', () => {
    const body = {
      messages: [
        { role: 'system', content: 'You are concise.' },
        { role: 'user', content: 'Describe Vienna' },
      ],
      max_tokens: 200,
      temperature: 0.4,
      top_p: 0.9,
    };

    it('answers with choices, usage, meta and model', async () => {
      const { client } = runtimeClient(door);
      const result = await invoke(client, JAMBA, { ...body, n: 2 });
      expect(Object.keys(result.body)).toEqual(['id', 'choices', 'usage', 'meta', 'model']);
      expect(result.body.model).toBe('jamba-1.5-mini');
      expect(Number.isInteger((result.body.meta as Json).requestDurationMillis)).toBe(true);
      const choices = result.body.choices as Json[];
      expect(choices.map((choice) => choice.index)).toEqual([0, 1]);
      expect(choices[0]).toEqual({
        index: 0,
        message: { role: 'assistant', content: expect.stringContaining('You asked: "Describe Vienna"'), tool_calls: null },
        finish_reason: 'stop',
      });
      const usage = result.body.usage as Record<string, number>;
      expect(usage.total_tokens).toBe(usage.prompt_tokens! + usage.completion_tokens!);
      expect(tokenHeaders(result)).toEqual({ input: usage.prompt_tokens, output: usage.completion_tokens });
    });

    it('streams OpenAI-style deltas with finish_reason and usage in the last chunk', async () => {
      const { client } = runtimeClient(door);
      const plain = await invoke(client, JAMBA, body);
      const { chunks } = await invokeStream(client, JAMBA, body);
      expect(chunks[0]).toEqual({ id: expect.stringMatching(/^chat-/), choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
      const pieces = chunks.slice(1, -1).map((chunk) => (chunk.choices as { delta: { content: string }; finish_reason: null }[])[0]!);
      pieces.forEach((piece) => expect(piece.finish_reason).toBeNull());
      const message = (plain.body.choices as { message: { content: string } }[])[0]!.message;
      expect(pieces.map((piece) => piece.delta.content).join('')).toBe(message.content);
      expect(withoutMetrics(chunks.at(-1))).toEqual({ id: chunks[0]!.id, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: plain.body.usage });
      const usage = plain.body.usage as Record<string, number>;
      expectMetricsOnlyLast(chunks);
      expect(metricsCounts(chunks)).toEqual({ input: usage.prompt_tokens, output: usage.completion_tokens });
    });

    it('honours max_tokens and stop', async () => {
      const { client } = runtimeClient(door);
      const cut = await invoke(client, JAMBA, { ...body, max_tokens: 3 });
      expect(cut.body).toMatchObject({ choices: [{ finish_reason: 'length' }], usage: { completion_tokens: 3 } });
      const stopped = await invoke(client, JAMBA, { ...body, stop: ['Vienna'] });
      expect(stopped.body).toMatchObject({ choices: [{ message: { content: 'You asked: "Describe ' }, finish_reason: 'stop' }] });
    });

    it('sends messages and options to Ollama', async () => {
      const client = ollamaClient(door);
      const result = await invoke(client, JAMBA, body);
      expect(lastOllamaChat()).toMatchObject({
        messages: [
          { role: 'system', content: 'You are concise.' },
          { role: 'user', content: 'Describe Vienna' },
        ],
        options: { num_predict: 200, temperature: 0.4, top_p: 0.9 },
      });
      expect(result.body).toMatchObject({ choices: [{ message: { content: 'Echo: Describe Vienna' } }], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } });
      const { chunks } = await invokeStream(client, JAMBA, body);
      expect(metricsCounts(chunks)).toEqual({ input: 5, output: 3 });
    });

    it('rejects bodies that break the schema', async () => {
      const { client } = runtimeClient(door);
      await expect(invoke(client, JAMBA, { ...body, max_tokens: 5000, n: 0, messages: [{ role: 'developer', content: 'x' }] })).rejects.toMatchObject(
        malformed('#/max_tokens: 5000 is not less or equal to 4096', '#/n: 0 is not greater or equal to 1', '#/messages/0/role: developer is not a valid enum value'),
      );
      await expect(invokeStream(client, JAMBA, { prompt: 'Hi' })).rejects.toMatchObject(malformed('#: required key [messages] not found', '#: extraneous key [prompt] is not permitted'));
    });
  });

  describe('Chat Completions (gpt-oss, Qwen)', () => {
    const weatherTool = {
      type: 'function',
      function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    };
    const body = {
      messages: [
        { role: 'developer', content: 'Be helpful.' },
        { role: 'user', content: [{ type: 'text', text: 'Tell me about Prague' }] },
      ],
      max_completion_tokens: 400,
    };

    it('answers gpt-oss with a chat.completion, its reasoning in reasoning_content', async () => {
      const { client } = runtimeClient(door);
      const result = await invoke(client, GPT_OSS, { ...body, stream: false });
      expect(Object.keys(result.body)).toEqual(['id', 'object', 'created', 'model', 'choices', 'usage']);
      expect(result.body).toMatchObject({ id: expect.stringMatching(/^chatcmpl-[0-9a-f]{32}$/), object: 'chat.completion', model: GPT_OSS });
      expect(Number.isInteger(result.body.created)).toBe(true);
      expect(result.body.choices).toEqual([
        {
          index: 0,
          message: { role: 'assistant', content: expect.stringContaining('You asked: "Tell me about Prague"'), reasoning_content: expect.stringContaining('Tell me about Prague') },
          finish_reason: 'stop',
        },
      ]);
      const usage = result.body.usage as Record<string, number>;
      expect(Object.keys(usage)).toEqual(['prompt_tokens', 'completion_tokens', 'total_tokens']);
      expect(tokenHeaders(result)).toEqual({ input: usage.prompt_tokens, output: usage.completion_tokens });
    });

    it('streams chat.completion.chunk objects: role, reasoning, content, then finish_reason with usage', async () => {
      const { client } = runtimeClient(door);
      const plain = await invoke(client, GPT_OSS, body);
      const { chunks } = await invokeStream(client, GPT_OSS, { ...body, stream: true });
      chunks.forEach((chunk) => expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: GPT_OSS, id: chunks[0]!.id }));
      const deltas = chunks.map((chunk) => (chunk.choices as { delta: Json }[])[0]!.delta);
      expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
      const kinds = deltas.slice(1, -1).map((delta) => Object.keys(delta)[0]);
      const firstContent = kinds.indexOf('content');
      expect(new Set(kinds.slice(0, firstContent))).toEqual(new Set(['reasoning_content']));
      expect(new Set(kinds.slice(firstContent))).toEqual(new Set(['content']));
      const message = (plain.body.choices as { message: Json }[])[0]!.message;
      expect(deltas.map((delta) => delta.reasoning_content ?? '').join('')).toBe(message.reasoning_content);
      expect(deltas.map((delta) => delta.content ?? '').join('')).toBe(message.content);
      const last = chunks.at(-1)!;
      expect(last.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
      expect(last.usage).toEqual(plain.body.usage);
      expectMetricsOnlyLast(chunks);
      const usage = plain.body.usage as Record<string, number>;
      expect(metricsCounts(chunks)).toEqual({ input: usage.prompt_tokens, output: usage.completion_tokens });
    });

    it('calls a forced tool, streams its arguments in fragments, and completes the tool round trip', async () => {
      const { client } = runtimeClient(door);
      const request = { messages: [{ role: 'user', content: 'What is the weather in Paris?' }], tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } } };
      const result = await invoke(client, QWEN, request);
      const [choice] = result.body.choices as { message: { content: unknown; tool_calls: { id: string; function: { arguments: string } }[] }; finish_reason: string }[];
      expect(choice!.finish_reason).toBe('tool_calls');
      expect(choice!.message.content).toBeNull();
      expect(choice!.message.tool_calls).toEqual([{ id: expect.stringMatching(/^call_[A-Za-z0-9_-]{22}$/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
      const call = choice!.message.tool_calls[0]!;

      const { chunks } = await invokeStream(client, QWEN, request);
      const deltas = chunks.map((chunk) => (chunk.choices as { delta: { tool_calls?: Json[] } }[])[0]!.delta);
      expect(deltas[1]).toEqual({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: 'get_weather', arguments: '' } }] });
      const fragments = deltas.slice(2, -1).map((delta) => (delta.tool_calls![0] as { index: number; function: { arguments: string } }).function.arguments);
      expect(fragments.join('')).toBe(call.function.arguments);
      expect((chunks.at(-1)!.choices as Json[])[0]).toMatchObject({ finish_reason: 'tool_calls' });

      const followUp = await invoke(client, QWEN, {
        messages: [...request.messages, choice!.message, { role: 'tool', tool_call_id: call.id, content: '{"temperature":21}' }],
        tools: [weatherTool],
      });
      expect(followUp.body.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'Based on the tool result: {"temperature":21}' }, finish_reason: 'stop' }]);
    });

    it('honours max_tokens and stop', async () => {
      const { client } = runtimeClient(door);
      const cut = await invoke(client, QWEN, { messages: body.messages, max_tokens: 4 });
      expect(cut.body).toMatchObject({ choices: [{ finish_reason: 'length' }], usage: { completion_tokens: 4 } });
      const stopped = await invoke(client, QWEN, { messages: body.messages, stop: 'Prague' });
      expect(stopped.body).toMatchObject({ choices: [{ message: { content: 'You asked: "Tell me about ' }, finish_reason: 'stop' }] });
    });

    it('sends messages, options and the reasoning effort to Ollama, and reads its tool calls', async () => {
      const client = ollamaClient(door);
      const result = await invoke(client, QWEN, { ...body, temperature: 0.6, top_p: 0.95, seed: 3 });
      expect(lastOllamaChat()).toMatchObject({
        model: 'qwen3',
        messages: [
          { role: 'system', content: 'Be helpful.' },
          { role: 'user', content: 'Tell me about Prague' },
        ],
        options: { num_predict: 400, temperature: 0.6, top_p: 0.95, seed: 3 },
      });
      expect(lastOllamaChat()).not.toHaveProperty('think');
      expect(result.body).toMatchObject({ choices: [{ message: { content: 'Echo: Tell me about Prague' } }], usage: { prompt_tokens: 6, completion_tokens: 5 } });

      ollama.script({ thinking: ['Checking ', 'the weather.'], toolCalls: [{ name: 'get_weather', arguments: { city: 'Bern' } }], promptEvalCount: 11, evalCount: 7 });
      const { chunks } = await invokeStream(client, GPT_OSS, { messages: [{ role: 'user', content: 'Weather in Bern?' }], tools: [weatherTool], reasoning_effort: 'high' });
      expect(lastOllamaChat()).toMatchObject({ model: 'gpt-oss', think: 'high', tools: [weatherTool] });
      const deltas = chunks.map((chunk) => (chunk.choices as { delta: Json }[])[0]!.delta);
      expect(deltas.slice(1, 3)).toEqual([{ reasoning_content: 'Checking ' }, { reasoning_content: 'the weather.' }]);
      expect(deltas[3]).toMatchObject({ tool_calls: [{ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } }] });
      expect(deltas[4]).toEqual({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Bern"}' } }] });
      expect(chunks.at(-1)).toMatchObject({ choices: [{ finish_reason: 'tool_calls' }], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } });
      expect(metricsCounts(chunks)).toEqual({ input: 11, output: 7 });
    });

    it('rejects bodies that break the schema, name another model, or exceed the output limit', async () => {
      const { client } = runtimeClient(door);
      await expect(
        invoke(client, GPT_OSS, { messages: [{ role: 'robot', content: 'Hi' }], stream: 'yes', reasoning_effort: 'extreme', max_completion_tokens: 40000, logprobs: true }),
      ).rejects.toMatchObject(
        malformed(
          '#: extraneous key [logprobs] is not permitted',
          '#/stream: expected type: Boolean, found: String',
          '#/max_completion_tokens: 40000 is not less or equal to 32768',
          '#/reasoning_effort: extreme is not a valid enum value',
          '#/messages/0/role: robot is not a valid enum value',
        ),
      );
      await expect(invokeStream(client, GPT_OSS, { ...body, model: 'openai.gpt-oss-120b-1:0' })).rejects.toMatchObject({
        name: 'ValidationException',
        message: `The model 'openai.gpt-oss-120b-1:0' in the request body does not match the model '${GPT_OSS}' in the request path.`,
      });
      await expect(invoke(client, GPT_OSS, { ...body, model: GPT_OSS })).resolves.toBeDefined();
    });
  });
});
