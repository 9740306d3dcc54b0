import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { StockRedis } from "./client.ts";
import { inlineIncludes } from "./includes.ts";
import { checkLuaBody, parseLuaHeader, splitLuaHeader, type LuaHeader } from "./lua-header.ts";

/**
 * One Lua script file, parsed and checked. `name` is the camelCased file name (`fenced-set.lua` ->
 * `fencedSet`); `lua` is the source with its `-- @include` fragments inlined (what Redis runs);
 * `includes` names them in the order they were inlined.
 */
export type LuaScript = LuaHeader & { name: string; file: string; lua: string; includes: string[] };

export type ReadLuaOptions = {
  /** Where `-- @include <name>` finds `<name>.lua`. Default: the `includes/` folder next to the script. */
  includeDir?: string;
};

export type ScriptArg = string | number | Buffer;

/** Scripts registered on one ioredis connection (or Redis Cluster client) with `defineCommand`. */
export type Scripts = {
  readonly redis: StockRedis;
  readonly scripts: ReadonlyMap<string, LuaScript>;
  /** Runs script `name` (EVALSHA, falling back to EVAL once). Throws if `keys.length` differs from the header. */
  run(name: string, keys: readonly string[], args?: readonly ScriptArg[]): Promise<unknown>;
};

export function scriptName(file: string): string {
  return basename(file, ".lua").replace(/[-_.]+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Reads one `.lua` file and inlines its includes. The header is the script's own (its first comment
 * lines); the KEYS / ARGV checks run on the script's body and on every fragment it includes, so an
 * include cannot use a key or argument the script does not declare. Throws LuaHeaderError (header
 * missing or inconsistent, naming the script or the fragment) or LuaIncludeError (missing include).
 */
export function readLuaScript(file: string, opts: ReadLuaOptions = {}): LuaScript {
  const source = readFileSync(file, "utf8");
  const header = parseLuaHeader(source, file);
  const { headerLines, body } = splitLuaHeader(source);
  const inlined = inlineIncludes(body, file, opts.includeDir ?? join(dirname(file), "includes"), headerLines.length + 1);
  for (const inc of inlined.includes) checkLuaBody(inc.source, header, `${file} (included ${inc.file})`);
  const lua = inlined.includes.length === 0 ? source : [...headerLines, inlined.lua].join("\n");
  return { ...header, name: scriptName(file), file, lua, includes: inlined.includes.map((i) => i.name) };
}

/** Reads every `*.lua` file in `dir` (not recursive: `includes/` holds fragments, not scripts), sorted by name. */
export function readLuaScripts(dir: string, opts: ReadLuaOptions = {}): LuaScript[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".lua")).sort();
  if (files.length === 0) throw new Error(`no .lua files in ${dir}`);
  return files.map((f) => readLuaScript(join(dir, f), opts));
}

type Command = (...args: ScriptArg[]) => Promise<unknown>;

/** Lua source of each command defineScripts registered, per connection (a re-definition of the same source is allowed). */
const defined = new WeakMap<StockRedis, Map<string, string>>();

/**
 * Thrown when a script name would shadow a member of the ioredis connection (`expire` is EXPIRE,
 * `setStatus` is ioredis' connection-state method: shadowing it leaves the connection stuck), or a
 * script with different Lua was already defined under that name on this connection.
 */
export class ScriptNameClashError extends Error {
  override name = "ScriptNameClashError";
}

function checkNames(redis: StockRedis, list: readonly LuaScript[]): void {
  const mine = defined.get(redis);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of list) {
    if (seen.has(s.name)) throw new Error(`duplicate Lua script name ${s.name} (${s.file})`);
    seen.add(s.name);
    const previous = mine?.get(s.name);
    if (previous !== undefined) {
      if (previous !== s.lua) problems.push(`${s.name} (${s.file}) is already defined on this connection with different Lua`);
    } else if (s.name in redis) {
      problems.push(`${s.name} (${s.file}) would shadow the ioredis member "${s.name}"`);
    }
  }
  if (problems.length > 0) {
    throw new ScriptNameClashError(`Lua script names clash; rename the .lua files: ${problems.join("; ")}`);
  }
}

/**
 * Registers scripts on `redis` with `defineCommand` (name, numberOfKeys from the header) and returns a
 * runner. `source` is a directory of `.lua` files, or scripts already read. Fails loudly at load, before
 * defining anything, on a bad header, a duplicate name, or a name that clashes with an ioredis member
 * (ScriptNameClashError). Defining the same scripts again on one connection is allowed (same Lua).
 * Services keep their own `.lua` folders. On a Redis Cluster client a script runs on the slot of its
 * keys, which must all share one (a hash tag such as `{drop:<id>}`).
 */
export function defineScripts(redis: StockRedis, source: string | readonly LuaScript[]): Scripts {
  const list = typeof source === "string" ? readLuaScripts(source) : source;
  checkNames(redis, list);
  let mine = defined.get(redis);
  if (!mine) {
    mine = new Map();
    defined.set(redis, mine);
  }
  const scripts = new Map<string, LuaScript>();
  for (const s of list) {
    scripts.set(s.name, s);
    if (mine.has(s.name)) continue;
    redis.defineCommand(s.name, { numberOfKeys: s.numberOfKeys, lua: s.lua });
    mine.set(s.name, s.lua);
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
