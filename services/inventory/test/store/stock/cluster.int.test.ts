/**
 * The stock on a Redis Cluster (STOCK_REDIS_CLUSTER_NODES): a scratch cluster of three masters per
 * run, ioredis' Cluster client, the same scripts. Every key of a drop carries `{drop:<id>}`, so each
 * script, MULTI and pipeline stays in one slot; what spans drops (the relay's reads, the gauges, the
 * cart's lines, key scans) is split per slot or per master.
 */
import t, { type Test } from "tap";
import { createStockRedis, deleteKeysWithPrefix, isCluster, mastersOf, type StockRedis } from "@drops/redis";
import { uniqueName } from "@drops/testing";
import { startRedisCluster } from "@drops/testing/redis-cluster";
import { checkStockInvariant } from "../../../src/domain/stock.ts";
import { createAdmitterStore, createQueueStore } from "../../../src/store/queue/queue-store.ts";
import { createCartStock } from "../../../src/store/stock/cart-stock.ts";
import { dropKeys } from "../../../src/store/stock/keys.ts";
import { readLiveView } from "../../../src/store/stock/live-view.ts";
import { checkScriptVersion, createPurchaseStock } from "../../../src/store/stock/purchase.ts";
import { recordScriptVersion, type Redis } from "../../../src/store/stock/scripts.ts";
import { createStockStore, type StockStore } from "../../../src/store/stock/stock-store.ts";
import { createStockRelay } from "../../../src/workers/relay.ts";

const HOUR = 3_600_000;
const NOW = 30_000_000;

const cluster = await startRedisCluster({ masters: 3 });
t.teardown(() => cluster.stop());

/** ioredis' Cluster client (the inventory has no ioredis dependency of its own). */
type Cluster = Extract<StockRedis, { nodes: unknown }>;
type Tap = Test;

function connect(t: Tap): Cluster {
  const c = createStockRedis({ url: "redis://unused", clusterNodes: cluster.nodes });
  if (!isCluster(c)) throw new Error("expected a Cluster client");
  t.teardown(() => c.quit());
  return c;
}

/** Drop ids whose keys land on every master (a slot per drop; three masters). */
async function dropsOnEveryMaster(redis: Cluster, prefix: string, n: number): Promise<string[]> {
  const byMaster = new Map<string, string[]>();
  for (let i = 0; [...byMaster.values()].flat().length < n || byMaster.size < 3; i++) {
    const id = `d${i}`;
    const slot = Number(await redis.cluster("KEYSLOT", dropKeys(id, prefix).meta));
    const owner = redis.slots[slot]?.[0] ?? "?";
    const ids = byMaster.get(owner) ?? [];
    if (ids.length < Math.ceil(n / 3)) byMaster.set(owner, [...ids, id]);
  }
  return [...byMaster.values()].flat().slice(0, Math.max(n, 3));
}

async function invariant(t: Tap, store: StockStore, redis: Redis, prefix: string, dropId: string): Promise<void> {
  const snap = await store.snapshot(dropId);
  t.ok(snap, `${dropId} loaded`);
  if (!snap) return;
  t.same(checkStockInvariant(snap), { ok: true }, `${dropId}: available + held + sold = total`);
  const buyers = await redis.hvals(dropKeys(dropId, prefix).buyers);
  t.equal(buyers.reduce((a, v) => a + Number(v), 0), snap.held + snap.sold, `${dropId}: buyers hash sums to held + sold`);
}

t.test("every stock script runs unchanged on drops spread over the three masters", async (t) => {
  const redis = connect(t);
  const prefix = `${uniqueName("cluster")}:`;
  t.teardown(() => deleteKeysWithPrefix(redis, prefix));
  const store = createStockStore(redis, { prefix });
  const drops = await dropsOnEveryMaster(redis, prefix, 6);
  for (const dropId of drops) {
    t.same(await store.openDrop({ dropId, total: 5, startsAtMs: 0, perBuyerLimit: 2, holdMs: 1_000 }), { status: "LOADED" }, `${dropId} opened`);
    t.match(await store.reserve({ dropId, orderId: "o1", buyerId: "b1", qty: 2, nowMs: NOW }), { status: "HELD", qty: 2 });
    t.match(await store.reserve({ dropId, orderId: "o2", buyerId: "b2", qty: 1, nowMs: NOW }), { status: "HELD" });
    t.match(await store.reserve({ dropId, orderId: "o3", buyerId: "b1", qty: 1, nowMs: NOW }), { status: "LIMIT_REACHED" });
    t.match(await store.reserve({ dropId, orderId: "o4", buyerId: "b4", qty: 1, nowMs: NOW + 500 }), { status: "HELD" });
    t.same(await store.confirm({ dropId, orderId: "o1", nowMs: NOW + 1 }), { status: "CONFIRMED", buyerId: "b1", qty: 2, replay: false });
    t.same(await store.release({ dropId, orderId: "o2", nowMs: NOW + 2 }), { status: "RELEASED", buyerId: "b2", qty: 1, replay: false, state: "released" });
    t.same(await store.expireDue(dropId, { nowMs: NOW + 1_600 }), ["o4"], "the due hold expired");
    t.same(await store.refund({ dropId, orderId: "o1", nowMs: NOW + 3 }), { status: "REFUNDED", buyerId: "b1", qty: 2, replay: false });
    t.match(await store.adjust({ dropId, delta: 3, fence: 1, nowMs: NOW + 4 }), { status: "ADJUSTED", available: 8 });
    t.match(await store.setStatus(dropId, "paused", NOW + 5), { status: "CHANGED" });
    t.match(await store.reserve({ dropId, orderId: "o5", buyerId: "b5", qty: 1, nowMs: NOW + 6 }), { status: "PAUSED" });
    t.match(await store.setStatus(dropId, "open", NOW + 7), { status: "CHANGED" });
    t.same(await store.snapshot(dropId), { status: "open", total: 5, adjustments: 3, available: 8, held: 0, sold: 0 });
    await invariant(t, store, redis, prefix, dropId);
  }
  const owners = new Set<string>();
  for (const dropId of drops) owners.add(redis.slots[Number(await redis.cluster("KEYSLOT", dropKeys(dropId, prefix).meta))]?.[0] ?? "?");
  t.equal(owners.size, 3, "the drops live on all three masters");
  t.same((await store.dropIds()).sort(), [...drops].sort(), "the drop index (one key, own calls) lists them all");
});

