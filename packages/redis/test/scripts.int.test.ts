import t from "tap";
import { fileURLToPath } from "node:url";
import { uniqueName, testEnv } from "@drops/testing";
import { createRedis, defineScripts, genericScripts, readLuaScript } from "../src/index.ts";

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));

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

t.test("an inlined script runs as one program on Redis (real Redis)", async (t) => {
  const prefix = uniqueName("redis_includes");
  const redis = createRedis(testEnv.redisUrl);
  t.teardown(async () => {
    await redis.del(`${prefix}:n`);
    await redis.quit();
  });
  const scripts = defineScripts(redis, fixture("includes-good"));
  t.equal(await scripts.run("addTwice", [`${prefix}:n`], [3]), 6);
  t.equal(await scripts.run("addTwice", [`${prefix}:n`], [1]), 8);
  t.equal(await defineScripts(redis, [readLuaScript(`${fixture("includes-cycle")}ping-pong.lua`)]).run("pingPong", []), "ping pong");
});
