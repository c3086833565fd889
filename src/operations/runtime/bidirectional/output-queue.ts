/**
 * The output side of a full-duplex session: the session pushes frames whenever it has them (while it is still
 * reading input), and the response body yields them as the door pulls.
 */

/**
 * A queue of frames read as an async iterable; `close()` ends it once the queued frames are read.
 *
 * @example
 * const queue = new FrameQueue();
 * queue.push(frame); queue.close();
 * for await (const chunk of queue.frames()) write(chunk);
 */
export class FrameQueue {
  private readonly queued: Uint8Array[] = [];
  private closed = false;
  private wake: (() => void) | undefined;

  /** Queues a frame; ignored once closed. */
  push(frame: Uint8Array): void {
    if (this.closed) return;
    this.queued.push(frame);
    this.notify();
  }

  /** Ends the output after what is queued. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  /** The frames, as they come; several queued frames are joined into one chunk (the SDK splits them again). */
  async *frames(): AsyncGenerator<Uint8Array> {
    for (;;) {
      if (this.queued.length > 0) {
        const chunk = this.queued.length === 1 ? this.queued[0]! : Buffer.concat(this.queued);
        this.queued.length = 0;
        yield chunk;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
