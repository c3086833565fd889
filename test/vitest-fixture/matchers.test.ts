import { ConverseCommand, ConverseStreamCommand, InvokeModelCommand, InvokeModelWithResponseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe } from 'vitest';
import { createLocalBedrock, expect, test, type LocalBedrockFixture } from '../../src/testing/vitest.js';

// The matchers importing `local-bedrock/vitest` registers, passing and failing. A failing matcher lists
// every call the runtime received.

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const HAIKU_PROFILE = `us.${HAIKU}`;
const LLAMA = 'meta.llama3-8b-instruct-v1:0';

/** A conversation about the weather, then a native Llama call and a streamed one. */
async function converseThenInvoke(bedrock: LocalBedrockFixture): Promise<void> {
  const client = bedrock.runtimeClient;
  await client.send(
    new ConverseCommand({
      modelId: HAIKU,
      system: [{ text: 'You are a weather bot.' }],
      messages: [{ role: 'user', content: [{ text: 'Weather in Oslo?' }] }],
      inferenceConfig: { maxTokens: 100, temperature: 0 },
    }),
  );
  const { stream } = await client.send(new ConverseStreamCommand({ modelId: HAIKU_PROFILE, messages: [{ role: 'user', content: [{ text: 'And in Paris?' }] }] }));
  for await (const event of stream ?? []) void event;
  await client.send(new InvokeModelCommand({ modelId: LLAMA, body: JSON.stringify({ prompt: 'Tell me a joke', max_gen_len: 50 }) }));
  const invoked = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: LLAMA, body: JSON.stringify({ prompt: 'Another joke', max_gen_len: 20 }) }));
  for await (const event of invoked.body ?? []) void event;
}

const CALL_LIST = [
  'It received 4 calls:',
  `  1. Converse ${HAIKU} "Weather in Oslo?" → 200`,
  `  2. ConverseStream ${HAIKU_PROFILE} "And in Paris?" → 200`,
  `  3. InvokeModel ${LLAMA} "Tell me a joke" → 200`,
  `  4. InvokeModelWithResponseStream ${LLAMA} "Another joke" → 200`,
].join('\n');

describe('Converse matchers', () => {
  test('toHaveConversed', async ({ bedrock }) => {
    expect(() => expect(bedrock).toHaveConversed()).toThrow('expected bedrock to have received a Converse or ConverseStream call.\nIt received no calls.');
    expect(bedrock).not.toHaveConversed();
    await converseThenInvoke(bedrock);
    expect(bedrock).toHaveConversed();
    expect(() => expect(bedrock).not.toHaveConversed()).toThrow(`expected bedrock not to have received a Converse or ConverseStream call, but calls 1, 2 did.\n${CALL_LIST}`);
  });

  test('toHaveConversedTimes', async ({ bedrock }) => {
    await converseThenInvoke(bedrock);
    expect(bedrock).toHaveConversedTimes(2);
    expect(() => expect(bedrock).toHaveConversedTimes(1)).toThrow(`expected bedrock to have received 1 Converse or ConverseStream call, and it received 2.\n${CALL_LIST}`);
    expect(() => expect(bedrock).not.toHaveConversedTimes(2)).toThrow('expected bedrock not to have received 2 Converse or ConverseStream calls, and it received 2.');
    expect(() => expect(bedrock).toHaveConversedTimes(-1)).toThrow('toHaveConversedTimes() expects a whole number of calls, got -1.');
  });

  test('toHaveConversedWith: model, prompt, system, stream and part of the input', async ({ bedrock }) => {
    await converseThenInvoke(bedrock);
    expect(bedrock).toHaveConversedWith({ modelId: HAIKU, prompt: /oslo/i, system: 'weather bot', input: { inferenceConfig: { maxTokens: 100 } } });
    expect(bedrock).toHaveConversedWith({ stream: true, modelId: HAIKU_PROFILE, prompt: 'Paris' });
    expect(bedrock).toHaveConversedWith({ input: { messages: [{ content: [{ text: expect.stringContaining('Oslo') }] }] } });
    expect(bedrock).not.toHaveConversedWith({ stream: false, prompt: 'Paris' });
    expect(bedrock).not.toHaveConversedWith({ prompt: 'joke' }); // that was an InvokeModel call

    expect(() => expect(bedrock).toHaveConversedWith({ prompt: /tokyo/i })).toThrow(`expected bedrock to have received a Converse or ConverseStream call matching {"prompt": /tokyo/i}.\n${CALL_LIST}`);
    expect(() => expect(bedrock).toHaveConversedWith({ input: { inferenceConfig: { maxTokens: 999 } } })).toThrow(
      `  1. Converse ${HAIKU} "Weather in Oslo?" → 200\n       input: {"inferenceConfig": {"maxTokens": 100, "temperature": 0}, "messages": [{"content": [{"text": "Weather in Oslo?"}], "role": "user"}], "system": [{"text": "You are a weather bot."}]}`,
    );
    expect(() => expect(bedrock).not.toHaveConversedWith({ prompt: 'Paris' })).toThrow('expected bedrock not to have received a Converse or ConverseStream call matching {"prompt": "Paris"}, but call 2 did.');
  });

  test('toHaveNthConversedWith and toHaveLastConversedWith', async ({ bedrock }) => {
    await converseThenInvoke(bedrock);
    expect(bedrock).toHaveNthConversedWith(1, { prompt: 'Oslo', stream: false });
    expect(bedrock).toHaveNthConversedWith(2, { prompt: 'Paris', stream: true });
    expect(bedrock).toHaveLastConversedWith({ prompt: 'Paris' });

    expect(() => expect(bedrock).toHaveNthConversedWith(2, { prompt: 'Oslo' })).toThrow(`expected the 2nd Converse or ConverseStream call to match {"prompt": "Oslo"}, and it was call 2.\n${CALL_LIST}`);
    expect(() => expect(bedrock).toHaveNthConversedWith(3, { prompt: 'Oslo' })).toThrow('expected the 3rd Converse or ConverseStream call to match {"prompt": "Oslo"}, and there were 2 Converse or ConverseStream calls.');
    expect(() => expect(bedrock).not.toHaveLastConversedWith({ prompt: 'Paris' })).toThrow('expected the last Converse or ConverseStream call not to match {"prompt": "Paris"}, and it was call 2.');
    expect(() => expect(bedrock).toHaveNthConversedWith(0, {})).toThrow('toHaveNthConversedWith() counts calls from 1, got 0.');
  });
});

