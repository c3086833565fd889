/**
 * Hands out a fixed set of resources (llama.cpp context sequences) one caller at a time; callers beyond the
 * set wait in arrival order. A waiter whose signal aborts leaves the queue.
 */
export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiters: { resolve: (item: T) => void; reject: (reason: unknown) => void; signal?: AbortSignal; onAbort?: () => void }[] = [];

  constructor(items: readonly T[]) {
    this.free = [...items];
  }

  /** How many callers are waiting for an item. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes a free item, or waits for one. */
  acquire(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const item = this.free.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  /** Returns an item: the longest waiter gets it, else it becomes free. */
  release(item: T): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.free.push(item);
      return;
    }
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(item);
  }

  /** Fails every waiter (the pool is being disposed). */
  rejectAll(reason: unknown): void {
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
  }
}
