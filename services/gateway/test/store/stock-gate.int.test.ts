import t from "tap";
import { SCRIPT_VERSION } from "@drops/inventory-service/purchase";
import { testEnv } from "@drops/testing";
import { buildApp } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";
import { scriptVersionKey, stockRedis } from "../helpers.ts";

const OTHER = "0000000000000000000000000000000000000000";
const env = (prefix: string, more: Record<string, string> = {}) =>
  readConfig({ LOG_LEVEL: "silent", REDIS_URL: testEnv.redisUrl, KAFKA_BROKERS: testEnv.kafkaBrokers.join(","), STOCK_KEY_PREFIX: prefix, ...more });

t.test("stock scripts of another version on Redis: the gateway refuses to start, naming both versions", async (t) => {
  const { prefix } = await stockRedis(t, { version: OTHER });
  await t.rejects(buildApp(env(prefix)), {
    name: "ScriptVersionError",
    message: new RegExp(`version mismatch[\\s\\S]*${OTHER}[\\s\\S]*${SCRIPT_VERSION}`),
  });
});

t.test("no script version yet: the start waits for the inventory, and refuses when it never comes", async (t) => {
  const { prefix, redis } = await stockRedis(t, { version: null });
  const started = Date.now();
  await t.rejects(buildApp(env(prefix, { SCRIPT_VERSION_WAIT_MS: "400" })), { name: "ScriptVersionAbsentError", message: /start the inventory service/ });
  t.ok(Date.now() - started >= 400, "waited SCRIPT_VERSION_WAIT_MS");

  const building = buildApp(env(prefix, { SCRIPT_VERSION_WAIT_MS: "10000" }));
  await new Promise((r) => setTimeout(r, 300));
  await redis.set(scriptVersionKey(prefix), SCRIPT_VERSION);
  const { app } = await building;
  t.teardown(() => app.close());
  t.equal((await app.inject({ url: "/health" })).statusCode, 200, "started once the inventory recorded its version");
});
