import t from "tap";
import { testCatalog } from "../helpers.ts";

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
