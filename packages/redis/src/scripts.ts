import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Redis } from "ioredis";
import { parseLuaHeader, type LuaHeader } from "./lua-header.ts";

/** One Lua script file, parsed and checked. `name` is the camelCased file name (`fenced-set.lua` -> `fencedSet`). */
export type LuaScript = LuaHeader & { name: string; file: string; lua: string };

export type ScriptArg = string | number | Buffer;

/** Scripts registered on one ioredis connection with `defineCommand`. */
export type Scripts = {
  readonly redis: Redis;
  readonly scripts: ReadonlyMap<string, LuaScript>;
  /** Runs script `name` (EVALSHA, falling back to EVAL once). Throws if `keys.length` differs from the header. */
  run(name: string, keys: readonly string[], args?: readonly ScriptArg[]): Promise<unknown>;
};

export function scriptName(file: string): string {
  return basename(file, ".lua").replace(/[-_.]+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Reads and checks one `.lua` file. Throws LuaHeaderError when its header is missing or inconsistent. */
export function readLuaScript(file: string): LuaScript {
  const lua = readFileSync(file, "utf8");
  return { ...parseLuaHeader(lua, file), name: scriptName(file), file, lua };
}

/** Reads every `*.lua` file in `dir` (not recursive), sorted by name. */
export function readLuaScripts(dir: string): LuaScript[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".lua")).sort();
  if (files.length === 0) throw new Error(`no .lua files in ${dir}`);
  return files.map((f) => readLuaScript(join(dir, f)));
}

type Command = (...args: ScriptArg[]) => Promise<unknown>;

/**
 * Registers scripts on `redis` with `defineCommand` (name, numberOfKeys from the header) and returns a
 * runner. `source` is a directory of `.lua` files, or scripts already read. Fails loudly at load on a bad
 * header or a duplicate name. Call once per connection at start-up; services keep their own `.lua` folders.
 */
export function defineScripts(redis: Redis, source: string | readonly LuaScript[]): Scripts {
  const list = typeof source === "string" ? readLuaScripts(source) : source;
  const scripts = new Map<string, LuaScript>();
  for (const s of list) {
    if (scripts.has(s.name)) throw new Error(`duplicate Lua script name ${s.name} (${s.file})`);
    scripts.set(s.name, s);
    redis.defineCommand(s.name, { numberOfKeys: s.numberOfKeys, lua: s.lua });
  }
  return {
    redis,
    scripts,
    run(name, keys, args = []) {
      const s = scripts.get(name);
      if (!s) return Promise.reject(new Error(`unknown Lua script ${name}; defined: ${[...scripts.keys()].join(", ")}`));
      if (keys.length !== s.numberOfKeys) {
        return Promise.reject(new Error(`Lua script ${name} takes ${s.numberOfKeys} keys, got ${keys.length}`));
      }
      const command = (redis as unknown as Record<string, Command>)[name];
      if (typeof command !== "function") return Promise.reject(new Error(`Lua script ${name} is not defined on this connection`));
      return command.call(redis, ...keys, ...args);
    },
  };
}
