/** The HTTP API (orders and admin orders) against bad input: 4xx with the error shape, never a 500. */
import { randomUUID } from "node:crypto";
import t from "tap";
import { withTestSchema } from "@drops/db/testing";
import { asUser } from "@drops/http/testing";
import { testEnv } from "@drops/testing";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";
import { migrationsDir } from "../helpers.ts";

const env = { LOG_LEVEL: "silent", KAFKA_BROKERS: testEnv.kafkaBrokers.join(",") };

const junk = ["", " ", "%00", "%FF%FE", "a".repeat(300), "../../etc/passwd", "<script>", "' OR 1=1 --", "%F0%9F%92%A5", "null", "-1", "1e309", "\u0000"];

t.test("fuzzed paths, queries and headers answer 4xx with {code, message}", async (t) => {
  const db = await withTestSchema(migrationsDir, { prefix: "routes" });
  t.teardown(db.cleanup);
  const { app } = await buildApp(readConfig({ ...env, DATABASE_URL: db.url, DB_SCHEMA: db.schema }));
  t.teardown(() => app.close());
  const admin = randomUUID();
  const users = [undefined, "", admin, "x".repeat(500)];
  let calls = 0;
  const problems: string[] = [];
  for (const j of junk) {
    const e = encodeURIComponent(j);
    const requests: { method: "GET" | "POST"; url: string; payload?: InjectOptions["payload"]; headers?: Record<string, string> }[] = [
      { method: "GET", url: `/orders/${e}` },
      { method: "GET", url: `/orders/${j}` },
      { method: "GET", url: `/orders?page=${e}&pageSize=${e}` },
      { method: "GET", url: `/orders?status=${e}&buyerId=${e}` },
      { method: "POST", url: `/orders/${e}/cancel`, payload: j },
      { method: "POST", url: `/orders/${e}/cancel`, payload: { x: j }, headers: { "content-type": "text/plain" } },
      { method: "GET", url: `/admin/orders?status=${e}&page=${e}` },
      { method: "POST", url: `/admin/orders/${e}/retry-refund` },
    ];
    for (const r of requests) {
      for (const user of users) {
        const headers: Record<string, string> = { ...r.headers };
        if (user !== undefined) Object.assign(headers, asUser("order", user, user === admin ? "admin" : "buyer"));
        let res: LightMyRequestResponse;
        try {
          const opts: InjectOptions = { method: r.method, url: r.url, headers, ...(r.payload !== undefined ? { payload: r.payload } : {}) };
          res = await app.inject(opts);
        } catch {
          continue; // the HTTP layer refused to even build the request (invalid URL characters)
        }
        calls++;
        const what = `${r.method} ${r.url} user=${String(user).slice(0, 10)} -> ${res.statusCode}`;
        // 200 only where the request is valid: a plain id, a valid list query
        if (res.statusCode >= 500) problems.push(`${what} ${res.body}`);
        if (res.statusCode >= 500 || res.statusCode === 200) continue;
        const body = res.json<{ code?: unknown; message?: unknown }>();
        if (typeof body.code !== "string" || typeof body.message !== "string") problems.push(`${what} without {code, message}: ${res.body}`);
      }
    }
  }
  t.same(problems, [], "no 5xx, every error with {code, message}");
  t.ok(calls > 300, `${calls} requests, none 5xx`);
});
