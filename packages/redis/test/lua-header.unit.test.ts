import t from "tap";
import { fileURLToPath } from "node:url";
import { testEnv } from "@drops/testing";
import { createRedis, defineScripts, parseLuaHeader, LuaHeaderError, readLuaScripts, scriptName } from "../src/index.ts";

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
