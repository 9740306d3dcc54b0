import t from "tap";
import { checkAnswer, forgedTokens, jwt, openApiOperations, parseRouteTable, requestFor } from "../src/fuzz.ts";

t.test("parseRouteTable: printRoutes({ commonPrefix: false }) as full paths, one row per method", async (t) => {
  const printed = [
    "├── /health (GET, HEAD)",
    "├── /users (POST)",
    "│   ├── /login (POST)",
    "│   └── /me (GET, HEAD)",
    "└── /products (POST, GET, HEAD)",
    "    └── /:productId (GET, HEAD, PATCH)",
    "        └── /images (POST)",
  ].join("\n");
  t.same(parseRouteTable(printed).filter((r) => r.method !== "HEAD"), [
    { method: "GET", url: "/health" },
    { method: "POST", url: "/users" },
    { method: "POST", url: "/users/login" },
    { method: "GET", url: "/users/me" },
    { method: "POST", url: "/products" },
    { method: "GET", url: "/products" },
    { method: "GET", url: "/products/:productId" },
    { method: "PATCH", url: "/products/:productId" },
    { method: "POST", url: "/products/:productId/images" },
  ]);
});

t.test("openApiOperations: METHOD /path/:param", async (t) => {
  t.same(openApiOperations({ paths: { "/api/drops/{dropId}": { get: {}, post: {}, parameters: [] } } }), ["GET /api/drops/:dropId", "POST /api/drops/:dropId"]);
});

t.test("checkAnswer: a 5xx, a body that is not {code, message} of the catalogue, or a code with another status is a problem", async (t) => {
  const codes = { VALIDATION_FAILED: 400, NOT_FOUND: 404, INTERNAL: 500 };
  const json = { "content-type": "application/json; charset=utf-8" };
  t.equal(checkAnswer({ statusCode: 200, headers: json, text: "{\"a\":1}" }, codes).problem, undefined);
  t.equal(checkAnswer({ statusCode: 400, headers: json, text: "{\"code\":\"VALIDATION_FAILED\",\"message\":\"m\"}" }, codes).problem, undefined);
  t.match(checkAnswer({ statusCode: 500, headers: json, text: "{\"code\":\"INTERNAL\",\"message\":\"m\"}" }, codes).problem, /^500 INTERNAL/);
  t.match(checkAnswer({ statusCode: 400, headers: json, text: "oops" }, codes).problem, /not JSON/);
  t.match(checkAnswer({ statusCode: 400, headers: json, text: "{\"error\":\"x\"}" }, codes).problem, /no \{code, message\}/);
  t.match(checkAnswer({ statusCode: 400, headers: json, text: "{\"code\":\"NOPE\",\"message\":\"m\"}" }, codes).problem, /not in the catalogue/);
  t.match(checkAnswer({ statusCode: 400, headers: json, text: "{\"code\":\"NOT_FOUND\",\"message\":\"m\"}" }, codes).problem, /catalogue says 404/);
  t.match(checkAnswer({ statusCode: 404, headers: { "content-type": "text/html" }, text: "{\"code\":\"NOT_FOUND\",\"message\":\"m\"}" }, codes).problem, /content-type/);
});

t.test("requestFor: requests from a route's schema, the path filled, fresh credentials per case", async (t) => {
  const fc = (await import("fast-check")).default;
  let signed = 0;
  const route = { method: "POST", url: "/products/:productId", schema: { body: { type: "object", required: ["name"], properties: { name: { type: "string", maxLength: 5 } } } } };
  const cases = fc.sample(requestFor(route, { known: { productId: ["p1"] }, credentials: [{ name: "fresh", headers: () => ({ authorization: `n${++signed}` }) }] }), { numRuns: 300, seed: 1 });
  t.equal(cases.length, 300);
  t.ok(cases.every((c) => !c.url.includes(":productId")), "every path param filled");
  t.ok(cases.some((c) => c.url.startsWith("/products/p1")), "known ids used");
  t.ok(cases.some((c) => c.payload === JSON.stringify({ name: JSON.parse(c.payload ?? "{}").name }) && (JSON.parse(c.payload).name as string).length <= 5), "valid-shaped bodies");
  t.ok(cases.some((c) => c.payload !== undefined && (() => { try { JSON.parse(c.payload); return false; } catch { return true; } })()), "malformed JSON bodies");
  t.ok(signed > 100, "a credential function is called for each case that uses it");
});

t.test("forgedTokens and jwt: forgeries of a valid token", async (t) => {
  const valid = jwt({ sub: "u", roles: ["buyer"] }, "s".repeat(32));
  const forged = forgedTokens("authorization", "Bearer ", () => valid, { roles: ["admin"] });
  t.ok(forged.every((f) => f.forged === true));
  const headers = forged.map((f) => (typeof f.headers === "function" ? f.headers() : f.headers)["authorization"]);
  t.ok(headers.some((h) => h?.startsWith(`Bearer ${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.`)), "alg none");
  t.notOk(headers.includes(`Bearer ${valid}`), "none is the valid token itself");
});
