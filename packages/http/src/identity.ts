/**
 * The caller identity on an internal call, and how it is proven. The gateway verifies the user's
 * token; every call it (or another service) makes to an internal service carries a short-lived signed
 * assertion (`x-internal-assertion`, internal-auth.ts) naming the user and roles, or, on a call made
 * for no user, the calling service. Each internal service verifies it in one onRequest hook
 * (`verifyInternalCalls`, installed by createServiceApp) and routes read the caller here and nowhere
 * else. The bare `x-user-id` / `x-user-roles` headers prove nothing: sent without an assertion they
 * are refused with 401 INVALID_ASSERTION, sent with one they are ignored. `/internal/*` routes need a
 * valid assertion of any kind. Ids come out canonical (lower-case).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { forbidden, unauthorized } from "./errors.ts";
import { isUuid } from "./ids.ts";
import { ASSERTION_HEADER, SERVICE_ROLE, type Assertion, type InternalAuth } from "./internal-auth.ts";

/** The identity headers of old: stripped by the gateway, refused by the internal services without an assertion. */
export const USER_ID_HEADER = "x-user-id";
export const USER_ROLES_HEADER = "x-user-roles";

export const ROLES = ["buyer", "seller", "admin"] as const;
export type Role = (typeof ROLES)[number];
export type Caller = { userId: string; roles: Role[] };

const ROLE_SET = new Set<string>(ROLES);
/** The verified assertion of each request (set by the hook; a request the hook did not verify has none). */
const asserted = new WeakMap<FastifyRequest, Assertion>();

function header(request: FastifyRequest, name: string): string | undefined {
  const raw = request.headers[name];
  return Array.isArray(raw) ? raw[0] : raw;
}

const REFUSALS = {
  invalid: "the internal assertion is not valid (forged, malformed or signed with another secret)",
  expired: "the internal assertion has expired",
  "wrong-audience": "the internal assertion is meant for another service",
} as const;

/**
 * Installs the check of every call to an internal service (createServiceApp does, for every service
 * but the gateway). `auth` undefined (no secret configured): every assertion is refused.
 */
export function verifyInternalCalls(app: FastifyInstance, auth: InternalAuth | undefined): void {
  app.addHook("onRequest", async (request) => {
    const token = header(request, ASSERTION_HEADER);
    if (token === undefined) {
      if (request.headers[USER_ID_HEADER] !== undefined || request.headers[USER_ROLES_HEADER] !== undefined) {
        throw unauthorized(`identity headers are not accepted without a signed ${ASSERTION_HEADER}`, "INVALID_ASSERTION");
      }
      if (request.routeOptions.url?.startsWith("/internal/")) throw unauthorized(`an internal route: a signed ${ASSERTION_HEADER} is required`, "INVALID_ASSERTION");
      return;
    }
    const result = auth ? auth.verify(token) : "invalid";
    if (typeof result === "string") throw unauthorized(REFUSALS[result], "INVALID_ASSERTION");
    asserted.set(request, result);
  });
}

/** The verified assertion of the call (a user's or a service's); 401 when it carries none. */
export function assertionOf(request: FastifyRequest): Assertion {
  const a = asserted.get(request);
  if (a === undefined) throw unauthorized(`no verified caller (a signed ${ASSERTION_HEADER} is required)`);
  return a;
}

/** The verified user the call is made for; 401 UNAUTHORIZED when none (no assertion, or a service's own call). */
export function callerOf(request: FastifyRequest): Caller {
  const a = assertionOf(request);
  if (a.roles.includes(SERVICE_ROLE) || !isUuid(a.sub)) throw unauthorized("no verified caller (the call is made for no user)");
  return { userId: a.sub.toLowerCase(), roles: a.roles.filter((r): r is Role => ROLE_SET.has(r)) };
}

/** The caller, when their roles include `role`; else 401 / 403 FORBIDDEN. */
export function requireRole(request: FastifyRequest, role: Role): Caller {
  const caller = callerOf(request);
  if (!caller.roles.includes(role)) throw forbidden(`${role} role required`);
  return caller;
}

/** The caller, when an admin. */
export function adminOf(request: FastifyRequest): Caller {
  return requireRole(request, "admin");
}
