/**
 * A background loop: runs `round` again at once while it reports more work (or was woken), else
 * after `idleMs`.
 * Errors are counted (`onError`, e.g. the worker's error stat), logged and retried after `idleMs`.
 * `stop()` waits for the round in flight.
 */
import { setTimeout as sleep } from "node:timers/promises";

export type LoopLogger = { warn: (obj: Record<string, unknown>, msg: string) => void };

export type Loop = {
  /** Ends the idle wait now (new work arrived); a round in flight is followed by another at once. */
  wake: () => void;
  stop: () => Promise<void>;
};

export function startLoop(name: string, opts: { idleMs: number; round: () => Promise<boolean>; logger?: LoopLogger | undefined; onError?: (err: unknown) => void }): Loop {
  const abort = new AbortController();
  let idle: AbortController | undefined;
  let woken = false;
  const run = (async () => {
    while (!abort.signal.aborted) {
      let more = false;
      woken = false;
      try {
        more = await opts.round();
      } catch (err) {
        opts.onError?.(err);
        opts.logger?.warn({ err, loop: name }, `${name} round failed; retrying`);
      }
      if (more || woken || abort.signal.aborted) continue;
      idle = new AbortController();
      await sleep(opts.idleMs, undefined, { signal: AbortSignal.any([abort.signal, idle.signal]) }).catch(() => {});
      idle = undefined;
    }
  })();
  return {
    wake: () => {
      woken = true;
      idle?.abort();
    },
    stop: async () => {
      abort.abort();
      await run;
    },
  };
}
