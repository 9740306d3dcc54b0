/**
 * A background loop: runs `round` again at once while it reports more work, else after `idleMs`.
 * Errors are logged and retried after `idleMs`. `stop()` waits for the round in flight.
 */
import { setTimeout as sleep } from "node:timers/promises";

export type LoopLogger = { warn: (obj: Record<string, unknown>, msg: string) => void };

export type Loop = { stop: () => Promise<void> };

export function startLoop(name: string, opts: { idleMs: number; round: () => Promise<boolean>; logger?: LoopLogger }): Loop {
  const abort = new AbortController();
  const run = (async () => {
    while (!abort.signal.aborted) {
      let more = false;
      try {
        more = await opts.round();
      } catch (err) {
        opts.logger?.warn({ err, loop: name }, `${name} round failed`);
      }
      if (!more && !abort.signal.aborted) await sleep(opts.idleMs, undefined, { signal: abort.signal }).catch(() => {});
    }
  })();
  return {
    stop: async () => {
      abort.abort();
      await run;
    },
  };
}
