import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalBedrock, type LocalBedrockFixture } from '../../src/testing/vitest.js';

// Without vitest fixtures (or in jest, node:test…): create the same `bedrock` object in a hook and dispose
// of it after each test.

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

describe('createLocalBedrock()', () => {
  let bedrock: LocalBedrockFixture;
  beforeEach(() => {
    bedrock = createLocalBedrock({ setup: (fresh) => fresh.on('Converse', { prompt: 'ping' }).reply({ text: 'pong' }) });
  });
  afterEach(() => bedrock.dispose());

  it('gives the same object the fixture gives: clients, scripting and the call log', async () => {
    const output = await bedrock.runtimeClient.send(new ConverseCommand({ modelId: HAIKU, messages: [{ role: 'user', content: [{ text: 'ping' }] }] }));
    expect(output.output?.message?.content?.[0]?.text).toBe('pong');
    expect(bedrock.lastCall).toMatchObject({ operation: 'Converse', modelId: HAIKU });
    expect(bedrock).toHaveConversedWith({ prompt: 'ping' });
  });

  it('starts every test afresh', () => {
    expect(bedrock.calls).toEqual([]);
  });

  it('disposes of the backend', async () => {
    let disposed = false;
    const own = createLocalBedrock({ backend: { ...bedrock.runtime.backend, dispose: async () => void (disposed = true) } });
    await own.dispose();
    expect(disposed).toBe(true);
  });
});
