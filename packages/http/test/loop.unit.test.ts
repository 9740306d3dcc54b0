import t from "tap";
import { startLoop } from "../src/index.ts";

t.test("a loop runs rounds back to back while they report more work, else after idleMs; stop waits for the round", async (t) => {
  let rounds = 0;
  let inFlight = false;
  const loop = startLoop("test", {
    idleMs: 10_000,
    round: async () => {
      inFlight = true;
      rounds += 1;
      await new Promise((r) => setTimeout(r, 5));
      inFlight = false;
      return rounds < 3;
    },
  });
  await new Promise((r) => setTimeout(r, 100));
  t.equal(rounds, 3, "three rounds at once, then idle");
  loop.wake();
  await new Promise((r) => setTimeout(r, 50));
  t.equal(rounds, 4, "wake ends the idle wait");
  await loop.stop();
  t.notOk(inFlight, "stop waited for the round in flight");
});

t.test("a failing round is counted, logged and retried after idleMs", async (t) => {
  const warnings: string[] = [];
  const errors: unknown[] = [];
  let rounds = 0;
  const loop = startLoop("flaky", {
    idleMs: 10,
    logger: { warn: (_o, msg) => warnings.push(msg) },
    onError: (err) => errors.push(err),
    round: async () => {
      rounds += 1;
      if (rounds === 1) throw new Error("boom");
      return false;
    },
  });
  await new Promise((r) => setTimeout(r, 60));
  await loop.stop();
  t.ok(rounds >= 2, "retried");
  t.equal(warnings[0], "flaky round failed; retrying");
  t.same(errors.map((e) => (e as Error).message), ["boom"], "onError got the round's error, once");
});
