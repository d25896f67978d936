// A Snowflake statement awaited only until the chunk is aborted.
/**
 * The statement's result, or an AbortError as soon as `signal` aborts: a rollback must not wait for
 * Snowflake (the statement finishes on its own; the run's sweep removes what it wrote).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
