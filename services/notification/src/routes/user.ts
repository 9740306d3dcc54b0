/** The buyer the gateway authenticated, passed in x-user-id (the service trusts only the gateway). */
import type { FastifyRequest } from "fastify";
import { unauthorized } from "@drops/http";

export const USER_HEADER = "x-user-id";

/** Ids in paths and headers: what the other services generate (uuids, prefixed ids). */
export const ID = { type: "string", minLength: 1, maxLength: 200, pattern: "^[A-Za-z0-9_:.\\-]+$" } as const;
const ID_RE = new RegExp(ID.pattern);

export function userOf(req: FastifyRequest): string {
  const raw = req.headers[USER_HEADER];
  const user = Array.isArray(raw) ? raw[0] : raw;
  if (user === undefined || user === "" || user.length > ID.maxLength || !ID_RE.test(user)) {
    throw unauthorized(`the ${USER_HEADER} header is required (an id)`);
  }
  return user;
}
