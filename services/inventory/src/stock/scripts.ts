/**
 * Registers the inventory's stock scripts (./lua/*.lua) on one ioredis connection.
 * TODO: switch to the shared loader (`defineScripts` in @drops/redis) once it is committed; this
 * file is the only place that knows how scripts are registered.
 */
import { readFileSync } from "node:fs";
import type { createRedis } from "@drops/redis";

/** The ioredis client type, via @drops/redis (the inventory does not depend on ioredis directly). */
export type Redis = ReturnType<typeof createRedis>;

export type StockScriptName = "openDrop" | "reserve" | "confirm" | "release" | "refund" | "expire" | "setStatus";
export type ScriptArg = string | number;
export type StockScripts = {
  run(name: StockScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown>;
};

const FILES: Record<StockScriptName, string> = {
  openDrop: "open-drop.lua",
  reserve: "reserve.lua",
  confirm: "confirm.lua",
  release: "release.lua",
  refund: "refund.lua",
  expire: "expire.lua",
  setStatus: "set-status.lua",
};

type Command = (...args: ScriptArg[]) => Promise<unknown>;

function numberOfKeys(lua: string, file: string): number {
  const m = /^--\s*KEYS:\s*(\d+)\s*$/m.exec(lua);
  if (!m) throw new Error(`${file}: header has no "-- KEYS: <n>" line`);
  return Number(m[1]);
}

const SOURCES = Object.entries(FILES).map(([name, file]) => {
  const lua = readFileSync(new URL(`./lua/${file}`, import.meta.url), "utf8");
  return { name: name as StockScriptName, command: `stock_${name}`, lua, keys: numberOfKeys(lua, file) };
});

export function defineStockScripts(redis: Redis): StockScripts {
  for (const s of SOURCES) redis.defineCommand(s.command, { numberOfKeys: s.keys, lua: s.lua });
  const byName = new Map(SOURCES.map((s) => [s.name, s]));
  return {
    run(name, keys, args) {
      const s = byName.get(name);
      if (!s || keys.length !== s.keys) return Promise.reject(new Error(`stock script ${name}: expected ${s?.keys} keys, got ${keys.length}`));
      const command = (redis as unknown as Record<string, Command>)[s.command];
      if (typeof command !== "function") return Promise.reject(new Error(`stock script ${name} not defined`));
      return command.call(redis, ...keys, ...args);
    },
  };
}
