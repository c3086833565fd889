/** The subset of an abort signal the SDK may hand over: a DOM `AbortSignal` or its older look-alike. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener?(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  onabort?: ((this: never, event: never) => unknown) | null;
}

/** Converts whatever abort signal the SDK passes into a real `AbortSignal` (or `undefined` when none). */
export function toAbortSignal(signal: AbortSignalLike | undefined): AbortSignal | undefined {
  if (!signal) return undefined;
  if (signal instanceof AbortSignal) return signal;
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else if (signal.addEventListener) signal.addEventListener('abort', () => controller.abort(), { once: true });
  return controller.signal;
}
