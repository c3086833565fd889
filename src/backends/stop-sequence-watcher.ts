/**
 * Finds stop sequences in streamed text. Text that might be the start of a stop sequence is held back
 * until the next piece decides, so nothing after a stop sequence is ever emitted. Backends whose servers
 * cannot say *which* stop sequence ended an answer use this to report `stop_sequence` exactly.
 */
export class StopSequenceWatcher {
  private held = '';

  constructor(private readonly stopSequences: readonly string[]) {}

  /** Takes the next piece of text; returns what may be emitted now and the stop sequence, if one was hit. */
  push(text: string): { emit: string; hit?: string } {
    const buffer = this.held + text;
    let best: { index: number; sequence: string } | undefined;
    for (const sequence of this.stopSequences) {
      const index = buffer.indexOf(sequence);
      if (index >= 0 && (!best || index < best.index)) best = { index, sequence };
    }
    if (best) {
      this.held = '';
      return { emit: buffer.slice(0, best.index), hit: best.sequence };
    }
    const keep = this.longestPendingSuffix(buffer);
    this.held = buffer.slice(buffer.length - keep);
    return { emit: buffer.slice(0, buffer.length - keep) };
  }

  /** Text still held back when the stream ended without a stop sequence. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }

  private longestPendingSuffix(buffer: string): number {
    let longest = 0;
    for (const sequence of this.stopSequences) {
      for (let length = Math.min(sequence.length - 1, buffer.length); length > longest; length--) {
        if (buffer.endsWith(sequence.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
