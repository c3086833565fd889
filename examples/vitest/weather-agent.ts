/**
 * The code under test in this example: a small agent that answers weather questions with a tool, and a
 * streaming summary. It takes its `BedrockRuntimeClient` as a parameter, so tests can hand it the one the
 * `bedrock` fixture wires to local-bedrock.
 */
import { ConverseCommand, ConverseStreamCommand, type BedrockRuntimeClient, type ContentBlock, type Message, type Tool } from '@aws-sdk/client-bedrock-runtime';

export const MODEL_ID = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';

const WEATHER_TOOL: Tool = {
  toolSpec: {
    name: 'get_weather',
    description: 'Current weather for a city',
    inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
};

/** Stands in for a weather service. */
export function lookUpWeather(city: string): { city: string; temperature: number; sky: string } {
  return { city, temperature: 21, sky: 'clear' };
}

/** Answers a question, calling the weather tool as often as the model asks. */
export async function askWeather(client: BedrockRuntimeClient, question: string): Promise<string> {
  const messages: Message[] = [{ role: 'user', content: [{ text: question }] }];
  for (let turn = 0; turn < 5; turn++) {
    const { output, stopReason } = await client.send(new ConverseCommand({ modelId: MODEL_ID, messages, toolConfig: { tools: [WEATHER_TOOL] } }));
    const reply = output?.message;
    if (!reply) throw new Error('The model sent no message.');
    messages.push(reply);
    if (stopReason !== 'tool_use') return (reply.content ?? []).map((block) => block.text ?? '').join('');
    const results: ContentBlock[] = (reply.content ?? []).flatMap((block) =>
      block.toolUse ? [{ toolResult: { toolUseId: block.toolUse.toolUseId, content: [{ json: lookUpWeather(String((block.toolUse.input as { city?: unknown }).city)) }] } }] : [],
    );
    messages.push({ role: 'user', content: results });
  }
  throw new Error('The model kept calling tools.');
}

/** Streams a one-paragraph summary of `text`, handing each piece to `onText` as it arrives. */
export async function streamSummary(client: BedrockRuntimeClient, text: string, onText: (piece: string) => void): Promise<string> {
  const { stream } = await client.send(
    new ConverseStreamCommand({ modelId: MODEL_ID, system: [{ text: 'Summarize in one paragraph.' }], messages: [{ role: 'user', content: [{ text }] }] }),
  );
  let summary = '';
  for await (const event of stream ?? []) {
    const piece = event.contentBlockDelta?.delta?.text;
    if (piece === undefined) continue;
    summary += piece;
    onText(piece);
  }
  return summary;
}
