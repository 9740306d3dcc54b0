import t from "tap";
import { createTokenSigner } from "../../src/domain/jwt.ts";
import { DEV_JWT_SECRET } from "../../src/config.ts";
import { testStack } from "../helpers.ts";

t.test("auth: signup 201, login 200, wrong password 401, duplicate 409, bearer checks", async (t) => {
  const s = await testStack(t);
  const res = await s.call("POST", "/api/auth/signup", { body: { email: "Eve@Example.com", password: "password-123", displayName: "Eve" } });
  t.equal(res.statusCode, 201, res.body);
  const eve = res.json();
  t.same(Object.keys(eve as object).sort(), ["accessToken", "userId"]);

  const login = await s.call("POST", "/api/auth/login", { body: { email: "eve@example.com", password: "password-123" } });
  t.equal(login.statusCode, 200);
  t.equal(login.json().userId, eve.userId);
  const wrong = await s.call("POST", "/api/auth/login", { body: { email: "eve@example.com", password: "password-999" } });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.json().code, "INVALID_CREDENTIALS");
  const dup = await s.call("POST", "/api/auth/signup", { body: { email: "EVE@example.COM", password: "password-123", displayName: "Eve 2" } });
  t.equal(dup.statusCode, 409);
  t.equal(dup.json().code, "EMAIL_TAKEN");

  const me = await s.call("GET", "/api/me", { token: login.json().accessToken });
  t.match(me.json(), { userId: eve.userId, email: "eve@example.com", roles: ["buyer"] });
  t.equal((await s.call("GET", "/api/me")).json().code, "UNAUTHORIZED");
  t.equal((await s.call("GET", "/api/me", { token: "x.y.z" })).json().code, "INVALID_TOKEN");
  const stale = createTokenSigner(DEV_JWT_SECRET, 3600, Date.now).sign({ userId: eve.userId, roles: ["buyer"] }, Date.now() - 2 * 3600_000);
  t.same((await s.call("GET", "/api/me", { token: stale })).json(), { code: "TOKEN_EXPIRED", message: "the access token has expired; log in again" });
  t.equal((await s.call("GET", "/api/me", { headers: { authorization: `Basic ${eve.accessToken}` } })).statusCode, 401);
  const spoof = await s.call("POST", "/api/sellers", { headers: { "x-user-id": eve.userId, "x-user-roles": "admin" }, body: { businessName: "x", contactEmail: "a@b.co" } });
  t.equal(spoof.statusCode, 401, "identity headers from outside are ignored");
});
