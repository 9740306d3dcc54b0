/**
 * The gateway's own defences (docs/security.md): security headers on an API answer, the page and the
 * docs (HSTS only when configured); rate limits on the real Redis, shared by two gateway instances:
 * login per account (failed attempts) and per IP, signup per IP (X-Forwarded-For only with
 * TRUST_PROXY), purchase and checkout per buyer, 429 RATE_LIMITED with Retry-After; the sold-out fast
 * path never touches the purchase counter.
 */
import { randomUUID } from "node:crypto";
import t, { type Test } from "tap";
import { buildApp } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";
import { CONTENT_SECURITY_POLICY } from "../../src/routes/storefront.ts";
import { DOCS_CONTENT_SECURITY_POLICY } from "../../src/routes/security-headers.ts";
import { gatewayEnv, testStack } from "../helpers.ts";
import { purchaseStack } from "./stock-fixture.ts";
import { stubService } from "./stub-service.ts";

type Answer = { statusCode: number; headers: Record<string, unknown>; json: () => unknown };
const limited = (t: Test, res: Answer, what: string) => {
  t.equal(res.statusCode, 429, `${what}: 429`);
  t.match(res.json(), { code: "RATE_LIMITED", message: String }, `${what}: {code, message}`);
  t.ok(Number(res.headers["retry-after"]) >= 1, `${what}: Retry-After in seconds (${String(res.headers["retry-after"])})`);
};

