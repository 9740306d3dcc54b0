import t from "tap";
import { ensureAdmin } from "../../src/store/users.ts";
import { testCatalog } from "../helpers.ts";

t.test("ensureAdmin is idempotent and never overwrites a password", async (t) => {
  const c = await testCatalog(t);
  const first = await ensureAdmin(c.db, "Boss@Test.Local", "first-password");
  t.equal(first.created, true);
  const again = await ensureAdmin(c.db, "boss@test.local", "second-password");
  t.same(again, { userId: first.userId, created: false });
  t.equal((await c.call("POST", "/users/login", { body: { email: "boss@test.local", password: "first-password" } })).statusCode, 200);
  const u = await c.user("promoted");
  await ensureAdmin(c.db, u.email, "ignored-password");
  t.same((await c.db.user.findUnique({ where: { id: u.userId } }))?.roles, ["buyer", "admin"]);
});
