import { CreateInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import { ConverseCommand, ConverseStreamCommand, CountTokensCommand, type ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../src/core/clock.js';
import { createRuntime, type LocalBedrockOptions } from '../src/index.js';
import { FOUNDATION_MODELS } from '../src/models/foundation-models.js';
import { collectEvents, controlClient, FRONT_DOORS, runtimeClient, userText } from './support/clients.js';
import { invoke, invokeStream } from './support/invoke.js';

const SONNET_4 = 'anthropic.claude-sonnet-4-20250514-v1:0';
const ON_DEMAND_ERROR = (id: string) =>
  `Invocation of model ID ${id} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.`;
const TOOL_CONFIG = { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } }] };
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CLAUDE_BODY = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] };

const converse = (modelId: string, input: Partial<ConverseCommandInput> = {}) =>
  new ConverseCommand({ modelId, messages: [userText('Hello')], ...input } as ConverseCommandInput);

/** Each case: model, operation, request change, the service's message, and the `featureChecks` key that relaxes it. */
const FEATURE_CASES: Array<[string, string, 'Converse' | 'ConverseStream', Partial<ConverseCommandInput>, string, string]> = [
  ['a system prompt to Titan', 'amazon.titan-text-express-v1', 'Converse', { system: [{ text: 'Be brief.' }] },
    "This model doesn't support system messages. Try again without a system message or use a model that supports system messages.", 'system'],
  ['a system prompt to Mistral 7B', 'mistral.mistral-7b-instruct-v0:2', 'ConverseStream', { system: [{ text: 'Be brief.' }] },
    "This model doesn't support system messages.", 'system'],
  ['tools to DeepSeek-R1', 'us.deepseek.r1-v1:0', 'Converse', { toolConfig: TOOL_CONFIG }, "This model doesn't support tool use.", 'tools'],
  ['tools to Llama 3.2 3B', 'us.meta.llama3-2-3b-instruct-v1:0', 'Converse', { toolConfig: TOOL_CONFIG }, "This model doesn't support tool use.", 'tools'],
  ['tools to Cohere Command', 'cohere.command-text-v14', 'Converse', { toolConfig: TOOL_CONFIG }, "This model doesn't support tool use.", 'tools'],
  ['streaming tools to Llama 4 Maverick', 'us.meta.llama4-maverick-17b-instruct-v1:0', 'ConverseStream', { toolConfig: TOOL_CONFIG },
    "This model doesn't support tool use in streaming mode.", 'streamingTools'],
  ['streaming tools to Mistral Large 2', 'mistral.mistral-large-2407-v1:0', 'ConverseStream', { toolConfig: TOOL_CONFIG },
    "This model doesn't support tool use in streaming mode.", 'streamingTools'],
  ['toolChoice any to Llama 3.1', 'meta.llama3-1-70b-instruct-v1:0', 'Converse', { toolConfig: { ...TOOL_CONFIG, toolChoice: { any: {} } } },
    "This model doesn't support the toolConfig.toolChoice.any field. Remove toolConfig.toolChoice.any and try again.", 'toolChoice'],
  ['toolChoice tool to Llama 4', 'us.meta.llama4-scout-17b-instruct-v1:0', 'Converse', { toolConfig: { ...TOOL_CONFIG, toolChoice: { tool: { name: 'lookup' } } } },
    "This model doesn't support the toolConfig.toolChoice.tool field. Remove toolConfig.toolChoice.tool and try again.", 'toolChoice'],
  ['an image to Claude 3.5 Haiku', 'us.anthropic.claude-3-5-haiku-20241022-v1:0', 'Converse',
    { messages: [{ role: 'user', content: [{ text: 'What is this?' }, { image: { format: 'png', source: { bytes: PNG } } }] }] },
    "This model doesn't support the image content block that you provided. Update the content block and try again.", 'vision'],
  ['an image to Nova Micro', 'amazon.nova-micro-v1:0', 'ConverseStream',
    { messages: [{ role: 'user', content: [{ text: 'What is this?' }, { image: { format: 'png', source: { bytes: PNG } } }] }] },
    "This model doesn't support the image content block that you provided.", 'vision'],
  ['a document to Nova Micro', 'amazon.nova-micro-v1:0', 'Converse',
    { messages: [{ role: 'user', content: [{ text: 'Summarise.' }, { document: { format: 'txt', name: 'notes', source: { bytes: new TextEncoder().encode('Some notes') } } }] }] },
    "This model doesn't support documents.", 'documents'],
  ['a document to gpt-oss', 'openai.gpt-oss-20b-1:0', 'Converse',
    { messages: [{ role: 'user', content: [{ text: 'Summarise.' }, { document: { format: 'txt', name: 'notes', source: { bytes: new TextEncoder().encode('Some notes') } } }] }] },
    "This model doesn't support documents.", 'documents'],
];

