/**
 * Waiting-room admission tokens (ARCHITECTURE.md "The waiting room"): what an admitted buyer sends as
 * `Admission-Token` to buy in a queued drop. Pure (the HMAC is computation; the clock is passed in).
 *
 * `adm1.<payload>.<mac>`, payload = base64url of `dropId|buyerId|admissionId|expiresAtMs`, mac =
 * base64url HMAC-SHA256(ADMISSION_SECRET, "adm1." + payload). The admitter (the inventory) records an
 * admission in Redis; the gateway signs its token when it shows the admission (the same admission
 * always gives the same token, on every instance) and checks it before the purchase's Redis call: a
 * forged token, or one for another buyer or drop, costs no Redis round trip. Expiry and single use are
 * checked again atomically with the hold by reserve-admitted.lua, the one authority.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type Admission = { dropId: string; buyerId: string; admissionId: string; expiresAtMs: number };

export type AdmissionTokens = {
  sign(a: Admission): string;
  /** The admission, or why not: "invalid" (format, signature), "other" (another buyer or drop), "expired". */
  verify(token: string, expect: { dropId: string; buyerId: string }, nowMs: number): Admission | "invalid" | "other" | "expired";
};

const PREFIX = "adm1.";
const PART = /^[A-Za-z0-9_-]+$/;

export function createAdmissionTokens(secret: string): AdmissionTokens {
  const mac = (data: string): Buffer => createHmac("sha256", secret).update(data).digest();
  return {
    sign(a) {
      const payload = Buffer.from(`${a.dropId}|${a.buyerId}|${a.admissionId}|${a.expiresAtMs}`).toString("base64url");
      return `${PREFIX}${payload}.${mac(PREFIX + payload).toString("base64url")}`;
    },
    verify(token, expect, nowMs) {
      if (token.length > 512 || !token.startsWith(PREFIX)) return "invalid";
      const [payload, sig, ...rest] = token.slice(PREFIX.length).split(".");
      if (!payload || !sig || rest.length > 0 || !PART.test(payload) || !PART.test(sig)) return "invalid";
      const want = mac(PREFIX + payload);
      const got = Buffer.from(sig, "base64url");
      if (got.length !== want.length || !timingSafeEqual(got, want)) return "invalid";
      const [dropId, buyerId, admissionId, expires, extra] = Buffer.from(payload, "base64url").toString("utf8").split("|");
      const expiresAtMs = Number(expires);
      if (!dropId || !buyerId || !admissionId || extra !== undefined || !Number.isSafeInteger(expiresAtMs)) return "invalid";
      if (dropId !== expect.dropId || buyerId !== expect.buyerId) return "other";
      if (nowMs >= expiresAtMs) return "expired";
      return { dropId, buyerId, admissionId, expiresAtMs };
    },
  };
}
