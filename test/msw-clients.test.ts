import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import AnthropicBedrock from '@anthropic-ai/bedrock-sdk';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ChatBedrockConverse } from '@langchain/aws';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { embed, generateText, streamText, tool } from 'ai';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRuntime, type Backend, type ChatStreamEvent } from '../src/index.js';
import { bedrockHandlers } from '../src/front-doors/msw.js';
import { TEST_CREDENTIALS } from './support/clients.js';

/**
 * The real fetch-based Bedrock clients, unmodified, answered through msw: each only gets a region and static
 * credentials (so nothing reads AWS_* variables or probes for credentials) and talks to AWS's own hostname.
 */

const CLAUDE = 'anthropic.claude-3-haiku-20240307-v1:0';
const REGION = 'us-east-1';

const runtime = createRuntime({ env: {} });
const server = setupServer(...bedrockHandlers(runtime));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  runtime.scripted!.reset();
  runtime.callLog.clear();
});
afterAll(() => server.close());

const lastCall = () => runtime.callLog.calls.at(-1)!;

/** A backend that streams words until its call is aborted, recording the abort. */
function endlessBackend() {
  const state = { aborted: false };
  const backend: Backend = {
    name: 'endless',
    chat: () => Promise.reject(new Error('unused')),
    async chatStream(_request, options) {
      options?.signal?.addEventListener('abort', () => (state.aborted = true));
      return (async function* (): AsyncGenerator<ChatStreamEvent> {
        for (let index = 0; !options?.signal?.aborted; index++) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield { type: 'textDelta', text: `word${index} ` };
        }
      })();
    },
  };
  return { backend, state };
}

describe('@ai-sdk/amazon-bedrock (ai) through msw', () => {
  const bedrock = createAmazonBedrock({ region: REGION, accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.secretAccessKey });

  it('generateText: Converse', async () => {
    runtime.scripted!.enqueue({ text: 'Hello from local Bedrock.' });
    const result = await generateText({ model: bedrock(CLAUDE), prompt: 'Say hello' });
    expect(result.text).toBe('Hello from local Bedrock.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(lastCall()).toMatchObject({ operation: 'Converse', modelId: CLAUDE });
  });

  it('streamText: ConverseStream', async () => {
    runtime.scripted!.enqueue({ text: 'Streaming from local Bedrock, piece by piece.' });
    const result = streamText({ model: bedrock(CLAUDE), prompt: 'Stream something' });
    const parts: string[] = [];
    for await (const part of result.textStream) parts.push(part);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('')).toBe('Streaming from local Bedrock, piece by piece.');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
    expect(lastCall()).toMatchObject({ operation: 'ConverseStream', complete: true });
  });

  it('a forced tool call (tools + toolChoice), in generateText and streamText', async () => {
    const tools = { get_weather: tool({ description: 'Weather for a city', inputSchema: z.object({ city: z.string() }) }) };
    const options = { model: bedrock(CLAUDE), prompt: 'Weather in Rome?', tools, toolChoice: { type: 'tool', toolName: 'get_weather' } } as const;

    const generated = await generateText(options);
    expect(generated.finishReason).toBe('tool-calls');
    expect(generated.toolCalls).toEqual([expect.objectContaining({ toolName: 'get_weather', input: { city: expect.any(String) } })]);
    expect(lastCall().input).toMatchObject({ toolConfig: { toolChoice: { tool: { name: 'get_weather' } } } });

    const streamed = streamText(options);
    expect(await streamed.toolCalls).toEqual([expect.objectContaining({ toolName: 'get_weather', input: { city: expect.any(String) } })]);
  });

  it('a Bedrock error: the client reads its type and message', async () => {
    runtime.scripted!.enqueue({ error: { name: 'ValidationException', message: 'The model rejected this prompt.' } });
    await expect(generateText({ model: bedrock(CLAUDE), prompt: 'Hi', maxRetries: 0 })).rejects.toMatchObject({
      statusCode: 400,
      message: 'The model rejected this prompt.',
    });
  });

  it('streamText with an abortSignal: aborting ends the backend call', async () => {
    const { backend, state } = endlessBackend();
    server.use(...bedrockHandlers({ backend, env: {} }));
    const controller = new AbortController();
    const result = streamText({ model: bedrock(CLAUDE), prompt: 'Go on forever', abortSignal: controller.signal, onError: () => {} });
    let parts = 0;
    for await (const _ of result.textStream) if (++parts === 3) controller.abort();
    expect(parts).toBeGreaterThanOrEqual(3);
    await expect.poll(() => state.aborted).toBe(true);
  });

  it('embed: a Titan embedding model (InvokeModel)', async () => {
    const { embedding, usage } = await embed({ model: bedrock.embedding('amazon.titan-embed-text-v2:0'), value: 'local models' });
    expect(embedding).toHaveLength(1024);
    expect(usage.tokens).toBeGreaterThan(0);
    expect(lastCall()).toMatchObject({ operation: 'InvokeModel', modelId: 'amazon.titan-embed-text-v2:0' });
  });
});

