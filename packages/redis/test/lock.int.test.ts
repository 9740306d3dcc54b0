import t, { type Test } from "tap";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { uniqueName, testEnv } from "@drops/testing";
import { createRedis, createLock, fencedSet, LockNotAcquiredError, parseRedisNodes, type Locker } from "../src/index.ts";

function setup(t: Test): { redis: Redis; prefix: string; locker: Locker } {
  const prefix = uniqueName("redis_lock");
  const redis = createRedis(testEnv.redisUrl);
  const locker = createLock([redis], { lockPrefix: `${prefix}:lock:`, fencePrefix: `${prefix}:fence:`, retryDelayMs: 20, retryJitterMs: 10 });
  t.teardown(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  return { redis, prefix, locker };
}

t.test("parseRedisNodes", async (t) => {
  t.same(parseRedisNodes(undefined, "redis://a"), ["redis://a"]);
  t.same(parseRedisNodes(" redis://a, redis://b ,redis://c", "redis://x"), ["redis://a", "redis://b", "redis://c"]);
});

t.test("two contenders: only one holds the lock at a time", async (t) => {
  const { locker, redis } = setup(t);
  const other = createRedis(testEnv.redisUrl);
  t.teardown(() => other.quit());
  const locker2 = createLock([other], { lockPrefix: locker.lockKey(""), fencePrefix: locker.fenceKey(""), retryDelayMs: 20, retryJitterMs: 10, retryCount: 200 });
  let inside = 0;
  let maxInside = 0;
  const tokens: number[] = [];
  const work = (l: Locker) => l.withLock("drop-1", 2000, async (token, signal) => {
    inside++;
    maxInside = Math.max(maxInside, inside);
    tokens.push(token);
    await sleep(30);
    t.notOk(signal.aborted);
    inside--;
  }, { retryCount: 200 });
  await Promise.all([work(locker), work(locker2), work(locker), work(locker2), work(locker2), work(locker)]);
  t.equal(maxInside, 1, "never two holders at once");
  t.same([...tokens].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6], "fencing tokens strictly increase");
  t.equal(await redis.exists(locker.lockKey("drop-1")), 0, "released at the end");

  const held = await locker.acquire("drop-2", 2000);
  await t.rejects(locker2.acquire("drop-2", 2000, { retryCount: 0 }), LockNotAcquiredError);
  await held.release();
  t.ok(held.signal.aborted, "signal aborts on release");
  const next = await locker2.acquire("drop-2", 2000, { retryCount: 0 });
  t.equal(next.token, 2);
  await next.release();
});

t.test("fencing rejects the stale token; expiry lets another acquire", async (t) => {
  const { locker, redis, prefix } = setup(t);
  const slow = createLock([redis], { lockPrefix: locker.lockKey(""), fencePrefix: locker.fenceKey(""), autoExtend: false });
  const target = `${prefix}:stock`;
  const fenceKey = locker.fenceKey("drop-9");

  const old = await slow.acquire("drop-9", 150);
  t.equal(old.token, 1);
  t.ok(await fencedSet(redis, { fenceKey, key: target, token: old.token, value: "from-1" }), "holder 1 writes while it holds");
  await t.rejects(locker.acquire("drop-9", 2000, { retryCount: 0 }), LockNotAcquiredError, "busy while held");

  // holder 1 "pauses" (GC, network) past its TTL: the lock expires and holder 2 gets it
  await sleep(200);
  t.ok(old.signal.aborted, "expired lock aborts the old holder's signal");
  const fresh = await locker.acquire("drop-9", 2000, { retryCount: 0 });
  t.equal(fresh.token, 2);
  t.ok(await fencedSet(redis, { fenceKey, key: target, token: fresh.token, value: "from-2", ttlMs: 60_000 }), "holder 2 writes");

  t.notOk(await fencedSet(redis, { fenceKey, key: target, token: old.token, value: "stale" }), "holder 1's late write is rejected");
  t.equal(await redis.get(target), "from-2");
  t.ok((await redis.pttl(target)) > 0);
  await fresh.release();
  await old.release(); // harmless: the lock now belongs to nobody / someone else
  t.equal(await redis.exists(locker.lockKey("drop-9")), 0);
});

t.test("auto-extension keeps a long holder's lock", async (t) => {
  const { locker } = setup(t);
  const h = await locker.acquire("drop-long", 150);
  const first = h.expiresAt();
  await sleep(400);
  t.notOk(h.signal.aborted);
  t.ok(h.expiresAt() > first, "extended");
  await t.rejects(locker.acquire("drop-long", 1000, { retryCount: 0 }), LockNotAcquiredError);
  await h.release();
});
