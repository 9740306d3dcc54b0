/**
 * Every catalog route fuzzed (FUZZ_RUNS cases each, default 1000; FUZZ_SEED replays a run) with
 * requests generated from the route's own schema: never a 5xx, every 4xx `{code, message}` of the
 * catalogue, and nothing half-applied: the products and drops in the database are exactly those a
 * 2xx said were created.
 */
import t from "tap";
import { ERROR_CODES } from "@drops/http";
import { asUser, testInternalAuth } from "@drops/http/testing";
import { assertionCredentials, describeProblems, fuzzRoutes, fuzzTimeout, routeDiscovery, type AssertedCaller } from "@drops/testing/fuzz";
import { inSeconds, testCatalog, type Identity } from "./helpers.ts";

const ASSERTION = "x-internal-assertion";

t.setTimeout(fuzzTimeout());

t.test("catalog: every route fuzzed from its schema", async (t) => {
  const c = await testCatalog(t);
  const discovery = routeDiscovery(c.app);
  await c.app.ready();
  const routes = await discovery.routes();
  // The calls the gateway would make: a signed assertion per call (fresh for every case: they live 30 s).
  const as = (who: Identity) => asUser("catalog", who.userId, who.roles.join(","));
  let n = 0;
  const user = async (name: string): Promise<Identity & { email: string }> => {
    const email = `${name}-${++n}@fuzz.test`;
    const res = await c.app.inject({ method: "POST", url: "/users", payload: { email, password: "password-123", displayName: name } });
    if (res.statusCode !== 201) throw new Error(res.body);
    return { userId: res.json<{ userId: string }>().userId, roles: ["buyer"], email };
  };
  const post = (who: Identity, url: string, body?: object) => c.app.inject({ method: "POST", url, headers: as(who), ...(body ? { payload: body } : {}) });
  const seller = async (name: string) => {
    const u = await user(name);
    const sellerId = (await post(u, "/sellers", { businessName: `${name} ltd`, contactEmail: u.email })).json<{ sellerId: string }>().sellerId;
    await post(c.admin, `/admin/sellers/${sellerId}/approve`);
    return { ...u, roles: ["buyer", "seller"], sellerId };
  };
  const product = async (who: Identity) => (await post(who, "/products", { name: "Fuzz", description: "d", priceCents: 1000 })).json<{ productId: string }>().productId;
  const fuzzSeller = await seller("fuzzseller");
  const other = await seller("othersel");
  const buyer = await user("fuzzbuyer");
  const pending = await user("pending");
  const applied = await post(pending, "/sellers", { businessName: "Pending ltd", contactEmail: pending.email });
  const productId = await product(fuzzSeller);
  const otherProduct = await product(other);
  const drop = await post(fuzzSeller, "/drops", { productId, startsAt: inSeconds(3600), units: 5, perBuyerLimit: 1, holdSeconds: 60 });
  t.equal(drop.statusCode, 201, drop.body);
  const dropId = drop.json<{ dropId: string }>().dropId;

  const gateway = testInternalAuth("gateway");
  const stranger = testInternalAuth("gateway", "another-secret-0123456789-0123456789-abc");
  const credentials = assertionCredentials({
    service: "catalog",
    header: ASSERTION,
    callers: { seller: fuzzSeller, admin: c.admin, other, buyer, pending } as Record<string, AssertedCaller>,
    sign: (aud, caller, nowMs) => gateway.sign(aud, caller, nowMs !== undefined ? { nowMs } : {}),
    signWithOtherSecret: (aud, caller) => stranger.sign(aud, caller),
    admin: c.admin.userId,
  });
  const known = {
    productId: [productId, otherProduct],
    dropId: [dropId],
    sellerId: [fuzzSeller.sellerId, other.sellerId, applied.json<{ sellerId: string }>().sellerId],
    email: [buyer.email, "admin@test.local"],
    password: ["password-123", "admin-password"],
  };
  const before = await counts();
  let createdProducts = 0;
  let createdDrops = 0;
  const report = await fuzzRoutes({
    app: c.app,
    routes,
    ctx: { known, credentials },
    codes: ERROR_CODES,
    observe: ({ request, response }) => {
      const path = request.url.split("?")[0];
      if (request.method === "POST" && path === "/products" && response.statusCode === 201) createdProducts++;
      if (request.method === "POST" && path === "/drops" && response.statusCode === 201) createdDrops++;
    },
  });
  if (process.env["FUZZ_VERBOSE"]) t.comment(JSON.stringify({ statuses: report.statuses, ms: report.msPerRoute }, null, 1));
  t.comment(`catalog: ${report.routes} routes, ${report.cases} cases in ${report.ms} ms (seed ${report.seed})`);
  t.ok(process.env["FUZZ_ROUTE"] !== undefined || report.routes >= 20, `${report.routes} routes fuzzed`);
  t.equal(report.cases, report.routes * report.numRuns);
  t.equal(report.problems.length, 0, describeProblems(report));

  const after = await counts();
  t.equal(after.products - before.products, createdProducts, "every product row was answered 201, no other");
  t.equal(after.drops - before.drops, createdDrops, "every drop row was answered 201, no other");

  async function counts(): Promise<{ products: number; drops: number }> {
    const [p] = await c.db.$queryRaw<{ n: bigint }[]>`select count(*)::bigint as n from products`;
    const [d] = await c.db.$queryRaw<{ n: bigint }[]>`select count(*)::bigint as n from drops`;
    return { products: Number(p!.n), drops: Number(d!.n) };
  }
});
