export type RetryPolicy = {
  /** Handler calls per message that may fail permanently, the first included (>= 1); transient failures (a dependency down) are retried without limit and do not count. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
};

export const defaultRetry: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 };

/** Delay before retry number `retry` (1 = the wait after the first failure): exponential, capped. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (retry - 1));
}

/**
 * Sleeps `ms`, calling `tick` (a consumer heartbeat) every `tickMs` so a long backoff does not
 * cost the group membership. Returns false at once if `signal` aborts.
 */
export async function pause(ms: number, signal: AbortSignal, tick: () => Promise<void>, tickMs = 1_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!signal.aborted) {
    const left = end - Date.now();
    if (left <= 0) return true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(left, tickMs));
      signal.addEventListener("abort", done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
    if (!signal.aborted && end - Date.now() > 0) await tick();
  }
  return false;
}
