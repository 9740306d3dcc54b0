/** Shared set-up for the stock tests: real Redis, a unique key prefix per test, keys deleted afterwards. */
import type { Test } from "tap";
import { createRedis, deleteKeysWithPrefix } from "@drops/redis";
import { testEnv, uniqueName } from "@drops/testing";
import { checkStockInvariant } from "../src/domain/stock.ts";
import { dropKeys } from "../src/store/stock/keys.ts";
import { createStockStore, type StockStore } from "../src/store/stock/stock-store.ts";
import type { Redis } from "../src/store/stock/scripts.ts";

type Tap = Pick<Test, "teardown" | "ok" | "same">;

export type StockFixture = {
  redis: Redis;
  store: StockStore;
  prefix: string;
  /** Another connection with its own store, for concurrency across clients. */
  client(): StockStore;
  events(dropId: string): Promise<Record<string, string>[]>;
  assertInvariant(dropId: string): Promise<void>;
};

export function stockFixture(t: Tap): StockFixture {
  const prefix = `${uniqueName("stock")}:`;
  const conns: Redis[] = [];
  const connect = (): Redis => {
    const r = createRedis(testEnv.redisUrl);
    conns.push(r);
    return r;
  };
  const redis = connect();
  const store = createStockStore(redis, { prefix });
  t.teardown(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await Promise.all(conns.map((c) => c.quit()));
  });
  return {
    redis,
    store,
    prefix,
    client: () => createStockStore(connect(), { prefix }),
    async events(dropId) {
      const entries = await redis.xrange(dropKeys(dropId, prefix).events, "-", "+");
      return entries.map(([, fields]) => {
        const o: Record<string, string> = {};
        for (let i = 0; i < fields.length; i += 2) o[fields[i]!] = fields[i + 1]!;
        return o;
      });
    },
    async assertInvariant(dropId) {
      const snap = await store.snapshot(dropId);
      t.ok(snap, "drop loaded");
      if (!snap) return;
      t.same(checkStockInvariant(snap), { ok: true }, `invariant holds ${JSON.stringify(snap)}`);
      const holds = await redis.hgetall(dropKeys(dropId, prefix).holds);
      const sum = { held: 0, sold: 0 };
      for (const v of Object.values(holds)) {
        const [, qty, , state] = /^(.*)\|(\d+)\|(\d+)\|([a-z]+)\|/.exec(v)!.slice(1);
        if (state === "held" || state === "sold") sum[state] += Number(qty);
      }
      t.same({ held: snap.held, sold: snap.sold }, sum, "counters match the holds hash");
      const buyers = await redis.hvals(dropKeys(dropId, prefix).buyers);
      t.same(buyers.reduce((a, v) => a + Number(v), 0), snap.held + snap.sold, "buyers hash sums to held + sold");
    },
  };
}

export const HOUR = 3_600_000;
