/**
 * Registers the inventory's stock scripts (./lua/*.lua) on one ioredis connection with the shared
 * loader of @drops/redis, which checks each file's KEYS / ARGV / RETURNS header at load.
 * The loader defines a command named after each file on the connection, so no file may be named like
 * an ioredis member: hence `expire-holds.lua` (not `expire`, ioredis' EXPIRE) and `set-drop-status.lua`
 * (not `set-status`: `setStatus` is ioredis' internal connection-state method, and shadowing it leaves
 * the connection hanging in "connecting"). defineScripts refuses such a name (ScriptNameClashError).
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { defineScripts, readLuaScripts, type createRedis, type ScriptArg } from "@drops/redis";
import { scriptVersionKey } from "./keys.ts";

/** The ioredis client type, via @drops/redis (the inventory does not depend on ioredis directly). */
export type Redis = ReturnType<typeof createRedis>;

export type StockScriptName = "openDrop" | "reserve" | "confirm" | "release" | "refund" | "expireHolds" | "setDropStatus" | "resyncDrop" | "adjustStock";

export type StockScripts = {
  run(name: StockScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown>;
};

export const STOCK_LUA_DIR = fileURLToPath(new URL("./lua/", import.meta.url));

/** Read and header-checked once, at import. */
const SCRIPTS = readLuaScripts(STOCK_LUA_DIR);

/**
 * Version of the stock scripts: sha1 over every script's name and source, derived at load. The
 * inventory records it in Redis (`stock:script-version`) when it starts; a process that reserves
 * through `@drops/inventory-service/purchase` compares it with its own (checkScriptVersion).
 */
export const SCRIPT_VERSION: string = SCRIPTS.reduce((h, s) => h.update(`${s.name}\0${s.lua}\0`), createHash("sha1")).digest("hex");

/** Defines the stock scripts on `redis`: all of them, or only those named in `only`. */
export function defineStockScripts(redis: Redis, only?: readonly StockScriptName[]): StockScripts {
  const scripts = defineScripts(redis, only === undefined ? SCRIPTS : SCRIPTS.filter((s) => (only as readonly string[]).includes(s.name)));
  return { run: (name, keys, args) => scripts.run(name, keys, args) };
}

/** Records SCRIPT_VERSION at `<prefix>stock:script-version` (the inventory, when it starts). */
export async function recordScriptVersion(redis: Redis, prefix: string): Promise<void> {
  await redis.set(scriptVersionKey(prefix), SCRIPT_VERSION);
}
