/**
 * The inventory's stock scripts: every `./lua/*.lua` file, with its `-- @include` fragments from
 * `./lua/includes/` inlined, read and header-checked once at import by the shared loader of
 * @drops/redis. The script names are the file names (camelCased): there is no other list of them.
 * The loader defines a command named after each file on the connection, so no file may be named like
 * an ioredis member: hence `expire-holds.lua` (not `expire`, ioredis' EXPIRE) and `set-drop-status.lua`
 * (not `set-status`: `setStatus` is ioredis' internal connection-state method, and shadowing it leaves
 * the connection hanging in "connecting"). defineScripts refuses such a name (ScriptNameClashError).
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { defineScripts, readLuaScripts, type LuaScript, type Scripts, type StockRedis } from "@drops/redis";
import { scriptVersionKey } from "./keys.ts";

/**
 * The stock Redis client type, via @drops/redis (the inventory does not depend on ioredis directly):
 * one Redis, or a Redis Cluster client; every stock key of a drop carries `{drop:<id>}` (keys.ts).
 */
export type Redis = StockRedis;

export type StockScripts = Pick<Scripts, "run">;

export const STOCK_LUA_DIR = fileURLToPath(new URL("./lua/", import.meta.url));

/** Every stock script, read (includes inlined) and checked once, at import. */
export const STOCK_SCRIPTS: readonly LuaScript[] = readLuaScripts(STOCK_LUA_DIR);

/**
 * Version of the stock scripts: sha1 over every script's name and inlined source, derived at load.
 * The inventory records it in Redis (`stock:script-version`) when it starts; a process that reserves
 * through `@drops/inventory-service/purchase` compares it with its own (checkScriptVersion).
 */
export const SCRIPT_VERSION: string = STOCK_SCRIPTS.reduce((h, s) => h.update(`${s.name}\0${s.lua}\0`), createHash("sha1")).digest("hex");

/** Defines the stock scripts on `redis`: all of them, or only those named in `only` (each must exist). */
export function defineStockScripts(redis: Redis, only?: readonly string[]): StockScripts {
  const unknown = (only ?? []).filter((name) => !STOCK_SCRIPTS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`no stock script ${unknown.join(", ")}; the scripts are ${STOCK_SCRIPTS.map((s) => s.name).join(", ")}`);
  const scripts = defineScripts(redis, only === undefined ? STOCK_SCRIPTS : STOCK_SCRIPTS.filter((s) => only.includes(s.name)));
  return { run: (name, keys, args) => scripts.run(name, keys, args) };
}

/** Records SCRIPT_VERSION at `<prefix>stock:script-version` (the inventory, when it starts). */
export async function recordScriptVersion(redis: Redis, prefix: string): Promise<void> {
  await redis.set(scriptVersionKey(prefix), SCRIPT_VERSION);
}
