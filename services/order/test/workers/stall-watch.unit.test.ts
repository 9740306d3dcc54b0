// The charge deadline counts the provider's silence only: time this process was frozen re-arms it.
import t from "tap";
import { silenceDeadline } from "../../src/workers/stall-watch.ts";

const aborted = (signal: AbortSignal): Promise<number> => new Promise((resolve) => signal.addEventListener("abort", () => resolve(Date.now()), { once: true }));

/** Freezes the event loop for `ms`, as SIGSTOP or a long GC pause would. */
function freeze(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: no timer can fire
  }
}

t.test("a deadline with the process running aborts on time with a TimeoutError", async (t) => {
  const started = Date.now();
  const d = silenceDeadline(300);
  const at = await aborted(d.signal);
  t.ok(at - started >= 290 && at - started < 1_000, `aborted after ${at - started} ms`);
  t.equal((d.signal.reason as Error).name, "TimeoutError");
  t.equal(d.rearmed, 0);
});

t.test("frozen across the deadline: re-armed for the whole wait from the wake-up, not aborted at once", async (t) => {
  const d = silenceDeadline(300, 400);
  await new Promise((r) => setTimeout(r, 50));
  freeze(1_500);
  const woke = Date.now();
  const at = await aborted(d.signal);
  t.equal(d.rearmed, 1, "re-armed once");
  t.ok(at - woke >= 390, `aborted ${at - woke} ms after the wake-up (the re-armed wait), not at once`);
});

t.test("frozen during the wait (deadline still ahead): re-armed when it fires", async (t) => {
  const d = silenceDeadline(2_000, 300);
  await new Promise((r) => setTimeout(r, 300)); // the watch ticks before the freeze
  freeze(1_600);
  const at = await aborted(d.signal);
  t.equal(d.rearmed, 1);
  t.ok(at > 0);
});

t.test("dispose clears the timer", async (t) => {
  const d = silenceDeadline(100);
  d.dispose();
  await new Promise((r) => setTimeout(r, 250));
  t.equal(d.signal.aborted, false);
});
