/**
 * Every inventory route fuzzed (FUZZ_RUNS cases each, default 1000; FUZZ_SEED replays a run) with
 * requests generated from the route's own schema: never a 5xx, every 4xx `{code, message}` of the
 * catalogue, and nothing half-applied: after the run, Redis and the ledger still agree on every
 * drop and product the run touched (the reconcile check of GET .../stock).
 */
import t from "tap";
import { ERROR_CODES } from "@drops/http";
import { asService, testInternalAuth } from "@drops/http/testing";
import { deleteKeysWithPrefix } from "@drops/redis";
import { uniqueName } from "@drops/testing";
import { assertionCredentials, describeProblems, fuzzRoutes, fuzzTimeout, routeDiscovery, type AssertedCaller } from "@drops/testing/fuzz";
import { buildApp } from "../src/app.ts";
import { openClients } from "../src/clients.ts";
import { configFor, dbFixture } from "./db-fixture.ts";

t.setTimeout(fuzzTimeout());

t.test("inventory: every route fuzzed from its schema", async (t) => {
  const db = await dbFixture(t);
  const prefix = `${uniqueName("invfuzz")}:`;
  const config = configFor(db, { STOCK_KEY_PREFIX: prefix, WORKERS_ENABLED: "false" });
  const clients = openClients(config);
  const { app } = await buildApp(config, clients);
  t.teardown(async () => {
    await deleteKeysWithPrefix(clients.redis, prefix);
    await app.close();
  });
  const discovery = routeDiscovery(app);
  await app.ready();
  const routes = await discovery.routes();

  const service = () => asService("inventory");
  const call = (method: "PUT" | "POST" | "GET", url: string, payload?: object) => app.inject({ method, url, headers: service(), ...(payload ? { payload } : {}) });
  const scheduled = uniqueName("drop");
  const open = uniqueName("drop");
  const productId = uniqueName("prod");
  for (const [dropId, startsAt] of [[scheduled, Date.now() + 3_600_000], [open, Date.now() - 1000]] as const) {
    const res = await call("PUT", `/internal/drops/${dropId}`, { total: 10, startsAt: new Date(startsAt).toISOString(), perBuyerLimit: 2, holdSeconds: 60 });
    t.ok(res.statusCode < 300, res.body);
  }
  t.ok((await call("PUT", `/internal/products/${productId}/stock`, { total: 10 })).statusCode < 300);

  const gateway = testInternalAuth("gateway");
  const stranger = testInternalAuth("gateway", "another-secret-0123456789-0123456789-abc");
  const admin = { userId: "00000000-0000-4000-8000-0000000000aa", roles: ["buyer", "admin"] } as AssertedCaller;
  const credentials = assertionCredentials({
    service: "inventory",
    header: "x-internal-assertion",
    callers: { admin, seller: { userId: "00000000-0000-4000-8000-0000000000bb", roles: ["buyer", "seller"] }, buyer: { userId: "00000000-0000-4000-8000-0000000000cc", roles: ["buyer"] } },
    sign: (aud, caller, nowMs) => gateway.sign(aud, caller, nowMs !== undefined ? { nowMs } : {}),
    signWithOtherSecret: (aud, caller) => stranger.sign(aud, caller),
    admin: admin.userId,
  });
  // The inventory's callers are services: its own call weighs as much as all user ones.
  credentials.push(...Array.from({ length: 3 }, () => ({ name: "service", headers: service })));
  const report = await fuzzRoutes({ app, routes, ctx: { known: { dropId: [scheduled, open], productId: [productId] }, credentials }, codes: ERROR_CODES });
  if (process.env["FUZZ_VERBOSE"]) t.comment(JSON.stringify({ statuses: report.statuses, ms: report.msPerRoute }, null, 1));
  t.comment(`inventory: ${report.routes} routes, ${report.cases} cases in ${report.ms} ms (seed ${report.seed})`);
  t.ok(process.env["FUZZ_ROUTE"] !== undefined || report.routes >= 8, `${report.routes} routes fuzzed`);
  t.equal(report.problems.length, 0, describeProblems(report));

  for (const url of [`/internal/drops/${scheduled}/stock`, `/internal/drops/${open}/stock`, `/internal/products/${productId}/stock`]) {
    const res = await call("GET", url);
    t.equal(res.statusCode, 200, `${url}: ${res.body}`);
    t.not(res.json<{ consistent?: boolean }>().consistent, false, `${url}: Redis and the ledger agree after the run (${res.body})`);
  }
});
