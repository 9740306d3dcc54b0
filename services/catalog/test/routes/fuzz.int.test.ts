import t from "tap";
import { testCatalog } from "../helpers.ts";

const WEIRD: unknown[] = [null, true, 0, -1, 1.5, 1e308, "", " ", "x".repeat(10_000), [], [1, 2], {}, { a: { b: [null] } }, "\u0000", "😀".repeat(50)];

t.test("bad input on every route is a 4xx with {code, message}, never a 5xx", async (t) => {
  const c = await testCatalog(t);
  const s = await c.seller();
  const productId = await c.product(s);
  const valid: Record<string, Record<string, unknown>> = {
    "/users": { email: "fuzz@test.local", password: "password-123", displayName: "Fuzz" },
    "/users/login": { email: "fuzz@test.local", password: "password-123" },
    "/sellers": { businessName: "Fuzz", contactEmail: "fuzz@test.local" },
    "/products": { name: "n", description: "d", priceCents: 1 },
    "/drops": { productId, startsAt: new Date(Date.now() + 60_000).toISOString(), units: 1, perBuyerLimit: 1, holdSeconds: 30 },
  };
  let count = 0;
  const problems: string[] = [];
  const check = (label: string, res: { statusCode: number; body: string }) => {
    count++;
    if (res.statusCode >= 500) problems.push(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    if (res.statusCode < 400) return; // a weird value that happens to be valid
    const body = JSON.parse(res.body) as { code?: unknown; message?: unknown };
    if (typeof body.code !== "string" || typeof body.message !== "string") problems.push(`${label}: no {code, message}: ${res.body.slice(0, 200)}`);
  };
  for (const [url, body] of Object.entries(valid)) {
    for (const field of Object.keys(body)) {
      const { [field]: _omit, ...missing } = body;
      check(`${url} without ${field}`, await c.call("POST", url, { who: s, body: missing }));
      for (const value of WEIRD) {
        if (url === "/sellers" && value === "x".repeat(10_000)) continue;
        const res = await c.call("POST", url, { who: s, body: { ...body, [field]: value } });
        check(`${url} ${field}=${JSON.stringify(value).slice(0, 20)}`, res);
      }
    }
    for (const raw of ["{", "null", "[]", '"str"', "42", '{"__proto__":{"x":1}}', "{\"email\":\"a\"", "\u0000"]) {
      const res = await c.app.inject({ method: "POST", url, headers: { ...c.as(s), "content-type": "application/json" }, payload: raw });
      check(`${url} raw ${raw}`, res);
    }
    check(`${url} text/plain`, await c.app.inject({ method: "POST", url, headers: { ...c.as(s), "content-type": "text/plain" }, payload: "hi" }));
    check(`${url} huge`, await c.app.inject({ method: "POST", url, headers: c.as(s), payload: { blob: "x".repeat(2 * 1024 * 1024) } }));
  }
  for (const headers of [{ "x-user-id": "1 OR 1=1" }, { "x-user-id": "" }, { "x-user-id": "00000000-0000-4000-8000-000000000000" }]) {
    check(`identity ${JSON.stringify(headers)}`, await c.app.inject({ method: "POST", url: "/sellers", headers, payload: valid["/sellers"]! }));
    check(`identity ${JSON.stringify(headers)} me`, await c.app.inject({ method: "GET", url: "/users/me", headers }));
  }
  for (const url of ["/drops/%00", "/drops/' or 1=1", "/products/x", "/drops?page=-1", "/drops?pageSize=1e9", "/drops?q[]=a&q[]=b", "/admin/sellers?page=abc"]) {
    check(`GET ${url}`, await c.app.inject({ method: "GET", url, headers: c.as(c.admin) }));
  }
  t.same(problems, [], "every bad request is a 4xx with {code, message}");
  t.ok(count > 300, `${count} bad requests answered without a 5xx`);
});
