/**
 * The OWASP API Security Top 10 checks that need the whole platform (docs/security.md is the checklist):
 * service-to-service authentication on every internal service (forged identity headers, another
 * secret, another audience, expired: 401), broken authentication at the gateway (alg none, another
 * alg, another secret, another issuer, expired), function-level authorization over the OpenAPI
 * document (every admin route 403 to a buyer and to a seller, every seller route 403 to a buyer),
 * object-level authorization (another buyer's order, another seller's product and drop), mass
 * assignment (privileged or unknown fields refused), resource caps (body, page size), and every
 * service refusing to start in production with a committed secret.
 */
import { spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { join } from "node:path";
import t from "tap";
import { DEV_INTERNAL_AUTH_SECRET } from "@drops/http/config";
import { testInternalAuth } from "@drops/http/testing";
import { INTERNAL_AUTH_SECRET, JWT_SECRET, ROOT, SERVICES, api, createProduct, mintBuyer, setUpDrop, setUpSeller, sleepUntil, startStack, type Api } from "../src/index.ts";

const stack = await startStack();
t.teardown(() => stack.stop());
const client: Api = api(stack.gatewayUrl);

const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
/** A JWT with any header, claims and HMAC secret (the attacker's tool). */
function jwt(header: object, claims: object, secret = JWT_SECRET, alg: "sha256" | "sha512" = "sha256"): string {
  const head = `${b64(header)}.${b64(claims)}`;
  return `${head}.${createHmac(alg, secret).update(head).digest("base64url")}`;
}
const now = () => Math.floor(Date.now() / 1000);

t.test("internal services: a caller identity only with a valid assertion signed for them", async (t) => {
  const gateway = testInternalAuth("gateway", INTERNAL_AUTH_SECRET);
  const admin = { userId: randomUUID(), roles: ["buyer", "admin"] as ("buyer" | "admin")[] };
  const targets: Record<string, { method: string; path: string }[]> = {
    catalog: [{ method: "GET", path: "/admin/sellers" }, { method: "GET", path: `/internal/sellers/${randomUUID()}` }],
    inventory: [{ method: "GET", path: `/internal/drops/${randomUUID()}/stock` }],
    order: [{ method: "GET", path: "/admin/orders" }, { method: "GET", path: `/internal/drops/${randomUUID()}/sales` }],
    cart: [{ method: "GET", path: "/cart" }],
    notification: [{ method: "GET", path: "/notifications" }],
  };
  for (const [service, routes] of Object.entries(targets)) {
    const base = stack.instance(service as never).url;
    for (const r of routes) {
      const call = async (headers: Record<string, string>) => {
        const res = await fetch(`${base}${r.path}`, { method: r.method, headers });
        return { status: res.status, body: (await res.json()) as { code?: string } };
      };
      const refused = async (headers: Record<string, string>, what: string) => {
        const res = await call(headers);
        t.same([res.status, res.body.code], [401, "INVALID_ASSERTION"], `${service} ${r.path}: ${what}`);
      };
      await refused({ "x-user-id": admin.userId, "x-user-roles": "admin" }, "forged identity headers (the issue's curl)");
      await refused(testInternalAuth("gateway", DEV_INTERNAL_AUTH_SECRET).headers(service, admin), "an assertion signed with the public development secret");
      await refused(gateway.headers(service === "catalog" ? "order" : "catalog", admin), "a valid assertion for another service");
      await refused({ "x-internal-assertion": gateway.sign(service, admin, { nowMs: Date.now() - 120_000 }) }, "an expired assertion");
      const ok = await call(gateway.headers(service, admin));
      t.not(ok.status, 401, `${service} ${r.path}: the gateway's assertion passes (${ok.status})`);
    }
  }
});

t.test("broken authentication: the gateway accepts only its own HS256 tokens, unexpired", async (t) => {
  const userId = randomUUID();
  const claims = { sub: userId, roles: ["buyer", "admin"], iat: now(), exp: now() + 600, iss: "drops-gateway" };
  const good = jwt({ alg: "HS256", typ: "JWT" }, { ...claims, roles: ["buyer"] });
  const [head, , signature] = good.split(".");
  const forged: [string, string][] = [
    ["alg none", `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`],
    ["alg HS512", jwt({ alg: "HS512", typ: "JWT" }, claims, JWT_SECRET, "sha512")],
    ["another secret", jwt({ alg: "HS256", typ: "JWT" }, claims, "an-attackers-guess-0123456789-0123456789")],
    ["another issuer", jwt({ alg: "HS256", typ: "JWT" }, { ...claims, iss: "evil" })],
    ["expired", jwt({ alg: "HS256", typ: "JWT" }, { ...claims, iat: now() - 7200, exp: now() - 3600 })],
    ["a buyer's signature on admin claims", `${head}.${b64(claims)}.${signature}`],
  ];
  for (const [what, token] of forged) {
    for (const path of ["/api/me", "/api/admin/orders", "/api/orders"]) {
      const res = await client.call("GET", path, { token });
      t.equal(res.status, 401, `${what} on ${path}: 401 (${String(res.body["code"])})`);
    }
  }
  t.equal((await client.call("GET", "/api/orders", { token: good })).status, 200, "a token signed with the stack's secret works (the check above is not vacuous)");
});

/** A value that passes the schema (the smallest one): so a refusal is the authorization, not validation. */
type Schema = { type?: string; enum?: unknown[]; format?: string; pattern?: string; minLength?: number; minimum?: number; required?: string[]; properties?: Record<string, Schema>; items?: Schema; minItems?: number; anyOf?: Schema[]; oneOf?: Schema[] };
function sample(s: Schema | undefined): unknown {
  if (!s) return undefined;
  if (s.enum) return s.enum[0];
  if (s.anyOf ?? s.oneOf) return sample((s.anyOf ?? s.oneOf)![0]);
  switch (s.type) {
    case "object": {
      // the required properties; none required (a PATCH): the first one, as a body must say something
      const keys = s.required?.length ? s.required : Object.keys(s.properties ?? {}).slice(0, 1);
      return Object.fromEntries(keys.map((k) => [k, sample(s.properties?.[k])]));
    }
    case "string":
      if (s.format === "uuid" || (s.pattern ?? "").includes("{8}")) return randomUUID();
      if (s.format === "date-time") return new Date(Date.now() + 3_600_000).toISOString();
      if (s.format === "email") return "a@example.com";
      return "x".repeat(Math.max(1, s.minLength ?? 1));
    case "integer": case "number": return Math.max(1, s.minimum ?? 1);
    case "boolean": return true;
    case "array": return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items));
    default: return undefined;
  }
}

