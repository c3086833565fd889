/**
 * Which content block a stream is in. Streamed answers are sequences of blocks (text, reasoning, tool use…)
 * numbered from 0; a block ends when a piece of another kind arrives. Every stream encoder (ConverseStream,
 * Nova's and Claude's native streams) shares this bookkeeping and only writes its own event shapes.
 */
export class ContentBlockTracker<Kind extends string> {
  private current: { kind: Kind; index: number } | undefined;
  private nextIndex = 0;

  /** The index of the open block, if one is open. */
  get index(): number | undefined {
    return this.current?.index;
  }

  /** Ends the open block; returns its index, or `undefined` when none was open. */
  close(): number | undefined {
    const closed = this.current?.index;
    this.current = undefined;
    return closed;
  }

  /** Starts a new block of `kind`, ending the open one (whose index comes back as `closed`). */
  open(kind: Kind): { index: number; closed: number | undefined } {
    const closed = this.close();
    this.current = { kind, index: this.nextIndex++ };
    return { index: this.current.index, closed };
  }

  /** The block a piece of `kind` belongs to: the open one if it is of that kind, else a new one (`opened`). */
  continue(kind: Kind): { index: number; closed: number | undefined; opened: boolean } {
    if (this.current?.kind === kind) return { index: this.current.index, closed: undefined, opened: false };
    return { ...this.open(kind), opened: true };
  }
}
