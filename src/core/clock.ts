/**
 * Time as the emulator sees it. Everything time-dependent (job lifecycles and expiry, timestamps in
 * responses, quota windows, cache lifetimes) reads `runtime.clock`, so tests can move time without sleeping.
 */

/** A source of the current time. */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
}

/** A clock that only moves when told to. */
export interface ManualClock extends Clock {
  /** Moves time forward by `milliseconds` and tells every listener. */
  advance(milliseconds: number): void;
  /** Sets the time (never backwards) and tells every listener. */
  set(time: number | Date): void;
  /**
   * Calls `listener` after every change of time; returns the unsubscribe function. Lets waiting work (a job
   * that expires) react to `advance()` at once.
   */
  onChange(listener: (now: number) => void): () => void;
}

/**
 * The real time. `Date.now()` is read on every call, so vitest's fake timers move it too.
 *
 * @example
 * createRuntime({ clock: SYSTEM_CLOCK });
 */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/**
 * A clock for tests: starts at `start` (default: now) and moves only with `advance()`/`set()`.
 *
 * @example
 * const clock = createManualClock('2024-01-01T00:00:00Z');
 * const runtime = createRuntime({ clock });
 * clock.advance(60 * 60 * 1000); // one hour later, at once
 */
export function createManualClock(start: number | Date | string = Date.now()): ManualClock {
  let current = new Date(start).getTime();
  if (Number.isNaN(current)) throw new TypeError(`[local-bedrock] createManualClock: invalid start time ${String(start)}.`);
  const listeners = new Set<(now: number) => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener(current);
  };
  return {
    now: () => current,
    advance(milliseconds) {
      if (!(milliseconds >= 0)) throw new RangeError('[local-bedrock] A clock only moves forward.');
      current += milliseconds;
      notify();
    },
    set(time) {
      const next = new Date(time).getTime();
      if (!(next >= current)) throw new RangeError('[local-bedrock] A clock only moves forward.');
      current = next;
      notify();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
