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

t.test("password hashing parameters: scrypt N=2^14, r=8, p=1 (OWASP's minimum), a 16-byte random salt, a 64-byte key", async (t) => {
  const stored = await hashPassword("correct horse");
  const [kind, N, r, p, salt, key] = stored.split("$");
  t.same([kind, Number(N), Number(r), Number(p)], ["scrypt", 16_384, 8, 1]);
  t.ok(Number(N) * Number(r) >= 16_384 * 8, "memory cost at least 16 MiB");
  t.equal(Buffer.from(salt!, "base64").length, 16, "16-byte salt");
  t.equal(Buffer.from(key!, "base64").length, 64, "64-byte key");
  t.notOk(stored.includes("correct horse"), "the password itself is never stored");
});
