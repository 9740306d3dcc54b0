import t from "tap";
import { testStack } from "../helpers.ts";

t.test("OpenAPI at /docs", async (t) => {
  const s = await testStack(t);
  const spec = await s.call("GET", "/docs/json");
  t.equal(spec.statusCode, 200);
  const paths = Object.keys(spec.json<{ paths: object }>().paths);
  for (const p of ["/api/auth/signup", "/api/auth/login", "/api/sellers", "/api/admin/sellers/{sellerId}/approve", "/api/products", "/api/drops", "/api/drops/{dropId}"]) {
    t.ok(paths.includes(p), p);
  }
  const ui = await s.call("GET", "/docs/");
  t.equal(ui.statusCode, 200);
  t.match(ui.body, /swagger/i);
});
