/**
 * Who is calling, from `Authorization: Bearer <accessToken>` only. The signed assertion the internal
 * services trust (x-internal-assertion) is built by the service client from the verified caller
 * (`caller`); whatever a client sent under that name or the old identity headers (x-user-id /
 * x-user-roles) is removed on arrival, so nothing in the gateway can read or forward it.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ASSERTION_HEADER, USER_ID_HEADER, USER_ROLES_HEADER, canonicalId, forbidden, unauthorized, type Caller, type Role } from "@drops/http";
import type { TokenSigner } from "../domain/jwt.ts";

/** Drops client-sent identity headers before any route runs. */
export function stripClientIdentity(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => {
    delete request.headers[USER_ID_HEADER];
    delete request.headers[USER_ROLES_HEADER];
    delete request.headers[ASSERTION_HEADER];
  });
}

/** The verified caller of `Authorization: Bearer <accessToken>`: 401 when missing, invalid or expired. */
export function authenticate(request: FastifyRequest, tokens: TokenSigner): Caller {
  const header = request.headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw unauthorized("sign in: Authorization: Bearer <accessToken> is required");
  const result = tokens.verify(match[1]!);
  if (result === "expired") throw unauthorized("the access token has expired; log in again", "TOKEN_EXPIRED");
  if (result === "invalid") throw unauthorized("the access token is not valid", "INVALID_TOKEN");
  return { userId: canonicalId(result.userId), roles: result.roles };
}

/**
 * The verified caller's user id when the request carries a valid token with `role`, else undefined
 * (never throws: for hooks that only take a shortcut for such callers and leave every refusal to the
 * route, so a caller without a valid token still gets exactly the route's 401 / 403).
 */
export function verifiedUserWithRole(request: FastifyRequest, tokens: TokenSigner, role: Role): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== "string") return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return undefined;
  const result = tokens.verify(match[1]!);
  if (typeof result !== "object" || !result.roles.includes(role)) return undefined;
  return canonicalId(result.userId);
}

/** authenticate, then 403 FORBIDDEN unless the token carries `role`. */
export function authorize(request: FastifyRequest, tokens: TokenSigner, role: Role): Caller {
  const caller = authenticate(request, tokens);
  if (!caller.roles.includes(role)) throw forbidden(`${role} role required`);
  return caller;
}
