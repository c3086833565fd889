import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { describe } from 'vitest';
import { expect, test } from '../../src/testing/vitest.js';

// Scripting a test's answers: `bedrock.on(operation, match)` then replies, read as a sentence.

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const WEATHER_TOOL = { toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } };

const ask = (text: string, modelId = HAIKU) => new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text }] }], toolConfig: { tools: [WEATHER_TOOL] } });
const askStream = (text: string) => new ConverseStreamCommand({ modelId: HAIKU, messages: [{ role: 'user', content: [{ text }] }] });
const claudeBody = (text: string) => JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 200, messages: [{ role: 'user', content: text }] });

function textOf(output: { output?: { message?: { content?: { text?: string }[] } } }): string | undefined {
  return output.output?.message?.content?.find((block) => block.text !== undefined)?.text;
}

async function streamedText(stream: AsyncIterable<ConverseStreamOutput> | undefined): Promise<string> {
  let text = '';
  for await (const event of stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
  return text;
}

describe('replies', () => {
  test('replyOnce answers the next call, reply every call after', async ({ bedrock }) => {
    bedrock
      .on('Converse', { modelId: HAIKU, prompt: /weather/ })
      .replyOnce({ toolUse: { name: 'get_weather', input: { city: 'Paris' } } })
      .reply({ text: 'It is sunny in Paris.' });

    const first = await bedrock.runtimeClient.send(ask('What is the weather in Paris?'));
    expect(first.stopReason).toBe('tool_use');
    expect(first.output?.message?.content?.[0]?.toolUse).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });

    for (let call = 0; call < 2; call++) {
      const later = await bedrock.runtimeClient.send(ask('And the weather now?'));
      expect(textOf(later)).toBe('It is sunny in Paris.');
    }
  });

  test('a request the script does not match gets the default answer', async ({ bedrock }) => {
    bedrock.on('Converse', { prompt: /weather/ }).reply({ text: 'Sunny.' });
    const output = await bedrock.runtimeClient.send(ask('Tell me a joke'));
    expect(textOf(output)).toContain('You asked: "Tell me a joke".');
  });

  test('one-time replies are given first, in the order scripted, whatever the order of the calls', async ({ bedrock }) => {
    bedrock.on('Converse').reply({ text: 'always' }).replyOnce({ text: 'first' }).replyTimes(2, { text: 'then twice' });
    const texts = [];
    for (let call = 0; call < 5; call++) texts.push(textOf(await bedrock.runtimeClient.send(ask('Hi'))));
    expect(texts).toEqual(['first', 'then twice', 'then twice', 'always', 'always']);
  });

  test('once one-time replies are used up, calls fall through to the default answer', async ({ bedrock }) => {
    bedrock.on('Converse').replyOnce({ text: 'only once' });
    expect(textOf(await bedrock.runtimeClient.send(ask('Hi')))).toBe('only once');
    expect(textOf(await bedrock.runtimeClient.send(ask('Hi')))).toContain('You asked: "Hi".');
  });

  test('a reply can be a function of the request', async ({ bedrock }) => {
    bedrock.on('Converse').reply((request) => ({ text: `${request.messages.length} message(s) to ${request.modelId}` }));
    expect(textOf(await bedrock.runtimeClient.send(ask('Hi')))).toBe(`1 message(s) to ${HAIKU}`);
  });

  test('a script matches the model id in any form the caller sends', async ({ bedrock }) => {
    bedrock.on('Converse', { modelId: `us.${HAIKU}` }).reply({ text: 'matched through the profile' });
    expect(textOf(await bedrock.runtimeClient.send(ask('Hi', HAIKU)))).toBe('matched through the profile');
    expect(textOf(await bedrock.runtimeClient.send(ask('Hi', 'anthropic.claude-3-5-sonnet-20240620-v1:0')))).not.toBe('matched through the profile');
  });

  test('a script answers only its operation; onAny answers every chat operation', async ({ bedrock }) => {
    bedrock.on('ConverseStream').reply({ text: 'streamed only' });
    expect(textOf(await bedrock.runtimeClient.send(ask('Hi')))).not.toBe('streamed only');
    expect(await streamedText((await bedrock.runtimeClient.send(askStream('Hi'))).stream)).toBe('streamed only');

    bedrock.onAny({ system: 'pirate' }).reply({ text: 'Arr.' });
    const pirate = await bedrock.runtimeClient.send(new ConverseCommand({ modelId: HAIKU, system: [{ text: 'You are a pirate.' }], messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
    expect(textOf(pirate)).toBe('Arr.');
  });

  test('InvokeModel and its stream are scripted the same way, in each model’s own format', async ({ bedrock }) => {
    bedrock.on('InvokeModel').reply({ text: 'native answer' });
    bedrock.on('InvokeModelWithResponseStream').reply({ text: 'native stream' });

    const output = await bedrock.runtimeClient.send(new InvokeModelCommand({ modelId: HAIKU, body: claudeBody('Hi') }));
    expect(JSON.parse(new TextDecoder().decode(output.body)).content).toEqual([{ type: 'text', text: 'native answer' }]);

    const stream = await bedrock.runtimeClient.send(new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body: claudeBody('Hi') }));
    let text = '';
    for await (const event of stream.body ?? []) {
      const chunk = JSON.parse(new TextDecoder().decode(event.chunk?.bytes));
      text += chunk.delta?.text ?? '';
    }
    expect(text).toBe('native stream');
  });

  test('a replyTimes count must be a whole number of at least 1', ({ bedrock }) => {
    expect(() => bedrock.on('Converse').replyTimes(0, { text: 'never' })).toThrow('replyTimes() needs a whole number of times of at least 1, got 0.');
  });
});

