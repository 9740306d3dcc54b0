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
  for (const p of ["/api/cart", "/api/cart/lines/{productId}", "/api/cart/checkout", "/api/products/{productId}/restock"]) t.ok(paths.includes(p), p);
  type Op = { parameters?: { name: string; in: string; required?: boolean }[]; requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> }; responses: Record<string, unknown> };
  const ops = spec.json<{ paths: Record<string, Record<string, Op>> }>().paths;
  const checkout = ops["/api/cart/checkout"]!["post"]!;
  t.ok(checkout.parameters?.some((p) => p.in === "header" && p.name === "idempotency-key" && p.required), "checkout documents its Idempotency-Key header");
  t.ok(["201", "409", "422"].every((c) => c in checkout.responses), "checkout documents 201, 409, 422");
  t.ok("stock" in ops["/api/products"]!["post"]!.requestBody!.content["application/json"]!.schema.properties, "POST /api/products documents stock");
  t.ok(ops["/api/cart/lines/{productId}"]!["put"] && ops["/api/cart/lines/{productId}"]!["delete"], "PUT and DELETE of a line");
  const ui = await s.call("GET", "/docs/");
  t.equal(ui.statusCode, 200);
  t.match(ui.body, /swagger/i);
});
