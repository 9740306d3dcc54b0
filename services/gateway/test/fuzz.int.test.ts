import t from "tap";
import { inSeconds, testStack } from "./helpers.ts";

const WEIRD: unknown[] = [null, true, false, 0, -1, 2.5, 1e308, "", " ", "x".repeat(20_000), [], ["a"], {}, { nested: { deep: [null] } }, "\u0000", "'; drop table users; --", "😀".repeat(80)];

t.test("fuzzed input on every route: a 4xx with {code, message}, never a 5xx", async (t) => {
  const s = await testStack(t);
  const seller = await s.seller();
  const admin = await s.admin();
  const productId = (await s.call("POST", "/api/products", { token: seller.accessToken, body: { name: "n", description: "d", priceCents: 1 } })).json().productId as string;
  const dropId = (await s.call("POST", "/api/drops", { token: seller.accessToken, body: { productId, startsAt: inSeconds(60), units: 1, perBuyerLimit: 1, holdSeconds: 30 } })).json().dropId as string;
  const routes: { url: string; token?: string; headers?: Record<string, string>; body: Record<string, unknown> }[] = [
    { url: "/api/auth/signup", body: { email: "fuzz@gw.test", password: "password-123", displayName: "Fuzz" } },
    { url: "/api/auth/login", body: { email: "fuzz@gw.test", password: "password-123" } },
    { url: "/api/sellers", token: seller.accessToken, body: { businessName: "B", contactEmail: "b@gw.test" } },
    { url: "/api/products", token: seller.accessToken, body: { name: "n", description: "d", priceCents: 1 } },
    { url: "/api/drops", token: seller.accessToken, body: { productId, startsAt: inSeconds(60), units: 1, perBuyerLimit: 1, holdSeconds: 30 } },
    { url: `/api/drops/${dropId}/purchases`, token: seller.accessToken, headers: { "idempotency-key": "fuzz-1" }, body: { quantity: 1, paymentMethod: "pm_card_ok" } },
  ];
  let count = 0;
  const problems: string[] = [];
  const check = (label: string, res: { statusCode: number; body: string }) => {
    count++;
    if (res.statusCode >= 500) problems.push(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    if (res.statusCode < 400) return; // a weird value that happens to be valid
    let body: { code?: unknown; message?: unknown } = {};
    try {
      body = JSON.parse(res.body) as typeof body;
    } catch {
      problems.push(`${label}: not JSON: ${res.body.slice(0, 100)}`);
    }
    if (typeof body.code !== "string" || typeof body.message !== "string") problems.push(`${label}: no {code, message}`);
  };

  for (const r of routes) {
    const headers = { ...(r.token ? { authorization: `Bearer ${r.token}` } : {}), ...r.headers };
    for (const field of Object.keys(r.body)) {
      const { [field]: _omit, ...missing } = r.body;
      const res = await s.call("POST", r.url, { token: r.token, headers: r.headers ?? {}, body: missing });
      check(`${r.url} without ${field}`, res);
      t.equal(res.statusCode, 400, `${r.url} without ${field}`);
      for (const value of WEIRD) check(`${r.url} ${field}=${JSON.stringify(value).slice(0, 20)}`, await s.call("POST", r.url, { token: r.token, headers: r.headers ?? {}, body: { ...r.body, [field]: value } }));
    }
    const extra = await s.call("POST", r.url, { token: r.token, headers: r.headers ?? {}, body: { ...r.body, isAdmin: true } });
    t.equal(extra.statusCode, 400, `${r.url} unknown property`);
    t.equal(extra.json().code, "VALIDATION_FAILED");
    for (const raw of ["{", "null", "[]", '"s"', "1", '{"a":', "{\"__proto__\":{\"admin\":true}}", "\u0000", "{}".repeat(1000)]) {
      check(`${r.url} raw ${raw.slice(0, 10)}`, await s.gateway.inject({ method: "POST", url: r.url, headers: { ...headers, "content-type": "application/json" }, payload: raw }));
    }
    const bad = await s.gateway.inject({ method: "POST", url: r.url, headers: { ...headers, "content-type": "application/json" }, payload: "{" });
    t.same([bad.statusCode, bad.json().code], [400, "MALFORMED_JSON"], `${r.url} bad JSON`);
    check(`${r.url} text/plain`, await s.gateway.inject({ method: "POST", url: r.url, headers: { ...headers, "content-type": "text/plain" }, payload: "x" }));
    const huge = await s.gateway.inject({ method: "POST", url: r.url, headers, payload: { blob: "x".repeat(2 * 1024 * 1024) } });
    t.equal(huge.statusCode, 413, `${r.url} huge body`);
  }
  for (const auth of ["Bearer", "Bearer ", "Bearer a.b", `Bearer ${"x".repeat(8000)}`, "bearer x.y.z", "Token abc", `Bearer ${seller.accessToken}x`]) {
    const res = await s.gateway.inject({ method: "POST", url: "/api/sellers", headers: { authorization: auth }, payload: routes[2]!.body });
    check(`auth ${auth.slice(0, 20)}`, res);
    t.equal(res.statusCode, 401, `auth ${auth.slice(0, 20)}`);
  }
  const adminRoutes = ["/api/admin/sellers/nope/approve", "/api/admin/sellers/%00/approve", "/api/admin/sellers/00000000-0000-4000-8000-000000000000/reject"];
  for (const url of adminRoutes) check(`POST ${url}`, await s.call("POST", url, { token: admin.accessToken }));
  for (const key of ["", " ", "x".repeat(201), "a\u0001b", "ü"]) {
    const res = await s.call("POST", `/api/drops/${dropId}/purchases`, { token: seller.accessToken, headers: { "idempotency-key": key }, body: routes[5]!.body });
    check(`purchase key ${JSON.stringify(key).slice(0, 12)}`, res);
    t.equal(res.statusCode, 400, `purchase key ${JSON.stringify(key).slice(0, 12)}`);
  }
  for (const url of ["/api/orders/abc/cancel", "/api/orders/%00/cancel"]) check(`POST ${url}`, await s.call("POST", url, { token: seller.accessToken }));
  const gets = [
    "/api/drops/1", "/api/drops/%E0%A4%A", "/api/drops?page=0", "/api/drops?page=abc", "/api/drops?pageSize=101", "/api/drops?pageSize=-5",
    "/api/drops?sort=cheapest", "/api/drops?sort=", "/api/drops?q=%00", `/api/drops?q=${"a".repeat(500)}`, "/api/drops?q[]=a", "/api/drops?status=sold",
    "/api/drops?sellerId=abc", "/api/drops?unknown=1", "/api/products/abc", "/api/admin/sellers?page=x",
    "/api/orders/abc", "/api/orders/%00", "/api/orders?page=0", "/api/orders?status=lost", "/api/orders?buyerId=x", "/api/orders?pageSize=1000",
    "/api/drops/abc/stock/stream", "/api/admin/drops/abc/stock", `/api/admin/drops/${"9".repeat(40)}/stock`,
  ];
  for (const url of gets) {
    const res = await s.call("GET", url, { token: admin.accessToken });
    check(`GET ${url}`, res);
    t.ok(res.statusCode >= 400, `GET ${url} is refused (${res.statusCode})`);
  }
  t.same(problems, [], "every refusal is a 4xx with {code, message}");
  t.ok(count > 300, `${count} fuzzed requests, none answered 5xx`);
});
