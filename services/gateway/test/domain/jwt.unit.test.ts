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
