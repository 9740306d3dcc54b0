import t from "tap";
import { fileURLToPath } from "node:url";
import { uniqueName, testEnv } from "@drops/testing";
import { createRedis, defineScripts, parseLuaHeader, LuaHeaderError, readLuaScripts, scriptName, genericScripts, ScriptNameClashError } from "../src/index.ts";

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));

t.test("header parsing", async (t) => {
  const h = parseLuaHeader(
    ["-- demo: x", "-- KEYS: 1", "--   KEYS[1] the key", "-- ARGV:", "--   ARGV[1] v", "-- RETURNS: 1", "return redis.call('SET', KEYS[1], ARGV[1])"].join("\n"),
    "demo.lua",
  );
  t.same(h, { summary: "demo: x", numberOfKeys: 1, keys: ["the key"], argv: ["v"], returns: "1" });
  t.equal(parseLuaHeader("-- none\n-- KEYS: 0\n-- RETURNS: 1\nreturn 1", "z.lua").numberOfKeys, 0);
  t.throws(() => parseLuaHeader("return 1", "empty.lua"), /empty\.lua: missing header comment/);
  t.throws(() => parseLuaHeader("-- x\n-- KEYS: 1\n--  KEYS[1] k\nreturn 1", "r.lua"), /missing `-- RETURNS/);
  t.throws(() => parseLuaHeader("-- x\n-- KEYS: 1\n--  KEYS[2] k\n-- RETURNS: 1\nreturn 1", "g.lua"), /without gaps/);
  t.throws(() => parseLuaHeader("-- x\n-- KEYS: 1\n--  KEYS[1] k\n-- RETURNS: 1\nreturn KEYS[2]", "b.lua"), /body uses KEYS\[2\]/);
  t.equal(scriptName("/a/fenced-set.lua"), "fencedSet");
  t.equal(scriptName("reserve_stock.lua"), "reserveStock");
});

t.test("a bad header fails loading with a clear message", async (t) => {
  t.throws(() => readLuaScripts(fixture("bad-missing")), { name: "LuaHeaderError", message: /no-keys\.lua: missing `-- KEYS: <n>` line/ });
  t.throws(() => readLuaScripts(fixture("bad-count")), /wrong-count\.lua: header says KEYS: 2 but documents 1 KEYS\[i\] entries/);
  t.throws(() => readLuaScripts(fixture("bad-argv")), /undocumented-argv\.lua: body uses ARGV\[2\] which the header does not document/);
  const redis = createRedis(testEnv.redisUrl, { lazyConnect: true });
  t.teardown(() => redis.disconnect());
  t.throws(() => defineScripts(redis, fixture("bad-count")), LuaHeaderError);
});

t.test("load and run a script through the runner (real Redis)", async (t) => {
  const prefix = uniqueName("redis_scripts");
  const redis = createRedis(testEnv.redisUrl);
  t.teardown(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  const scripts = defineScripts(redis, fixture("good"));
  t.same([...scripts.scripts.keys()], ["incrBoth"]);
  t.equal(scripts.scripts.get("incrBoth")?.numberOfKeys, 2);
  t.equal(await scripts.run("incrBoth", [`${prefix}:a`, `${prefix}:b`], [5]), 10);
  t.equal(await scripts.run("incrBoth", [`${prefix}:a`, `${prefix}:b`], [1]), 12);
  await t.rejects(scripts.run("incrBoth", [`${prefix}:a`], [1]), /takes 2 keys, got 1/);
  await t.rejects(scripts.run("nope", [], []), /unknown Lua script nope/);
  t.same([...genericScripts(redis).scripts.keys()].sort(), ["fenceIncr", "fencedSet"]);
});

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
