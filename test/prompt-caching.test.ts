import {
  ConverseCommand,
  ConverseStreamCommand,
  CountTokensCommand,
  type BedrockRuntimeClient,
  type ContentBlock,
  type ConverseCommandInput,
  type Message,
  type SystemContentBlock,
  type Tool,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../src/core/clock.js';
import { collectEvents, FRONT_DOORS, runtimeClient, userText, type FrontDoor } from './support/clients.js';
import { invocationMetrics, invoke, invokeStream } from './support/invoke.js';

/**
 * Prompt caching: checkpoints read and write a per-runtime cache, and every place Bedrock reports usage
 * reports the cache tokens. Expected token counts come from CountTokens through the SDK: a prefix costs
 * what CountTokens says for the request cut at the checkpoint.
 */

const SONNET_45 = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'; // minimum 1024 tokens, 1h TTL
const SONNET_45_BASE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const SONNET_4 = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const HAIKU_3 = 'anthropic.claude-3-haiku-20240307-v1:0'; // no 1h TTL
const NOVA_LITE = 'us.amazon.nova-lite-v1:0';
const LLAMA = 'us.meta.llama3-1-8b-instruct-v1:0'; // no prompt caching

const FIVE_MINUTES = 5 * 60_000;
const RULES = Array.from({ length: 200 }, (_, index) => `Rule ${index + 1}: answer in plain words and cite the rule number you used.`).join('\n');
const HANDBOOK = Array.from({ length: 150 }, (_, index) => `Section ${index + 1} of the handbook explains one more detail of the local emulator.`).join('\n');
const QUESTION = 'Which rule covers citations?';

const cachePoint = (ttl?: '5m' | '1h') => ({ cachePoint: { type: 'default' as const, ...(ttl ? { ttl } : {}) } });
const question = (text = QUESTION): Message => userText(text) as Message;

interface Prompt {
  system?: SystemContentBlock[];
  messages: Message[];
  toolConfig?: ConverseCommandInput['toolConfig'];
}

async function countTokens(client: BedrockRuntimeClient, prompt: Prompt, modelId = SONNET_45_BASE): Promise<number> {
  const output = await client.send(new CountTokensCommand({ modelId, input: { converse: prompt } }));
  return output.inputTokens!;
}

async function converse(client: BedrockRuntimeClient, prompt: Prompt, modelId = SONNET_45) {
  const output = await client.send(new ConverseCommand({ modelId, ...prompt, inferenceConfig: { maxTokens: 50 } }));
  return output.usage!;
}

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = (await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { name: string; message: string } | undefined;
  expect(error).toBeDefined();
  return error!;
}

function clientWithClock(door: FrontDoor) {
  const clock = createManualClock('2026-01-01T00:00:00Z');
  return { clock, ...runtimeClient(door, { clock }) };
}

describe.each(FRONT_DOORS)('prompt caching through Converse (%s door)', (door) => {
  it('writes the prefix on the first call and reads it on the repeat', async () => {
    const { client } = runtimeClient(door);
    const prompt: Prompt = { system: [{ text: RULES }, cachePoint()], messages: [question()] };
    const total = await countTokens(client, prompt);
    const prefix = total - (await countTokens(client, { messages: [question()] }));
    expect(prefix).toBeGreaterThanOrEqual(1024);

    const first = await converse(client, prompt);
    expect(first).toMatchObject({ inputTokens: total - prefix, cacheReadInputTokens: 0, cacheWriteInputTokens: prefix, cacheDetails: [{ ttl: '5m', inputTokens: prefix }] });
    expect(first.totalTokens).toBe(total + first.outputTokens!);

    const second = await converse(client, prompt);
    expect(second).toMatchObject({ inputTokens: total - prefix, cacheReadInputTokens: prefix, cacheWriteInputTokens: 0 });
    expect(second.cacheDetails ?? []).toEqual([]);
    expect(second.totalTokens).toBe(total + second.outputTokens!);
  });

  it('reads the cached part of a longer prefix and writes only the new part', async () => {
    const { client } = runtimeClient(door);
    const system = [{ text: RULES }, cachePoint()];
    const first = await converse(client, { system, messages: [question()] });

    const longer: Prompt = { system, messages: [{ role: 'user', content: [{ text: HANDBOOK }, cachePoint(), { text: QUESTION }] as ContentBlock[] }] };
    const total = await countTokens(client, longer);
    const throughHandbook = await countTokens(client, { system: [{ text: RULES }], messages: [{ role: 'user', content: [{ text: HANDBOOK }] }] });
    const usage = await converse(client, longer);
    expect(usage).toMatchObject({
      cacheReadInputTokens: first.cacheWriteInputTokens,
      cacheWriteInputTokens: throughHandbook - first.cacheWriteInputTokens!,
      inputTokens: total - throughHandbook,
      cacheDetails: [{ ttl: '5m', inputTokens: throughHandbook - first.cacheWriteInputTokens! }],
    });
  });

  it('forgets a 5-minute entry once five minutes pass unused, and a read keeps it alive', async () => {
    const { client, clock } = clientWithClock(door);
    const prompt: Prompt = { system: [{ text: RULES }, cachePoint('5m')], messages: [question()] };
    const written = (await converse(client, prompt)).cacheWriteInputTokens!;
    expect(written).toBeGreaterThan(0);

    clock.advance(FIVE_MINUTES - 1000);
    expect(await converse(client, prompt)).toMatchObject({ cacheReadInputTokens: written, cacheWriteInputTokens: 0 });
    clock.advance(FIVE_MINUTES - 1000); // alive: the read above restarted its five minutes
    expect(await converse(client, prompt)).toMatchObject({ cacheReadInputTokens: written, cacheWriteInputTokens: 0 });
    clock.advance(FIVE_MINUTES);
    expect(await converse(client, prompt)).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: written });
  });

  it('keeps a 1-hour entry past five minutes and forgets it after an hour', async () => {
    const { client, clock } = clientWithClock(door);
    const prompt: Prompt = { system: [{ text: RULES }, cachePoint('1h')], messages: [question()] };
    const first = await converse(client, prompt);
    expect(first.cacheDetails).toEqual([{ ttl: '1h', inputTokens: first.cacheWriteInputTokens }]);

    clock.advance(50 * 60_000);
    expect(await converse(client, prompt)).toMatchObject({ cacheReadInputTokens: first.cacheWriteInputTokens, cacheWriteInputTokens: 0 });
    clock.advance(60 * 60_000);
    expect(await converse(client, prompt)).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: first.cacheWriteInputTokens });
  });

  it('splits writes by TTL, 1h before 5m', async () => {
    const { client } = runtimeClient(door);
    const prompt: Prompt = { system: [{ text: RULES }, cachePoint('1h')], messages: [{ role: 'user', content: [{ text: HANDBOOK }, cachePoint('5m'), { text: QUESTION }] as ContentBlock[] }] };
    const system = (await countTokens(client, { system: [{ text: RULES }], messages: [question()] })) - (await countTokens(client, { messages: [question()] }));
    const throughHandbook = await countTokens(client, { system: [{ text: RULES }], messages: [{ role: 'user', content: [{ text: HANDBOOK }] }] });
    const usage = await converse(client, prompt);
    expect(usage.cacheDetails).toEqual([
      { ttl: '1h', inputTokens: system },
      { ttl: '5m', inputTokens: throughHandbook - system },
    ]);
    expect(usage.cacheWriteInputTokens).toBe(throughHandbook);
  });

  it('writes nothing for a prefix below the model minimum', async () => {
    const { client } = runtimeClient(door);
    const prompt: Prompt = { system: [{ text: 'Be brief.' }, cachePoint()], messages: [question()] };
    const total = await countTokens(client, prompt);
    for (let call = 0; call < 2; call += 1) {
      const usage = await converse(client, prompt);
      expect(usage).toMatchObject({ inputTokens: total, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 });
      expect(usage.cacheDetails ?? []).toEqual([]);
    }
  });

  it('caches tool definitions', async () => {
    const { client } = runtimeClient(door);
    const tools: Tool[] = [{ toolSpec: { name: 'lookup_rule', description: RULES, inputSchema: { json: { type: 'object', properties: { rule: { type: 'integer' } } } } } }];
    const prompt: Prompt = { toolConfig: { tools: [...tools, cachePoint() as Tool] }, messages: [question()] };
    const prefix = (await countTokens(client, { toolConfig: { tools }, messages: [question()] })) - (await countTokens(client, { messages: [question()] }));
    expect((await converse(client, prompt)).cacheWriteInputTokens).toBe(prefix);
    expect((await converse(client, prompt)).cacheReadInputTokens).toBe(prefix);
  });

  it('rejects a 1h checkpoint after a 5m one, in the order tools, system, messages', async () => {
    const { client } = runtimeClient(door);
    const inMessages = await rejection(converse(client, { system: [{ text: RULES }, cachePoint('5m')], messages: [{ role: 'user', content: [{ text: QUESTION }, cachePoint('1h')] as ContentBlock[] }] }));
    expect(inMessages).toMatchObject({
      name: 'ValidationException',
      message:
        "The model returned the following errors: messages.0.content.0.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`.",
    });
    const tools: Tool[] = [{ toolSpec: { name: 'lookup_rule', inputSchema: { json: { type: 'object' } } } }, cachePoint() as Tool];
    const afterTools = await rejection(converse(client, { toolConfig: { tools }, system: [{ text: RULES }, cachePoint('1h')], messages: [question()] }));
    expect(afterTools.message).toContain("system.0.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block");
    // Non-increasing TTLs are fine.
    await expect(converse(client, { toolConfig: { tools: [tools[0]!, cachePoint('1h') as Tool] }, system: [{ text: RULES }, cachePoint('5m')], messages: [question()] })).resolves.toBeDefined();
  });

  it('checks the cachePoint members like any Converse member', async () => {
    const { client } = runtimeClient(door);
    const badTtl = { cachePoint: { type: 'default', ttl: '2h' } } as unknown as SystemContentBlock;
    const error = await rejection(converse(client, { system: [{ text: RULES }, badTtl], messages: [question()] }));
    expect(error).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '2h' at 'system.2.member.cachePoint.ttl' failed to satisfy constraint: Member must satisfy enum value set: [5m, 1h]",
    });
  });

  it('rejects more than four checkpoints', async () => {
    const { client } = runtimeClient(door);
    const system = ['one', 'two', 'three', 'four', 'five'].flatMap((text) => [{ text }, cachePoint()]);
    const error = await rejection(converse(client, { system, messages: [question()] }));
    expect(error).toMatchObject({ name: 'ValidationException', message: 'The model returned the following errors: A maximum of 4 blocks with cache_control may be provided. Found 5.' });
    await expect(converse(client, { system: system.slice(0, 8), messages: [question()] })).resolves.toBeDefined();
  });

  it('rejects a 1h TTL on a model that only offers 5 minutes', async () => {
    const { client } = runtimeClient(door);
    const claude = await rejection(converse(client, { system: [{ text: RULES }, cachePoint('1h')], messages: [question()] }, HAIKU_3));
    expect(claude).toMatchObject({ name: 'ValidationException', message: 'The model returned the following errors: system.0.cache_control.ephemeral.ttl: Extra inputs are not permitted' });
    const nova = await rejection(converse(client, { system: [{ text: RULES }, cachePoint('1h')], messages: [question()] }, NOVA_LITE));
    expect(nova).toMatchObject({ name: 'ValidationException', message: 'Extended TTL prompt caching is only supported for Anthropic models' });
  });

  it('keeps separate caches per model', async () => {
    const { client } = runtimeClient(door);
    const prompt: Prompt = { system: [{ text: RULES }, cachePoint()], messages: [question()] };
    const written = (await converse(client, prompt, SONNET_45)).cacheWriteInputTokens!;
    expect(written).toBeGreaterThan(0);
    expect(await converse(client, prompt, SONNET_4)).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: expect.any(Number) });
    expect((await converse(client, prompt, SONNET_4)).cacheReadInputTokens).toBeGreaterThan(0);
    expect(await converse(client, prompt, SONNET_45)).toMatchObject({ cacheReadInputTokens: written, cacheWriteInputTokens: 0 });
  });

  it('ignores cachePoint on a model without prompt caching', async () => {
    const { client } = runtimeClient(door);
    const plain = await converse(client, { system: [{ text: RULES }], messages: [question()] }, LLAMA);
    for (let call = 0; call < 2; call += 1) {
      const usage = await converse(client, { system: [{ text: RULES }, cachePoint()], messages: [question()] }, LLAMA);
      expect(usage.inputTokens).toBe(plain.inputTokens);
      expect(usage.cacheReadInputTokens).toBeUndefined();
      expect(usage.cacheWriteInputTokens).toBeUndefined();
    }
  });

  it('caches Nova system prompts and ignores Nova tool checkpoints', async () => {
    const { client } = runtimeClient(door);
    const tools: Tool[] = [{ toolSpec: { name: 'lookup_rule', description: RULES, inputSchema: { json: { type: 'object' } } } }, cachePoint() as Tool];
    const prompt: Prompt = { toolConfig: { tools }, system: [{ text: HANDBOOK }, cachePoint()], messages: [question()] };
    const total = await countTokens(client, prompt, 'amazon.nova-lite-v1:0');
    const first = await converse(client, prompt, NOVA_LITE);
    // One checkpoint is honoured: tools and system are written together, up to the system checkpoint.
    expect(first.cacheWriteInputTokens).toBe(total - first.inputTokens!);
    expect(first.cacheDetails).toEqual([{ ttl: '5m', inputTokens: first.cacheWriteInputTokens }]);
    expect(await converse(client, prompt, NOVA_LITE)).toMatchObject({ cacheReadInputTokens: first.cacheWriteInputTokens, cacheWriteInputTokens: 0, inputTokens: first.inputTokens });
  });

  it('reports nothing with promptCache: false, and clear() empties the cache', async () => {
    const off = runtimeClient(door, { promptCache: false }).client;
    const prompt: Prompt = { system: [{ text: RULES }, cachePoint()], messages: [question()] };
    const total = await countTokens(off, prompt);
    const usage = await converse(off, prompt);
    expect(usage.inputTokens).toBe(total);
    expect(usage.cacheWriteInputTokens).toBeUndefined();

    const { client, runtime } = runtimeClient(door);
    const written = (await converse(client, prompt)).cacheWriteInputTokens!;
    expect(runtime.promptCache.size).toBe(1);
    runtime.promptCache.clear();
    expect(await converse(client, prompt)).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: written });
  });

  it('reports the cache in ConverseStream metadata', async () => {
    const { client } = runtimeClient(door);
    const prompt: Prompt = { system: [{ text: RULES }, cachePoint()], messages: [question()] };
    const total = await countTokens(client, prompt);
    const stream = async () => {
      const events = await collectEvents((await client.send(new ConverseStreamCommand({ modelId: SONNET_45, ...prompt }))).stream);
      return events.find((event) => event.metadata)!.metadata!.usage!;
    };
    const first = await stream();
    expect(first).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: total - first.inputTokens!, cacheDetails: [{ ttl: '5m', inputTokens: total - first.inputTokens! }] });
    expect(first.totalTokens).toBe(total + first.outputTokens!);
    const second = await stream();
    expect(second).toMatchObject({ cacheReadInputTokens: first.cacheWriteInputTokens, cacheWriteInputTokens: 0, inputTokens: first.inputTokens });
  });
});

