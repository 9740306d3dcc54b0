import { createHmac, timingSafeEqual } from "node:crypto";

export type Role = "buyer" | "seller" | "admin";
export type Principal = { userId: string; roles: Role[] };
export type TokenSigner = {
  sign: (principal: Principal, nowMs?: number) => string;
  /** The principal, or a reason: "invalid" (bad format, signature, issuer) or "expired". */
  verify: (token: string, nowMs?: number) => Principal | "invalid" | "expired";
};

const ISSUER = "drops-gateway";
const HEADER = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
const ROLES = new Set<string>(["buyer", "seller", "admin"]);

function b64url(s: string | Buffer): string {
  return Buffer.from(s).toString("base64url");
}

/** HS256 JSON Web Tokens with node:crypto: `sub` = user id, `roles`, `iat`, `exp`, `iss`. */
export function createTokenSigner(secret: string, ttlSeconds: number): TokenSigner {
  const mac = (data: string) => createHmac("sha256", secret).update(data).digest();

  return {
    sign(principal, nowMs = Date.now()) {
      const iat = Math.floor(nowMs / 1000);
      const payload = b64url(JSON.stringify({ sub: principal.userId, roles: principal.roles, iat, exp: iat + ttlSeconds, iss: ISSUER }));
      return `${HEADER}.${payload}.${mac(`${HEADER}.${payload}`).toString("base64url")}`;
    },
    verify(token, nowMs = Date.now()) {
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
      const roles = claims.roles.filter((r): r is Role => typeof r === "string" && ROLES.has(r));
      return { userId: claims.sub, roles };
    },
  };
}
