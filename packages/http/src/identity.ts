/**
 * The caller identity the gateway vouches for, on every internal call: `x-user-id` (a user id, a
 * UUID) and `x-user-roles` (a comma-separated list of buyer, seller, admin). The gateway strips
 * what a client sent and sets these after verifying the token; the internal services read them
 * here and nowhere else, with one validation rule. Ids come out canonical (lower-case).
 */
import type { FastifyRequest } from "fastify";
import { forbidden, unauthorized } from "./errors.ts";
import { isUuid } from "./ids.ts";

export const USER_ID_HEADER = "x-user-id";
export const USER_ROLES_HEADER = "x-user-roles";

export const ROLES = ["buyer", "seller", "admin"] as const;
export type Role = (typeof ROLES)[number];
export type Caller = { userId: string; roles: Role[] };

const ROLE_SET = new Set<string>(ROLES);

function header(request: FastifyRequest, name: string): string | undefined {
  const raw = request.headers[name];
  return Array.isArray(raw) ? raw[0] : raw;
}

/** The verified caller; 401 UNAUTHORIZED when the gateway did not name one (or named it badly). */
export function callerOf(request: FastifyRequest): Caller {
  const userId = header(request, USER_ID_HEADER);
  if (userId === undefined || !isUuid(userId)) throw unauthorized(`no verified caller (the ${USER_ID_HEADER} header must be a user id)`);
  const roles = (header(request, USER_ROLES_HEADER) ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter((r): r is Role => ROLE_SET.has(r));
  return { userId: userId.toLowerCase(), roles };
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

/** The headers that carry `caller` on an internal call. */
export function identityHeaders(caller: Caller): Record<string, string> {
  return { [USER_ID_HEADER]: caller.userId, [USER_ROLES_HEADER]: caller.roles.join(",") };
}
