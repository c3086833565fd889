/**
 * Testing Bedrock code with the `local-bedrock/vitest` fixture: every test gets `bedrock`, a fresh local
 * Bedrock with a ready `BedrockRuntimeClient`, scripting, a call log and matchers.
 * Run in this repository: `npx vitest run examples/vitest` (`npm test` runs it too).
 */
import { describe } from 'vitest';
import { expect, test } from 'local-bedrock/vitest';
import { askWeather, MODEL_ID, streamSummary } from './weather-agent.js';

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
