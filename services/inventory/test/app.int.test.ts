import t from "tap";
import { serviceAppTests } from "@drops/http/testing";
import { testEnv } from "@drops/testing";
import { buildApp } from "../src/app.ts";
import { readConfig } from "../src/config.ts";

serviceAppTests(t, {
  buildApp,
  readConfig,
  port: 3002,
  name: "inventory",
  checks: ["kafka", "postgres", "redis"],
  broken: { check: "redis", label: "Redis", env: { REDIS_URL: "redis://127.0.0.1:1" } },
  identity: { internal: { method: "GET", url: "/internal/drops/8b0d6a8e-2f7e-4d43-9a57-1d7c2c7b4f10/stock" } },
});

t.test("WORKERS_ENABLED=false: buildApp returns no workers; otherwise workers to start", async (t) => {
  const env = { LOG_LEVEL: "silent", REDIS_URL: testEnv.redisUrl, DATABASE_URL: testEnv.databaseUrl, KAFKA_BROKERS: testEnv.kafkaBrokers.join(",") };
  const off = await buildApp(readConfig({ ...env, WORKERS_ENABLED: "false" }));
  t.teardown(() => off.app.close());
  t.equal(off.workers, undefined);
  const on = await buildApp(readConfig(env));
  t.teardown(() => on.app.close());
  t.ok(on.workers, "the relay, opener, sweeper and command consumer, started by runService");
});
