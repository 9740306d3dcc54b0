/**
 * Every route of the public gateway fuzzed (FUZZ_RUNS cases each, default 1000; FUZZ_SEED replays a
 * run): a gateway in process (app.inject) in front of the whole platform (every internal service a
 * process of the e2e stack), requests generated from the route schemas, every operation of the
 * OpenAPI document (/docs/json) among the routes fuzzed. Bearer tokens: a buyer's, a seller's, an
 * admin's, and forgeries (garbage, expired, `alg: none`, another secret or issuer, tampered).
 * Never a 5xx, every 4xx `{code, message}` of the catalogue, and nothing half-applied: the drop's and
 * the product's stock still reconcile (Redis vs ledger, available + held + sold == total), and the
 * products of the seller are exactly those a 201 created.
 */
import { randomUUID } from "node:crypto";
import t from "tap";
import { buildApp } from "@drops/gateway-service/app";
import { readConfig } from "@drops/gateway-service/config";
import { ERROR_CODES } from "@drops/http";
import { describeProblems, forgedTokens, fuzzRoutes, fuzzTimeout, jwt, openApiOperations, routeDiscovery, type Credential } from "@drops/testing/fuzz";
import { api, createProduct, mintBuyer, purchase, setCartLine, setUpDrop, sleepUntil } from "../src/api.ts";
import { settledStock } from "../src/saga.ts";
import { JWT_SECRET, startStack } from "../src/stack.ts";

t.setTimeout(fuzzTimeout(80));

t.test("gateway: every public route fuzzed from its schema, the whole platform behind it", async (t) => {
  const stack = await startStack();
  t.teardown(() => stack.stop());
  const client = api(stack.gatewayUrl);
  const { app } = await buildApp(readConfig({
    ...stack.envFor("gateway"),
    LOG_LEVEL: "silent",
    // Limits high enough that valid requests reach the handlers, low enough that 429 answers are fuzzed too.
    SIGNUPS_PER_IP: "200", LOGINS_PER_IP: "500", LOGIN_FAILURES_PER_ACCOUNT: "100", PURCHASES_PER_USER: "400", CHECKOUTS_PER_USER: "200",
  }));
  t.teardown(() => app.close());
  const discovery = routeDiscovery(app);
  await app.ready();
  // The purchase and the checkout first, while the drop is open (the admin routes fuzzed later pause it).
  const first = (r: { url: string }) => (/\/purchases$|\/checkout$/.test(r.url) ? 0 : 1);
  const routes = (await discovery.routes()).sort((a, b) => first(a) - first(b));

  const doc = (await app.inject({ url: "/docs/json" })).json<{ paths: Record<string, Record<string, unknown>> }>();
  const fuzzed = new Set(routes.map((r) => `${r.method} ${r.url}`));
  const documented = openApiOperations(doc);
  t.same(documented.filter((op) => !fuzzed.has(op)), [], `every one of the ${documented.length} documented operations is fuzzed`);

  const setup = await setUpDrop(client, { units: 50, perBuyerLimit: 3, holdSeconds: 30, startsInMs: 1500 });
  const stockProduct = await createProduct(client, { sellerToken: setup.sellerToken, adminToken: setup.adminToken }, { stock: 100 });
  const buyer = mintBuyer();
  const other = mintBuyer();
  // Many buyers, so the per-buyer limit leaves room for purchases that go through.
  const crowd = Array.from({ length: 12 }, () => mintBuyer());
  await sleepUntil(setup.startsAt, 300);
  const bought = await purchase(client, setup.dropId, { token: buyer.token });
  await setCartLine(client, { token: buyer.token }, stockProduct, 1);
  const orderId = bought.body.orderId;
  const sellers = await client.call<{ items: { sellerId: string }[] }>("GET", "/api/admin/sellers", { token: setup.adminToken });

  const now = Math.floor(Date.now() / 1000);
  const adminClaims = { sub: randomUUID(), roles: ["buyer", "seller", "admin"], iat: now, exp: now + 3600, iss: "drops-gateway" };
  const bearer = (name: string, token: string, forged = false): Credential => ({ name, headers: { authorization: `Bearer ${token}` }, forged });
  const credentials: Credential[] = [
    bearer("buyer", buyer.token),
    bearer("other-buyer", other.token),
    ...crowd.map((b, i) => bearer(`buyer-${i}`, b.token)),
    bearer("seller", setup.sellerToken),
    bearer("seller", setup.sellerToken),
    bearer("admin", setup.adminToken),
    bearer("expired", jwt({ ...adminClaims, iat: now - 7200, exp: now - 3600 }, JWT_SECRET), true),
    bearer("other-secret", jwt(adminClaims, "not-the-secret-0123456789-0123456789-abc"), true),
    bearer("other-issuer", jwt({ ...adminClaims, iss: "evil" }, JWT_SECRET), true),
    bearer("no-exp", jwt({ sub: adminClaims.sub, roles: ["admin"], iss: "drops-gateway" }, JWT_SECRET), true),
    bearer("sub-not-a-string", jwt({ ...adminClaims, sub: 42 }, JWT_SECRET), true),
    bearer("sub-not-a-uuid", jwt({ ...adminClaims, sub: "../admin" }, JWT_SECRET)),
    ...forgedTokens("authorization", "Bearer ", () => buyer.token, { roles: ["buyer", "seller", "admin"] }),
  ];
  const known = {
    dropId: [setup.dropId],
    productId: [setup.productId, stockProduct],
    orderId: orderId ? [orderId] : [],
    sellerId: (sellers.body.items ?? []).slice(0, 3).map((s) => s.sellerId),
    email: ["admin@drops.local"],
    password: ["admin-password-change-me", "wrong-password-1"],
    paymentMethod: ["pm_card_ok", "pm_card_declined"],
    quantity: [1, 2],
  };
  const productsBefore = await sellerProducts();
  let productsCreated = 0;
  const report = await fuzzRoutes({
    app, routes, codes: ERROR_CODES,
    ctx: { known, credentials },
    observe: ({ request, response }) => {
      if (request.method === "POST" && request.url.split("?")[0] === "/api/products" && response.statusCode === 201 && request.headers["authorization"] === `Bearer ${setup.sellerToken}`) productsCreated++;
    },
  });
  if (process.env["FUZZ_VERBOSE"]) t.comment(JSON.stringify({ statuses: report.statuses, ms: report.msPerRoute }, null, 1));
  t.comment(`gateway: ${report.routes} routes, ${report.cases} cases in ${report.ms} ms (seed ${report.seed})`);
  t.ok(process.env["FUZZ_ROUTE"] !== undefined || report.routes >= 50, `${report.routes} routes fuzzed`);
  t.equal(report.problems.length, 0, describeProblems(report));

  const drop = await settledStock(client, setup.adminToken, setup.dropId, 60_000);
  t.equal(drop.available + drop.held + drop.sold, drop.total, `the drop reconciles after the run (${JSON.stringify(drop)})`);
  const product = await settledStock(client, setup.adminToken, stockProduct, 60_000);
  t.equal(product.available + product.held + product.sold, product.total, `the product reconciles after the run (${JSON.stringify(product)})`);
  t.equal((await sellerProducts()) - productsBefore, productsCreated, "the seller's products are exactly those a 201 created");

  async function sellerProducts(): Promise<number> {
    const r = await client.call<{ total: number }>("GET", "/api/sellers/me/products?pageSize=1", { token: setup.sellerToken });
    return r.body.total;
  }
});
