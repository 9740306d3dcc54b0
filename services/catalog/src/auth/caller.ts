import type { FastifyRequest } from "fastify";
import { forbidden, unauthorized } from "@drops/http";

export type Role = "buyer" | "seller" | "admin";
export type Caller = { userId: string; roles: Role[] };

/** Headers set by the gateway after it verified the caller's token (see README: internal network only). */
export const USER_ID_HEADER = "x-user-id";
export const USER_ROLES_HEADER = "x-user-roles";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLES = new Set<string>(["buyer", "seller", "admin"]);

/**
 * The caller the gateway vouches for. The catalog trusts these headers and nothing else: it must
 * only be reachable from the internal network, behind the gateway, which strips and sets them.
 */
export function callerOf(request: FastifyRequest): Caller {
  const userId = request.headers[USER_ID_HEADER];
  if (typeof userId !== "string" || !UUID.test(userId)) throw unauthorized("no verified caller");
  const raw = request.headers[USER_ROLES_HEADER];
  const roles = (typeof raw === "string" ? raw.split(",") : [])
    .map((r) => r.trim())
    .filter((r): r is Role => ROLES.has(r));
  return { userId: userId.toLowerCase(), roles };
}

export function adminOf(request: FastifyRequest): Caller {
  const caller = callerOf(request);
  if (!caller.roles.includes("admin")) throw forbidden("admin role required");
  return caller;
}
