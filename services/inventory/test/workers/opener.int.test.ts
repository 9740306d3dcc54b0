import t from "tap";
import { stockFixture, HOUR } from "../stock-fixture.ts";
import { dbFixture } from "../db-fixture.ts";
import { lockerFactory } from "../lock-fixture.ts";
import { createOpener } from "../../src/workers/opener.ts";
import { findDrop, scheduleDrop } from "../../src/store/drops.ts";

t.setTimeout(60_000);

t.test("three openers racing load a drop's stock exactly once, before its start, answering NOT_OPEN until then", async (t) => {
  const f = stockFixture(t);
  const { pool } = await dbFixture(t);
  const newLocker = lockerFactory(t, f.prefix);
  const startsAtMs = Date.now() + 3_000;
  t.equal((await scheduleDrop(pool, { dropId: "race", total: 7, startsAtMs, perBuyerLimit: 1, holdMs: 60_000 })).status, "CREATED");
  await scheduleDrop(pool, { dropId: "later", total: 3, startsAtMs: Date.now() + HOUR, perBuyerLimit: 0, holdMs: 1_000 });

  const openers = [0, 1, 2].map(() => createOpener({ pool, store: f.client(), locker: newLocker(), leadMs: 5_000 }));
  const passes = await Promise.all(openers.map((o) => o.runOnce()));
  const sum = (k: "loaded" | "already" | "busy" | "errors") => passes.reduce((a, p) => a + p[k], 0);
  t.equal(sum("loaded"), 1, `exactly one LOADED (${JSON.stringify(passes)})`);
  t.equal(sum("errors"), 0);
  t.ok(sum("loaded") + sum("already") + sum("busy") <= 3, "an opener that queries after the load finds nothing due");

  // The same race on open() itself: every opener has the drop row in hand at once.
  await scheduleDrop(pool, { dropId: "race2", total: 4, startsAtMs, perBuyerLimit: 0, holdMs: 60_000 });
  const row = (await findDrop(pool, "race2"))!;
  const outcomes = await Promise.all(openers.map((o) => o.open(row)));
  t.equal(outcomes.filter((x) => x === "LOADED").length, 1, `one LOADED (${outcomes.join(", ")})`);
  t.ok(outcomes.every((x) => x === "LOADED" || x === "BUSY" || x === "ALREADY"));
  t.equal((await f.events("race2")).filter((e) => e["type"] === "opened").length, 1);
  // later rounds find nothing due
  t.same(await Promise.all(openers.map((o) => o.runOnce())), openers.map(() => ({ loaded: 0, already: 0, busy: 0, stale: 0, errors: 0 })));

  const opened = (await f.events("race")).filter((e) => e["type"] === "opened");
  t.equal(opened.length, 1, "one opened entry in the stream");
  t.match(await f.store.snapshot("race"), { status: "open", total: 7, available: 7, held: 0, sold: 0 });
  t.equal((await findDrop(pool, "race"))?.status, "loaded");
  t.equal((await findDrop(pool, "later"))?.status, "scheduled", "a drop far in the future is not loaded yet");
  t.equal(await f.store.snapshot("later"), null);

  t.match(await f.store.reserve({ dropId: "race", orderId: "early", buyerId: "b", qty: 1, nowMs: startsAtMs - 1 }), { status: "NOT_OPEN", startsAtMs });
  t.match(await f.store.reserve({ dropId: "race", orderId: "first", buyerId: "b", qty: 1, nowMs: startsAtMs }), { status: "HELD" });
  t.equal((await openers[0]!.open((await findDrop(pool, "race"))!)), "ALREADY", "opening again never overwrites live counters");
  t.match(await f.store.snapshot("race"), { available: 6, held: 1 });
});

t.test("the opener loop loads a drop as its time approaches; a stale fence is refused", async (t) => {
  const f = stockFixture(t);
  const { pool } = await dbFixture(t);
  const newLocker = lockerFactory(t, f.prefix);
  const opener = createOpener({ pool, store: f.store, locker: newLocker(), leadMs: 500, intervalMs: 50 });
  t.teardown(() => opener.stop());
  opener.start();
  const startsAtMs = Date.now() + 2_500;
  await scheduleDrop(pool, { dropId: "soon", total: 2, startsAtMs, perBuyerLimit: 0, holdMs: 1_000 });
  await new Promise((r) => setTimeout(r, 300));
  if (Date.now() < startsAtMs - 600) t.equal(await f.store.snapshot("soon"), null, "not loaded while startsAt is further away than the lead");
  const deadline = Date.now() + 5_000;
  while ((await f.store.snapshot("soon")) === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.match(await f.store.snapshot("soon"), { available: 2 });
  t.equal(opener.stats().loaded, 1);
  // A holder with an older token than the one stored cannot open it again.
  t.match(await f.store.openDrop({ dropId: "soon", total: 99, startsAtMs: 0, perBuyerLimit: 0, holdMs: 1, fence: 0 }), { status: "STALE_FENCE" });
});
