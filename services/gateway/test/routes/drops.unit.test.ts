import t, { type Test } from "tap";
import { buildApp } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";

/** A gateway with nothing behind it: Redis refused at once (port 1), Kafka and the catalog never called. */
async function bareGateway(t: Test) {
  const { app } = await buildApp(readConfig({ LOG_LEVEL: "silent", REDIS_URL: "redis://127.0.0.1:1", KAFKA_BROKERS: "127.0.0.1:1", CATALOG_URL: "http://127.0.0.1:1" }));
  t.teardown(() => app.close());
  return app;
}

t.test("a malformed URL answers 400 BAD_URL with exactly {code, message}", async (t) => {
  const app = await bareGateway(t);
  const res = await app.inject({ method: "GET", url: "/api/drops/%00%ff" });
  t.equal(res.statusCode, 400);
  const body = res.json<Record<string, unknown>>();
  t.same(Object.keys(body).sort(), ["code", "message"]);
  t.equal(body["code"], "BAD_URL");
  t.type(body["message"], "string");
});
