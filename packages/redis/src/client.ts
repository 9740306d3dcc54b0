import { Redis, type RedisOptions } from "ioredis";

export type CreateRedisOptions = Pick<RedisOptions, "keyPrefix" | "lazyConnect" | "maxRetriesPerRequest" | "enableOfflineQueue" | "connectionName">;

/** One ioredis connection to `url`. Callers own it and must `quit()` it. */
export function createRedis(url: string, opts: CreateRedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, ...opts });
}

/** Readiness probe: resolves when Redis answers PING. */
export async function checkRedis(redis: Redis): Promise<void> {
  const pong: string = await redis.ping();
  if (pong !== "PONG") throw new Error(`unexpected PING reply ${pong}`);
}