describe('per-test overrides', () => {
  // Suite-wide scripting goes in `setup` (or `rules`); a test's own scripts are added later, so they win.
  // `test.override` sets the fixture's options for every test of this describe block.
  test.override({ bedrockOptions: { setup: (bedrock) => bedrock.on('Converse', { prompt: /weather/ }).reply({ text: 'Suite: sunny.' }) } });

  test('the suite-wide script answers', async ({ bedrock }) => {
    expect(textOf(await bedrock.runtimeClient.send(ask('weather?')))).toBe('Suite: sunny.');
  });

  test('a test overrides it, and reset() goes back to it', async ({ bedrock }) => {
    bedrock.on('Converse', { prompt: /weather/ }).reply({ text: 'Test: stormy.' });
    expect(textOf(await bedrock.runtimeClient.send(ask('weather?')))).toBe('Test: stormy.');
    bedrock.reset();
    expect(textOf(await bedrock.runtimeClient.send(ask('weather?')))).toBe('Suite: sunny.');
  });
});

describe('reset() with responses and rules given at creation', () => {
  test.override({ bedrockOptions: { responses: [{ text: 'queued' }], rules: [{ match: { prompt: 'rule' }, reply: { text: 'from the rule' } }] } });

  test('brings them back, and drops the test’s scripts', async ({ bedrock }) => {
    const answer = async () => textOf(await bedrock.runtimeClient.send(ask('rule?')));
    expect(await answer()).toBe('queued');
    expect(await answer()).toBe('from the rule');
    bedrock.on('Converse').reply({ text: 'from the test' });
    expect(await answer()).toBe('from the test');

    bedrock.reset();
    expect(await answer()).toBe('queued');
    expect(await answer()).toBe('from the rule');
  });
});

