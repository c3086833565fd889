import type { Backend, ChatStreamEvent } from '../../src/index.js';

/**
 * A streaming backend that yields one delta each time the test calls `state.release()`, and records
 * whether it saw its call aborted and whether its stream finished — to prove cancellation reaches a backend.
 */
export function gatedBackend() {
  const state = { aborted: false, finished: false, waiting: false, release: () => {} };
  const backend: Backend = {
    name: 'gated',
    chat: () => Promise.reject(new Error('unused')),
    async chatStream(_request, options) {
      options?.signal?.addEventListener('abort', () => (state.aborted = true));
      return (async function* (): AsyncGenerator<ChatStreamEvent> {
        try {
          for (let index = 0; index < 1000; index++) {
            await new Promise<void>((resolve) => {
              state.waiting = true;
              state.release = resolve;
              options?.signal?.addEventListener('abort', () => resolve());
            });
            state.waiting = false;
            if (options?.signal?.aborted) return;
            yield { type: 'textDelta', text: `piece${index} ` };
          }
          yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1000 } };
        } finally {
          state.finished = true;
        }
      })();
    },
  };
  return { backend, state };
}
