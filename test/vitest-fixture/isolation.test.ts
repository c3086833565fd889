import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, vi } from 'vitest';
import { createScriptedBackend } from '../../src/index.js';
import { createBedrockTest, createLocalBedrock, expect, test, type LocalBedrockFixture } from '../../src/testing/vitest.js';

// Every test gets its own runtime: scripts, calls and backends are never shared — not between tests, not
// between concurrent tests, not between workers (nothing lives at module level).

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

async function say(client: BedrockRuntimeClient, text: string): Promise<string | undefined> {
  const output = await client.send(new ConverseCommand({ modelId: HAIKU, messages: [{ role: 'user', content: [{ text }] }] }));
  return output.output?.message?.content?.[0]?.text;
}

describe('one test after another', () => {
  let previous: LocalBedrockFixture | undefined;

  test('the first test scripts an answer', async ({ bedrock }) => {
    bedrock.on('Converse').reply({ text: 'first test' });
    expect(await say(bedrock.runtimeClient, 'Hi')).toBe('first test');
    previous = bedrock;
  });

  test('the next test sees neither its script nor its calls', async ({ bedrock }) => {
    expect(bedrock).not.toBe(previous);
    expect(bedrock.calls).toEqual([]);
    expect(await say(bedrock.runtimeClient, 'Hi')).toContain('You asked: "Hi".');
  });
});

describe.concurrent('tests running at the same time', () => {
  // Each awaits between scripting and asking, so their calls interleave.
  for (const name of ['alpha', 'beta', 'gamma']) {
    test(`${name} gets its own answer`, async ({ bedrock, expect }) => {
      bedrock.on('Converse').reply({ text: `answer for ${name}` });
      await sleep(5);
      expect(await say(bedrock.runtimeClient, name)).toBe(`answer for ${name}`);
      await sleep(5);
      expect(await say(bedrock.runtimeClient, name)).toBe(`answer for ${name}`);
      expect(bedrock).toHaveConversedTimes(2);
      expect(bedrock).toHaveConversedWith({ prompt: name });
    });
  }
});

test('two local Bedrocks in one test share nothing either', async () => {
  const [left, right] = [createLocalBedrock(), createLocalBedrock()];
  left.on('Converse').reply({ text: 'left' });
  expect(await say(left.runtimeClient, 'Hi')).toBe('left');
  expect(await say(right.runtimeClient, 'Hi')).not.toBe('left');
  expect([left.calls.length, right.calls.length]).toEqual([1, 1]);
  await Promise.all([left.dispose(), right.dispose()]);
});

describe('fixture options', () => {
  const disposals = vi.fn();
  const optionsTest = createBedrockTest({
    // A function makes a fresh backend for each test; each test disposes of its own.
    backend: () => ({ ...createScriptedBackend({ responses: [{ text: 'from my backend' }] }), dispose: async () => void disposals() }),
    modelMap: { 'acme.*': 'my-local-model' },
    clientConfig: { maxAttempts: 1 },
  });

  optionsTest('build the runtime and the clients', async ({ bedrock }) => {
    expect(await say(bedrock.runtimeClient, 'Hi')).toBe('from my backend');
    expect(bedrock.runtime.models.resolve('acme.model-v1').backendModel).toBe('my-local-model');
    expect(await bedrock.runtimeClient.config.region()).toBe('us-east-1');
  });

  optionsTest('maxAttempts: 1 turns retries off', async ({ bedrock }) => {
    expect(disposals).toHaveBeenCalledTimes(1); // the previous test's backend
    bedrock.on('Converse').failOnce('ThrottlingException');
    // Queued `responses` answer before any script.
    expect(await say(bedrock.runtimeClient, 'Hi')).toBe('from my backend');
    await expect(say(bedrock.runtimeClient, 'Hi')).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: 1 } });
  });

  optionsTest('responses and rules given at creation script every test', async ({ bedrock }) => {
    expect(await say(bedrock.runtimeClient, 'Hi')).toBe('from my backend');
  });
});

test('clients of your own are wired to the same runtime with attach()', async ({ bedrock }) => {
  const mine = bedrock.attach(new BedrockRuntimeClient(bedrock.clientConfig));
  bedrock.on('Converse').reply({ text: 'shared runtime' });
  expect(await say(mine, 'Hi')).toBe('shared runtime');
  expect(bedrock).toHaveConversedTimes(1);
  mine.destroy();
});
