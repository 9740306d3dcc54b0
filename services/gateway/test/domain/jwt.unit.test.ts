import t from "tap";
import { createTokenSigner } from "../../src/domain/jwt.ts";

const secret = "s".repeat(32);
const user = { userId: "7d0b1c3e-8a43-4c1e-9d5e-7a1f0e2b3c4d", roles: ["buyer" as const] };

t.test("HS256 tokens: round trip, expiry, tampering", async (t) => {
  const signer = createTokenSigner(secret, 60, () => 1_000_000);
  const token = signer.sign(user, 1_000_000);
  t.equal(token.split(".").length, 3);
  const [header, payload] = token.split(".").slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>);
  t.same(header, { alg: "HS256", typ: "JWT" });
  t.match(payload, { sub: user.userId, roles: ["buyer"], iat: 1000, exp: 1060, iss: "drops-gateway" });
  t.same(signer.verify(token, 1_059_000), user);
  t.equal(signer.verify(token, 1_060_000), "expired");
  t.equal(createTokenSigner("t".repeat(32), 60, () => 1_000_000).verify(token, 1_000_000), "invalid", "another secret");
  const forged = [token.split(".")[0], Buffer.from(JSON.stringify({ ...payload, roles: ["admin"] })).toString("base64url"), token.split(".")[2]].join(".");
  t.equal(signer.verify(forged, 1_000_000), "invalid", "payload changed");
  const none = [Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url"), token.split(".")[1], ""].join(".");
  t.equal(signer.verify(none, 1_000_000), "invalid", "alg none");
  for (const junk of ["", "a.b", "a.b.c", "...", token + "x", "x".repeat(5000)]) t.equal(signer.verify(junk), "invalid", junk.slice(0, 20));
});

t.test("verified tokens are cached per token, bounded, and a cached token past its exp is refused", async (t) => {
  const signer = createTokenSigner(secret, 60, () => 1_000_000, { cacheSize: 2 });
  const other = (n: number) => ({ ...user, userId: `${n}d0b1c3e-8a43-4c1e-9d5e-7a1f0e2b3c4d` });
  const a = signer.sign(user, 1_000_000);
  const b = signer.sign(other(8), 1_000_000);
  const c = signer.sign(other(9), 1_000_000);
  const first = signer.verify(a, 1_000_000);
  t.same(first, user);
  t.equal(signer.verify(a, 1_001_000), first, "the cached caller (same object), not a second verification");
  t.same(signer.verify(b, 1_000_000), other(8));
  t.same(signer.verify(c, 1_000_000), other(9), "a third token evicts the least recently used (a)");
  const again = signer.verify(a, 1_002_000);
  t.same(again, user);
  t.not(again, first, "a was evicted: verified again (a new caller object)");
  t.equal(signer.verify(a, 1_059_999), again, "cached until its exp");
  t.equal(signer.verify(a, 1_060_000), "expired", "cached, but past its exp: checked again and refused");
  t.equal(signer.verify(a, 1_070_000), "expired", "and refused again (an expired token is never cached)");
  t.equal(signer.verify(`${a}x`, 1_000_000), "invalid", "a changed token is never a hit");
});