t.test("resync rebuilds a drop from ledger figures; the live view and the versioned snapshot read one slot in a MULTI", async (t) => {
  const redis = connect(t);
  const prefix = `${uniqueName("cluster")}:`;
  t.teardown(() => deleteKeysWithPrefix(redis, prefix));
  const store = createStockStore(redis, { prefix });
  const [dropId] = await dropsOnEveryMaster(redis, prefix, 3);
  await store.openDrop({ dropId: dropId!, total: 10, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await store.reserve({ dropId: dropId!, orderId: "o1", buyerId: "b1", qty: 3, nowMs: NOW });
  await store.confirm({ dropId: dropId!, orderId: "o1", nowMs: NOW });
  await store.reserve({ dropId: dropId!, orderId: "o2", buyerId: "b2", qty: 2, nowMs: NOW });
  const live = await readLiveView(redis, dropId!, prefix);
  t.same(live.redis, { status: "open", total: 10, adjustments: 0, available: 5, held: 2, sold: 3 });
  t.equal(live.tail.length, 4, "opened, reserved, confirmed, reserved");
  const versioned = await createPurchaseStock(redis, { prefix }).versionedSnapshot(dropId!);
  t.match(versioned, { available: 5, held: 2, sold: 3 });
  t.ok((versioned?.seq ?? 0) > 0, "seq of the last stream entry");

  await redis.del(dropKeys(dropId!, prefix).meta, dropKeys(dropId!, prefix).holds, dropKeys(dropId!, prefix).buyers, dropKeys(dropId!, prefix).expiry);
  t.equal(await store.snapshot(dropId!), null, "the drop's live keys are gone");
  const resynced = await store.resync({
    dropId: dropId!, fence: 1, lastStreamId: live.lastStreamId, counters: { total: 10, adjustments: 0, available: 5, held: 2, sold: 3 },
    schedule: { startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR },
    holds: [{ orderId: "o1", buyerId: "b1", qty: 3, expiresAtMs: NOW + HOUR, state: "sold" }, { orderId: "o2", buyerId: "b2", qty: 2, expiresAtMs: NOW + HOUR, state: "held" }],
    nowMs: NOW + 10,
  });
  t.match(resynced, { status: "RESYNCED" });
  t.same(await store.snapshot(dropId!), { status: "open", total: 10, adjustments: 0, available: 5, held: 2, sold: 3 });
  t.same(await store.confirm({ dropId: dropId!, orderId: "o2", nowMs: NOW + 11 }), { status: "CONFIRMED", buyerId: "b2", qty: 2, replay: false }, "the rebuilt hold confirms");
  await invariant(t, store, redis, prefix, dropId!);
});

t.test("300 buyers for 100 units over three cluster clients: exactly 100 held", async (t) => {
  const clients = [connect(t), connect(t), connect(t)];
  const prefix = `${uniqueName("cluster")}:`;
  t.teardown(() => deleteKeysWithPrefix(clients[0]!, prefix));
  const stores = clients.map((c) => createStockStore(c, { prefix }));
  await stores[0]!.openDrop({ dropId: "race", total: 100, startsAtMs: 0, perBuyerLimit: 1, holdMs: HOUR });
  const outcomes = await Promise.all(Array.from({ length: 300 }, (_, i) =>
    stores[i % 3]!.reserve({ dropId: "race", orderId: `o${i}`, buyerId: `b${i}`, qty: 1, nowMs: NOW })));
  const count = (s: string) => outcomes.filter((o) => o.status === s).length;
  t.same({ held: count("HELD"), soldOut: count("SOLD_OUT") }, { held: 100, soldOut: 200 });
  t.same(await stores[1]!.snapshot("race"), { status: "open", total: 100, adjustments: 0, available: 0, held: 100, sold: 0 });
  await invariant(t, stores[2]!, clients[2]!, prefix, "race");
});

t.test("a cart's lines on products in different slots: all held or none", async (t) => {
  const redis = connect(t);
  const prefix = `${uniqueName("cluster")}:`;
  t.teardown(() => deleteKeysWithPrefix(redis, prefix));
  const store = createStockStore(redis, { prefix });
  const [p1, p2, p3] = await dropsOnEveryMaster(redis, prefix, 3);
  for (const [id, total] of [[p1!, 5], [p2!, 5], [p3!, 1]] as const) await store.openDrop({ dropId: id, total, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR, kind: "product" });
  const cart = createCartStock(redis, { prefix });
  t.match(await cart.reserveLines({ orderId: "c1", buyerId: "b1", lines: [{ productId: p1!, quantity: 2 }, { productId: p2!, quantity: 1 }] }), { status: "HELD" });
  t.same(await cart.reserveLines({ orderId: "c2", buyerId: "b2", lines: [{ productId: p1!, quantity: 1 }, { productId: p3!, quantity: 2 }] }),
    { status: "UNAVAILABLE", productId: p3!, available: 1 }, "the second line fails");
  t.same(Object.fromEntries(await cart.available([p1!, p2!, p3!])), { [p1!]: 3, [p2!]: 4, [p3!]: 1 }, "c2's first line was released");
});

t.test("the waiting room's scripts (and their PUBLISH) and the fairness MULTI on a cluster", async (t) => {
  const redis = connect(t);
  const sub = connect(t);
  const prefix = `${uniqueName("cluster")}:`;
  t.teardown(() => deleteKeysWithPrefix(redis, prefix));
  const store = createStockStore(redis, { prefix });
  const queue = createQueueStore(redis, { prefix });
  const admitter = createAdmitterStore(redis, { prefix });
  const START = NOW + 60_000;
  t.equal(await admitter.configure("q", { admitPerSecond: 5, startsAtMs: START, seed: "ab".repeat(32) }), "CONFIGURED");
  await store.openDrop({ dropId: "q", total: 3, startsAtMs: START, perBuyerLimit: 1, holdMs: HOUR });
  const announced = new Promise<string>((resolve) => sub.once("message", (channel: string) => resolve(channel)));
  await sub.subscribe(queue.changesChannel("q"));
  t.match(await queue.join("q", "00000000-0000-4000-8000-000000000001", "r-1", START - 10), { status: "JOINED", created: true });
  t.equal(await announced, queue.changesChannel("q"), "the script's PUBLISH reaches a subscriber of the cluster");
  t.equal(await queue.fairness("q"), null, "not drawn yet (one MULTI on the drop's slot)");
});

t.test("the relay reads the streams of drops in different slots; key scans visit every master", async (t) => {
  const redis = connect(t);
  const prefix = `${uniqueName("cluster")}:`;
  t.teardown(() => deleteKeysWithPrefix(redis, prefix));
  const store = createStockStore(redis, { prefix });
  const drops = await dropsOnEveryMaster(redis, prefix, 6);
  for (const dropId of drops) {
    await store.openDrop({ dropId, total: 2, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
    await store.reserve({ dropId, orderId: "o1", buyerId: "b1", qty: 1, nowMs: NOW });
  }
  const published = new Map<string, string[]>();
  const relay = createStockRelay({
    redis, prefix, blockMs: 20,
    publish: async (e) => {
      const p = e.payload as { dropId?: string };
      if (typeof p.dropId === "string") published.set(p.dropId, [...(published.get(p.dropId) ?? []), e.type]);
    },
  });
  t.teardown(() => relay.stop());
  let relayed = 0;
  for (let round = 0; round < 20 && relayed < drops.length * 2; round++) relayed += await relay.runOnce();
  t.equal(relayed, drops.length * 2, "every drop's two entries relayed (opened, reserved)");
  for (const dropId of drops) t.ok((published.get(dropId) ?? []).includes("StockReserved"), `${dropId}: StockReserved published`);
  t.equal(relay.stats().errors, 0, "no failed round (no CROSSSLOT)");

  t.equal(await recordScriptVersion(redis, prefix).then(() => checkScriptVersion(redis, { prefix })), "ok", "script version: one key of its own");
  const keysPerMaster = await Promise.all(mastersOf(redis).map(async (m) => (await m.scan("0", "MATCH", `${prefix}*`, "COUNT", 10_000))[1].length));
  t.equal(keysPerMaster.filter((n) => n > 0).length, 3, "keys on every master");
  t.ok((await deleteKeysWithPrefix(redis, prefix)) > drops.length * 4, "deleted on every master");
  const left = await Promise.all(mastersOf(redis).map(async (m) => (await m.scan("0", "MATCH", `${prefix}*`, "COUNT", 10_000))[1].length));
  t.same(left, [0, 0, 0], "none left anywhere");
});