describe('errors', () => {
  test('failOnce: the SDK retries a throttled call and gets the next reply', async ({ bedrock }) => {
    bedrock.on('Converse').failOnce('ThrottlingException').reply({ text: 'after the retry' });
    const output = await bedrock.runtimeClient.send(ask('Hi'));
    expect(textOf(output)).toBe('after the retry');
    expect(output.$metadata.attempts).toBe(2);
    expect(bedrock.calls.map((call) => call.error?.name ?? 'ok')).toEqual(['ThrottlingException', 'ok']);
  });

  test('fail: every attempt fails, so the SDK gives up after its 3 attempts', async ({ bedrock }) => {
    bedrock.on('Converse').fail('ThrottlingException');
    await expect(bedrock.runtimeClient.send(ask('Hi'))).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429, attempts: 3 } });
    expect(bedrock).toHaveConversedTimes(3);
  });

  test('failTimes then reply: throttled twice, answered on the third attempt', async ({ bedrock }) => {
    bedrock.on('Converse').failTimes(2, 'ThrottlingException').reply({ text: 'third time lucky' });
    const output = await bedrock.runtimeClient.send(ask('Hi'));
    expect(textOf(output)).toBe('third time lucky');
    expect(output.$metadata.attempts).toBe(3);
  });

  test.for([
    ['ThrottlingException', 3],
    ['ModelNotReadyException', 3],
    ['ServiceUnavailableException', 3],
    ['InternalServerException', 3],
    ['ValidationException', 1],
    ['ModelTimeoutException', 1],
  ] as const)('fail(%s): the SDK makes %i attempt(s), as it would against Bedrock', async ([error, attempts], { bedrock }) => {
    bedrock.on('Converse').fail(error);
    await expect(bedrock.runtimeClient.send(ask('Hi'))).rejects.toMatchObject({ name: error, $metadata: { attempts } });
    expect(bedrock).toHaveConversedTimes(attempts);
  });

  test('errors the SDK does not retry fail at once, with the message given', async ({ bedrock }) => {
    bedrock.on('Converse').fail({ name: 'AccessDeniedException', message: 'You do not have access to this model.' });
    await expect(bedrock.runtimeClient.send(ask('Hi'))).rejects.toMatchObject({ name: 'AccessDeniedException', message: 'You do not have access to this model.' });
    expect(bedrock).toHaveConversedTimes(1);
  });
});

describe('broken streams', () => {
  test('breakStreamOnceAfter(n): the stream fails after n deltas, the next one is whole', async ({ bedrock }) => {
    bedrock.on('ConverseStream').breakStreamOnceAfter(2, 'ModelStreamErrorException');

    const deltas: string[] = [];
    const broken = (await bedrock.runtimeClient.send(askStream('Tell me about local models.'))).stream!;
    await expect(
      (async () => {
        for await (const event of broken) if (event.contentBlockDelta?.delta?.text) deltas.push(event.contentBlockDelta.delta.text);
      })(),
    ).rejects.toMatchObject({ name: 'ModelStreamErrorException' });
    expect(deltas).toHaveLength(2);

    const whole = await streamedText((await bedrock.runtimeClient.send(askStream('Tell me about local models.'))).stream);
    expect(whole.startsWith(deltas.join(''))).toBe(true);
    expect(whole.length).toBeGreaterThan(deltas.join('').length);
  });

  test('breakStreamAfter breaks every stream, with the exception given', async ({ bedrock }) => {
    bedrock.on('ConverseStream').breakStreamAfter(0, 'ThrottlingException');
    for (let call = 0; call < 2; call++) {
      await expect(streamedText((await bedrock.runtimeClient.send(askStream('Hi'))).stream)).rejects.toMatchObject({ name: 'ThrottlingException' });
    }
    expect(bedrock.callsTo('ConverseStream').map((call) => call.error?.name)).toEqual(['ThrottlingException', 'ThrottlingException']);
  });

  test('a scripted text can carry its own break', async ({ bedrock }) => {
    bedrock.on('ConverseStream').replyOnce({ text: 'one two three four', streamError: { afterDeltas: 3 } });
    const deltas: string[] = [];
    await expect(
      (async () => {
        for await (const event of (await bedrock.runtimeClient.send(askStream('Hi'))).stream ?? []) deltas.push(event.contentBlockDelta?.delta?.text ?? '');
      })(),
    ).rejects.toMatchObject({ name: 'ModelStreamErrorException' });
    expect(deltas.filter(Boolean).join('')).toBe('one two three');
  });
});

describe('scripting needs the scripted backend', () => {
  test.override({
    bedrockOptions: {
      backend: {
        name: 'elsewhere',
        chat: async () => ({ content: [{ type: 'text', text: 'from elsewhere' }], stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 2 } }),
        chatStream: async () => (async function* () {})(),
      },
    },
  });

  test('on() says which backend answers instead, and the other backend still answers', async ({ bedrock }) => {
    expect(() => bedrock.on('Converse')).toThrow('[local-bedrock] bedrock.on() scripts the scripted backend, but this runtime answers with the "elsewhere" backend.');
    expect(textOf(await bedrock.runtimeClient.send(ask('Hi')))).toBe('from elsewhere');
    bedrock.reset(); // nothing to reset: not an error
  });
});