async function send(client: ReturnType<typeof runtimeClient>['client'], operation: 'Converse' | 'ConverseStream', input: ConverseCommandInput) {
  if (operation === 'Converse') return (await client.send(new ConverseCommand(input))).output?.message?.content?.[0]?.text;
  const events = await collectEvents((await client.send(new ConverseStreamCommand(input))).stream);
  return events.flatMap((event) => (event.contentBlockDelta?.delta?.text ? [event.contentBlockDelta.delta.text] : [])).join('');
}

describe.each(FRONT_DOORS)('Feature checks through the %s door', (door) => {
  describe('profile-only models', () => {
    it.each([
      ['its base id', SONNET_4],
      ['its foundation-model ARN', `arn:aws:bedrock:us-east-1::foundation-model/${SONNET_4}`],
    ])('refuses Converse by %s with the on-demand message naming the id as sent', async (_name, modelId) => {
      const { client } = runtimeClient(door);
      await expect(client.send(converse(modelId))).rejects.toMatchObject({
        name: 'ValidationException',
        message: ON_DEMAND_ERROR(modelId),
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('refuses ConverseStream, InvokeModel and InvokeModelWithResponseStream by base id', async () => {
      const { client } = runtimeClient(door);
      const expected = { name: 'ValidationException', message: ON_DEMAND_ERROR(SONNET_4) };
      await expect(client.send(new ConverseStreamCommand({ modelId: SONNET_4, messages: [userText('Hello')] }))).rejects.toMatchObject(expected);
      await expect(invoke(client, SONNET_4, CLAUDE_BODY)).rejects.toMatchObject(expected);
      await expect(invokeStream(client, SONNET_4, CLAUDE_BODY)).rejects.toMatchObject(expected);
    });

    it.each([
      ['a geo profile id', `us.${SONNET_4}`],
      ['a global profile id', `global.${SONNET_4}`],
      ['an inference-profile ARN', `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${SONNET_4}`],
    ])('answers through %s', async (_name, modelId) => {
      const { client } = runtimeClient(door, { responses: [{ text: 'Through a profile.' }] });
      const output = await client.send(converse(modelId));
      expect(output.output?.message?.content?.[0]?.text).toBe('Through a profile.');
      const native = await invoke(client, modelId, CLAUDE_BODY);
      expect(native.body.type).toBe('message');
    });

    it('answers through an application inference profile copied from the foundation model', async () => {
      const runtime = createRuntime({ env: {}, responses: [{ text: 'Through my profile.' }] });
      const { client: control } = controlClient(door, runtime);
      const { inferenceProfileArn } = await control.send(
        new CreateInferenceProfileCommand({
          inferenceProfileName: 'team-sonnet',
          modelSource: { copyFrom: `arn:aws:bedrock:us-east-1::foundation-model/${SONNET_4}` },
        }),
      );
      const { client } = runtimeClient(door, runtime);
      const output = await client.send(converse(inferenceProfileArn!));
      expect(output.output?.message?.content?.[0]?.text).toBe('Through my profile.');
    });

    it('answers on-demand models by base id, and ollama and mapped custom ids', async () => {
      const { client } = runtimeClient(door, { modelMap: { 'acme.house-model-v1:0': 'tiny' } });
      for (const modelId of ['anthropic.claude-3-haiku-20240307-v1:0', 'ollama.tinyllama', 'acme.house-model-v1:0']) {
        await expect(client.send(converse(modelId))).resolves.toMatchObject({ stopReason: 'end_turn' });
      }
    });

    it('follows the runtime table: a line made on-demand by the foundationModels option answers by base id', async () => {
      const line = FOUNDATION_MODELS.find((model) => model.modelId === SONNET_4)!;
      const { client } = runtimeClient(door, { foundationModels: [{ ...line, inferenceTypesSupported: ['ON_DEMAND'] }] });
      await expect(client.send(converse(SONNET_4))).resolves.toMatchObject({ stopReason: 'end_turn' });
    });

    it('does not apply to CountTokens, which takes base ids only', async () => {
      const { client } = runtimeClient(door);
      const output = await client.send(new CountTokensCommand({ modelId: SONNET_4, input: { converse: { messages: [userText('Hello')] } } }));
      expect(output.inputTokens).toBeGreaterThan(0);
    });
  });

  describe('per-model features', () => {
    it.each(FEATURE_CASES)('refuses %s', async (_name, modelId, operation, change, message) => {
      const { client } = runtimeClient(door);
      const input = { modelId, messages: [userText('Hello')], ...change } as ConverseCommandInput;
      await expect(send(client, operation, input)).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining(message), $metadata: { httpStatusCode: 400 } });
    });

    it.each(FEATURE_CASES)('answers %s when its check is relaxed', async (_name, modelId, operation, change, _message, check) => {
      const { client } = runtimeClient(door, { featureChecks: { [check]: false }, responses: [{ text: 'Relaxed.' }] });
      const input = { modelId, messages: [userText('Hello')], ...change } as ConverseCommandInput;
      expect(await send(client, operation, input)).toBe('Relaxed.');
    });

    it('answers an image in a tool result to gpt-oss with the field message OpenAI models use', async () => {
      const { client } = runtimeClient(door);
      const messages = [
        userText('Look it up.'),
        { role: 'assistant' as const, content: [{ toolUse: { toolUseId: 't1', name: 'lookup', input: {} } }] },
        { role: 'user' as const, content: [{ toolResult: { toolUseId: 't1', content: [{ image: { format: 'png' as const, source: { bytes: PNG } } }] } }] },
      ];
      await expect(client.send(converse('openai.gpt-oss-20b-1:0', { messages, toolConfig: TOOL_CONFIG }))).rejects.toMatchObject({
        name: 'ValidationException',
        message: "This model doesn't support the image field for user messages.",
      });
    });

    it('lets tools, system prompts and images through to models that support them', async () => {
      const { client } = runtimeClient(door, { responses: [{ text: 'Fine.' }] });
      const output = await client.send(
        converse(`us.${SONNET_4}`, {
          system: [{ text: 'Be brief.' }],
          toolConfig: { ...TOOL_CONFIG, toolChoice: { any: {} } },
          messages: [{ role: 'user', content: [{ text: 'What is this?' }, { image: { format: 'png', source: { bytes: PNG } } }] }],
        }),
      );
      expect(output.output?.message?.content?.[0]?.text).toBe('Fine.');
    });
  });

  describe('relaxing', () => {
    const relaxed: Array<[string, LocalBedrockOptions]> = [
      ['featureChecks: false', { featureChecks: false }],
      ['featureChecks: { profileOnly: false }', { featureChecks: { profileOnly: false } }],
      ['LOCAL_BEDROCK_FEATURE_CHECKS=off', { env: { LOCAL_BEDROCK_FEATURE_CHECKS: 'off' } }],
      ['LOCAL_BEDROCK_FEATURE_CHECKS=profileOnly=off', { env: { LOCAL_BEDROCK_FEATURE_CHECKS: 'profileOnly=off,tools=off' } }],
    ];
    it.each(relaxed)('answers a profile-only base id with %s', async (_name, options) => {
      const { client } = runtimeClient(door, { ...options, responses: [{ text: 'Relaxed.' }] });
      expect((await client.send(converse(SONNET_4))).output?.message?.content?.[0]?.text).toBe('Relaxed.');
    });

    it('keeps the other checks on when one is relaxed, and the option wins over the environment', async () => {
      const { client } = runtimeClient(door, { featureChecks: { profileOnly: false } });
      await expect(client.send(converse('amazon.titan-text-express-v1', { system: [{ text: 'Be brief.' }] }))).rejects.toMatchObject({
        message: expect.stringContaining("doesn't support system messages"),
      });
      const { client: overridden } = runtimeClient(door, { env: { LOCAL_BEDROCK_FEATURE_CHECKS: 'off' }, featureChecks: { profileOnly: true } });
      await expect(overridden.send(converse(SONNET_4))).rejects.toMatchObject({ message: ON_DEMAND_ERROR(SONNET_4) });
    });

    it('rejects an unreadable LOCAL_BEDROCK_FEATURE_CHECKS when the runtime is created', () => {
      expect(() => createRuntime({ env: { LOCAL_BEDROCK_FEATURE_CHECKS: 'vision=maybe' } })).toThrow(/LOCAL_BEDROCK_FEATURE_CHECKS/);
      expect(() => createRuntime({ env: { LOCAL_BEDROCK_FEATURE_CHECKS: 'telepathy=off' } })).toThrow(/telepathy=off/);
    });
  });

  describe('model lifecycle', () => {
    const CLAUDE_V2 = 'anthropic.claude-v2:1';
    const legacyLine = { ...FOUNDATION_MODELS.find((model) => model.modelId === CLAUDE_V2)!, endOfLifeTime: '2025-06-01T00:00:00Z' };

    it('answers a LEGACY model until its end of life, then says it is gone', async () => {
      const clock = createManualClock('2025-05-31T23:00:00Z');
      const { client } = runtimeClient(door, { clock, foundationModels: [legacyLine] });
      await expect(client.send(converse(CLAUDE_V2))).resolves.toMatchObject({ stopReason: 'end_turn' });
      clock.advance(60 * 60 * 1000);
      const gone = { name: 'ResourceNotFoundException', message: 'This model version has reached the end of its life. Please refer to the AWS documentation for more details.', $metadata: { httpStatusCode: 404 } };
      await expect(client.send(converse(CLAUDE_V2))).rejects.toMatchObject(gone);
      await expect(invoke(client, CLAUDE_V2, CLAUDE_BODY)).rejects.toMatchObject(gone);
    });

    it('keeps answering past end of life with the lifecycle check relaxed', async () => {
      const clock = createManualClock('2026-01-01T00:00:00Z');
      const { client } = runtimeClient(door, { clock, foundationModels: [legacyLine], featureChecks: { lifecycle: false } });
      await expect(client.send(converse(CLAUDE_V2))).resolves.toMatchObject({ stopReason: 'end_turn' });
    });
  });
});
