import t from "tap";
import { createAdmissionTokens } from "../../src/domain/admission-token.ts";
import { queueView } from "../../src/domain/queue-view.ts";

const D = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";
const a = { dropId: D, buyerId: B, admissionId: "7", expiresAtMs: 10_000 };

t.test("an admission token is signed, bound to its buyer and drop, and expires", async (t) => {
  const tokens = createAdmissionTokens("x".repeat(32));
  const token = tokens.sign(a);
  t.equal(tokens.sign(a), token, "the same admission always gives the same token");
  t.same(tokens.verify(token, { dropId: D, buyerId: B }, 9_999), a);
  t.equal(tokens.verify(token, { dropId: D, buyerId: B }, 10_000), "expired");
  t.equal(tokens.verify(token, { dropId: D, buyerId: "33333333-3333-4333-8333-333333333333" }, 0), "other", "another buyer");
  t.equal(tokens.verify(token, { dropId: "44444444-4444-4444-8444-444444444444", buyerId: B }, 0), "other", "another drop");
  t.equal(createAdmissionTokens("y".repeat(32)).verify(token, { dropId: D, buyerId: B }, 0), "invalid", "another secret");

  const [prefix, payload, sig] = token.split(".");
  const forged = Buffer.from(`${D}|${B}|7|99999999`).toString("base64url");
  t.equal(tokens.verify(`${prefix}.${forged}.${sig}`, { dropId: D, buyerId: B }, 0), "invalid", "a changed payload");
  for (const bad of ["", "adm1.", `${prefix}.${payload}`, `${prefix}.${payload}.${sig}.x`, `adm2.${payload}.${sig}`, `${prefix}.${payload}.${sig!.slice(1)}`, "a".repeat(600)]) {
    t.equal(tokens.verify(bad, { dropId: D, buyerId: B }, 0), "invalid", `refused: ${JSON.stringify(bad.slice(0, 40))}`);
  }
  const noId = tokens.sign({ ...a, admissionId: "" });
  t.equal(tokens.verify(noId, { dropId: D, buyerId: B }, 0), "invalid", "an admission without id");
});

t.test("the public view of a place", async (t) => {
  const tokens = createAdmissionTokens("x".repeat(32));
  const ctx = { dropId: D, buyerId: B, admitPerSecond: 10, tokens };
  t.same(queueView({ status: "waiting", position: null, receipt: "r" }, ctx), { status: "waiting", position: null, etaSeconds: null, receipt: "r" }, "not drawn yet");
  t.same(queueView({ status: "waiting", position: 25, receipt: "r" }, ctx), { status: "waiting", position: 25, etaSeconds: 3, receipt: "r" }, "ceil(25 / 10)");
  t.same(queueView({ status: "sold_out", position: 4, receipt: "r" }, ctx), { status: "sold_out", position: 4, etaSeconds: 1, receipt: "r" });
  const admitted = queueView({ status: "admitted", position: 0, receipt: "r", admission: { admissionId: "7", expiresAtMs: 10_000 } }, ctx);
  t.same(admitted, { status: "admitted", position: 0, etaSeconds: 0, receipt: "r", admissionToken: tokens.sign(a), admissionExpiresAt: new Date(10_000).toISOString() });
  t.same(queueView({ status: "admitted", position: 0, receipt: "r", orderId: "o" }, ctx), { status: "admitted", position: 0, etaSeconds: 0, receipt: "r", orderId: "o" }, "used: no token, its order");
  t.same(queueView({ status: "expired", position: 0, receipt: "r" }, ctx), { status: "expired", position: 0, etaSeconds: null, receipt: "r" });
});
