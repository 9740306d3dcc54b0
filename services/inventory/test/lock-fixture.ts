/** Lockers for the tests: each on its own Redis connection, keys under a unique prefix. */
import type { Test } from "tap";
import { createLock, createRedis, type Locker } from "@drops/redis";
import { testEnv } from "@drops/testing";

export function lockerFactory(t: Pick<Test, "teardown">, prefix: string): () => Locker {
  const conns: ReturnType<typeof createRedis>[] = [];
  t.teardown(async () => {
    const r = conns[0];
    if (r) {
      const keys = await r.keys(`${prefix}lock:*`);
      const fences = await r.keys(`${prefix}fence:*`);
      if (keys.length + fences.length > 0) await r.del(...keys, ...fences);
    }
    await Promise.all(conns.map((c) => c.quit()));
  });
  return () => {
    const c = createRedis(testEnv.redisUrl);
    conns.push(c);
    return createLock([c], { lockPrefix: `${prefix}lock:`, fencePrefix: `${prefix}fence:`, retryCount: 0 });
  };
}
