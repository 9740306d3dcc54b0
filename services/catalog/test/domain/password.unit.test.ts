import t from "tap";
import { hashPassword, verifyPassword } from "../../src/domain/password.ts";

t.test("password hashing: scrypt, salted, verified in constant time", async (t) => {
  const a = await hashPassword("correct horse");
  const b = await hashPassword("correct horse");
  t.match(a, /^scrypt\$16384\$8\$1\$/);
  t.not(a, b, "salted");
  t.ok(await verifyPassword("correct horse", a));
  t.notOk(await verifyPassword("correct horsE", a));
  t.notOk(await verifyPassword("x", "not-a-hash"));
  t.notOk(await verifyPassword("x", "scrypt$0$8$1$AA==$AA=="));
});
