/**
 * The provider's silence, not ours: a charge's deadline that does not count the time this process
 * itself was frozen (SIGSTOP, a VM pause, a long GC). A timer that fires after the process woke up
 * would otherwise time out a charge whose answer is sitting unread in a socket. A watch loop (one per
 * process, unref'd) ticks every TICK_MS and records when a tick came late by more than STALL_MS; a
 * deadline that fires late, or after a stall that ended since the charge was sent, is re-armed for
 * the whole timeout from now instead of aborting: the wait is measured again while we are awake.
 */

const TICK_MS = 250;
/** A gap this much longer than a tick means the process did not run. */
const STALL_MS = 1_000;

let lastTick = 0;
let lastStallEndedAt = -Infinity;
let stalls = 0;
let watching: NodeJS.Timeout | undefined;

/** One look at the clock: records a stall that just ended (the last look was too long ago). */
function observe(): void {
  const now = Date.now();
  if (now - lastTick > TICK_MS + STALL_MS) {
    lastStallEndedAt = now;
    stalls++;
  }
  lastTick = now;
}

function watch(): void {
  if (watching !== undefined) return;
  lastTick = Date.now();
  watching = setInterval(observe, TICK_MS);
  watching.unref();
}

/**
 * How many stalls this process has seen (and starts the watch): two readings that differ mean the
 * process was frozen between them. Independent of any injected clock.
 */
export function stallCount(): number {
  watch();
  observe();
  return stalls;
}

/** Whether the process was frozen at some point after `since` (ms epoch). */
export function stalledSince(since: number): boolean {
  observe();
  return lastStallEndedAt > since;
}

/**
 * An AbortSignal that aborts (with a TimeoutError, like AbortSignal.timeout) once `waitMs` passed
 * while this process was running; re-armed for `rearmMs` whenever it finds the process was frozen
 * meanwhile. `dispose()` clears its timer. `rearmed` counts the re-arms (tests, logs).
 */
export function silenceDeadline(waitMs: number, rearmMs = waitMs): { signal: AbortSignal; dispose: () => void; readonly rearmed: number } {
  watch();
  const ctrl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let rearmed = 0;
  const arm = (wait: number): void => {
    observe(); // a stall that ended before this arming is not counted against it
    const armedAt = Date.now();
    const due = armedAt + wait;
    timer = setTimeout(() => {
      const late = Date.now() - due > STALL_MS;
      if (stalledSince(armedAt) || late) {
        rearmed++;
        arm(rearmMs);
        return;
      }
      ctrl.abort(new DOMException("no answer within the deadline", "TimeoutError"));
    }, Math.max(0, wait));
  };
  arm(waitMs);
  return {
    signal: ctrl.signal,
    dispose: () => clearTimeout(timer),
    get rearmed() {
      return rearmed;
    },
  };
}
