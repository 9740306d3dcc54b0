import t from "tap";
import { testCatalog } from "../helpers.ts";

t.test("seller apply, admin approve / reject, roles", async (t) => {
  const c = await testCatalog(t);
  const u = await c.user("shop");
  const applied = await c.call("POST", "/sellers", { who: u, body: { businessName: "Shop Ltd", contactEmail: "Shop@Example.com" } });
  t.equal(applied.statusCode, 201, applied.body);
  const seller = applied.json();
  t.match(seller, { sellerId: String, userId: u.userId, businessName: "Shop Ltd", contactEmail: "shop@example.com", status: "pending" });

  const again = await c.call("POST", "/sellers", { who: u, body: { businessName: "Shop 2", contactEmail: "a@b.co" } });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, "SELLER_EXISTS");

  const byBuyer = await c.call("POST", `/admin/sellers/${seller.sellerId}/approve`, { who: u });
  t.equal(byBuyer.statusCode, 403, "only admins decide");
  t.equal((await c.call("POST", `/admin/sellers/${seller.sellerId}/approve`)).statusCode, 401);
  const missing = await c.call("POST", "/admin/sellers/00000000-0000-4000-8000-000000000000/approve", { who: c.admin });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, "SELLER_NOT_FOUND");

  const pending = await c.call("GET", "/admin/sellers?status=pending", { who: c.admin });
  t.equal(pending.json().total, 1);
  const approved = await c.call("POST", `/admin/sellers/${seller.sellerId}/approve`, { who: c.admin });
  t.equal(approved.statusCode, 200);
  t.match(approved.json(), { sellerId: seller.sellerId, status: "approved" });
  t.equal((await c.call("POST", `/admin/sellers/${seller.sellerId}/approve`, { who: c.admin })).json().status, "approved", "idempotent");
  t.same((await c.call("GET", "/users/me", { who: u })).json().roles, ["buyer", "seller"]);
  t.equal((await c.call("GET", "/sellers/me", { who: u })).json().status, "approved");

  const other = await c.user("other");
  t.equal((await c.call("GET", "/sellers/me", { who: other })).statusCode, 404);
  const o = (await c.call("POST", "/sellers", { who: other, body: { businessName: "Other", contactEmail: other.email } })).json();
  const rejected = await c.call("POST", `/admin/sellers/${o.sellerId}/reject`, { who: c.admin });
  t.match(rejected.json(), { sellerId: o.sellerId, status: "rejected" });
  const reapply = await c.call("POST", "/sellers", { who: other, body: { businessName: "Other again", contactEmail: other.email } });
  t.equal(reapply.statusCode, 201, "a rejected seller may apply again");
  t.match(reapply.json(), { sellerId: o.sellerId, status: "pending", businessName: "Other again" });
});
