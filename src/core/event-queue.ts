/**
 * Turns a producer's pushes (node-llama-cpp's `onTextChunk`, a Sonic session's output frames) into an async
 * iterable. `return()` from the consumer (a `break`, a closed stream) calls `onCancel` so the work behind it
 * stops.
 *
 * When the reader falls behind, items waiting next to each other are combined by `merge` (text deltas
 * become one longer delta, frames one chunk): a producer can be faster than the reader, and a reader that is
 * behind gains nothing from receiving the backlog one piece at a time.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;
  private settleStart: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  /**
   * Settles at the first item or the end (resolves), or at a failure before any item (rejects): the moment
   * the producer has accepted the work, so errors before it can still be reported as a failed call.
   */
  readonly started: Promise<void> = new Promise<void>((resolve, reject) => (this.settleStart = { resolve, reject }));

  constructor(
    private readonly onCancel: () => void,
    private readonly merge: (first: T, second: T) => T | undefined = () => undefined,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    this.settleStart?.resolve();
    this.items.push(item);
    this.notify();
  }

  end(): void {
    this.settleStart?.resolve();
    this.ended = true;
    this.notify();
  }

  fail(error: unknown): void {
    if (this.ended) return;
    this.settleStart?.reject(error);
    this.failure = { error };
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    let finished = false;
    try {
      for (;;) {
        let item = this.items.shift();
        if (item !== undefined) {
          for (let next = this.items[0]; next !== undefined; next = this.items[0]) {
            const merged = this.merge(item, next);
            if (merged === undefined) break;
            item = merged;
            this.items.shift();
          }
          yield item;
          continue;
        }
        if (this.failure) throw this.failure.error;
        if (this.ended) {
          finished = true;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      if (!finished) this.onCancel();
    }
  }
}
