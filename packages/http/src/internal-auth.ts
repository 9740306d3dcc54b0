/**
 * Service-to-service authentication: a short-lived signed internal assertion on every internal call.
 *
 * The caller (the gateway, or a service calling another) signs a compact HS256 JWT with the secret the
 * services share (`INTERNAL_AUTH_SECRET`) and sends it in one header, `x-internal-assertion`. Claims:
 *   iss   the calling service ("gateway", "catalog", ...)
 *   sub   the user the call is made for (a user id) or, on a call made for no user, the calling service
 *   roles the user's roles (buyer, seller, admin), or ["service"] on a call made for no user
 *   aud   the service the call is meant for: an assertion for the order service is refused by the cart
 *   iat / exp   seconds; exp - iat is ASSERTION_TTL_SECONDS (30 s), so a leaked assertion is soon useless
 *   rid   the request id (for logs; not checked)
 * Only HS256 is accepted (the header is compared byte for byte, so `alg: none` or another algorithm
 * never reaches the signature check). Pure: the clock is passed in. Why an assertion and not mutual
 * TLS or the user's token passed on: ARCHITECTURE.md "Service-to-service authentication".
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Caller, Role } from "./identity.ts";

export const ASSERTION_HEADER = "x-internal-assertion";
/** The role of a call a service makes on its own account (no user behind it). */
export const SERVICE_ROLE = "service";
/** Lifetime of one assertion: enough for one call (they are signed per call), short enough to be useless once leaked. */
export const ASSERTION_TTL_SECONDS = 30;
/** Clock skew allowed between two hosts on `iat` (an assertion from the near future) and `exp`. */
export const ASSERTION_LEEWAY_SECONDS = 5;

export type AssertedRole = Role | typeof SERVICE_ROLE;

/** The verified claims of an assertion. */
export type Assertion = { iss: string; sub: string; roles: AssertedRole[]; aud: string; iat: number; exp: number; rid?: string };

export type AssertionRefusal = "invalid" | "expired" | "wrong-audience";

export type InternalAuth = {
  /** The name of this service: the `iss` of what it signs and the `aud` it accepts. */
  readonly service: string;
  /** An assertion for a call to `audience`, made for `caller` (or for no user: sub = this service, role service). */
  sign: (audience: string, caller?: Caller, opts?: { requestId?: string; nowMs?: number }) => string;
  /** The header that carries it. */
  headers: (audience: string, caller?: Caller, requestId?: string) => Record<string, string>;
  /** The claims of an assertion meant for this service, or why it is refused. */
  verify: (token: string, nowMs?: number) => Assertion | AssertionRefusal;
};

const HEADER = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
const ASSERTED_ROLES = new Set<string>(["buyer", "seller", "admin", SERVICE_ROLE]);

function b64url(s: string | Buffer): string {
  return Buffer.from(s).toString("base64url");
}

export type InternalAuthOptions = {
  secret: string;
  /** This service's name (SERVICE_NAME). */
  service: string;
  /** The wall clock in ms (Date.now in the app; tests pass their own). */
  now: () => number;
};

export function createInternalAuth(opts: InternalAuthOptions): InternalAuth {
  const { secret, service, now } = opts;
  if (secret.length < 32) throw new Error("INTERNAL_AUTH_SECRET must be at least 32 characters");
  const mac = (data: string) => createHmac("sha256", secret).update(data).digest();

  const sign: InternalAuth["sign"] = (audience, caller, o = {}) => {
    const iat = Math.floor((o.nowMs ?? now()) / 1000);
    const claims: Assertion = {
      iss: service,
      sub: caller ? caller.userId : service,
      roles: caller ? [...caller.roles] : [SERVICE_ROLE],
      aud: audience,
      iat,
      exp: iat + ASSERTION_TTL_SECONDS,
      ...(o.requestId ? { rid: o.requestId } : {}),
    };
    const payload = b64url(JSON.stringify(claims));
    return `${HEADER}.${payload}.${mac(`${HEADER}.${payload}`).toString("base64url")}`;
  };

  return {
    service,
    sign,
    headers: (audience, caller, requestId) => ({ [ASSERTION_HEADER]: sign(audience, caller, requestId ? { requestId } : {}) }),
    verify(token, nowMs = now()) {
      const parts = token.split(".");
      if (parts.length !== 3 || parts[0] !== HEADER) return "invalid";
      const signature = Buffer.from(parts[2]!, "base64url");
      const expected = mac(`${parts[0]}.${parts[1]}`);
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return "invalid";
      let c: Record<string, unknown>;
      try {
        c = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
      } catch {
        return "invalid";
      }
      if (c === null || typeof c !== "object") return "invalid";
      const { iss, sub, roles, aud, iat, exp, rid } = c;
      if (typeof iss !== "string" || typeof sub !== "string" || typeof aud !== "string" || !Number.isInteger(iat) || !Number.isInteger(exp)) return "invalid";
      if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string" && ASSERTED_ROLES.has(r))) return "invalid";
      if ((exp as number) - (iat as number) > ASSERTION_TTL_SECONDS) return "invalid";
      const nowS = nowMs / 1000;
      if ((iat as number) > nowS + ASSERTION_LEEWAY_SECONDS) return "invalid";
      if ((exp as number) + ASSERTION_LEEWAY_SECONDS <= nowS) return "expired";
      if (aud !== service) return "wrong-audience";
      return { iss, sub, roles: roles as AssertedRole[], aud, iat: iat as number, exp: exp as number, ...(typeof rid === "string" ? { rid } : {}) };
    },
  };
}