describe('InvokeModel matchers', () => {
  test('toHaveInvoked and toHaveInvokedTimes', async ({ bedrock }) => {
    expect(bedrock).not.toHaveInvoked();
    expect(() => expect(bedrock).toHaveInvoked()).toThrow('expected bedrock to have received an InvokeModel or InvokeModelWithResponseStream call.\nIt received no calls.');
    await converseThenInvoke(bedrock);
    expect(bedrock).toHaveInvoked();
    expect(bedrock).toHaveInvokedTimes(2);
    expect(() => expect(bedrock).toHaveInvokedTimes(0)).toThrow(`expected bedrock to have received 0 InvokeModel or InvokeModelWithResponseStream calls, and it received 2.\n${CALL_LIST}`);
  });

  test('toHaveInvokedWith, toHaveNthInvokedWith and toHaveLastInvokedWith: the native body', async ({ bedrock }) => {
    await converseThenInvoke(bedrock);
    expect(bedrock).toHaveInvokedWith({ modelId: /llama3/, prompt: 'joke', input: { max_gen_len: 50 } });
    expect(bedrock).toHaveNthInvokedWith(1, { stream: false, input: { prompt: 'Tell me a joke' } });
    expect(bedrock).toHaveLastInvokedWith({ stream: true, input: { max_gen_len: 20 } });
    expect(bedrock).not.toHaveInvokedWith({ input: { max_gen_len: 51 } });

    expect(() => expect(bedrock).toHaveInvokedWith({ input: { temperature: 0.5 } })).toThrow(
      'expected bedrock to have received an InvokeModel or InvokeModelWithResponseStream call matching {"input": {"temperature": 0.5}}.',
    );
    expect(() => expect(bedrock).toHaveLastInvokedWith({ stream: false })).toThrow('expected the last InvokeModel or InvokeModelWithResponseStream call to match {"stream": false}, and it was call 4.');
  });
});

describe('any operation', () => {
  test('toHaveBeenCalledWithModel: the id exactly as sent', async ({ bedrock }) => {
    await converseThenInvoke(bedrock);
    expect(bedrock).toHaveBeenCalledWithModel(HAIKU_PROFILE);
    expect(bedrock).toHaveBeenCalledWithModel(/^meta\./);
    expect(bedrock).not.toHaveBeenCalledWithModel('anthropic.claude-3-5-sonnet-20240620-v1:0');
    expect(() => expect(bedrock).toHaveBeenCalledWithModel('amazon.nova-pro-v1:0')).toThrow(`expected bedrock to have received a call matching {"modelId": "amazon.nova-pro-v1:0"}.\n${CALL_LIST}`);
  });

  test('toHaveReceivedCall and toHaveReceivedCallTimes', async ({ bedrock }) => {
    await converseThenInvoke(bedrock);
    expect(bedrock).toHaveReceivedCall('ConverseStream');
    expect(bedrock).toHaveReceivedCall('Converse', { input: { inferenceConfig: { temperature: 0 } } });
    expect(bedrock).toHaveReceivedCall('InvokeModelWithResponseStream', { input: { prompt: 'Another joke' } });
    expect(bedrock).toHaveReceivedCallTimes('InvokeModel', 1);
    expect(() => expect(bedrock).toHaveReceivedCall('ConverseStream', { system: 'weather' })).toThrow('expected bedrock to have received a ConverseStream call matching {"system": "weather"}.');
    expect(() => expect(bedrock).toHaveReceivedCallTimes('Converse', 2)).toThrow('expected bedrock to have received 2 Converse calls, and it received 1.');
  });

  test('a failed call shows its error in the list', async ({ bedrock }) => {
    bedrock.on('Converse').fail('ValidationException');
    await bedrock.runtimeClient.send(new ConverseCommand({ modelId: HAIKU, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] })).catch(() => undefined);
    expect(() => expect(bedrock).toHaveInvoked()).toThrow(`It received 1 call:\n  1. Converse ${HAIKU} "Hi" → ValidationException`);
  });

  test('the matchers read a runtime too, and say what they expected otherwise', async () => {
    const bedrock = createLocalBedrock();
    expect(bedrock.runtime).not.toHaveConversed();
    expect(() => expect({ not: 'bedrock' }).toHaveConversed()).toThrow('[local-bedrock] toHaveConversed() expects the `bedrock` fixture or a local-bedrock runtime, got object.');
    await bedrock.dispose();
  });
});
