/**
 * The gateway's access tokens: HS256 JSON Web Tokens with node:crypto, claims `sub` (user id),
 * `roles`, `iat`, `exp`, `iss: "drops-gateway"`. Pure: the clock is passed in.
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

/** `now` is the clock (the wall clock in the app); `nowMs` on a call overrides it (tests). */
export function createTokenSigner(secret: string, ttlSeconds: number, now: () => number): TokenSigner {
  const mac = (data: string) => createHmac("sha256", secret).update(data).digest();

  return {
    sign(caller, nowMs = now()) {
      const iat = Math.floor(nowMs / 1000);
      const payload = b64url(JSON.stringify({ sub: caller.userId, roles: caller.roles, iat, exp: iat + ttlSeconds, iss: ISSUER }));
      return `${HEADER}.${payload}.${mac(`${HEADER}.${payload}`).toString("base64url")}`;
    },
    verify(token, nowMs = now()) {
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
      return { userId: claims.sub, roles };
    },
  };
}