describe.each(FRONT_DOORS)('prompt caching through InvokeModel with cache_control (%s door)', (door) => {
  const body = (ttl?: '1h') => ({
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 50,
    system: [{ type: 'text', text: RULES, cache_control: { type: 'ephemeral', ...(ttl ? { ttl } : {}) } }],
    messages: [{ role: 'user', content: QUESTION }],
  });

  it('reports writes and reads in the body usage, the headers and the stream invocation metrics', async () => {
    const { client } = runtimeClient(door);
    const total = await countTokens(client, { system: [{ text: RULES }], messages: [question()] });
    const prefix = total - (await countTokens(client, { messages: [question()] }));

    const first = await invoke(client, SONNET_45, body('1h'));
    expect(first.body.usage).toEqual({
      input_tokens: total - prefix,
      output_tokens: expect.any(Number),
      cache_creation_input_tokens: prefix,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: prefix },
    });
    expect(first.headers).toMatchObject({
      'x-amzn-bedrock-input-token-count': String(total - prefix),
      'x-amzn-bedrock-cache-write-input-token-count': String(prefix),
      'x-amzn-bedrock-cache-read-input-token-count': '0',
    });

    const second = await invoke(client, SONNET_45, body('1h'));
    expect(second.body.usage).toMatchObject({ input_tokens: total - prefix, cache_creation_input_tokens: 0, cache_read_input_tokens: prefix });
    expect(second.headers).toMatchObject({ 'x-amzn-bedrock-cache-read-input-token-count': String(prefix), 'x-amzn-bedrock-cache-write-input-token-count': '0' });

    const { chunks } = await invokeStream(client, SONNET_45, body('1h'));
    expect(invocationMetrics(chunks)).toMatchObject({ inputTokenCount: total - prefix, cacheReadInputTokenCount: prefix, cacheWriteInputTokenCount: 0 });
    const start = chunks.find((chunk) => chunk.type === 'message_start') as { message: { usage: Record<string, number> } };
    expect(start.message.usage).toMatchObject({ input_tokens: total - prefix, cache_read_input_tokens: prefix, cache_creation_input_tokens: 0 });
    const delta = chunks.find((chunk) => chunk.type === 'message_delta') as { usage: Record<string, number> };
    expect(delta.usage).toMatchObject({ input_tokens: total - prefix, cache_read_input_tokens: prefix, cache_creation_input_tokens: 0 });
  });

  it('shares the cache with Converse for the same prompt and model', async () => {
    const { client } = runtimeClient(door);
    const written = (await converse(client, { system: [{ text: RULES }, cachePoint()], messages: [question()] })).cacheWriteInputTokens!;
    const result = await invoke(client, SONNET_45, body());
    expect(result.body.usage).toMatchObject({ cache_read_input_tokens: written, cache_creation_input_tokens: 0 });
  });

  it('keeps the zeros of a request without cache_control', async () => {
    const { client } = runtimeClient(door);
    const { system: _system, ...plain } = body();
    const result = await invoke(client, SONNET_45, plain);
    expect(result.body.usage).toEqual({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(result.headers['x-amzn-bedrock-cache-read-input-token-count']).toBe('0');
  });

  it('rejects five cache_control blocks with Claude wording', async () => {
    const { client } = runtimeClient(door);
    const system = ['one', 'two', 'three', 'four', 'five'].map((text) => ({ type: 'text', text, cache_control: { type: 'ephemeral' } }));
    const error = await rejection(invoke(client, SONNET_45, { ...body(), system }));
    expect(error).toMatchObject({ name: 'ValidationException', message: 'A maximum of 4 blocks with cache_control may be provided. Found 5.' });
  });

  it('reports cache counts in the Nova native usage', async () => {
    const { client } = runtimeClient(door);
    const nova = { schemaVersion: 'messages-v1', system: [{ text: HANDBOOK }, cachePoint()], messages: [{ role: 'user', content: [{ text: QUESTION }] }] };
    const first = await invoke(client, NOVA_LITE, nova);
    const written = (first.body.usage as Record<string, number>).cacheWriteInputTokenCount!;
    expect(written).toBeGreaterThanOrEqual(1000);
    expect(first.headers['x-amzn-bedrock-cache-write-input-token-count']).toBe(String(written));
    const second = await invoke(client, NOVA_LITE, nova);
    const usage = second.body.usage as Record<string, number>;
    expect(usage).toMatchObject({ cacheReadInputTokenCount: written, cacheWriteInputTokenCount: 0 });
    expect(usage.totalTokens).toBe(usage.inputTokens! + usage.outputTokens! + written);
  });
});
