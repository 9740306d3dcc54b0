/**
 * Rough reserve throughput from one Node process against local Redis. Not a test (tap only runs
 * *.test.ts). Usage:
 *   node services/inventory/test/store/stock/bench-reserve.ts [calls=20000] [concurrency=200] [units=1000] [connections=1]
 * Each call is a distinct buyer (limit 1) and order on one drop; units < calls makes most calls losers.
 */
import { performance } from "node:perf_hooks";
import { createRedis, deleteKeysWithPrefix } from "@drops/redis";
import { testEnv, uniqueName } from "@drops/testing";
import { createStockStore } from "../../../src/store/stock/stock-store.ts";

const [calls = 20_000, concurrency = 200, units = 1_000, connections = 1] = process.argv.slice(2).map(Number);
const prefix = `${uniqueName("bench")}:`;
const conns = Array.from({ length: connections }, () => createRedis(testEnv.redisUrl));
const stores = conns.map((c) => createStockStore(c, { prefix }));
const store = stores[0]!;
await store.openDrop({ dropId: "bench", total: units, startsAtMs: 0, perBuyerLimit: 1, holdMs: 600_000 });

const counts = new Map<string, number>();
const latencies: number[] = [];
let next = 0;
async function worker(w: number): Promise<void> {
  const s = stores[w % stores.length]!;
  for (let i = next++; i < calls; i = next++) {
    const t0 = performance.now();
    const r = await s.reserve({ dropId: "bench", orderId: `o${i}`, buyerId: `b${i}`, qty: 1 });
    latencies.push(performance.now() - t0);
    counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  }
}
const start = performance.now();
await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
const seconds = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
const snap = await store.snapshot("bench");
console.log(JSON.stringify({
  calls, concurrency, units, connections,
  seconds: Number(seconds.toFixed(2)),
  reservesPerSecond: Math.round(calls / seconds),
  latencyMs: { p50: p(0.5), p95: p(0.95), p99: p(0.99) },
  outcomes: Object.fromEntries(counts),
  snapshot: snap,
}));

await deleteKeysWithPrefix(conns[0]!, prefix);
await Promise.all(conns.map((c) => c.quit()));
