import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { defineScripts, type Scripts } from "./scripts.ts";

/** Folder of the generic scripts shipped with this package (fenced-set, fence-incr). */
export const GENERIC_LUA_DIR: string = fileURLToPath(new URL("./lua/", import.meta.url));

const cache = new WeakMap<Redis, Scripts>();

/** The generic scripts, registered on `redis` once (cached per connection). */
export function genericScripts(redis: Redis): Scripts {
  let s = cache.get(redis);
  if (!s) {
    s = defineScripts(redis, GENERIC_LUA_DIR);
    cache.set(redis, s);
  }
  return s;
}

export type FencedSetInput = {
  /** The lock's fence key: `locker.fenceKey(resource)`. Must live on the same Redis as `key`. */
  fenceKey: string;
  key: string;
  token: number;
  value: string;
  ttlMs?: number;
};

/** SET `key` = `value` only if `token` is not older than the fence. Returns false for a stale token (nothing written). */
export async function fencedSet(redis: Redis, input: FencedSetInput): Promise<boolean> {
  const r = await genericScripts(redis).run("fencedSet", [input.fenceKey, input.key], [input.token, input.value, input.ttlMs ?? 0]);
  return r === 1;
}

/** Next fencing token if the caller holds `lockKey` with `lockValue` on this node, else 0. */
export async function fenceIncr(redis: Redis, lockKey: string, fenceKey: string, lockValue: string): Promise<number> {
  const r = await genericScripts(redis).run("fenceIncr", [lockKey, fenceKey], [lockValue]);
  return Number(r);
}
