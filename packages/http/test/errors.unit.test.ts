import t from "tap";
import { AppError, conflict, createServiceApp, notFound, unavailable } from "../src/index.ts";

async function build() {
  const app = await createServiceApp({ name: "test", logLevel: "silent", bodyLimit: 1024 });
  app.post(
    "/items",
    { schema: { body: { type: "object", required: ["quantity"], properties: { quantity: { type: "integer", minimum: 1 } } } } },
    async (req) => req.body,
  );
  app.get("/sorted", { schema: { querystring: { type: "object", properties: { sort: { type: "string", enum: ["price", "-price"] } } } } }, async () => ({}));
  app.get("/sold-out", async () => {
    throw conflict("the drop is sold out", "SOLD_OUT");
  });
  app.get("/missing", async () => {
    throw notFound("no such drop");
  });
  app.get("/down", async () => {
    throw unavailable();
  });
  app.get("/details", async () => {
    throw new AppError("LIMIT_REACHED", "limit reached", { limit: 1 });
  });
  app.get("/boom", async () => {
    throw new Error("secret database password in stack");
  });
  app.get("/boom-sync", () => {
    throw new TypeError("x is undefined");
  });
  t.teardown(() => app.close());
  return app;
}

t.test("AppError answers its status and code", async (t) => {
  const app = await build();
  const res = await app.inject({ method: "GET", url: "/sold-out" });
  t.equal(res.statusCode, 409);
  t.same(res.json(), { code: "SOLD_OUT", message: "the drop is sold out" });
  t.equal((await app.inject({ url: "/missing" })).json().code, "NOT_FOUND");
  t.equal((await app.inject({ url: "/down" })).statusCode, 503);
  t.same((await app.inject({ url: "/details" })).json(), { code: "LIMIT_REACHED", message: "limit reached", limit: 1 });
});

t.test("validation errors are 400 VALIDATION_FAILED with the field", async (t) => {
  const app = await build();
  const bad = await app.inject({ method: "POST", url: "/items", payload: { quantity: 0 } });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().code, "VALIDATION_FAILED");
  t.equal(bad.json().field, "quantity");
  t.match(bad.json().message, /quantity/);
  const missing = await app.inject({ method: "POST", url: "/items", payload: {} });
  t.equal(missing.statusCode, 400);
  t.equal(missing.json().field, "quantity");
  const ok = await app.inject({ method: "POST", url: "/items", payload: { quantity: 2 } });
  t.equal(ok.statusCode, 200);
  const sort = await app.inject({ url: "/sorted?sort=name" });
  t.same([sort.statusCode, sort.json().field], [400, "sort"]);
  t.match(sort.json().message, /allowed values: price, -price$/, "an enum names its allowed values");
});

t.test("malformed JSON, empty JSON, wrong content type, too large", async (t) => {
  const app = await build();
  const malformed = await app.inject({ method: "POST", url: "/items", headers: { "content-type": "application/json" }, payload: "{not json" });
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().code, "MALFORMED_JSON");
  const empty = await app.inject({ method: "POST", url: "/items", headers: { "content-type": "application/json" }, payload: "" });
  t.equal(empty.statusCode, 400);
  t.equal(empty.json().code, "MALFORMED_JSON");
  const xml = await app.inject({ method: "POST", url: "/items", headers: { "content-type": "application/xml" }, payload: "<a/>" });
  t.equal(xml.statusCode, 415);
  t.equal(xml.json().code, "UNSUPPORTED_MEDIA_TYPE");
  const big = await app.inject({ method: "POST", url: "/items", payload: { quantity: 1, pad: "x".repeat(5000) } });
  t.equal(big.statusCode, 413);
  t.equal(big.json().code, "PAYLOAD_TOO_LARGE");
});

t.test("unknown route is 404 NOT_FOUND", async (t) => {
  const app = await build();
  const res = await app.inject({ method: "GET", url: "/nope?x=1" });
  t.equal(res.statusCode, 404);
  t.equal(res.json().code, "NOT_FOUND");
  t.match(res.json().message, "/nope");
});

t.test("unexpected errors are 500 INTERNAL without leaking", async (t) => {
  const app = await build();
  for (const url of ["/boom", "/boom-sync"]) {
    const res = await app.inject({ url, headers: { "x-request-id": "req-123" } });
    t.equal(res.statusCode, 500);
    t.same(res.json(), { code: "INTERNAL", message: "internal error" });
    t.notMatch(res.body, /secret|stack|undefined/);
    t.equal(res.headers["x-request-id"], "req-123");
  }
});

t.test("request id: taken from a sane header, generated otherwise", async (t) => {
  const app = await build();
  const given = await app.inject({ url: "/health", headers: { "x-request-id": "abc-1" } });
  t.equal(given.headers["x-request-id"], "abc-1");
  const generated = await app.inject({ url: "/health", headers: { "x-request-id": "bad id with spaces\n" } });
  t.match(generated.headers["x-request-id"], /^[0-9a-f-]{36}$/);
});
