/**
 * The gateway's access tokens: HS256 JSON Web Tokens with node:crypto, claims `sub` (user id),
 * `roles`, `iat`, `exp`, `iss: "drops-gateway"`. Pure: the clock is passed in.
 *
 * Verification is done once per token: a bounded LRU (`cacheSize` tokens, default 50,000) keeps the
 * caller of each token that verified, with its `exp`; a cached token past its `exp` is dropped and
 * checked again (so refused as expired). Only tokens that verified are kept (the key is the whole
 * token, signature included, so a hit is the very bytes that verified); a bad token costs an HMAC
 * every time, as before.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { ROLES, type Caller, type Role } from "@drops/http";

export type TokenSigner = {
  sign: (caller: Caller, nowMs?: number) => string;
  /** The caller, or a reason: "invalid" (bad format, signature, issuer) or "expired". */
  verify: (token: string, nowMs?: number) => Caller | "invalid" | "expired";
};

const ISSUER = "drops-gateway";
const HEADER = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
const ROLE_SET = new Set<string>(ROLES);

function b64url(s: string | Buffer): string {
  return Buffer.from(s).toString("base64url");
}

/** `now` is the clock (the wall clock in the app); `nowMs` on a call overrides it (tests). `cacheSize` 0: no cache. */
export function createTokenSigner(secret: string, ttlSeconds: number, now: () => number, opts: { cacheSize?: number } = {}): TokenSigner {
  const mac = (data: string) => createHmac("sha256", secret).update(data).digest();
  const cacheSize = opts.cacheSize ?? 50_000;
  /** token -> its caller and exp (ms); Map order is recency (a hit moves the entry to the end). */
  const verified = new Map<string, { caller: Caller; expMs: number }>();

  return {
    sign(caller, nowMs = now()) {
      const iat = Math.floor(nowMs / 1000);
      const payload = b64url(JSON.stringify({ sub: caller.userId, roles: caller.roles, iat, exp: iat + ttlSeconds, iss: ISSUER }));
      return `${HEADER}.${payload}.${mac(`${HEADER}.${payload}`).toString("base64url")}`;
    },
    verify(token, nowMs = now()) {
      const hit = verified.get(token);
      if (hit !== undefined) {
        verified.delete(token);
        if (hit.expMs > nowMs) {
          verified.set(token, hit);
          return hit.caller;
        }
      }
      const result = check(token, nowMs);
      if (typeof result === "object" && cacheSize > 0) {
        if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
        verified.set(token, result);
        return result.caller;
      }
      return typeof result === "object" ? result.caller : result;
    },
  };

  function check(token: string, nowMs: number): { caller: Caller; expMs: number } | "invalid" | "expired" {
    const parts = token.split(".");
    if (parts.length !== 3 || parts[0] !== HEADER) return "invalid";
    const signature = Buffer.from(parts[2]!, "base64url");
    const expected = mac(`${parts[0]}.${parts[1]}`);
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return "invalid";
    let claims: { sub?: unknown; roles?: unknown; exp?: unknown; iss?: unknown };
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as typeof claims;
    } catch {
      return "invalid";
    }
    if (claims === null || typeof claims !== "object") return "invalid";
    if (claims.iss !== ISSUER || typeof claims.sub !== "string" || typeof claims.exp !== "number" || !Array.isArray(claims.roles)) return "invalid";
    if (claims.exp * 1000 <= nowMs) return "expired";
    const roles = claims.roles.filter((r): r is Role => typeof r === "string" && ROLE_SET.has(r));
    return { caller: Object.freeze({ userId: claims.sub, roles: Object.freeze(roles) as Role[] }), expMs: claims.exp * 1000 };
  }
}
