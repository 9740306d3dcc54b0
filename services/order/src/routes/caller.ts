/** Who calls: the gateway authenticates and passes the user in x-user-id and their roles in x-user-roles. */
import type { FastifyRequest } from "fastify";
import { badRequest, forbidden, unauthorized } from "@drops/http";

export const USER_HEADER = "x-user-id";
export const ROLES_HEADER = "x-user-roles";

function header(req: FastifyRequest, name: string): string | undefined {
  const raw = req.headers[name];
  return Array.isArray(raw) ? raw[0] : raw;
}

export function userOf(req: FastifyRequest): string {
  const user = header(req, USER_HEADER);
  if (user === undefined || user === "" || user.length > 200) throw unauthorized(`the ${USER_HEADER} header is required`);
  return user;
}

/** The caller's user id, when their roles include admin; else 401 / 403. */
export function adminOf(req: FastifyRequest): string {
  const user = userOf(req);
  const roles = (header(req, ROLES_HEADER) ?? "").split(",").map((r) => r.trim());
  if (!roles.includes("admin")) throw forbidden("operators only");
  return user;
}

export const ID_SCHEMA = { type: "string", minLength: 1, maxLength: 200, pattern: "^[A-Za-z0-9_:.\\-]+$" } as const;

export const PAGE_SCHEMA = {
  page: { type: "integer", minimum: 1, maximum: 100_000, default: 1 },
  pageSize: { type: "integer", minimum: 1, maximum: 100, default: 20 },
} as const;

/** skip/take of a validated page query; refuses what the schema's coercion let through (e.g. 1e309). */
export function pageOf(q: { page: number; pageSize: number }): { skip: number; take: number } {
  const ok = (n: number, max: number): boolean => Number.isSafeInteger(n) && n >= 1 && n <= max;
  if (!ok(q.page, 100_000)) throw badRequest("page must be an integer from 1 to 100000", "VALIDATION_FAILED", { field: "page" });
  if (!ok(q.pageSize, 100)) throw badRequest("pageSize must be an integer from 1 to 100", "VALIDATION_FAILED", { field: "pageSize" });
  return { skip: (q.page - 1) * q.pageSize, take: q.pageSize };
}
