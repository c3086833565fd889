import { describe, expect, it } from 'vitest';
import type { ChatRequest, ChatStreamEvent } from '../../chat/types.js';
import { translateOpenAIStream } from './openai-stream.js';

const request: ChatRequest = {
  modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
  backendModel: 'm',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  tools: [],
  stopSequences: [],
};

async function translate(chunks: readonly unknown[]): Promise<ChatStreamEvent[]> {
  const events = (async function* () {
    for (const chunk of chunks) yield { event: 'message', data: JSON.stringify(chunk) };
    yield { event: 'message', data: '[DONE]' };
  })();
  const out: ChatStreamEvent[] = [];
  for await (const event of translateOpenAIStream(events, request, () => {})) out.push(event);
  return out;
}

const delta = (value: Record<string, unknown>, finish: string | null = null) => ({ choices: [{ index: 0, delta: value, finish_reason: finish }] });

describe('translateOpenAIStream', () => {
  it('assembles tool calls from servers that omit the index and repeat the name in every piece', async () => {
    const events = await translate([
      delta({ tool_calls: [{ id: 'a', function: { name: 'get_weather', arguments: '{"ci' } }] }),
      delta({ tool_calls: [{ function: { name: 'get_weather', arguments: 'ty":"Paris"}' } }] }),
      delta({ tool_calls: [{ id: 'b', function: { name: 'get_time', arguments: '{}' } }] }),
      delta({}, 'tool_calls'),
    ]);

    expect(events.filter((event) => event.type !== 'finish')).toEqual([
      { type: 'toolUseStart', id: expect.stringMatching(/^tooluse_/), name: 'get_weather' },
      { type: 'toolUseDelta', input: '{"city":"Paris"}' },
      { type: 'toolUseStart', id: expect.stringMatching(/^tooluse_/), name: 'get_time' },
      { type: 'toolUseDelta', input: '{}' },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', stopReason: 'tool_use' });
  });

  it('takes usage sent in the finish chunk and reports a tool call cut by the token limit as max_tokens', async () => {
    const events = await translate([
      delta({ content: 'Calling' }),
      delta({ tool_calls: [{ index: 0, id: 'a', function: { name: 'get_weather', arguments: '{"city":"Pa' } }] }),
      { ...delta({}, 'length'), usage: { prompt_tokens: 9, completion_tokens: 4 } },
    ]);

    expect(events).toEqual([
      { type: 'textDelta', text: 'Calling' },
      { type: 'finish', stopReason: 'max_tokens', usage: { inputTokens: 9, outputTokens: 4 } },
    ]);
  });
});
