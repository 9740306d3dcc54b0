/**
 * Every cart route fuzzed (FUZZ_RUNS cases each, default 1000; FUZZ_SEED replays a run) with
 * requests generated from the route's own schema: never a 5xx, every 4xx `{code, message}` of the
 * catalogue, and nothing half-applied: after the run every product's stock still adds up
 * (available + held + sold == total), none negative.
 */
import { randomUUID } from "node:crypto";
import t from "tap";
import { ERROR_CODES } from "@drops/http";
import { testInternalAuth } from "@drops/http/testing";
import { assertionCredentials, describeProblems, fuzzRoutes, fuzzTimeout, routeDiscovery } from "@drops/testing/fuzz";
import { cartStack } from "./helpers.ts";

t.setTimeout(fuzzTimeout());

t.test("cart: every route fuzzed from its schema", async (t) => {
  const s = await cartStack(t);
  const discovery = routeDiscovery(s.app);
  await s.app.ready();
  // Removing lines last, so the checkouts find carts with lines in them.
  const routes = (await discovery.routes()).sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));
  // In stock (the checkouts can go through); a product not for sale and one sold out are only reached by chance.
  const products = [await s.product({ stock: 1_000_000 }), await s.product({ stock: 3 })];
  products.push(await s.product({ stock: null }), await s.product({ stock: 0 }));

  const gateway = testInternalAuth("gateway");
  const stranger = testInternalAuth("gateway", "another-secret-0123456789-0123456789-abc");
  const buyers = Array.from({ length: 3 }, () => randomUUID());
  const callers = Object.fromEntries(buyers.map((b, i) => [`buyer${i}`, { userId: b, roles: ["buyer"] }]));
  const admin = randomUUID();
  const credentials = assertionCredentials({
    service: "cart",
    header: "x-internal-assertion",
    callers: { ...callers, seller: { userId: randomUUID(), roles: ["seller"] } },
    sign: (aud, caller, nowMs) => gateway.sign(aud, caller, nowMs !== undefined ? { nowMs } : {}),
    signWithOtherSecret: (aud, caller) => stranger.sign(aud, caller),
    admin,
  });
  let checkedOut = 0;
  const report = await fuzzRoutes({
    app: s.app, routes, codes: ERROR_CODES,
    ctx: { known: { productId: products.slice(0, 2).map((p) => p.productId), paymentMethod: ["pm_card_ok", "pm_card_declined"], quantity: [1, 2] }, credentials },
    observe: ({ request, response }) => {
      if (request.method === "POST" && request.url.startsWith("/cart/checkout") && response.statusCode < 300) checkedOut++;
    },
  });
  if (process.env["FUZZ_VERBOSE"]) t.comment(JSON.stringify({ statuses: report.statuses, ms: report.msPerRoute }, null, 1));
  t.comment(`cart: ${report.routes} routes, ${report.cases} cases in ${report.ms} ms (seed ${report.seed}); ${checkedOut} checkouts answered 2xx`);
  t.ok(process.env["FUZZ_ROUTE"] !== undefined || report.routes >= 5, `${report.routes} routes fuzzed`);
  t.equal(report.problems.length, 0, describeProblems(report));

  for (const p of products) {
    const snap = await s.snapshot(p.productId);
    if (snap === null) continue;
    t.equal(snap.available + snap.held + snap.sold, snap.total, `${p.productId}: available + held + sold == total (${JSON.stringify(snap)})`);
    t.ok(snap.available >= 0 && snap.held >= 0, "no negative stock");
  }
});
