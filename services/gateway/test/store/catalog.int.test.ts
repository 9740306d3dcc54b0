import t from "tap";
import { testStack } from "../helpers.ts";

t.test("catalog unreachable: 503 UNAVAILABLE", async (t) => {
  const s = await testStack(t);
  await s.catalog.app.close();
  for (const [method, url, body] of [["GET", "/api/drops", undefined], ["POST", "/api/auth/login", { email: "a@b.co", password: "password-1" }]] as const) {
    const res = await s.call(method, url, { body });
    t.equal(res.statusCode, 503, url);
    t.same(res.json(), { code: "UNAVAILABLE", message: "the catalog is unavailable; retry shortly" });
  }
});
