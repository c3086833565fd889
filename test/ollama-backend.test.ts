import { describe, it, expect, beforeAll, beforeEach, afterAll } from 'vitest';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ModelErrorException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  type ContentBlock,
  type ConverseCommandInput,
  type ConverseStreamCommandInput,
  type ConverseStreamOutput,
  type Message,
  type ToolConfiguration,
} from '@aws-sdk/client-bedrock-runtime';
import { createOllamaBackend, localBedrock, LocalBedrockHandler, type LocalBedrockOptions, type OllamaBackendOptions, type OllamaPullProgress } from '../src/index.js';
import { startFakeOllama, type ChatScript, type FakeOllama } from './support/fake-ollama-server.js';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const SONNET_37 = 'us.anthropic.claude-3-7-sonnet-20250219-v1:0';

/** The two ways to put local-bedrock in front of a real `BedrockRuntimeClient`. */
const doors = [
  {
    door: 'middleware',
    /** The SDK tells only a middleware when a stream's reader stops early (`break`). */
    seesEarlyReturn: true,
    client(options: LocalBedrockOptions, maxAttempts?: number) {
      const client = new BedrockRuntimeClient({ region: 'us-east-1', credentials, maxAttempts });
      client.middlewareStack.use(localBedrock(options));
      return client;
    },
  },
  {
    door: 'requestHandler',
    seesEarlyReturn: false,
    client(options: LocalBedrockOptions, maxAttempts?: number) {
      return new BedrockRuntimeClient({ region: 'us-east-1', credentials, maxAttempts, requestHandler: new LocalBedrockHandler(options) });
    },
  },
];

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

/** The member name of a stream event (`messageStart`, `contentBlockDelta`, …). */
function kindOf(event: ConverseStreamOutput): string {
  return Object.keys(event).find((key) => (event as unknown as Record<string, unknown>)[key] !== undefined) ?? '?';
}

async function collect(stream: AsyncIterable<ConverseStreamOutput> | undefined): Promise<ConverseStreamOutput[]> {
  const events: ConverseStreamOutput[] = [];
  for await (const event of stream!) events.push(event);
  return events;
}

