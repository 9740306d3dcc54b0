import t from "tap";
import { purchaseStack } from "./stock-fixture.ts";
import { stubService } from "./stub-service.ts";

const ORDER = "11111111-1111-4111-8111-111111111111";

t.test("admin stock: forwarded to the inventory's Redis-vs-ledger check; admins only", async (t) => {
  const inventory = await stubService(t, (c) =>
    c.url.startsWith("/internal/drops/")
      ? { status: 200, body: { dropId: c.url.split("/")[3], available: 7, held: 2, sold: 1, total: 10, consistent: true, loaded: true, status: "open", redis: { total: 10 }, ledger: { total: 10 }, unrelayed: 0, problems: [] } }
      : { status: 404, body: { code: "NOT_FOUND", message: "?" } },
  );
  const s = await purchaseStack(t, { INVENTORY_URL: inventory.url });
  const admin = await s.admin();
  const res = await s.call("GET", `/api/admin/drops/${ORDER}/stock`, { token: admin.accessToken });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { available: 7, held: 2, sold: 1, total: 10, consistent: true, problems: [] });
  t.equal(inventory.calls.at(-1)!.url, `/internal/drops/${ORDER}/stock`);
  t.equal((await s.call("GET", `/api/admin/drops/${ORDER}/stock`, { token: s.buyer().token })).statusCode, 403);
  t.equal((await s.call("GET", `/api/admin/drops/${ORDER}/stock`)).statusCode, 401);
});
