import t from "tap";
import { inSeconds, testStack } from "../helpers.ts";

t.test("sellers, admin approval, products and drops through the gateway", async (t) => {
  const s = await testStack(t);
  const admin = await s.admin();
  const ann = await s.signup("ann");
  const applied = await s.call("POST", "/api/sellers", { token: ann.accessToken, body: { businessName: "Ann's", contactEmail: ann.email } });
  t.equal(applied.statusCode, 201);
  const { sellerId } = applied.json();
  t.same(applied.json(), { sellerId, status: "pending" });

  const product = { name: "Poster", description: "Screen print", priceCents: 4000 };
  const early = await s.call("POST", "/api/products", { token: ann.accessToken, body: product });
  t.equal(early.statusCode, 403, "a pending seller cannot create products");
  t.equal(early.json().code, "SELLER_NOT_APPROVED");

  t.equal((await s.call("POST", `/api/admin/sellers/${sellerId}/approve`, { token: ann.accessToken })).statusCode, 403, "buyers are not admins");
  t.equal((await s.call("POST", `/api/admin/sellers/${sellerId}/approve`)).statusCode, 401);
  const approved = await s.call("POST", `/api/admin/sellers/${sellerId}/approve`, { token: admin.accessToken });
  t.equal(approved.statusCode, 200);
  t.same(approved.json(), { sellerId, status: "approved" });
  const again = await s.call("POST", `/api/admin/sellers/${sellerId}/approve`, { token: admin.accessToken, headers: { "content-type": "application/json" } });
  t.same([again.statusCode, again.json()], [200, { sellerId, status: "approved" }], "an empty JSON body is no body");
  const emptySignup = await s.call("POST", "/api/auth/signup", { headers: { "content-type": "application/json" } });
  t.same([emptySignup.statusCode, emptySignup.json().code], [400, "VALIDATION_FAILED"], "a route that needs a body says so");
  t.equal((await s.call("GET", "/api/admin/sellers?status=approved", { token: admin.accessToken })).json().total, 1);

  // the old token (roles: buyer) still works: the catalog decides who is an approved seller
  const created = await s.call("POST", "/api/products", { token: ann.accessToken, body: product });
  t.equal(created.statusCode, 201, created.body);
  const { productId } = created.json();
  t.same(created.json(), { productId });

  const bob = await s.seller("bob");
  const patchByBob = await s.call("PATCH", `/api/products/${productId}`, { token: bob.accessToken, body: { priceCents: 1 } });
  t.equal(patchByBob.statusCode, 403);
  t.equal(patchByBob.json().code, "NOT_OWNER");
  const dropBody = { productId, startsAt: inSeconds(120), units: 100, perBuyerLimit: 2, holdSeconds: 120 };
  const dropByBob = await s.call("POST", "/api/drops", { token: bob.accessToken, body: dropBody });
  t.equal(dropByBob.statusCode, 403, "bob cannot drop ann's product");
  t.equal((await s.call("GET", "/api/sellers/me/products", { token: bob.accessToken })).json().total, 0);

  const drop = await s.call("POST", "/api/drops", { token: ann.accessToken, body: dropBody });
  t.equal(drop.statusCode, 201, drop.body);
  const { dropId } = drop.json();
  t.same(drop.json(), { dropId });
  const read = await s.call("GET", `/api/drops/${dropId}`);
  t.equal(read.statusCode, 200);
  t.same(read.json(), {
    dropId, productId, name: "Poster", startsAt: dropBody.startsAt, units: 100, available: 100, status: "scheduled",
    description: "Screen print", priceCents: 4000, perBuyerLimit: 2, holdSeconds: 120, sellerId, images: [], imageUrl: null,
  });
  const list = await s.call("GET", "/api/drops?q=SCREEN%20poster&sort=-startsAt&page=1&pageSize=10");
  t.equal(list.statusCode, 200);
  t.equal(list.json().total, 1);
  t.same(list.json().items[0], read.json());
  t.same((await s.call("GET", "/api/drops?q=poster+velvet")).json(), { items: [], total: 0 });
  t.equal((await s.call("GET", "/api/drops/00000000-0000-4000-8000-000000000000")).statusCode, 404);
  t.equal((await s.call("GET", `/api/products/${productId}`)).json().name, "Poster");
});

t.test("the live-stock seam overrides the catalog's figures", async (t) => {
  const s = await testStack(t, { stock: { snapshot: async (ids) => new Map(ids.map((id) => [id, { available: 3, status: "open" }])) } });
  const seller = await s.seller();
  const productId = (await s.call("POST", "/api/products", { token: seller.accessToken, body: { name: "Cap", description: "", priceCents: 100 } })).json().productId;
  const { dropId } = (await s.call("POST", "/api/drops", { token: seller.accessToken, body: { productId, startsAt: inSeconds(60), units: 10, perBuyerLimit: 1, holdSeconds: 60 } })).json();
  t.match((await s.call("GET", `/api/drops/${dropId}`)).json(), { units: 10, available: 3, status: "open" });
  t.match((await s.call("GET", "/api/drops")).json().items[0], { dropId, available: 3 });
});