t.test("security headers: an API answer, the page, the docs; HSTS only when configured", async (t) => {
  const s = await testStack(t);
  const api = await s.call("GET", "/api/drops");
  t.equal(api.statusCode, 200);
  t.match(api.headers, { "x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "same-origin", "cross-origin-opener-policy": "same-origin", "cross-origin-resource-policy": "same-origin" }, "API: nosniff, no framing, referrer");
  t.notOk(api.headers["strict-transport-security"], "no HSTS on plain HTTP by default");
  t.notOk(api.headers["x-powered-by"]);
  t.notOk(api.headers["content-security-policy"], "a JSON answer is no document: no CSP (X-Frame-Options keeps it out of frames)");
  const refused = await s.call("GET", "/api/orders");
  t.equal(refused.statusCode, 401);
  t.equal(refused.headers["x-content-type-options"], "nosniff", "error answers too");

  const page = await s.call("GET", "/");
  t.equal(page.statusCode, 200);
  t.equal(page.headers["content-security-policy"], CONTENT_SECURITY_POLICY, "the page's policy, from its one source");
  t.match(page.headers["content-security-policy"], /default-src 'self'/);
  t.match(page.headers["content-security-policy"], /frame-ancestors 'none'/);
  t.match(page.headers, { "x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "same-origin" }, "helmet and the page agree");

  const docs = await s.call("GET", "/docs");
  t.equal(docs.statusCode, 200);
  t.equal(docs.headers["content-security-policy"], DOCS_CONTENT_SECURITY_POLICY, "the docs page: the page's policy plus inline styles and data: images");

  const tls = await buildApp(readConfig({ ...gatewayEnv(s.catalogUrl), STOCK_KEY_PREFIX: s.prefix, HSTS: "true", TRUST_PROXY: "true" }));
  t.teardown(() => tls.app.close());
  const behindTls = await tls.app.inject({ url: "/api/drops", headers: { "x-forwarded-proto": "https" } });
  t.equal(behindTls.headers["strict-transport-security"], "max-age=31536000; includeSubDomains", "HSTS=true behind the TLS terminator");
});

t.test("login: failed attempts per account, every attempt per IP, 429 with Retry-After; signup per IP; shared by two gateways", async (t) => {
  const s = await testStack(t, {}, { LOGIN_FAILURES_PER_ACCOUNT: "3", LOGINS_PER_IP: "8", SIGNUPS_PER_IP: "3", TRUST_PROXY: "true" });
  const second = await buildApp(readConfig({ ...gatewayEnv(s.catalogUrl), STOCK_KEY_PREFIX: s.prefix, LOGIN_FAILURES_PER_ACCOUNT: "3", LOGINS_PER_IP: "8", SIGNUPS_PER_IP: "3", TRUST_PROXY: "true" }));
  t.teardown(() => second.app.close());
  const ip = (n: number) => ({ "x-forwarded-for": `203.0.113.${n}` });
  const login = (app: "one" | "two", email: string, password: string, from = ip(1)) =>
    app === "one" ? s.call("POST", "/api/auth/login", { body: { email, password }, headers: from }) : second.app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password }, headers: from });

  // signups from 203.0.113.9: three, across both instances, then 429; another address goes on
  const signup = (app: "one" | "two", from: Record<string, string>) => {
    const body = { email: `rl-${randomUUID()}@gw.test`, password: "password-123", displayName: "rl" };
    return app === "one" ? s.call("POST", "/api/auth/signup", { body, headers: from }) : second.app.inject({ method: "POST", url: "/api/auth/signup", payload: body, headers: from });
  };
  const eve = await signup("one", ip(9));
  t.equal(eve.statusCode, 201);
  t.equal((await signup("two", ip(9))).statusCode, 201);
  t.equal((await signup("one", ip(9))).statusCode, 201);
  limited(t, await signup("two", ip(9)), "a fourth signup from one address (on the other instance)");
  t.equal((await signup("one", ip(10))).statusCode, 201, "another address is not limited");
  t.equal((await s.call("POST", "/api/auth/signup", { body: { email: "bad" }, headers: ip(10) })).statusCode, 400, "a malformed signup is a 400, not counted");

  // accounts for the login checks, each signed up from an address of its own
  let n = 100;
  const account = async () => {
    const email = `rl-${randomUUID()}@gw.test`;
    const res = await s.call("POST", "/api/auth/signup", { body: { email, password: "password-123", displayName: "rl" }, headers: ip(n++) });
    t.equal(res.statusCode, 201);
    return email;
  };
  const victim = await account();
  for (let i = 1; i <= 3; i++) t.equal((await login(i % 2 ? "one" : "two", victim, "wrong-password")).statusCode, 401, `wrong password ${i}: 401`);
  limited(t, await login("one", victim, "wrong-password"), "a fourth failed login of the account");
  limited(t, await login("two", victim.toUpperCase(), "password-123", ip(2)), "even the right password, in capitals, from another address, while the account is throttled");
  t.equal((await login("one", `other-${randomUUID()}@gw.test`, "wrong-password", ip(2))).statusCode, 401, "another account is not throttled");
  const happy = await account();
  for (let i = 0; i < 5; i++) t.equal((await login(i % 2 ? "one" : "two", happy, "password-123", ip(3))).statusCode, 200, "successful logins are not failures");

  // every attempt from 203.0.113.5 counts: 8 then 429, whatever the account
  for (let i = 1; i <= 8; i++) t.equal((await login(i % 2 ? "one" : "two", `spray-${i}@gw.test`, "guess", ip(5))).statusCode, 401);
  limited(t, await login("one", `spray-9@gw.test`, "guess", ip(5)), "a ninth login from one address");
});

t.test("purchase per buyer after the sold-out shortcut; checkout per buyer", async (t) => {
  const cart = await stubService(t, () => ({ status: 201, body: { orderId: randomUUID(), status: "held", holdExpiresAt: "2030-01-01T00:00:00.000Z", lines: [], amountCents: 0, currency: "EUR" } }));
  const s = await purchaseStack(t, { PURCHASES_PER_USER: "2", CHECKOUTS_PER_USER: "1", CART_URL: cart.url, SOLD_OUT_FLAG_MS: "60000" });
  // The plugin's manual limiter keys: <nameSpace><its route info>-<our key> (see routes/rate-limits.ts).
  const counter = async (userId: string) => {
    const keys = await s.redis.keys(`${s.prefix}rate-limit:*purchase-user:${userId}`);
    return keys.length === 1 ? s.redis.get(keys[0]!) : keys.length === 0 ? null : `${keys.length} keys`;
  };

  const big = await s.drop({ units: 10, perBuyerLimit: 5 });
  const ann = s.buyer();
  t.equal((await s.purchase(big, ann.token)).statusCode, 201);
  t.equal((await s.purchase(big, ann.token)).statusCode, 201);
  limited(t, await s.purchase(big, ann.token), "a third purchase attempt in the window");
  t.equal((await s.purchase(big, s.buyer().token)).statusCode, 201, "another buyer is not limited");
  t.equal((await s.purchase(big, ann.token, { quantity: 0 })).statusCode, 400, "bad input is a 400 before the limiter");

  const one = await s.drop({ units: 1 });
  t.equal((await s.purchase(one, s.buyer().token)).statusCode, 201);
  const bob = s.buyer();
  t.equal(await counter(ann.userId), "3", "an attempt that reaches the limiter is counted");
  for (let i = 0; i < 6; i++) t.equal((await s.purchase(one, bob.token)).json().code, "SOLD_OUT", `attempt ${i + 1} past the limit of 2: SOLD_OUT, never 429`);
  t.equal(await counter(bob.userId), null, "the sold-out fast path never reached the limiter (no Redis round trip, nothing counted)");

  const checkout = () => s.call("POST", "/api/cart/checkout", { token: ann.token, headers: { "idempotency-key": randomUUID() }, body: { paymentMethod: "pm_card_ok" } });
  t.equal((await checkout()).statusCode, 201);
  limited(t, await checkout(), "a second checkout in the window");
  t.equal(cart.calls.length, 1, "the limited checkout never reached the cart service");
});
