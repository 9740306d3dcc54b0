/** The internal watcher routes against bad ids: 4xx with the error shape, before any database is touched. */
import { randomUUID } from "node:crypto";
import t from "tap";
import { asService } from "@drops/http/testing";
import { buildApp } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";

t.test("bad watcher ids answer 4xx with the error shape, never 5xx", async (t) => {
  const { app } = await buildApp(readConfig({ LOG_LEVEL: "silent", LIVE_PUSH: "memory", DATABASE_URL: "postgresql://postgres@127.0.0.1:1/drops", KAFKA_BROKERS: "127.0.0.1:1" }));
  t.teardown(() => app.close());
  const [buyerId, dropId] = [randomUUID(), randomUUID()];
  const cases: { name: string; method: "PUT"; url: string; status: number }[] = [
    { name: "watch: bad drop id", method: "PUT", url: `/internal/drops/bad%20id/watchers/${buyerId}`, status: 400 },
    { name: "watch: bad buyer id", method: "PUT", url: `/internal/drops/${dropId}/watchers/a%2Fb`, status: 400 },
    { name: "watch: overlong buyer id", method: "PUT", url: `/internal/drops/${dropId}/watchers/${"x".repeat(201)}`, status: 414 },
  ];
  for (const c of cases) {
    const res = await app.inject({ method: c.method, url: c.url, headers: asService("notification") });
    t.equal(res.statusCode, c.status, `${c.name}: ${res.body}`);
    t.type(res.json().code, "string", `${c.name}: error shape`);
  }
});