t.test("function-level authorization: every admin route 403 to a buyer and a seller, every seller route 403 to a buyer", async (t) => {
  type Op = { tags?: string[]; responses: Record<string, unknown>; requestBody?: { content?: Record<string, { schema?: Schema }> } };
  const doc = (await client.call<{ paths: Record<string, Record<string, Op>> }>("GET", "/docs/json")).body;
  const seller = await setUpSeller(client);
  const buyer = mintBuyer();
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
  const admin = ops.filter((o) => o.op.tags?.includes("admin"));
  // seller routes: a seller's own products, drops, images and sales (each lists 403; the buyer's watch does not count)
  const sellerOnly = ops.filter((o) => !o.op.tags?.includes("admin") && "403" in o.op.responses && ["products", "drops", "sellers"].some((tag) => o.op.tags?.includes(tag)) && !o.path.endsWith("/watch"));
  t.ok(admin.length >= 10, `${admin.length} admin routes`);
  t.ok(sellerOnly.length >= 7, `${sellerOnly.length} seller routes: ${sellerOnly.map((o) => `${o.method} ${o.path}`).join(", ")}`);
  const call = (o: (typeof ops)[number], token: string) => {
    const url = o.path.replace(/\{[^}]+\}/g, () => randomUUID());
    const schema = o.op.requestBody?.content?.["application/json"]?.schema;
    const body = schema ? sample(schema) : undefined;
    return client.call(o.method, url, { token, ...(body !== undefined ? { body } : {}), ...(o.op.requestBody?.content?.["multipart/form-data"] ? { headers: { "content-type": "multipart/form-data; boundary=x" } } : {}) });
  };
  for (const o of admin) {
    for (const [who, token] of [["a buyer", buyer.token], ["a seller", seller.sellerToken]] as const) {
      const res = await call(o, token);
      t.same([res.status, res.body["code"]], [403, "FORBIDDEN"], `${o.method} ${o.path}: 403 to ${who}`);
    }
  }
  for (const o of sellerOnly) {
    const res = await call(o, buyer.token);
    t.equal(res.status, 403, `${o.method} ${o.path}: 403 to a buyer (${String(res.body["code"])})`);
  }
});

