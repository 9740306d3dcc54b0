import t from "tap";
import { AppError } from "@drops/http";
import { createDropInfoCache, type DropInfo } from "../../src/store/drop-info.ts";

const info = (priceCents: number): DropInfo => ({ dropId: "d1", priceCents, startsAt: "2026-12-01T00:00:00.000Z", status: "open", available: 5 });

t.test("drop info: cached for the ttl, loaded once for concurrent misses", async (t) => {
  let clock = 0;
  let loads = 0;
  const cache = createDropInfoCache(async () => info(100 + ++loads), 1000, () => clock);
  const [a, b] = await Promise.all([cache.get("d1"), cache.get("d1")]);
  t.equal(loads, 1, "one load for two concurrent misses");
  t.same([a.priceCents, b.priceCents], [101, 101]);
  clock = 999;
  t.equal((await cache.get("d1")).priceCents, 101, "within the ttl: cached");
  clock = 1000;
  t.equal((await cache.get("d1")).priceCents, 102, "after it: loaded again");
});

t.test("drop info: the catalog unreachable serves the last known info; a refusal is not hidden", async (t) => {
  let clock = 0;
  let fail: Error | null = null;
  const cache = createDropInfoCache(async () => {
    if (fail) throw fail;
    return info(100);
  }, 1000, () => clock);
  await cache.get("d1");
  clock = 5000;
  fail = new AppError("UNAVAILABLE", "catalog is unavailable");
  t.equal((await cache.get("d1")).priceCents, 100, "503: the last known info");
  fail = new Error("connect ECONNREFUSED");
  t.equal((await cache.get("d1")).priceCents, 100, "no answer at all: the last known info");
  fail = new AppError("DROP_NOT_FOUND", "no such drop");
  await t.rejects(cache.get("d1"), { code: "DROP_NOT_FOUND" }, "a 4xx says something about the drop: passed on");
  fail = new AppError("UNAVAILABLE", "catalog is unavailable");
  await t.rejects(createDropInfoCache(async () => { throw fail; }, 1000).get("d2"), { code: "UNAVAILABLE" }, "never loaded: nothing to serve");
});
