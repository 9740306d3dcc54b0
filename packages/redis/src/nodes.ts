import type { Redis } from "ioredis";
import { createRedis } from "./client.ts";

/**
 * Redis nodes for Redlock from a comma-separated list (e.g. env `REDLOCK_NODES`): one node in dev,
 * three independent nodes for a quorum in docker-compose. Falls back to `fallback` (usually REDIS_URL).
 */
export function parseRedisNodes(list: string | undefined, fallback: string): string[] {
  const urls = (list ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  return urls.length > 0 ? urls : [fallback];
}

/** One connection per node; the caller owns them and must `quit()` them. */
export function createLockClients(urls: readonly string[]): Redis[] {
  return urls.map((url) => createRedis(url, { connectionName: "redlock" }));
}
