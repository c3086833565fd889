import {
  AccessDeniedException,
  ConverseCommand,
  ConverseStreamCommand,
  InternalServerException,
  ModelErrorException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
  type ContentBlock,
  type ConverseCommandInput,
  type ConverseStreamCommandInput,
  type ConverseStreamOutput,
  type Message,
  type ToolConfiguration,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAICompatibleBackend, type OpenAICompatibleBackendOptions } from '../src/backends/openai-compatible/openai-compatible-backend.js';
import { normalizeVector, resizeVector } from '../src/codecs/invoke/embedding-vectors.js';
import { createRuntime, type LocalBedrockOptions } from '../src/index.js';
import { collectEvents, eventName, FRONT_DOORS, runtimeClient, type FrontDoor } from './support/clients.js';
import { fakeOpenAIEmbedding, startFakeOpenAI, type FakeOpenAI, type OpenAIChatScript } from './support/fake-openai-server.js';
import { invoke, invokeStream } from './support/invoke.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const API_KEY = 'sk-test-123';

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const weatherTools: ToolConfiguration = {
  tools: [
    { toolSpec: { name: 'get_weather', description: 'Current weather of a city', inputSchema: { json: weatherSchema } } },
    { toolSpec: { name: 'get_time', inputSchema: { json: { type: 'object', properties: { zone: { type: 'string' } } } } } },
  ],
};

function user(...content: ContentBlock[]): Message {
  return { role: 'user', content };
}

