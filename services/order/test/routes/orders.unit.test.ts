/** The HTTP API with its database down (an unreachable port, no infrastructure needed): 503 UNAVAILABLE, never a 500. */
import { randomUUID } from "node:crypto";
import t from "tap";
import { buildApp } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";
import { asUser } from "@drops/http/testing";

t.test("the database down: reads and cancels answer 503 UNAVAILABLE", async (t) => {
  const { app } = await buildApp(readConfig({ LOG_LEVEL: "silent", DATABASE_URL: "postgresql://postgres@127.0.0.1:1/drops", KAFKA_BROKERS: "127.0.0.1:1", READY_TIMEOUT_MS: "1000" }));
  t.teardown(() => app.close());
  const orderId = randomUUID();
  for (const r of [
    { method: "GET" as const, url: `/orders/${orderId}` },
    { method: "GET" as const, url: "/orders" },
    { method: "POST" as const, url: `/orders/${orderId}/cancel` },
  ]) {
    const res = await app.inject({ ...r, headers: asUser("order", randomUUID()) });
    t.equal(res.statusCode, 503, `${r.method} ${r.url}: ${res.body}`);
    t.equal(res.json<{ code: string }>().code, "UNAVAILABLE");
  }
});
