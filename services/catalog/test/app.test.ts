import t from "tap";
import { testEnv } from "@drops/testing";
import { buildApp } from "../src/app.ts";
import { readConfig } from "../src/config.ts";

const env = {
  LOG_LEVEL: "silent",
  DATABASE_URL: testEnv.databaseUrl,
  REDIS_URL: testEnv.redisUrl,
  KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
};

t.test("config defaults and fail-fast", async (t) => {
  const config = readConfig({});
  t.equal(config.PORT, 3001);
  t.equal(config.SERVICE_NAME, "catalog");
  t.throws(() => readConfig({ PORT: "http", KAFKA_BROKERS: " , " }), { name: "ConfigError", message: /KAFKA_BROKERS[\s\S]*PORT/ });
});

t.test("/health and /ready against the real infrastructure", async (t) => {
  const app = await buildApp(readConfig(env));
  t.teardown(() => app.close());
  const health = await app.inject({ url: "/health" });
  t.equal(health.statusCode, 200);
  t.same(health.json(), { status: "ok" });
  const ready = await app.inject({ url: "/ready" });
  t.equal(ready.statusCode, 200, ready.body);
  t.same(ready.json(), { status: "ready", checks: { kafka: "ok", postgres: "ok" } });
});

t.test("/ready is 503 when PostgreSQL is unreachable", async (t) => {
  const app = await buildApp(readConfig({ ...env, DATABASE_URL: "postgresql://postgres@127.0.0.1:1/drops", READY_TIMEOUT_MS: "1500" }));
  t.teardown(() => app.close());
  const started = Date.now();
  const ready = await app.inject({ url: "/ready" });
  t.ok(Date.now() - started < 5000, "answers fast");
  t.equal(ready.statusCode, 503);
  const body = ready.json();
  t.equal(body.code, "NOT_READY");
  t.not(body.checks.postgres, "ok");
  t.equal(body.checks.kafka, "ok");
  t.equal((await app.inject({ url: "/health" })).statusCode, 200, "liveness does not depend on PostgreSQL");
});

t.test("unknown routes answer 404 NOT_FOUND", async (t) => {
  const app = await buildApp(readConfig(env));
  t.teardown(() => app.close());
  const res = await app.inject({ url: "/nope" });
  t.equal(res.statusCode, 404);
  t.equal(res.json().code, "NOT_FOUND");
});