/** Rejects if `promise` has not settled within `ms`: a bound on waiting, never a timing assertion. */
function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Gave up waiting for ${what} after ${ms} ms`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

async function rejection(promise: Promise<unknown>): Promise<Error & { name: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('Expected a rejection, got a result.');
}

function streamedText(events: ConverseStreamOutput[]): string {
  return events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
}

let server: FakeOpenAI;

beforeAll(async () => {
  server = await startFakeOpenAI({ models: ['gpt-4o-mini', 'qwen2.5', 'llama3.2', 'text-embedding-3-small'], apiKey: API_KEY });
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  server.reset();
});

describe.each(FRONT_DOORS)('OpenAI-compatible backend through the %s front door', (door: FrontDoor) => {
  function setup(backendOptions: OpenAICompatibleBackendOptions = {}, options: Omit<LocalBedrockOptions, 'backend'> = {}) {
    const backend = createOpenAICompatibleBackend({ baseURL: server.baseURL, apiKey: API_KEY, model: 'gpt-4o-mini', env: {}, ...backendOptions });
    const { client, runtime } = runtimeClient(door, { backend, ...options }, { maxAttempts: 1 });
    const converse = (input: Omit<ConverseCommandInput, 'modelId'> & { modelId?: string }) => client.send(new ConverseCommand({ modelId: HAIKU, ...input }));
    const converseStream = (input: Omit<ConverseStreamCommandInput, 'modelId'> & { modelId?: string }, abortSignal?: AbortSignal) =>
      client.send(new ConverseStreamCommand({ modelId: HAIKU, ...input }), { abortSignal });
    const streamEvents = async (input: Omit<ConverseStreamCommandInput, 'modelId'> & { modelId?: string }) => collectEvents((await converseStream(input)).stream);
    return { backend, client, runtime, converse, converseStream, streamEvents };
  }

  function lastChat() {
    const exchange = server.chats.at(-1);
    if (!exchange) throw new Error('The server received no chat request');
    return exchange;
  }

  describe('text', () => {
    it('answers Converse from a non-streamed completion with the server usage, sending the mapped body and the key', async () => {
      const { converse } = setup();
      server.script({ content: ['Hello', ' there', '!'], usage: { prompt_tokens: 11, completion_tokens: 3 } });

      const response = await converse({
        system: [{ text: 'Be brief.' }],
        messages: [user({ text: 'Hi' })],
        inferenceConfig: { maxTokens: 100, temperature: 0.5, topP: 0.9 },
        additionalModelRequestFields: { seed: 7 },
      });

      expect(response.output?.message).toEqual({ role: 'assistant', content: [{ text: 'Hello there!' }] });
      expect(response.stopReason).toBe('end_turn');
      expect(response.usage).toEqual({ inputTokens: 11, outputTokens: 3, totalTokens: 14 });
      expect(lastChat().body).toEqual({
        model: 'gpt-4o-mini',
        stream: false,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
        max_tokens: 100,
        temperature: 0.5,
        top_p: 0.9,
        seed: 7,
      });
      expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    });

    it('streams ConverseStream from SSE in Bedrock order with the usage chunk, asking for include_usage', async () => {
      const { streamEvents } = setup();
      server.script({ content: ['Hel', 'lo', ' world'], usage: { prompt_tokens: 5, completion_tokens: 3 } });

      const events = await streamEvents({ messages: [user({ text: 'Hi' })] });

      expect(events.map(eventName)).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
      expect(streamedText(events)).toBe('Hello world');
      expect(events[5]!.messageStop?.stopReason).toBe('end_turn');
      expect(events[6]!.metadata?.usage).toEqual({ inputTokens: 5, outputTokens: 3, totalTokens: 8 });
      expect(lastChat().body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    });

    it('reads SSE split mid-line and mid-character, with CRLF endings, comments and multi-line data', async () => {
      const { streamEvents } = setup();
      server.sseStyle = { splitEvery: 5, lineEnding: '\r\n', comments: true, multiLineData: true };
      server.script({ content: ['Grüße', ' ✓ ', 'done'], usage: { prompt_tokens: 4, completion_tokens: 3 } });

      const events = await streamEvents({ messages: [user({ text: 'Hi' })] });

      expect(streamedText(events)).toBe('Grüße ✓ done');
      expect(events.at(-1)?.metadata?.usage).toEqual({ inputTokens: 4, outputTokens: 3, totalTokens: 7 });
    });

    it('counts usage itself when the server sends none', async () => {
      const { converse, streamEvents } = setup();
      const silent: OpenAIChatScript = { content: ['Hello', ' there'], usage: false };
      server.script(silent, silent);

      const response = await converse({ messages: [user({ text: 'Say hello to everyone here' })] });
      const events = await streamEvents({ messages: [user({ text: 'Say hello to everyone here' })] });

      for (const usage of [response.usage, events.at(-1)?.metadata?.usage]) {
        expect(usage?.inputTokens).toBeGreaterThan(0);
        expect(usage?.outputTokens).toBe(2);
      }
    });

    it('maps finish_reason length and content_filter to max_tokens and content_filtered', async () => {
      const { converse, streamEvents } = setup();
      server.script({ content: ['Once', ' upon', ' a', ' time'] }, { content: ['Once', ' upon', ' a', ' time'] }, { content: ['No'], finishReason: 'content_filter' });

      const cut = await converse({ messages: [user({ text: 'Story' })], inferenceConfig: { maxTokens: 2 } });
      expect(cut.stopReason).toBe('max_tokens');
      expect(cut.output?.message?.content).toEqual([{ text: 'Once upon' }]);

      const events = await streamEvents({ messages: [user({ text: 'Story' })], inferenceConfig: { maxTokens: 2 } });
      expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('max_tokens');

      expect((await converse({ messages: [user({ text: 'Bad' })] })).stopReason).toBe('content_filtered');
    });

    it.each(['reasoning_content', 'reasoning'] as const)('answers %s as reasoning blocks before the text', async (reasoningField) => {
      const { converse, streamEvents } = setup();
      const thoughtful: OpenAIChatScript = { reasoning: ['Let me ', 'think.'], reasoningField, content: ['Four.'] };
      server.script(thoughtful, thoughtful);

      const response = await converse({ messages: [user({ text: '2+2?' })] });
      expect(response.output?.message?.content).toEqual([{ reasoningContent: { reasoningText: { text: 'Let me think.' } } }, { text: 'Four.' }]);

      const events = await streamEvents({ messages: [user({ text: '2+2?' })] });
      expect(events.map(eventName)).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
      expect(events[1]!.contentBlockDelta).toEqual({ contentBlockIndex: 0, delta: { reasoningContent: { text: 'Let me ' } } });
      expect(events[4]!.contentBlockDelta).toEqual({ contentBlockIndex: 1, delta: { text: 'Four.' } });
    });
  });

  describe('stop sequences', () => {
    // "STOP" arrives split over two pieces and the server would go on: the backend cuts before it, says
    // which sequence hit, and (streaming) closes the upstream request.
    const splitStop: OpenAIChatScript = { content: ['The answer is ST', 'OP and then more'], end: 'hold' };

    it('cuts the text before the stop sequence and reports it exactly (Converse)', async () => {
      const { converse } = setup();
      server.script({ content: ['The answer is ST', 'OP and then more'] });

      const response = await converse({
        messages: [user({ text: 'Answer' })],
        inferenceConfig: { stopSequences: ['STOP', 'never'] },
        additionalModelResponseFieldPaths: ['/stop_sequence'],
      });

      expect(response.stopReason).toBe('stop_sequence');
      expect(response.output?.message?.content).toEqual([{ text: 'The answer is ' }]);
      expect(response.additionalModelResponseFields).toEqual({ stop_sequence: 'STOP' });
      expect(lastChat().body.stop).toBeUndefined();
    });

    it('cuts a streamed answer at the stop sequence and closes the upstream request (ConverseStream)', async () => {
      const { streamEvents } = setup();
      server.script(splitStop);

      const events = await streamEvents({ messages: [user({ text: 'Answer' })], inferenceConfig: { stopSequences: ['STOP'] } });

      expect(streamedText(events)).toBe('The answer is ');
      expect(events.at(-2)!.messageStop?.stopReason).toBe('stop_sequence');
      expect(await within(lastChat().closedByClient, 'the upstream request to end')).toBe(true);
    });
  });

  describe('tools', () => {
    const askWeather = { messages: [user({ text: 'Weather in Paris?' })], toolConfig: weatherTools };

    it('sends function tools and answers a tool call as a toolUse with a stable tooluse_ id', async () => {
      const { converse } = setup();
      const call: OpenAIChatScript = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };
      server.script(call, call);

      const first = await converse(askWeather);
      const again = await converse(askWeather);

      expect(lastChat().body.tools).toEqual([
        { type: 'function', function: { name: 'get_weather', description: 'Current weather of a city', parameters: weatherSchema } },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } },
      ]);
      // No tool choice in the request: the server's default (`auto`) applies.
      expect(lastChat().body.tool_choice).toBeUndefined();
      expect(first.stopReason).toBe('tool_use');
      const toolUse = first.output?.message?.content?.[0]?.toolUse;
      expect(toolUse).toEqual({ toolUseId: expect.stringMatching(/^tooluse_[A-Za-z0-9_-]{22}$/), name: 'get_weather', input: { city: 'Paris' } });
      expect(again.output?.message?.content?.[0]?.toolUse?.toolUseId).toBe(toolUse?.toolUseId);
    });

    it('assembles tool calls streamed in pieces, two in parallel, into one block each', async () => {
      const { streamEvents } = setup();
      server.script({
        content: ['Checking.'],
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Paris' }, pieces: 4 },
          { name: 'get_time', arguments: { zone: 'Europe/Paris' }, pieces: 5 },
        ],
      });

      const events = await streamEvents(askWeather);

      expect(events.map(eventName)).toEqual([
        'messageStart',
        'contentBlockDelta',
        'contentBlockStop',
        'contentBlockStart',
        'contentBlockDelta',
        'contentBlockStop',
        'contentBlockStart',
        'contentBlockDelta',
        'contentBlockStop',
        'messageStop',
        'metadata',
      ]);
      expect(events[3]!.contentBlockStart?.start?.toolUse?.name).toBe('get_weather');
      expect(JSON.parse(events[4]!.contentBlockDelta?.delta?.toolUse?.input ?? '')).toEqual({ city: 'Paris' });
      expect(events[6]!.contentBlockStart?.start?.toolUse?.name).toBe('get_time');
      expect(JSON.parse(events[7]!.contentBlockDelta?.delta?.toolUse?.input ?? '')).toEqual({ zone: 'Europe/Paris' });
      expect(events.at(-2)!.messageStop?.stopReason).toBe('tool_use');
    });

    it('maps tool choice auto, any and a named tool to auto, required and a function choice', async () => {
      const { converse } = setup();
      const call: OpenAIChatScript = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], finishReason: 'stop' };
      server.script(call, call, call);

      await converse({ ...askWeather, toolConfig: { ...weatherTools, toolChoice: { auto: {} } } });
      expect(lastChat().body.tool_choice).toBe('auto');

      await converse({ ...askWeather, toolConfig: { ...weatherTools, toolChoice: { any: {} } } });
      expect(lastChat().body.tool_choice).toBe('required');

      const named = await converse({ ...askWeather, toolConfig: { ...weatherTools, toolChoice: { tool: { name: 'get_weather' } } } });
      expect(lastChat().body.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
      // OpenAI ends a named tool choice with finish_reason "stop"; it is still a tool use.
      expect(named.stopReason).toBe('tool_use');
      expect(named.output?.message?.content?.[0]?.toolUse?.input).toEqual({ city: 'Paris' });
    });

    it('answers malformed_tool_use when the arguments are not JSON', async () => {
      const { converse, streamEvents } = setup();
      const broken: OpenAIChatScript = { toolCalls: [{ name: 'get_weather', arguments: '{"city": "Par' }] };
      server.script(broken, broken);

      const response = await converse(askWeather);
      expect(response.stopReason).toBe('malformed_tool_use');
      expect(response.output?.message?.content?.some((block) => block.toolUse)).toBe(false);

      const events = await streamEvents(askWeather);
      expect(events.some((event) => event.contentBlockStart)).toBe(false);
      expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('malformed_tool_use');
    });

    it('sends a tool result as a tool message answering the assistant tool call', async () => {
      const { converse } = setup();
      server.script({ content: ['It is 21 degrees.'] });

      const response = await converse({
        toolConfig: weatherTools,
        messages: [
          user({ text: 'Weather in Paris?' }),
          { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_abc123', name: 'get_weather', input: { city: 'Paris' } } }] },
          user({ toolResult: { toolUseId: 'tooluse_abc123', content: [{ json: { celsius: 21 } }] } }),
        ],
      });

      expect(response.output?.message?.content).toEqual([{ text: 'It is 21 degrees.' }]);
      expect(lastChat().body.messages).toEqual([
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'tooluse_abc123', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'tooluse_abc123', content: '{"celsius":21}' },
      ]);
    });
  });

  describe('content', () => {
    it('sends an image block as a data URL beside the text', async () => {
      const { converse } = setup();
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);

      await converse({ messages: [user({ text: 'What is this?' }, { image: { format: 'png', source: { bytes: png } } })] });

      expect(lastChat().body.messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(png).toString('base64')}` } },
          ],
        },
      ]);
    });

    it('asks for structured output with response_format json_schema', async () => {
      const { converse } = setup();
      server.script({ content: ['{"city":', '"Paris"}'] });
      const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

      const response = await converse({
        messages: [user({ text: 'Which city?' })],
        outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'answer' } } } },
      });

      expect(lastChat().body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema } });
      expect(JSON.parse(response.output?.message?.content?.[0]?.text ?? '')).toEqual({ city: 'Paris' });
    });
  });

  describe('InvokeModel', () => {
    it('answers a Claude Messages body and streams it', async () => {
      const { client } = setup();
      server.script({ content: ['Hi', ' there'], usage: { prompt_tokens: 9, completion_tokens: 2 } }, { content: ['Hi', ' there'] });
      const body = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [{ role: 'user', content: 'Hello' }] };

      const result = await invoke(client, HAIKU, body);
      expect(result.body).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hi there' }], stop_reason: 'end_turn', usage: { input_tokens: 9, output_tokens: 2 } });
      expect(lastChat().body).toMatchObject({ max_tokens: 50, messages: [{ role: 'user', content: 'Hello' }] });

      const { chunks } = await invokeStream(client, HAIKU, body);
      const text = chunks.flatMap((chunk) => (chunk.type === 'content_block_delta' ? [(chunk.delta as { text: string }).text] : [])).join('');
      expect(text).toBe('Hi there');
    });

    it('answers a Meta Llama prompt body with the generation', async () => {
      const { client } = setup();
      server.script({ content: ['Bonjour', '!'] });

      const result = await invoke(client, LLAMA, { prompt: '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nSay hi in French<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n', max_gen_len: 20 });

      expect(result.body).toMatchObject({ generation: 'Bonjour!', stop_reason: 'stop' });
      expect(lastChat().body.messages).toEqual([{ role: 'user', content: 'Say hi in French' }]);
    });

    it('embeds through /embeddings with Titan Text Embeddings v2', async () => {
      const { client } = setup({ embeddingModel: 'text-embedding-3-small' });

      const result = await invoke(client, TITAN_V2, { inputText: 'hello local world' });

      const expected = normalizeVector(resizeVector(fakeOpenAIEmbedding('hello local world'), 1024));
      const embedding = result.body.embedding as number[];
      expect(embedding).toHaveLength(1024);
      embedding.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 6));
      expect(result.body.inputTextTokenCount).toBe(3);
      expect(server.requests.at(-1)).toMatchObject({ path: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: ['hello local world'], encoding_format: 'float' } });
    });
  });

  describe('models', () => {
    it('runs the backend modelMap entry, else its model option, and ollama.<name> as named', async () => {
      const { converse } = setup({ modelMap: { 'anthropic.*': 'qwen2.5' } });
      await converse({ messages: [user({ text: 'Hi' })] });
      expect(lastChat().body.model).toBe('qwen2.5');
      await converse({ modelId: LLAMA, messages: [user({ text: 'Hi' })] });
      expect(lastChat().body.model).toBe('gpt-4o-mini');
      await converse({ modelId: 'ollama.llama3.2', messages: [user({ text: 'Hi' })] });
      expect(lastChat().body.model).toBe('llama3.2');
    });

    it("follows the runtime's model map when no model option is set", async () => {
      const { converse } = setup({ model: undefined }, { modelMap: { [HAIKU]: 'qwen2.5' } });
      await converse({ messages: [user({ text: 'Hi' })] });
      expect(lastChat().body.model).toBe('qwen2.5');
    });

    it('lists the server models and describes itself without the key', async () => {
      const { backend } = setup();
      expect((await backend.listModels()).map((model) => model.id)).toEqual(['gpt-4o-mini', 'qwen2.5', 'llama3.2', 'text-embedding-3-small']);
      await expect(backend.checkReachable()).resolves.toBeUndefined();
      expect(backend.describe()).toEqual({ name: 'openai', baseURL: server.baseURL, model: 'gpt-4o-mini', mappedModels: [], authenticated: true });
      expect(JSON.stringify(backend.describe())).not.toContain(API_KEY);
    });
  });

  describe('errors', () => {
    const cases: Array<{ name: string; status: number; code: string | null; exception: new (...args: never[]) => Error }> = [
      { name: 'ThrottlingException', status: 429, code: 'rate_limit_exceeded', exception: ThrottlingException },
      { name: 'ServiceUnavailableException', status: 503, code: null, exception: ServiceUnavailableException },
      { name: 'InternalServerException', status: 500, code: null, exception: InternalServerException },
      { name: 'ValidationException', status: 400, code: 'context_length_exceeded', exception: ValidationException },
    ];

    it.each(cases)('maps HTTP $status to $name with the server message, for Converse and ConverseStream', async ({ status, code, exception }) => {
      const { converse, converseStream } = setup();
      const failing: OpenAIChatScript = { httpError: { status, error: { message: `upstream says ${status}`, type: 'server_error', code } } };
      server.script(failing, failing);

      for (const call of [() => converse({ messages: [user({ text: 'Hi' })] }), () => converseStream({ messages: [user({ text: 'Hi' })] })]) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(exception);
        expect(error.message).toContain(`upstream says ${status}`);
      }
    });

    it('maps a wrong API key to AccessDeniedException', async () => {
      const { converse } = setup({ apiKey: 'sk-wrong' });
      const error = await rejection(converse({ messages: [user({ text: 'Hi' })] }));
      expect(error).toBeInstanceOf(AccessDeniedException);
      expect(error.message).toContain('Incorrect API key provided');
    });

    it('maps an unknown server model to ResourceNotFoundException naming it', async () => {
      const { converse, converseStream } = setup({ model: 'no-such-model' });
      for (const call of [() => converse({ messages: [user({ text: 'Hi' })] }), () => converseStream({ messages: [user({ text: 'Hi' })] })]) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(ResourceNotFoundException);
        expect(error.message).toContain('no-such-model');
      }
    });

    it('ends the stream with ModelStreamErrorException on an error chunk, after the text sent before it', async () => {
      const { converseStream } = setup();
      server.script({ content: ['Partial'], end: { error: { message: 'CUDA out of memory', type: 'server_error', code: null } } });

      const response = await converseStream({ messages: [user({ text: 'Hi' })] });
      const seen: string[] = [];
      const error = await rejection(
        (async () => {
          for await (const event of response.stream!) seen.push(eventName(event));
        })(),
      );

      expect(seen).toEqual(['messageStart', 'contentBlockDelta']);
      expect(error.name).toBe('ModelStreamErrorException');
      expect(error.message).toContain('CUDA out of memory');
    });

    it('ends the stream with ModelStreamErrorException when the body ends before a finish', async () => {
      const { converseStream } = setup();
      server.script({ content: ['Partial'], end: 'no-done' });

      const error = await rejection(collectEvents((await converseStream({ messages: [user({ text: 'Hi' })] })).stream));

      expect(error.name).toBe('ModelStreamErrorException');
      expect(error.message).toContain('ended before the answer was complete');
    });

    it('gives ServiceUnavailableException naming the URL when no server listens', async () => {
      const gone = await startFakeOpenAI();
      await gone.close();
      const { converse, converseStream, backend } = setup({ baseURL: gone.baseURL });

      for (const call of [() => converse({ messages: [user({ text: 'Hi' })] }), () => converseStream({ messages: [user({ text: 'Hi' })] })]) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(ServiceUnavailableException);
        expect(error.message).toContain(gone.baseURL);
      }
      const probe = await rejection(backend.checkReachable());
      expect(probe.name).toBe('ServiceUnavailableException');
      expect(probe.message).toContain(gone.baseURL);
    });

    it('gives ModelErrorException when the server answers 200 with a body that is not JSON', async () => {
      // A proxy's HTML page with status 200 is a broken model answer, not an internal failure of the emulator.
      const { converse } = setup({ fetch: async () => new Response('<html>oops</html>', { status: 200, headers: { 'content-type': 'text/html' } }) });
      const error = await rejection(converse({ messages: [user({ text: 'Hi' })] }));
      expect(error).toBeInstanceOf(ModelErrorException);
      expect(error.message).toContain('<html>oops</html>');
    });
  });

  describe('cancellation', () => {
    it('closes the upstream request when the caller aborts a stream', async () => {
      const { converseStream } = setup();
      server.script({ content: ['Once', ' upon', ' a', ' time'], end: 'hold' });
      const controller = new AbortController();

      const response = await converseStream({ messages: [user({ text: 'Story' })] }, controller.signal);
      const iterator = response.stream![Symbol.asyncIterator]();
      expect(eventName((await iterator.next()).value as ConverseStreamOutput)).toBe('messageStart');
      expect(eventName((await iterator.next()).value as ConverseStreamOutput)).toBe('contentBlockDelta');
      controller.abort();

      expect(await within(lastChat().closedByClient, 'the upstream request to close')).toBe(true);
    });

    it('ends requests in flight on dispose', async () => {
      const { converseStream, runtime } = setup();
      server.script({ content: ['Once'], end: 'hold' });

      const response = await converseStream({ messages: [user({ text: 'Story' })] });
      const iterator = response.stream![Symbol.asyncIterator]();
      await iterator.next();
      await runtime.dispose();

      expect(await within(lastChat().closedByClient, 'the upstream request to close')).toBe(true);
    });
  });
});

