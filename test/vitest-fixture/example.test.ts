/**
 * A copy of examples/vitest/weather-agent.test.ts, kept running by `npm test` (examples/ are typechecked
 * but not run). Keep the two in step: only the import paths differ.
 */
import { describe } from 'vitest';
import { expect, test } from '../../src/testing/vitest.js';
import { askWeather, MODEL_ID, streamSummary } from '../../examples/vitest/weather-agent.js';

describe('askWeather', () => {
  test('calls the weather tool, then answers with its result', async ({ bedrock }) => {
    bedrock
      .on('Converse', { modelId: MODEL_ID })
      .replyOnce({ toolUse: { name: 'get_weather', input: { city: 'Oslo' } } })
      .replyOnce({ text: 'It is 21 °C and clear in Oslo.' });

    const answer = await askWeather(bedrock.runtimeClient, 'What is the weather in Oslo?');

    expect(answer).toBe('It is 21 °C and clear in Oslo.');
    expect(bedrock).toHaveConversedTimes(2);
    expect(bedrock).toHaveNthConversedWith(1, { modelId: MODEL_ID, prompt: /weather in Oslo/ });
    // The second request carried the tool's result back to the model.
    const followUp = bedrock.callsTo('Converse')[1]?.input?.messages?.at(-1)?.content?.[0];
    expect(followUp?.toolResult?.content).toEqual([{ json: { city: 'Oslo', temperature: 21, sky: 'clear' } }]);
  });

  test('a reply can be computed from the request', async ({ bedrock }) => {
    bedrock.on('Converse').reply((request) => ({ text: `You sent ${request.messages.length} message(s).` }));
    expect(await askWeather(bedrock.runtimeClient, 'Hello?')).toBe('You sent 1 message(s).');
  });

  test('survives throttling: the SDK retries', async ({ bedrock }) => {
    bedrock.on('Converse').failOnce('ThrottlingException').reply({ text: 'Sunny.' });
    expect(await askWeather(bedrock.runtimeClient, 'Weather in Rome?')).toBe('Sunny.');
    expect(bedrock).toHaveConversedTimes(2); // the throttled attempt and its retry
  });

  test('reports an error the SDK does not retry', async ({ bedrock }) => {
    bedrock.on('Converse').fail('AccessDeniedException');
    await expect(askWeather(bedrock.runtimeClient, 'Weather in Rome?')).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('streamSummary', () => {
  test('streams the scripted text piece by piece', async ({ bedrock }) => {
    bedrock.on('ConverseStream').reply({ text: 'Local models answer here.' });
    const pieces: string[] = [];
    expect(await streamSummary(bedrock.runtimeClient, 'A long text…', (piece) => pieces.push(piece))).toBe('Local models answer here.');
    expect(pieces.length).toBeGreaterThan(1);
    expect(bedrock).toHaveConversedWith({ stream: true, system: 'one paragraph' });
  });

  test('fails when the stream breaks, after the pieces already delivered', async ({ bedrock }) => {
    bedrock.on('ConverseStream').breakStreamOnceAfter(2);
    const pieces: string[] = [];
    await expect(streamSummary(bedrock.runtimeClient, 'A long text…', (piece) => pieces.push(piece))).rejects.toMatchObject({ name: 'ModelStreamErrorException' });
    expect(pieces).toHaveLength(2);
  });
});
// ---- end of the copy ----

test('this copy is in step with the example', async () => {
  const { readFile } = await import('node:fs/promises');
  const body = async (url: URL, end?: string) => {
    const text = await readFile(url, 'utf8');
    const start = text.indexOf("\ndescribe('askWeather'");
    return text.slice(start, end === undefined ? undefined : text.indexOf(end));
  };
  expect(await body(new URL(import.meta.url), '// ---- end of the copy ----')).toBe(await body(new URL('../../examples/vitest/weather-agent.test.ts', import.meta.url)));
});
