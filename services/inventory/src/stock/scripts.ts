/**
 * Registers the inventory's stock scripts (./lua/*.lua) on one ioredis connection with the shared
 * loader of @drops/redis, which checks each file's KEYS / ARGV / RETURNS header at load.
 * The loader defines a command named after each file on the connection, so no file may be named like
 * an ioredis member: hence `expire-holds.lua` (not `expire`, ioredis' EXPIRE) and `set-drop-status.lua`
 * (not `set-status`: `setStatus` is ioredis' internal connection-state method, and shadowing it leaves
 * the connection hanging in "connecting"). defineScripts refuses such a name (ScriptNameClashError).
 */
import { fileURLToPath } from "node:url";
import { defineScripts, readLuaScripts, type createRedis, type ScriptArg } from "@drops/redis";

/** The ioredis client type, via @drops/redis (the inventory does not depend on ioredis directly). */
export type Redis = ReturnType<typeof createRedis>;

export type StockScriptName = "openDrop" | "reserve" | "confirm" | "release" | "refund" | "expireHolds" | "setDropStatus" | "resyncDrop" | "adjustStock";

export type StockScripts = {
  run(name: StockScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown>;
};

export const STOCK_LUA_DIR = fileURLToPath(new URL("./lua/", import.meta.url));

/** Read and header-checked once, at import. */
const SCRIPTS = readLuaScripts(STOCK_LUA_DIR);

export function defineStockScripts(redis: Redis): StockScripts {
  const scripts = defineScripts(redis, SCRIPTS);
  return { run: (name, keys, args) => scripts.run(name, keys, args) };
}