function streamedText(events: ConverseStreamOutput[]): string {
  return events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { name: string; $fault?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('Expected a rejection, got a result.');
}

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const weatherTools: ToolConfiguration = {
  tools: [
    { toolSpec: { name: 'get_weather', description: 'Current weather of a city', inputSchema: { json: weatherSchema } } },
    { toolSpec: { name: 'get_time', description: 'Local time of a city', inputSchema: { json: { type: 'object', properties: { zone: { type: 'string' } } } } } },
  ],
};

let ollama: FakeOllama;

beforeAll(async () => {
  ollama = await startFakeOllama({ models: ['llama3.2', 'qwen3:0.6b', 'gemma3:1b'] });
});

afterAll(async () => {
  await ollama?.close();
});

beforeEach(() => {
  ollama.reset();
});

describe.each(doors)('Ollama backend through the $door front door', ({ client: makeClient, seesEarlyReturn }) => {
  const warnings: string[] = [];

  function setup(backendOptions: OllamaBackendOptions = {}, options: Omit<LocalBedrockOptions, 'backend'> = {}, maxAttempts?: number) {
    warnings.length = 0;
    const backend = createOllamaBackend({ host: ollama.host, env: {}, ...backendOptions });
    const client = makeClient({ backend, env: {}, logger: { warn: (message) => warnings.push(message) }, ...options }, maxAttempts);
    const converse = (input: Omit<ConverseCommandInput, 'modelId'> & { modelId?: string }) => client.send(new ConverseCommand({ modelId: HAIKU, ...input }));
    const converseStream = (input: Omit<ConverseStreamCommandInput, 'modelId'> & { modelId?: string }, abortSignal?: AbortSignal) =>
      client.send(new ConverseStreamCommand({ modelId: HAIKU, ...input }), { abortSignal });
    return { backend, client, converse, converseStream };
  }

  function lastChat() {
    const exchange = ollama.chats.at(-1);
    if (!exchange) throw new Error('Ollama received no chat request');
    return exchange;
  }

  describe('text', () => {
    it('answers a plain chat with text, end_turn, usage from the eval counts and an integer latency', async () => {
      const { converse } = setup();
      ollama.script({ content: ['Hello', ' there', '!'], promptEvalCount: 11, evalCount: 3 });

      const response = await converse({ system: [{ text: 'Be brief.' }], messages: [user({ text: 'Hi' })] });

      expect(response.$metadata.httpStatusCode).toBe(200);
      expect(response.output?.message).toEqual({ role: 'assistant', content: [{ text: 'Hello there!' }] });
      expect(response.stopReason).toBe('end_turn');
      expect(response.usage).toEqual({ inputTokens: 11, outputTokens: 3, totalTokens: 14 });
      expect(Number.isInteger(response.metrics?.latencyMs)).toBe(true);
      expect(lastChat().body).toMatchObject({
        model: 'llama3.2',
        stream: true,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
      });
      expect(warnings).toEqual([]);
    });

    it('streams every event in Bedrock order, metadata last', async () => {
      const { converseStream } = setup();
      ollama.script({ content: ['Hel', 'lo', ' world'], promptEvalCount: 5, evalCount: 3 });

      const response = await converseStream({ messages: [user({ text: 'Hi' })] });
      const events = await collect(response.stream);

      expect(events.map(kindOf)).toEqual([
        'messageStart',
        'contentBlockDelta',
        'contentBlockDelta',
        'contentBlockDelta',
        'contentBlockStop',
        'messageStop',
        'metadata',
      ]);
      expect(events[0]!.messageStart).toEqual({ role: 'assistant' });
      expect(events[1]!.contentBlockDelta).toEqual({ contentBlockIndex: 0, delta: { text: 'Hel' } });
      expect(streamedText(events)).toBe('Hello world');
      expect(events[4]!.contentBlockStop).toEqual({ contentBlockIndex: 0 });
      expect(events[5]!.messageStop?.stopReason).toBe('end_turn');
      const metadata = events[6]!.metadata!;
      expect(metadata.usage).toEqual({ inputTokens: 5, outputTokens: 3, totalTokens: 8 });
      expect(Number.isInteger(metadata.metrics?.latencyMs)).toBe(true);
    });

    it('answers with the default reply when nothing is scripted', async () => {
      const { converse } = setup();
      const response = await converse({ messages: [user({ text: 'ping' })] });
      expect(response.output?.message?.content).toEqual([{ text: 'Echo: ping' }]);
    });

    it('maps done_reason "length" to max_tokens', async () => {
      const { converse, converseStream } = setup();
      ollama.script({ content: ['Once upon'], doneReason: 'length', evalCount: 2 }, { content: ['Once upon'], doneReason: 'length', evalCount: 2 });

      const response = await converse({ messages: [user({ text: 'Tell a story' })], inferenceConfig: { maxTokens: 2 } });
      expect(response.stopReason).toBe('max_tokens');
      expect(response.output?.message?.content).toEqual([{ text: 'Once upon' }]);

      const events = await collect((await converseStream({ messages: [user({ text: 'Tell a story' })], inferenceConfig: { maxTokens: 2 } })).stream);
      expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('max_tokens');
    });
  });

  describe('stop sequences', () => {
    // The sequence "STOP" arrives split over two NDJSON pieces, and Ollama would go on generating: the
    // backend must cut the text before it, report which sequence hit, and close the upstream request.
    const splitStop: ChatScript = { content: ['The answer is ST', 'OP and then more'], end: 'hold' };

    it('cuts the text before a stop sequence split across pieces and closes the upstream request (Converse)', async () => {
      const { converse } = setup();
      ollama.script(splitStop);

      const response = await converse({
        messages: [user({ text: 'Answer' })],
        inferenceConfig: { stopSequences: ['STOP', 'never'] },
        additionalModelResponseFieldPaths: ['/stop_sequence'],
      });

      expect(response.stopReason).toBe('stop_sequence');
      expect(response.output?.message?.content).toEqual([{ text: 'The answer is ' }]);
      expect(response.additionalModelResponseFields).toEqual({ stop_sequence: 'STOP' });
      expect(await within(lastChat().closedByClient, 'the upstream chat to end')).toBe(true);
    });

    it('cuts the text before a stop sequence split across pieces and closes the upstream request (ConverseStream)', async () => {
      const { converseStream } = setup();
      ollama.script(splitStop);

      const events = await collect((await converseStream({ messages: [user({ text: 'Answer' })], inferenceConfig: { stopSequences: ['STOP'] } })).stream);

      expect(streamedText(events)).toBe('The answer is ');
      expect(events.map(kindOf).slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
      expect(events.at(-2)!.messageStop?.stopReason).toBe('stop_sequence');
      expect(await within(lastChat().closedByClient, 'the upstream chat to end')).toBe(true);
    });
  });

  describe('tools', () => {
    const askWeather = { messages: [user({ text: 'Weather in Paris?' })], toolConfig: weatherTools };
    const weatherCall = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], promptEvalCount: 30, evalCount: 9 };

    it('sends the tools and answers an Ollama tool call as a toolUse with a stable tooluse_ id', async () => {
      const { converse } = setup();
      ollama.script(weatherCall, weatherCall);

      const first = await converse(askWeather);
      const again = await converse(askWeather);

      expect(lastChat().body.tools).toEqual([
        { type: 'function', function: { name: 'get_weather', description: 'Current weather of a city', parameters: weatherSchema } },
        { type: 'function', function: { name: 'get_time', description: 'Local time of a city', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } },
      ]);
      expect(first.stopReason).toBe('tool_use');
      const toolUse = first.output?.message?.content?.[0]?.toolUse;
      expect(toolUse).toEqual({ toolUseId: expect.stringMatching(/^tooluse_[A-Za-z0-9_-]{22}$/), name: 'get_weather', input: { city: 'Paris' } });
      expect(again.output?.message?.content?.[0]?.toolUse?.toolUseId).toBe(toolUse?.toolUseId);
      expect(first.usage).toEqual({ inputTokens: 30, outputTokens: 9, totalTokens: 39 });
    });

    it('streams a tool call as contentBlockStart, an input delta and contentBlockStop', async () => {
      const { converse, converseStream } = setup();
      ollama.script(weatherCall, weatherCall);

      const expectedId = (await converse(askWeather)).output?.message?.content?.[0]?.toolUse?.toolUseId;
      const events = await collect((await converseStream(askWeather)).stream);

      expect(events.map(kindOf)).toEqual(['messageStart', 'contentBlockStart', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
      expect(events[1]!.contentBlockStart).toEqual({ contentBlockIndex: 0, start: { toolUse: { toolUseId: expectedId, name: 'get_weather' } } });
      expect(JSON.parse(events[2]!.contentBlockDelta?.delta?.toolUse?.input ?? '')).toEqual({ city: 'Paris' });
      expect(events[4]!.messageStop?.stopReason).toBe('tool_use');
    });

    it('forces a named tool with a JSON-schema format and reads the answer back as the toolUse input', async () => {
      const { converse, converseStream } = setup();
      const json = { content: ['{"city":', ' "Paris"}'] };
      ollama.script(json, json);
      const forced = { messages: [user({ text: 'Weather in Paris?' })], toolConfig: { ...weatherTools, toolChoice: { tool: { name: 'get_weather' } } } };

      const response = await converse(forced);

      const sent = lastChat().body;
      expect(sent.format).toEqual(weatherSchema);
      expect(sent.tools).toBeUndefined();
      expect(response.stopReason).toBe('tool_use');
      expect(response.output?.message?.content).toEqual([
        { toolUse: { toolUseId: expect.stringMatching(/^tooluse_/), name: 'get_weather', input: { city: 'Paris' } } },
      ]);

      const events = await collect((await converseStream(forced)).stream);
      expect(events.find((event) => event.contentBlockStart)?.contentBlockStart?.start?.toolUse?.name).toBe('get_weather');
      expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('tool_use');
    });

    it('sends a toolResult as an Ollama tool message naming the tool', async () => {
      const { converse } = setup();
      ollama.script({ content: ['It is 21 degrees.'] });

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
        { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
        { role: 'tool', content: '{"celsius":21}', tool_name: 'get_weather' },
      ]);
    });
  });

  describe('content and options', () => {
    it('sends an image block as base64 in images', async () => {
      const { converse } = setup();
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);

      await converse({ messages: [user({ text: 'What is this?' }, { image: { format: 'png', source: { bytes: png } } })] });

      expect(lastChat().body.messages).toEqual([{ role: 'user', content: 'What is this?', images: [Buffer.from(png).toString('base64')] }]);
    });

    it('maps Claude extended thinking to think: true and answers with reasoningContent', async () => {
      const { converse, converseStream } = setup();
      const thoughtful = { thinking: ['Let me ', 'think.'], content: ['Four.'] };
      ollama.script(thoughtful, thoughtful);
      const input = {
        modelId: SONNET_37,
        messages: [user({ text: '2+2?' })],
        inferenceConfig: { maxTokens: 4096 },
        additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } },
      };

      const response = await converse(input);

      expect(lastChat().body).toMatchObject({ think: true, options: { num_predict: 4096 } });
      expect(response.output?.message?.content).toEqual([{ reasoningContent: { reasoningText: { text: 'Let me think.' } } }, { text: 'Four.' }]);

      const events = await collect((await converseStream(input)).stream);
      expect(lastChat().body.think).toBe(true);
      expect(events.map(kindOf)).toEqual([
        'messageStart',
        'contentBlockDelta',
        'contentBlockDelta',
        'contentBlockStop',
        'contentBlockDelta',
        'contentBlockStop',
        'messageStop',
        'metadata',
      ]);
      expect(events[1]!.contentBlockDelta).toEqual({ contentBlockIndex: 0, delta: { reasoningContent: { text: 'Let me ' } } });
      expect(events[2]!.contentBlockDelta?.delta?.reasoningContent?.text).toBe('think.');
      expect(events[4]!.contentBlockDelta).toEqual({ contentBlockIndex: 1, delta: { text: 'Four.' } });
    });

    it('maps inference options to Ollama options', async () => {
      const { converse } = setup();

      await converse({
        messages: [user({ text: 'Hi' })],
        inferenceConfig: { maxTokens: 100, temperature: 0.5, topP: 0.9 },
        additionalModelRequestFields: { top_k: 40, seed: 7 },
      });

      expect(lastChat().body.options).toEqual({ num_predict: 100, temperature: 0.5, top_p: 0.9, top_k: 40, seed: 7 });
      expect(lastChat().body.think).toBeUndefined();
    });
  });

  describe('models', () => {
    it('runs the model the modelMap option names', async () => {
      const { converse } = setup({}, { modelMap: { [HAIKU]: 'qwen3:0.6b' } });
      await converse({ messages: [user({ text: 'Hi' })] });
      expect(lastChat().body.model).toBe('qwen3:0.6b');
    });

    it('passes ollama.<name> model ids through', async () => {
      const { converse, converseStream } = setup();
      const response = await converse({ modelId: 'ollama.gemma3:1b', messages: [user({ text: 'Hi' })] });
      expect(lastChat().body.model).toBe('gemma3:1b');
      expect(response.output?.message?.content).toEqual([{ text: 'Echo: Hi' }]);

      await collect((await converseStream({ modelId: 'ollama.gemma3:1b', messages: [user({ text: 'Hi' })] })).stream);
      expect(lastChat().body.model).toBe('gemma3:1b');
    });

    it('pulls a missing model on first use and reports progress', async () => {
      const progress: OllamaPullProgress[] = [];
      const { converse } = setup({ onPullProgress: (step) => progress.push(step) });
      ollama.models.delete('tinyllama');

      const response = await converse({ modelId: 'ollama.tinyllama', messages: [user({ text: 'Hi' })] });

      expect(response.output?.message?.content).toEqual([{ text: 'Echo: Hi' }]);
      expect(ollama.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        'GET /api/version',
        'POST /api/chat',
        'POST /api/pull',
        'POST /api/chat',
      ]);
      expect(ollama.requests[2]!.body).toMatchObject({ name: 'tinyllama', stream: true });
      expect(progress.map((step) => step.status)).toEqual([
        'pulling manifest',
        expect.stringMatching(/^pulling [0-9a-f]{12}$/),
        expect.stringMatching(/^pulling [0-9a-f]{12}$/),
        expect.stringMatching(/^pulling [0-9a-f]{12}$/),
        'verifying sha256 digest',
        'writing manifest',
        'success',
      ]);
      expect(progress.every((step) => step.model === 'tinyllama')).toBe(true);
      expect(progress[3]).toMatchObject({ total: 4096, completed: 4096, digest: expect.stringMatching(/^sha256:/) });
    });

    it('pulls and prewarms the configured models before the first answer', async () => {
      const { converse } = setup({ pullModels: ['phi3'], prewarm: true, keepAlive: '10m' });
      ollama.models.delete('phi3');

      await converse({ messages: [user({ text: 'Hi' })] });

      expect(ollama.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /api/version', 'POST /api/pull', 'POST /api/generate', 'POST /api/chat']);
      expect(ollama.requests[2]!.body).toMatchObject({ model: 'phi3', prompt: '', keep_alive: '10m', stream: false });
      expect(lastChat().body.keep_alive).toBe('10m');
    });

    it('gives ResourceNotFoundException for a missing model when pulling is off', async () => {
      const { converse, converseStream } = setup({ pull: false });
      ollama.models.delete('tinyllama');

      for (const call of [
        () => converse({ modelId: 'ollama.tinyllama', messages: [user({ text: 'Hi' })] }),
        () => converseStream({ modelId: 'ollama.tinyllama', messages: [user({ text: 'Hi' })] }),
      ]) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(ResourceNotFoundException);
        expect(error.message).toContain('tinyllama');
      }
      expect(ollama.requests.some((request) => request.path === '/api/pull')).toBe(false);
      expect(ollama.models.has('tinyllama')).toBe(false);
    });
  });

  describe('failures', () => {
    it('gives ServiceUnavailableException naming the host when Ollama is unreachable', async () => {
      const gone = await startFakeOllama();
      await gone.close();
      const { converse, converseStream } = setup({ host: gone.host }, {}, 1);

      for (const call of [() => converse({ messages: [user({ text: 'Hi' })] }), () => converseStream({ messages: [user({ text: 'Hi' })] })]) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(ServiceUnavailableException);
        expect(error.message).toContain(gone.host);
      }
    });

    it('throws from the stream when Ollama sends an error line mid-stream', async () => {
      const { converseStream } = setup();
      ollama.script({ content: ['Partial'], end: { error: 'model runner has unexpectedly stopped' } });

      const response = await converseStream({ messages: [user({ text: 'Hi' })] });
      const seen: string[] = [];
      const error = await rejection(
        (async () => {
          for await (const event of response.stream!) seen.push(kindOf(event));
        })(),
      );

      expect(seen).toEqual(['messageStart', 'contentBlockDelta']);
      expect(error.name).toBe('ModelStreamErrorException');
      expect(error.message).toContain('model runner has unexpectedly stopped');
      expect(warnings).toEqual([]);
    });

    it('gives ModelErrorException from Converse when Ollama sends an error line, without retrying', async () => {
      const { converse } = setup();
      ollama.script({ content: ['Partial'], end: { error: 'model runner has unexpectedly stopped' } });

      const error = await rejection(converse({ messages: [user({ text: 'Hi' })] }));

      expect(error).toBeInstanceOf(ModelErrorException);
      expect(error.message).toContain('model runner has unexpectedly stopped');
      expect(ollama.chats).toHaveLength(1);
      expect(warnings).toEqual([]);
    });

    it('throws from the stream when Ollama ends it without a done line', async () => {
      const { converseStream } = setup();
      ollama.script({ content: ['Partial'], end: 'no-done' });

      const response = await converseStream({ messages: [user({ text: 'Hi' })] });
      const error = await rejection(collect(response.stream));

      expect(error.name).toBe('ModelStreamErrorException');
      expect(error.message).toContain('Did not receive done');
    });
  });

  describe('cancellation', () => {
    const endless: ChatScript = { content: ['Once', ' upon', ' a', ' time'], end: 'hold' };

    it('closes the upstream request when the caller aborts a stream through abortSignal', async () => {
      const { converseStream } = setup();
      ollama.script(endless);
      const controller = new AbortController();

      const response = await converseStream({ messages: [user({ text: 'Story' })] }, controller.signal);
      const iterator = response.stream![Symbol.asyncIterator]();
      expect(kindOf((await iterator.next()).value as ConverseStreamOutput)).toBe('messageStart');
      expect(kindOf((await iterator.next()).value as ConverseStreamOutput)).toBe('contentBlockDelta');
      controller.abort();

      expect(await within(lastChat().closedByClient, 'the upstream chat to close')).toBe(true);
    });

    it.runIf(seesEarlyReturn)('closes the upstream request when the caller breaks out of the stream', async () => {
      const { converseStream } = setup();
      ollama.script(endless);

      const response = await converseStream({ messages: [user({ text: 'Story' })] });
      for await (const event of response.stream!) if (event.contentBlockDelta) break;

      expect(await within(lastChat().closedByClient, 'the upstream chat to close')).toBe(true);
    });
  });
});
