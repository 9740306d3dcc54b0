import t from "tap";
import { newUser, normalizeEmail, withRole } from "../../src/domain/users.ts";

t.test("users: e-mails lower-cased and trimmed; roles added once", async (t) => {
  t.equal(normalizeEmail("  Ann@Example.COM "), "ann@example.com");
  t.same(newUser({ email: "A@B.co", displayName: " Ann " }), { email: "a@b.co", displayName: "Ann" });
  t.same(withRole(["buyer"], "admin"), ["buyer", "admin"]);
  t.equal(withRole(["buyer", "admin"], "admin"), null);
});
