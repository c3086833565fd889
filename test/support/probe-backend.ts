import type { Backend, ChatRequest, ChatResponse, ChatStreamEvent } from '../../src/index.js';

/** A backend that records what it was asked and answers with a fixed text, to observe what reached a backend. */
export function probeBackend(text = 'ok'): Backend & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  const answer = (request: ChatRequest): ChatResponse => {
    requests.push(request);
    return { content: [{ type: 'text', text }], stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
  };
  return {
    name: 'probe',
    requests,
    async chat(request) {
      return answer(request);
    },
    async chatStream(request) {
      const response = answer(request);
      return (async function* (): AsyncGenerator<ChatStreamEvent> {
        yield { type: 'textDelta', text: (response.content[0] as { text: string }).text };
        yield { type: 'finish', stopReason: response.stopReason, usage: response.usage };
      })();
    },
  };
}