describe('@anthropic-ai/bedrock-sdk through msw', () => {
  // The client keeps the `fetch` it finds when it is constructed: create it after server.listen(), or msw
  // never sees its requests (or pass `fetch: (...args) => globalThis.fetch(...args)`).
  let anthropic: AnthropicBedrock;
  beforeAll(() => {
    anthropic = new AnthropicBedrock({
      awsRegion: REGION,
      awsAccessKey: TEST_CREDENTIALS.accessKeyId,
      awsSecretKey: TEST_CREDENTIALS.secretAccessKey,
      apiKey: null, // ignore AWS_BEARER_TOKEN_BEDROCK: sign with the keys above
    });
  });

  it('messages.create: InvokeModel with an Anthropic Messages body (model id with a raw colon in the path)', async () => {
    runtime.scripted!.enqueue({ text: 'Hi from Claude, locally.' });
    const message = await anthropic.messages.create({ model: CLAUDE, max_tokens: 100, messages: [{ role: 'user', content: 'Hello' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Hi from Claude, locally.' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(lastCall()).toMatchObject({ operation: 'InvokeModel', modelId: CLAUDE });
    expect(lastCall().http.path).toBe(`/model/${CLAUDE}/invoke`);
  });

  it('messages.stream: InvokeModelWithResponseStream', async () => {
    runtime.scripted!.enqueue({ text: 'A streamed answer from Claude.' });
    const stream = anthropic.messages.stream({ model: CLAUDE, max_tokens: 100, messages: [{ role: 'user', content: 'Stream' }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('A streamed answer from Claude.');
    expect(message.stop_reason).toBe('end_turn');
    expect(lastCall()).toMatchObject({ operation: 'InvokeModelWithResponseStream', complete: true });
  });

  it('a Bedrock error becomes the SDK’s error class, with the message', async () => {
    runtime.scripted!.enqueue({ error: { name: 'ValidationException', message: 'The model rejected this prompt.' } });
    const failing = anthropic.messages.create({ model: CLAUDE, max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }, { maxRetries: 0 });
    await expect(failing).rejects.toBeInstanceOf(AnthropicBedrock.BadRequestError);
    await expect(failing).rejects.toMatchObject({ status: 400, message: expect.stringContaining('The model rejected this prompt.') });
  });

  it('breaking out of messages.stream ends the backend call', async () => {
    const { backend, state } = endlessBackend();
    server.use(...bedrockHandlers({ backend, env: {} }));
    let deltas = 0;
    for await (const event of anthropic.messages.stream({ model: CLAUDE, max_tokens: 100, messages: [{ role: 'user', content: 'Go on forever' }] })) {
      if (event.type === 'content_block_delta' && ++deltas === 3) break;
    }
    await expect.poll(() => state.aborted).toBe(true);
  });

  it('a forced tool call', async () => {
    const message = await anthropic.messages.create({
      model: CLAUDE,
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
      tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
      tool_choice: { type: 'tool', name: 'get_weather' },
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toContainEqual(expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { city: expect.any(String) } }));
  });
});

describe('@langchain/aws ChatBedrockConverse through msw', () => {
  // LangChain calls Bedrock through the AWS SDK, whose default handler speaks HTTP/2, which msw cannot
  // intercept; with the SDK's HTTP/1.1 handler its requests go through node:https, which msw does intercept.
  const client = new BedrockRuntimeClient({ region: REGION, credentials: TEST_CREDENTIALS, requestHandler: new NodeHttpHandler() });
  const model = new ChatBedrockConverse({ model: CLAUDE, region: REGION, credentials: TEST_CREDENTIALS, client });

  it('invoke: Converse', async () => {
    runtime.scripted!.enqueue({ text: 'Hello from LangChain.' });
    const message = await model.invoke('Say hello');
    expect(message.content).toBe('Hello from LangChain.');
    expect(message.usage_metadata?.output_tokens).toBeGreaterThan(0);
    expect(lastCall()).toMatchObject({ operation: 'Converse', modelId: CLAUDE });
  });

  it('stream: ConverseStream', async () => {
    runtime.scripted!.enqueue({ text: 'LangChain streams it, chunk by chunk.' });
    const chunks: string[] = [];
    for await (const chunk of await model.stream('Stream something')) {
      if (typeof chunk.content === 'string' && chunk.content) chunks.push(chunk.content);
    }
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe('LangChain streams it, chunk by chunk.');
    expect(lastCall()).toMatchObject({ operation: 'ConverseStream', complete: true });
  });
});
