/**
 * The opening-soon worker on real PostgreSQL: due watches get one notice each, pushed live; drops
 * further out, already open or without a start wait or get none; rounds racing (two instances) and
 * a watch removed and made again still give one notice per watcher and drop.
 */
import { randomUUID } from "node:crypto";
import t from "tap";
import { eventually } from "@drops/testing";
import { openingSoonRound } from "../../src/workers/opening-soon.ts";
import type { NotifyDeps } from "../../src/store/notify-once.ts";
import { countFor, startNotifyEnv } from "../helpers.ts";
import { asService } from "@drops/http/testing";

const LEAD_MS = 300_000;

t.test("opening-soon notices", async (t) => {
  const env = await startNotifyEnv(t, { LIVE_PUSH: "memory", OPENING_SOON_POLL_MS: "600000" });
  let clock = Date.parse("2031-03-01T12:00:00.000Z");
  const deps: NotifyDeps = { pool: env.clients.pool, hub: env.clients.hub, now: () => clock, newId: randomUUID };
  const watch = async (dropId: string, buyerId: string, startsAtMs: number | null) => {
    const res = await env.app.inject({ method: "PUT", url: `/internal/drops/${dropId}/watchers/${buyerId}`, headers: asService("notification"), payload: startsAtMs === null ? {} : { startsAt: new Date(startsAtMs).toISOString() } });
    t.equal(res.statusCode, 200, res.body);
  };
  const kinds = async (buyerId: string) =>
    (await env.clients.pool.query<{ kind: string; drop_id: string }>("SELECT kind, drop_id FROM notifications WHERE buyer_id = $1 ORDER BY created_at", [buyerId])).rows;

  t.test("due now: one notice, pushed; later, past or unknown starts: none yet", async (t) => {
    const [soon, later, past, unknown] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const buyer = randomUUID();
    const pushed: unknown[] = [];
    t.teardown(env.clients.hub.subscribe(buyer, (n) => pushed.push(n)));
    await watch(soon, buyer, clock + 120_000);
    await watch(later, buyer, clock + LEAD_MS + 60_000);
    await watch(past, buyer, clock - 1_000);
    await watch(unknown, buyer, null);

    await openingSoonRound(deps, { leadMs: LEAD_MS, batch: 100 });
    t.same(await kinds(buyer), [{ kind: "drop_opening_soon", drop_id: soon }]);
    await eventually(() => pushed.length === 1);
    t.match(pushed[0], { kind: "drop_opening_soon", dropId: soon, body: /opens in 2 minutes/ });

    await openingSoonRound(deps, { leadMs: LEAD_MS, batch: 100 });
    t.equal(await countFor(env, buyer), 1, "a second round sends nothing again");

    clock += 120_000; // `later` is now within the lead
    await openingSoonRound(deps, { leadMs: LEAD_MS, batch: 100 });
    t.same((await kinds(buyer)).map((r) => r.drop_id), [soon, later]);
  });

  t.test("racing rounds (two instances), re-watch, unwatch and watch again: once per watcher and drop", async (t) => {
    const dropId = randomUUID();
    const buyers = Array.from({ length: 30 }, () => randomUUID());
    for (const b of buyers) await watch(dropId, b, clock + 60_000);
    await Promise.all([1, 2, 3].map(() => openingSoonRound(deps, { leadMs: LEAD_MS, batch: 7 })));
    for (let i = 0; i < 5; i++) await openingSoonRound(deps, { leadMs: LEAD_MS, batch: 7 });
    const counts = await Promise.all(buyers.map((b) => countFor(env, b)));
    t.same(counts, buyers.map(() => 1), "every watcher exactly once");

    const b = buyers[0]!;
    await watch(dropId, b, clock + 60_000); // re-arm: not a second opening notice
    t.equal((await env.app.inject({ method: "DELETE", url: `/internal/drops/${dropId}/watchers/${b}`, headers: asService("notification") })).statusCode, 204);
    await watch(dropId, b, clock + 60_000);
    const r = await openingSoonRound(deps, { leadMs: LEAD_MS, batch: 100 });
    t.equal(r.taken, 1, "the new watch is taken");
    t.equal(r.stored, 0, "but the unique (source, buyer) stores no second notice");
    t.equal(await countFor(env, b), 1);
  });

  t.test("bad startsAt: 400, never stored", async (t) => {
    for (const payload of [{ startsAt: "tomorrow" }, { startsAt: 5 }, { when: "2031-01-01T00:00:00Z" }]) {
      const res = await env.app.inject({ method: "PUT", url: `/internal/drops/${randomUUID()}/watchers/${randomUUID()}`, headers: asService("notification"), payload });
      t.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
      t.type(res.json().code, "string");
    }
  });
});
