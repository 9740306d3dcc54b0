/**
 * Every order-service route fuzzed (FUZZ_RUNS cases each, default 1000; FUZZ_SEED replays a run)
 * with requests generated from the route's own schema, against orders of every status: never a
 * 5xx, every 4xx `{code, message}` of the catalogue, and nothing half-applied: an order changes
 * status only when a 2xx said so (a buyer's cancel of its own held order), never another buyer's.
 */
import { randomUUID } from "node:crypto";
import t from "tap";
import pg from "pg";
import { withTestSchema } from "@drops/db/testing";
import { ERROR_CODES } from "@drops/http";
import { testInternalAuth } from "@drops/http/testing";
import { testEnv } from "@drops/testing";
import { assertionCredentials, describeProblems, fuzzRoutes, fuzzTimeout, routeDiscovery, type AssertedCaller } from "@drops/testing/fuzz";
import { buildApp } from "../src/app.ts";
import { readConfig } from "../src/config.ts";
import { migrationsDir } from "./helpers.ts";

t.setTimeout(fuzzTimeout());

const STATUSES = ["held", "payment_pending", "paid", "confirmed", "cancelled", "expired", "refunded", "refund_pending", "refund_failed"];

t.test("order: every route fuzzed from its schema", async (t) => {
  const db = await withTestSchema(migrationsDir, { prefix: "orderfuzz" });
  t.teardown(db.cleanup);
  const { app } = await buildApp(readConfig({ LOG_LEVEL: "silent", KAFKA_BROKERS: testEnv.kafkaBrokers.join(","), DATABASE_URL: db.url, DB_SCHEMA: db.schema }));
  t.teardown(() => app.close());
  const discovery = routeDiscovery(app);
  await app.ready();
  const routes = await discovery.routes();
  const pool = new pg.Pool({ connectionString: db.url, options: `-c search_path=${db.schema}` });
  t.teardown(() => pool.end());

  const buyer = randomUUID();
  const otherBuyer = randomUUID();
  const dropId = randomUUID();
  const orders: string[] = [];
  let n = 0;
  for (const who of [buyer, otherBuyer]) {
    for (const status of STATUSES) {
      const id = randomUUID();
      const at = new Date(Date.now() + n++ * 1000);
      try {
        await pool.query(
          `INSERT INTO orders (id, drop_id, buyer_id, quantity, amount_cents, currency, status, hold_expires_at, created_at, updated_at)
           VALUES ($1, $2, $3, 1, 1000, 'EUR', $4, $5, $5, $5)`,
          [id, dropId, who, status, at],
        );
        orders.push(id);
      } catch {
        // a status this schema does not know
      }
    }
  }
  t.ok(orders.length >= 10, `${orders.length} orders of every status`);
  const before = await statuses();
  const owner = new Map((await pool.query<{ id: string; buyer_id: string }>("SELECT id, buyer_id FROM orders")).rows.map((r) => [r.id, r.buyer_id]));

  const gateway = testInternalAuth("gateway");
  const stranger = testInternalAuth("gateway", "another-secret-0123456789-0123456789-abc");
  const admin = { userId: randomUUID(), roles: ["buyer", "admin"] } as AssertedCaller;
  const credentials = assertionCredentials({
    service: "order",
    header: "x-internal-assertion",
    callers: { buyer: { userId: buyer, roles: ["buyer"] }, other: { userId: otherBuyer, roles: ["buyer"] }, admin, seller: { userId: randomUUID(), roles: ["buyer", "seller"] } },
    sign: (aud, caller, nowMs) => gateway.sign(aud, caller, nowMs !== undefined ? { nowMs } : {}),
    signWithOtherSecret: (aud, caller) => stranger.sign(aud, caller),
    admin: admin.userId,
  });
  const changedBy2xx = new Map<string, string>();
  const report = await fuzzRoutes({
    app, routes, codes: ERROR_CODES,
    ctx: { known: { orderId: orders, dropId: [dropId], buyerId: [buyer, otherBuyer], status: STATUSES }, credentials },
    observe: ({ request, response }) => {
      const m = /^\/(?:admin\/)?orders\/([^/?]+)\/(cancel|retry-refund)/.exec(request.url);
      const assertion = request.headers["x-internal-assertion"]?.split(".")[1];
      if (m && response.statusCode < 300) changedBy2xx.set(m[1]!, assertion ? (JSON.parse(Buffer.from(assertion, "base64url").toString()) as { sub: string }).sub : "");
    },
  });
  if (process.env["FUZZ_VERBOSE"]) t.comment(JSON.stringify({ statuses: report.statuses, ms: report.msPerRoute }, null, 1));
  t.comment(`order: ${report.routes} routes, ${report.cases} cases in ${report.ms} ms (seed ${report.seed})`);
  t.ok(process.env["FUZZ_ROUTE"] !== undefined || report.routes >= 6, `${report.routes} routes fuzzed`);
  t.equal(report.problems.length, 0, describeProblems(report));

  const after = await statuses();
  for (const [id, status] of after) {
    if (status === before.get(id)) continue;
    const by = changedBy2xx.get(id);
    t.ok(by !== undefined, `order ${id} went ${before.get(id)} -> ${status} only after a 2xx`);
    t.ok(by === owner.get(id) || by === admin.userId, `order ${id} changed by its buyer or an admin, no one else`);
  }
  t.equal(after.size, before.size, "no order created or lost by a route");

  async function statuses(): Promise<Map<string, string>> {
    const res = await pool.query<{ id: string; status: string }>("SELECT id, status FROM orders");
    return new Map(res.rows.map((r) => [r.id, r.status]));
  }
});
