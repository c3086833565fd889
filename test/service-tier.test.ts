import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type ConverseCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { FOUNDATION_MODELS } from '../src/models/foundation-models.js';
import { collectEvents, FRONT_DOORS, runtimeClient, userText } from './support/clients.js';

const NOVA_LITE = 'amazon.nova-lite-v1:0';
const NOVA_BODY = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hi' }] }], inferenceConfig: { max_new_tokens: 50 } });

const converse = (input: Partial<ConverseCommandInput> = {}) => new ConverseCommand({ modelId: NOVA_LITE, messages: [userText('Hello')], ...input } as ConverseCommandInput);

describe.each(FRONT_DOORS)('Service tiers, latency and request metadata through the %s door', (door) => {
  describe('Converse', () => {
    it('reports the default tier when none was asked for, and no latency', async () => {
      const { client } = runtimeClient(door);
      const output = await client.send(converse());
      expect(output.serviceTier).toEqual({ type: 'default' });
      expect(output.performanceConfig).toBeUndefined();
    });

    it.each(['priority', 'default', 'flex'] as const)('echoes the %s tier it was asked for', async (type) => {
      const { client } = runtimeClient(door);
      expect((await client.send(converse({ serviceTier: { type } }))).serviceTier).toEqual({ type });
    });

    it('serves a tier missing from the model line’s serviceTiers as default', async () => {
      const line = FOUNDATION_MODELS.find((model) => model.modelId === NOVA_LITE)!;
      const { client } = runtimeClient(door, { foundationModels: [{ ...line, serviceTiers: ['default', 'flex'] }] });
      expect((await client.send(converse({ serviceTier: { type: 'priority' } }))).serviceTier).toEqual({ type: 'default' });
      expect((await client.send(converse({ serviceTier: { type: 'flex' } }))).serviceTier).toEqual({ type: 'flex' });
    });

    it('refuses the reserved tier without a reservation', async () => {
      const { client } = runtimeClient(door);
      await expect(client.send(converse({ serviceTier: { type: 'reserved' } }))).rejects.toMatchObject({ name: 'ValidationException', message: 'Reservation not found.' });
    });

    it.each([
      ['Nova Pro through its us. profile', 'us.amazon.nova-pro-v1:0', 'optimized'],
      ['Llama 3.1 70B through its us. profile', 'us.meta.llama3-1-70b-instruct-v1:0', 'optimized'],
      ['Claude 3.5 Haiku through its us. profile', 'us.anthropic.claude-3-5-haiku-20241022-v1:0', 'optimized'],
      ['Nova Pro by base id', 'amazon.nova-pro-v1:0', 'standard'],
      ['Nova Lite through its us. profile', 'us.amazon.nova-lite-v1:0', 'standard'],
      ['Claude 3 Haiku', 'anthropic.claude-3-haiku-20240307-v1:0', 'standard'],
    ])('serves optimized latency for %s as %s', async (_name, modelId, latency) => {
      const { client } = runtimeClient(door);
      const output = await client.send(converse({ modelId, performanceConfig: { latency: 'optimized' } }));
      expect(output.performanceConfig).toEqual({ latency });
    });

    it('accepts requestMetadata and does not echo it', async () => {
      const { client } = runtimeClient(door);
      const output = await client.send(converse({ requestMetadata: { team: 'search', 'cost-center': 'a1 / b2' } }));
      expect(output.stopReason).toBe('end_turn');
      expect(JSON.stringify(output)).not.toContain('cost-center');
    });

    it.each([
      ['no entries', {}, "at 'requestMetadata' failed to satisfy constraint: Member must have length greater than or equal to 1"],
      ['17 entries', Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v'])), "at 'requestMetadata' failed to satisfy constraint: Member must have length less than or equal to 16"],
      ['a key with a character outside the pattern', { 'team!': 'a' }, "at 'requestMetadata.team!.key' failed to satisfy constraint: Member must satisfy regular expression pattern"],
      ['a value longer than 256', { team: 'x'.repeat(257) }, "at 'requestMetadata.team.value' failed to satisfy constraint: Member must have length less than or equal to 256"],
    ])('rejects requestMetadata with %s', async (_name, requestMetadata, message) => {
      const { client } = runtimeClient(door);
      await expect(client.send(converse({ requestMetadata }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining(message) });
    });
  });

  describe('ConverseStream', () => {
    it('puts the served tier and latency in the metadata event', async () => {
      const { client } = runtimeClient(door);
      const ask = async (input: Partial<ConverseCommandInput>) => {
        const output = await client.send(new ConverseStreamCommand({ modelId: NOVA_LITE, messages: [userText('Hello')], ...input } as ConverseCommandInput));
        return (await collectEvents(output.stream)).at(-1)!.metadata!;
      };
      expect(await ask({})).toMatchObject({ serviceTier: { type: 'default' } });
      expect((await ask({})).performanceConfig).toBeUndefined();
      expect(await ask({ modelId: 'us.amazon.nova-pro-v1:0', serviceTier: { type: 'flex' }, performanceConfig: { latency: 'optimized' } })).toMatchObject({
        serviceTier: { type: 'flex' },
        performanceConfig: { latency: 'optimized' },
      });
      expect(await ask({ performanceConfig: { latency: 'optimized' } })).toMatchObject({ performanceConfig: { latency: 'standard' } });
    });
  });

  describe('InvokeModel and InvokeModelWithResponseStream', () => {
    it('report the served tier and latency in the output members', async () => {
      const { client } = runtimeClient(door);
      const plain = await client.send(new InvokeModelCommand({ modelId: NOVA_LITE, body: NOVA_BODY }));
      expect(plain.serviceTier).toBe('default');
      expect(plain.performanceConfigLatency).toBeUndefined();
      const asked = await client.send(new InvokeModelCommand({ modelId: 'us.amazon.nova-pro-v1:0', body: NOVA_BODY, serviceTier: 'priority', performanceConfigLatency: 'optimized' }));
      expect(asked).toMatchObject({ serviceTier: 'priority', performanceConfigLatency: 'optimized' });
      const fallback = await client.send(new InvokeModelCommand({ modelId: NOVA_LITE, body: NOVA_BODY, performanceConfigLatency: 'optimized' }));
      expect(fallback.performanceConfigLatency).toBe('standard');
    });

    it('report them on the streaming output too', async () => {
      const { client } = runtimeClient(door);
      const output = await client.send(
        new InvokeModelWithResponseStreamCommand({ modelId: 'us.meta.llama3-1-405b-instruct-v1:0', body: JSON.stringify({ prompt: 'Hi', max_gen_len: 20 }), serviceTier: 'flex', performanceConfigLatency: 'optimized' }),
      );
      expect(output).toMatchObject({ serviceTier: 'flex', performanceConfigLatency: 'optimized' });
      for await (const _event of output.body ?? []) void _event;
    });

    it('accept a valid X-Amzn-Bedrock-Request-Metadata map', async () => {
      const { client } = runtimeClient(door);
      const output = await client.send(new InvokeModelCommand({ modelId: NOVA_LITE, body: NOVA_BODY, requestMetadata: JSON.stringify({ team: 'search' }) }));
      expect(JSON.parse(new TextDecoder().decode(output.body)).output.message.role).toBe('assistant');
    });

    it.each([
      ['text that is not JSON', 'team=search', "at 'requestMetadata' failed to satisfy constraint: Member must be a JSON object whose values are strings"],
      ['a JSON array', '["team"]', "at 'requestMetadata' failed to satisfy constraint: Member must be a JSON object whose values are strings"],
      ['a number value', '{"team":1}', "at 'requestMetadata' failed to satisfy constraint: Member must be a JSON object whose values are strings"],
      ['an empty map', '{}', "at 'requestMetadata' failed to satisfy constraint: Member must have length greater than or equal to 1"],
      ['a key outside the pattern', '{"team!":"a"}', "at 'requestMetadata.team!.key' failed to satisfy constraint: Member must satisfy regular expression pattern"],
    ])('reject request metadata that is %s', async (_name, requestMetadata, message) => {
      const { client } = runtimeClient(door);
      await expect(client.send(new InvokeModelCommand({ modelId: NOVA_LITE, body: NOVA_BODY, requestMetadata }))).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining(message),
      });
    });

    it('reject a tier or latency outside the enums', async () => {
      const { client } = runtimeClient(door);
      await expect(client.send(new InvokeModelCommand({ modelId: NOVA_LITE, body: NOVA_BODY, serviceTier: 'turbo' as never }))).rejects.toMatchObject({
        message: "1 validation error detected: Value 'turbo' at 'serviceTier' failed to satisfy constraint: Member must satisfy enum value set: [priority, default, flex, reserved]",
      });
      await expect(client.send(new InvokeModelCommand({ modelId: NOVA_LITE, body: NOVA_BODY, performanceConfigLatency: 'fast' as never }))).rejects.toMatchObject({
        message: expect.stringContaining("Value 'fast' at 'performanceConfigLatency' failed to satisfy constraint: Member must satisfy enum value set: [standard, optimized]"),
      });
    });
  });
});
