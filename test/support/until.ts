type Falsy = undefined | null | false | 0 | '';

/**
 * Polls `predicate` (sync or async) until it returns a truthy value, which is returned, or `timeoutMs` passes
 * (throws, naming `what`).
 */
export async function until<T>(
  predicate: () => T | Falsy | Promise<T | Falsy>,
  timeoutMs = 2000,
  what = 'condition',
  intervalMs = 5,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