describe('choosing the OpenAI-compatible backend by name', () => {
  it('reads LOCAL_BEDROCK_BACKEND=openai, the base URL and the key from the environment', async () => {
    server.script({ content: ['From env'] });
    const runtime = createRuntime({
      env: { LOCAL_BEDROCK_BACKEND: 'openai', LOCAL_BEDROCK_OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: API_KEY, LOCAL_BEDROCK_DEFAULT_MODEL: 'gpt-4o-mini' },
    });
    const { client } = runtimeClient('middleware', runtime);

    const response = await client.send(new ConverseCommand({ modelId: HAIKU, messages: [user({ text: 'Hi' })] }));

    expect(runtime.backend.name).toBe('openai');
    expect(response.output?.message?.content).toEqual([{ text: 'From env' }]);
    expect(server.chats.at(-1)?.body.model).toBe('gpt-4o-mini');
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it("takes backend: 'openai' with openai options, LOCAL_BEDROCK_OPENAI_API_KEY winning over OPENAI_API_KEY", async () => {
    const runtime = createRuntime({
      backend: 'openai',
      openai: { baseURL: server.baseURL, model: 'qwen2.5' },
      env: { LOCAL_BEDROCK_OPENAI_API_KEY: API_KEY, OPENAI_API_KEY: 'sk-other' },
    });
    const { client } = runtimeClient('requestHandler', runtime);

    const response = await client.send(new ConverseCommand({ modelId: HAIKU, messages: [user({ text: 'ping' })] }));

    expect(response.output?.message?.content).toEqual([{ text: 'Echo: ping' }]);
    expect(server.chats.at(-1)?.body.model).toBe('qwen2.5');
  });
});