t.test("object-level authorization: another buyer's order, another seller's product and drop", async (t) => {
  const drop = await setUpDrop(client, { units: 3, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 1500 });
  await sleepUntil(drop.startsAt);
  const [ann, bob] = [mintBuyer(), mintBuyer()];
  const bought = await client.call<{ orderId: string }>("POST", `/api/drops/${drop.dropId}/purchases`, { token: ann.token, headers: { "idempotency-key": randomUUID() }, body: { quantity: 1, paymentMethod: "pm_card_ok" } });
  t.equal(bought.status, 201, JSON.stringify(bought.body));
  const orderId = bought.body.orderId;
  t.equal((await client.call("GET", `/api/orders/${orderId}`, { token: bob.token })).status, 404, "another buyer's order: 404 (not even its existence)");
  t.equal((await client.call("POST", `/api/orders/${orderId}/cancel`, { token: bob.token })).status, 404, "another buyer cannot cancel it");
  t.equal((await client.call("GET", `/api/orders/${orderId}/stream?access_token=${bob.token}`)).status, 404, "nor follow it");
  t.equal((await client.call("POST", `/api/notifications/${randomUUID()}/read`, { token: bob.token })).status, 404, "a notification id not one's own: 404");

  const other = await setUpSeller(client);
  const product = await createProduct(client, { sellerToken: drop.sellerToken, adminToken: drop.adminToken });
  const refusals: [string, string, string, unknown?][] = [
    ["PATCH", `/api/products/${product}`, "edit another seller's product", { name: "mine now" }],
    ["POST", `/api/products/${product}/restock`, "restock another seller's product", { units: 1 }],
    ["POST", `/api/drops`, "a drop of another seller's product", { productId: product, startsAt: new Date(Date.now() + 3_600_000).toISOString(), units: 1, perBuyerLimit: 1, holdSeconds: 60 }],
    ["GET", `/api/sellers/me/drops/${drop.dropId}/sales`, "another seller's sales"],
    ["POST", `/api/sellers/me/drops/${drop.dropId}/adjust`, "adjust another seller's drop", { delta: 1 }],
  ];
  for (const [method, path, what, body] of refusals) {
    const res = await client.call(method, path, { token: other.sellerToken, ...(body !== undefined ? { body } : {}) });
    t.same([res.status, res.body["code"]], [403, "NOT_OWNER"], what);
  }
});

t.test("mass assignment: privileged and unknown fields are refused, never applied", async (t) => {
  const email = `mass-${randomUUID()}@e2e.test`;
  const signup = await client.call("POST", "/api/auth/signup", { body: { email, password: "password-123", displayName: "M", roles: ["admin"] } });
  t.same([signup.status, signup.body["code"]], [400, "VALIDATION_FAILED"], "signup with roles");
  const seller = await setUpSeller(client);
  const theirs = randomUUID();
  const cases: [string, string, unknown][] = [
    ["POST", "/api/products", { name: "P", description: "d", priceCents: 100, sellerId: theirs }],
    ["POST", "/api/sellers", { businessName: "B", contactEmail: "b@example.com", status: "approved" }],
  ];
  const product = await createProduct(client, seller);
  cases.push(["PATCH", `/api/products/${product}`, { sellerId: theirs }]);
  cases.push(["POST", "/api/drops", { productId: product, startsAt: new Date(Date.now() + 3_600_000).toISOString(), units: 5, perBuyerLimit: 1, holdSeconds: 60, available: 1000, status: "open" }]);
  for (const [method, path, body] of cases) {
    const res = await client.call(method, path, { token: seller.sellerToken, body });
    t.same([res.status, res.body["code"]], [400, "VALIDATION_FAILED"], `${method} ${path} with ${Object.keys(body as object).join(", ")}`);
  }
  const login = await client.call<{ accessToken: string }>("POST", "/api/auth/signup", { body: { email: `mass2-${randomUUID()}@e2e.test`, password: "password-123", displayName: "M" } });
  const me = await client.call<{ roles: string[] }>("GET", "/api/me", { token: login.body.accessToken });
  t.same(me.body.roles, ["buyer"], "a new account is a buyer only");
});

t.test("resource consumption: body size and page sizes are capped", async (t) => {
  const buyer = mintBuyer();
  const big = await client.call("POST", "/api/auth/signup", { body: { email: "a@example.com", password: "password-123", displayName: "x".repeat(2 * 1024 * 1024) } });
  t.same([big.status, big.body["code"]], [413, "PAYLOAD_TOO_LARGE"], "a 2 MiB body");
  for (const path of ["/api/drops?pageSize=1000", "/api/products?pageSize=1000", "/api/orders?pageSize=1000", "/api/notifications?pageSize=1000", "/api/rankings/drops?limit=1000"]) {
    const res = await client.call("GET", path, { token: buyer.token });
    t.same([res.status, res.body["code"]], [400, "VALIDATION_FAILED"], path);
  }
});

t.test("production: every service refuses to start with a secret committed in the repository", async (t) => {
  const start = (service: string) => new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "./src/instrument.ts", "src/main.ts"], {
      cwd: join(ROOT, "services", service),
      env: { ...process.env, ...stack.envFor(service as never), NODE_ENV: "production", INTERNAL_AUTH_SECRET: DEV_INTERNAL_AUTH_SECRET, SERVICE_NAME: service, [service === "gateway" ? "PORT" : `${service.toUpperCase()}_PORT`]: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (code) => (clearTimeout(timer), resolve({ code, output })));
  });
  const results = await Promise.all(SERVICES.map(async (s) => [s, await start(s)] as const));
  for (const [service, r] of results) {
    t.equal(r.code, 1, `${service} exits 1`);
    t.match(r.output, /INTERNAL_AUTH_SECRET is a value committed in the repository/, `${service} says why`);
    if (service === "gateway") t.match(r.output, /JWT_SECRET is a value committed in the repository/, "the gateway names its JWT secret too (the e2e one is committed)");
  }
});
