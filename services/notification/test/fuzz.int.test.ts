/**
 * Every notification-service route fuzzed (FUZZ_RUNS cases each, default 1000; FUZZ_SEED replays a
 * run) with requests generated from the route's own schema (the live stream included: a stream
 * that opens is hung up at once): never a 5xx, every 4xx `{code, message}` of the catalogue, and
 * nothing half-applied: a notification is marked read only by its own buyer's 2xx.
 */
import { randomUUID } from "node:crypto";
import t from "tap";
import { ERROR_CODES } from "@drops/http";
import { testInternalAuth } from "@drops/http/testing";
import { assertionCredentials, describeProblems, fuzzRoutes, fuzzTimeout, routeDiscovery } from "@drops/testing/fuzz";
import { insertNotifications } from "../src/store/notifications.ts";
import { startNotifyEnv } from "./helpers.ts";

t.setTimeout(fuzzTimeout());

t.test("notification: every route fuzzed from its schema", async (t) => {
  const env = await startNotifyEnv(t);
  const { app } = env;
  const discovery = routeDiscovery(app);
  await app.ready();
  const routes = await discovery.routes();
  const buyer = randomUUID();
  const other = randomUUID();
  const dropId = randomUUID();
  const pool = env.clients.pool;
  const conn = await pool.connect();
  const rows = await insertNotifications(conn, [buyer, other].flatMap((b) => Array.from({ length: 3 }, () => ({
    id: randomUUID(), buyerId: b, orderId: randomUUID(), dropId, kind: "order_confirmed" as const, title: "t", body: "b", sourceEventId: randomUUID(), createdAt: new Date(),
  })))).finally(() => conn.release());
  t.equal(rows.length, 6);

  const gateway = testInternalAuth("gateway");
  const stranger = testInternalAuth("gateway", "another-secret-0123456789-0123456789-abc");
  const admin = randomUUID();
  const credentials = assertionCredentials({
    service: "notification",
    header: "x-internal-assertion",
    callers: { buyer: { userId: buyer, roles: ["buyer"] }, other: { userId: other, roles: ["buyer"] }, admin: { userId: admin, roles: ["buyer", "admin"] } },
    sign: (aud, caller, nowMs) => gateway.sign(aud, caller, nowMs !== undefined ? { nowMs } : {}),
    signWithOtherSecret: (aud, caller) => stranger.sign(aud, caller),
    admin,
  });
  const readBy = new Map<string, string>();
  const report = await fuzzRoutes({
    app, routes, codes: ERROR_CODES,
    ctx: { known: { id: rows.map((r) => r.id), dropId: [dropId], buyerId: [buyer, other] }, credentials },
    observe: ({ request, response }) => {
      const m = /^\/notifications\/([^/?]+)\/read/.exec(request.url);
      const assertion = request.headers["x-internal-assertion"]?.split(".")[1];
      if (m && response.statusCode < 300 && assertion) readBy.set(m[1]!, (JSON.parse(Buffer.from(assertion, "base64url").toString()) as { sub: string }).sub);
    },
  });
  if (process.env["FUZZ_VERBOSE"]) t.comment(JSON.stringify({ statuses: report.statuses, ms: report.msPerRoute }, null, 1));
  t.comment(`notification: ${report.routes} routes, ${report.cases} cases in ${report.ms} ms (seed ${report.seed})`);
  t.ok(process.env["FUZZ_ROUTE"] !== undefined || report.routes >= 5, `${report.routes} routes fuzzed`);
  t.equal(report.problems.length, 0, describeProblems(report));

  const after = await pool.query<{ id: string; buyer_id: string; read_at: Date | null }>("SELECT id, buyer_id, read_at FROM notifications");
  for (const r of after.rows) {
    if (r.read_at !== null) t.equal(readBy.get(r.id), r.buyer_id, `notification ${r.id} read only by its buyer`);
  }
});
