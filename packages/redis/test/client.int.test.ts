import t from "tap";
import { testEnv, uniqueName } from "@drops/testing";
import { createRedis, deleteKeysWithPrefix } from "../src/index.ts";

t.test("deleteKeysWithPrefix deletes its namespace and nothing else, and refuses an empty prefix", async (t) => {
  const redis = createRedis(testEnv.redisUrl);
  t.teardown(() => redis.quit());
  const prefix = `${uniqueName("del")}:`;
  const other = `${uniqueName("keep")}:k`;
  for (let i = 0; i < 2500; i++) await redis.set(`${prefix}${i}`, "1");
  await redis.set(other, "1");
  t.teardown(() => redis.del(other));
  t.equal(await deleteKeysWithPrefix(redis, prefix), 2500);
  t.same(await redis.keys(`${prefix}*`), []);
  t.equal(await redis.get(other), "1");
  await t.rejects(deleteKeysWithPrefix(redis, ""), /empty prefix/);
});
