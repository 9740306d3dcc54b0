import t from "tap";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { testEnv } from "@drops/testing";
import { createRedis, defineScripts, inlineIncludes, LuaIncludeError, readLuaScript, readLuaScripts, ScriptNameClashError } from "../src/index.ts";

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));

t.test("a script name that clashes with an ioredis member is refused before anything is defined", async (t) => {
  const redis = createRedis(testEnv.redisUrl, { lazyConnect: true });
  t.teardown(() => redis.disconnect());
  const err = t.throws(() => defineScripts(redis, fixture("clash")), ScriptNameClashError) as Error;
  t.match(err.message, /expire \(.*expire\.lua\) would shadow the ioredis member "expire"/);
  t.match(err.message, /setStatus \(.*set-status\.lua\) would shadow the ioredis member "setStatus"/);
  t.notMatch(err.message, /zzFine/);
  t.equal((redis as unknown as Record<string, unknown>)["zzFine"], undefined, "nothing defined when one name clashes");
  t.equal(typeof redis.expire, "function");
  t.equal(redis.status, "wait", "connection state untouched");
});

t.test("the same scripts may be defined twice on one connection, different Lua under a known name may not", async (t) => {
  const redis = createRedis(testEnv.redisUrl, { lazyConnect: true });
  t.teardown(() => redis.disconnect());
  const good = readLuaScripts(fixture("good"));
  defineScripts(redis, good);
  t.doesNotThrow(() => defineScripts(redis, good));
  const changed = good.map((s) => ({ ...s, lua: `${s.lua}\n-- changed` }));
  t.throws(() => defineScripts(redis, changed), { name: "ScriptNameClashError", message: /incrBoth .* already defined on this connection with different Lua/ });
});

t.test("-- @include inlines fragments recursively, each once, after the script's own header", async (t) => {
  const [addTwice, plain] = readLuaScripts(fixture("includes-good"));
  t.equal(addTwice?.name, "addTwice");
  t.same(addTwice?.includes, ["twice", "add"], "twice first, add through twice; the script's own `-- @include add` is not inlined again");
  t.same({ numberOfKeys: addTwice?.numberOfKeys, argv: addTwice?.argv, returns: addTwice?.returns }, { numberOfKeys: 1, argv: ["amount"], returns: "the counter after adding 2 * amount" }, "the header is the script's own");
  const lua = addTwice?.lua ?? "";
  t.equal(lua.match(/local function add\(/g)?.length, 1, "add defined once");
  t.ok(lua.indexOf("local function add(") < lua.indexOf("local function twice("), "a fragment's includes come before it");
  t.notMatch(lua, /^\s*--\s*@include (add|twice)\s*$/m, "no directive left");
  t.ok(lua.startsWith(readFileSync(`${fixture("includes-good")}add-twice.lua`, "utf8").split("\n").slice(0, 6).join("\n")), "starts with the script's header");
  t.equal(plain?.lua, readFileSync(`${fixture("includes-good")}plain.lua`, "utf8"), "a script without includes is byte for byte its file");
  t.same(plain?.includes, []);
  t.same(readLuaScripts(fixture("includes-good")).map((s) => s.name), ["addTwice", "plain"], "includes/ holds fragments, not scripts");
});

t.test("include cycles end: each fragment is inlined once", async (t) => {
  const s = readLuaScript(`${fixture("includes-cycle")}ping-pong.lua`);
  t.same(s.includes, ["ping", "pong"]);
  t.match(s.lua, /-- @include ping: already inlined above/);
});

t.test("a missing include is a clear error naming the file", async (t) => {
  t.throws(() => readLuaScripts(fixture("includes-missing")), { name: "LuaIncludeError", message: /needs-missing\.lua:4: -- @include nowhere: no file .*includes[/\\]nowhere\.lua/ });
  t.throws(() => inlineIncludes("-- @include ../etc", "x.lua", fixture("includes-good")), LuaIncludeError, "a name is a file name in the include folder, not a path");
  const redis = createRedis("redis://127.0.0.1:1", { lazyConnect: true });
  t.teardown(() => redis.disconnect());
  t.throws(() => defineScripts(redis, fixture("includes-missing")), LuaIncludeError, "refused before anything is defined");
});

t.test("the KEYS / ARGV check covers the included fragments", async (t) => {
  t.throws(() => readLuaScripts(fixture("includes-bad-key")), { name: "LuaHeaderError", message: /one-key\.lua \(included .*second-key\.lua\): body uses KEYS\[2\] but the header declares 1 keys/ });
});
