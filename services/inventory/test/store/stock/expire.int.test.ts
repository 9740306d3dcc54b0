import t from "tap";
import { stockFixture } from "../../stock-fixture.ts";

const NOW = 20_000_000;

t.test("expire releases only due holds, in batches, and is safe to re-run", async (t) => {
  const f = stockFixture(t);
  await f.store.openDrop({ dropId: "d", total: 10, startsAtMs: 0, perBuyerLimit: 1, holdMs: 1_000 });
  for (let i = 0; i < 5; i++) await f.store.reserve({ dropId: "d", orderId: `o${i}`, buyerId: `b${i}`, qty: 1, nowMs: NOW + i * 100 });
  await f.store.confirm({ dropId: "d", orderId: "o0" });
  t.same(await f.store.expireDue("d", { nowMs: NOW + 999 }), [], "nothing due yet");
  t.same(await f.store.expireDue("d", { nowMs: NOW + 1_200, limit: 1 }), ["o1"], "o0 sold; limit 1 releases o1");
  t.same(await f.store.expireDue("d", { nowMs: NOW + 1_200 }), ["o2"]);
  t.same(await f.store.expireDue("d", { nowMs: NOW + 1_200 }), [], "re-run releases nothing");
  t.same(await f.store.snapshot("d"), { status: "open", total: 10, adjustments: 0, available: 7, held: 2, sold: 1 });
  t.same(await f.store.confirm({ dropId: "d", orderId: "o1" }), { status: "GONE", state: "expired" });
  t.same(await f.store.release({ dropId: "d", orderId: "o1" }), { status: "RELEASED", buyerId: "b1", qty: 1, replay: true, state: "expired" });
  t.equal((await f.store.reserve({ dropId: "d", orderId: "o1b", buyerId: "b1", qty: 1, nowMs: NOW + 1_300 })).status, "HELD", "expired buyer may buy again");
  const ev = await f.events("d");
  t.same(ev.filter((e) => e.type === "expired").map((e) => [e.orderId, e.available, e.held, e.at]), [
    ["o1", "6", "3", String(NOW + 1_200)],
    ["o2", "7", "2", String(NOW + 1_200)],
  ]);
  await f.assertInvariant("d");
});

t.test("two sweepers at once release each hold exactly once", async (t) => {
  const f = stockFixture(t);
  const other = f.client();
  await f.store.openDrop({ dropId: "d", total: 300, startsAtMs: 0, perBuyerLimit: 1, holdMs: 1_000 });
  await Promise.all(Array.from({ length: 300 }, (_, i) => f.store.reserve({ dropId: "d", orderId: `o${i}`, buyerId: `b${i}`, qty: 1, nowMs: NOW })));
  const sweep = async (s: typeof f.store) => {
    const out: string[] = [];
    for (;;) {
      const batch = await s.expireDue("d", { nowMs: NOW + 5_000, limit: 7 });
      if (batch.length === 0) return out;
      out.push(...batch);
    }
  };
  const [a, b] = await Promise.all([sweep(f.store), sweep(other)]);
  t.equal(a.length + b.length, 300, "every hold released once in total");
  t.equal(new Set([...a, ...b]).size, 300, "no hold released twice");
  t.ok(a.length > 0 && b.length > 0, `both sweepers did work (${a.length} / ${b.length})`);
  t.same(await f.store.snapshot("d"), { status: "open", total: 300, adjustments: 0, available: 300, held: 0, sold: 0 });
  t.equal((await f.events("d")).filter((e) => e.type === "expired").length, 300);
  await f.assertInvariant("d");
});
