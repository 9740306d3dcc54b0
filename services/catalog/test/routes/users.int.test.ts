import t from "tap";
import { hashPassword, verifyPassword } from "../src/domain/password.ts";
import { ensureAdmin } from "../src/store/users.ts";
import { testCatalog } from "./helpers.ts";

t.test("password hashing: scrypt, salted, verified in constant time", async (t) => {
  const a = await hashPassword("correct horse");
  const b = await hashPassword("correct horse");
  t.match(a, /^scrypt\$16384\$8\$1\$/);
  t.not(a, b, "salted");
  t.ok(await verifyPassword("correct horse", a));
  t.notOk(await verifyPassword("correct horsE", a));
  t.notOk(await verifyPassword("x", "not-a-hash"));
  t.notOk(await verifyPassword("x", "scrypt$0$8$1$AA==$AA=="));
});

t.test("signup, login, duplicates and wrong passwords", async (t) => {
  const c = await testCatalog(t);
  const res = await c.call("POST", "/users", { body: { email: "Ann@Example.COM", password: "password-123", displayName: "Ann" } });
  t.equal(res.statusCode, 201, res.body);
  const ann = res.json();
  t.match(ann, { userId: String, email: "ann@example.com", displayName: "Ann", roles: ["buyer"] });
  t.notOk("passwordHash" in ann, "no hash in answers");

  const dup = await c.call("POST", "/users", { body: { email: "ANN@example.com", password: "password-456", displayName: "Other" } });
  t.equal(dup.statusCode, 409);
  t.same(dup.json(), { code: "EMAIL_TAKEN", message: "an account with this e-mail already exists" });

  const ok = await c.call("POST", "/users/login", { body: { email: "ANN@example.com", password: "password-123" } });
  t.equal(ok.statusCode, 200);
  t.equal(ok.json().userId, ann.userId);

  const wrong = await c.call("POST", "/users/login", { body: { email: "ann@example.com", password: "password-124" } });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.json().code, "INVALID_CREDENTIALS");
  const unknown = await c.call("POST", "/users/login", { body: { email: "nobody@example.com", password: "password-123" } });
  t.equal(unknown.statusCode, 401);
  t.same(unknown.json(), wrong.json(), "unknown e-mail answers like a wrong password");

  const me = await c.call("GET", "/users/me", { who: { userId: ann.userId, roles: ["buyer"] } });
  t.equal(me.json().email, "ann@example.com");
  t.equal((await c.call("GET", "/users/me")).statusCode, 401, "no verified caller");
});

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
