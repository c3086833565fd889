import type { Clock, ManualClock } from '../../../core/clock.js';

/**
 * Calls `onExpire` once the clock reaches `at`. With a manual clock (tests) the deadline follows the clock's
 * moves; with the system clock a timer waits
 * (sessions stop their watches when they end).
 *
 * @example
 * const stop = watchDeadline(runtime.clock, runtime.clock.now() + 60_000, () => session.fail(timeout));
 * stop(); // no longer needed
 */
export function watchDeadline(clock: Clock, at: number, onExpire: () => void): () => void {
  let done = false;
  const expire = () => {
    if (done) return;
    done = true;
    stop();
    onExpire();
  };
  let stop = () => {};
  if (typeof (clock as Partial<ManualClock>).onChange === 'function') {
    const unsubscribe = (clock as ManualClock).onChange((now) => now >= at && expire());
    stop = () => void unsubscribe();
  } else {
    const timer = setTimeout(expire, Math.max(0, at - clock.now()));
    stop = () => clearTimeout(timer);
  }
  // Never synchronously: the caller has not got its stop function yet.
  if (clock.now() >= at) queueMicrotask(expire);
  return () => {
    done = true;
    stop();
  };
}
