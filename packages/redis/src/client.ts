import { Redis, type RedisOptions } from "ioredis";

export type CreateRedisOptions = Pick<RedisOptions, "keyPrefix" | "lazyConnect" | "maxRetriesPerRequest" | "enableOfflineQueue" | "connectionName" | "commandTimeout" | "autoResendUnfulfilledCommands">;

/** One ioredis connection to `url`. Callers own it and must `quit()` it. */
export function createRedis(url: string, opts: CreateRedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, ...opts });
}

/** Readiness probe: resolves when Redis answers PING. */
export async function checkRedis(redis: Redis): Promise<void> {
  const pong: string = await redis.ping();
  if (pong !== "PONG") throw new Error(`unexpected PING reply ${pong}`);
}

/**
 * Deletes every key starting with `prefix` (SCAN in pages of 1,000, then UNLINK): how a test, a
 * benchmark or the e2e stack removes the keys of its own namespace. Never call it with "".
 */
export async function deleteKeysWithPrefix(redis: Pick<Redis, "scan" | "unlink">, prefix: string): Promise<number> {
  if (prefix === "") throw new Error("deleteKeysWithPrefix: an empty prefix would delete every key");
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  return deleted;
}
