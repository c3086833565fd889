import type { Llama } from 'node-llama-cpp';

interface Entry {
  llama: Promise<Llama>;
  users: number;
}

const shared = new Map<string, Entry>();
/** How long `release()` waits for llama.cpp to free its binding. */
const BINDING_DISPOSE_WAIT_MS = 5_000;

/**
 * One llama.cpp binding per distinct setting, shared by every backend in the process: starting one costs
 * 0.4–0.9 s (loading the addon and its ggml backends), and the native library is process-wide anyway. The
 * binding is disposed when the last backend using it releases it.
 *
 * @example
 * const { llama, release } = acquireSharedLlama('gpu=false', () => getLlama({ gpu: false }));
 */
export function acquireSharedLlama(key: string, start: () => Promise<Llama>): { llama: Promise<Llama>; release: () => Promise<void> } {
  let entry = shared.get(key);
  if (!entry) {
    const created: Entry = { llama: start(), users: 0 };
    created.llama.catch(() => {
      if (shared.get(key) === created) shared.delete(key);
    });
    shared.set(key, created);
    entry = created;
  }
  entry.users++;
  const current = entry;
  let released = false;
  return {
    llama: current.llama,
    async release() {
      if (released) return;
      released = true;
      current.users--;
      if (current.users > 0) return;
      if (shared.get(key) === current) shared.delete(key);
      const llama = await current.llama.catch(() => undefined);
      if (!llama) return;
      // Freeing the binding can wait for ever after llama.cpp refused to load a model file in this process
      // (seen with node-llama-cpp 3.22 when a corrupt GGUF was loaded earlier). The binding is process-wide and
      // every model and context of ours is already freed, so wait a bounded time and let the rest finish alone.
      let timer: NodeJS.Timeout | undefined;
      const bounded = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, BINDING_DISPOSE_WAIT_MS);
        timer.unref();
      });
      await Promise.race([llama.dispose().catch(() => undefined), bounded]);
      clearTimeout(timer);
    },
  };
}
