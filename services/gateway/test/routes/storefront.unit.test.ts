import t, { type Test } from "tap";
import { buildApp } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";
import { CONTENT_SECURITY_POLICY, PAGE_PATHS } from "../../src/routes/storefront.ts";

/** A gateway with nothing behind it: Redis refused at once (port 1), Kafka and the catalog never called. */
async function bareGateway(t: Test) {
  const { app } = await buildApp(readConfig({ LOG_LEVEL: "silent", REDIS_URL: "redis://127.0.0.1:1", KAFKA_BROKERS: "127.0.0.1:1", CATALOG_URL: "http://127.0.0.1:1" }));
  t.teardown(() => app.close());
  return app;
}

const DEEP_LINKS = ["/", "/drops", "/drops/0b9e8f3c-3f53-4a52-9d2b-1b5f1d0c6a11", "/products/0b9e8f3c-3f53-4a52-9d2b-1b5f1d0c6a11", "/cart", "/orders", "/notifications", "/signup", "/login", "/seller", "/admin"];

t.test("every page URL answers the page: HTML, no-cache, an ETag, the CSP of the own origin only", async (t) => {
  const app = await bareGateway(t);
  t.equal(PAGE_PATHS.length, DEEP_LINKS.length);
  let first: string | undefined;
  for (const url of DEEP_LINKS) {
    const res = await app.inject({ method: "GET", url });
    t.equal(res.statusCode, 200, url);
    t.match(res.headers["content-type"], /^text\/html/, `${url}: html`);
    t.equal(res.headers["cache-control"], "no-cache", `${url}: revalidated on every load`);
    t.equal(res.headers["content-security-policy"], CONTENT_SECURITY_POLICY);
    t.equal(res.headers["x-content-type-options"], "nosniff");
    first ??= res.body;
    t.equal(res.body, first, `${url}: the same page (history API routing)`);
  }
  t.match(CONTENT_SECURITY_POLICY, /default-src 'self'/);
  t.notMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*/, "no inline scripts or styles, no other origin");
  t.notMatch(first ?? "", /<script>|<style>|\sstyle=|\son[a-z]+=/i, "the page has no inline script, style or handler");
  const etag = (await app.inject({ method: "GET", url: "/cart" })).headers["etag"];
  t.equal((await app.inject({ method: "GET", url: "/cart", headers: { "if-none-match": String(etag) } })).statusCode, 304, "revalidation: 304");
  t.equal((await app.inject({ method: "HEAD", url: "/drops" })).statusCode, 200, "HEAD too");
});

t.test("assets: versioned URLs, cached forever (immutable); an unknown version or file is a JSON 404", async (t) => {
  const app = await bareGateway(t);
  const page = (await app.inject({ method: "GET", url: "/" })).body;
  const m = /src="(\/assets\/([0-9a-f]{12})\/app\.js)"/.exec(page);
  t.ok(m, "the module script under /assets/<content hash>/");
  const [, appJs, version] = m!;
  const css = /href="(\/assets\/[0-9a-f]{12}\/app\.css)"/.exec(page)![1]!;
  for (const url of [appJs!, css, `/assets/${version}/views/drop.js`, `/assets/${version}/favicon.svg`]) {
    const res = await app.inject({ method: "GET", url });
    t.equal(res.statusCode, 200, url);
    t.match(res.headers["cache-control"], /max-age=31536000/, `${url}: a year`);
    t.match(res.headers["cache-control"], /immutable/, `${url}: immutable`);
  }
  t.match((await app.inject({ method: "GET", url: appJs! })).headers["content-type"], /javascript/);
  for (const url of [`/assets/000000000000/app.js`, `/assets/${version}/nope.js`, `/assets/${version}/../../src/app.ts`]) {
    const res = await app.inject({ method: "GET", url });
    t.equal(res.statusCode, 404, url);
    t.equal(res.json<{ code: string }>().code, "NOT_FOUND", `${url}: the JSON 404`);
  }
});

t.test("never the page for the API, the docs, health or readiness: their JSON answers stay", async (t) => {
  const app = await bareGateway(t);
  for (const url of ["/api/nope", "/api/drops/x/y/z", "/docsx", "/healthz", "/ready/x", "/drops/a/b", "/favicon.ico"]) {
    const res = await app.inject({ method: "GET", url });
    t.equal(res.statusCode, 404, url);
    t.match(res.headers["content-type"], /application\/json/, `${url}: JSON`);
    t.equal(res.headers["content-security-policy"], undefined, `${url}: not a page`);
  }
  const health = await app.inject({ method: "GET", url: "/health" });
  t.equal(health.statusCode, 200);
  t.same(health.json(), { status: "ok" });
  const docs = await app.inject({ method: "GET", url: "/docs/json" });
  t.equal(docs.statusCode, 200);
  const paths = Object.keys(docs.json<{ paths: Record<string, unknown> }>().paths);
  t.notOk(paths.some((p) => p === "/" || p.startsWith("/assets") || p === "/cart"), "the page routes are not in the API document");
});
