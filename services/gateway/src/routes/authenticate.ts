import type { FastifyRequest } from "fastify";
import { forbidden, unauthorized } from "@drops/http";
import type { Principal, Role, TokenSigner } from "./jwt.ts";

/** The verified caller of `Authorization: Bearer <accessToken>`: 401 when missing, invalid or expired. */
export function authenticate(request: FastifyRequest, tokens: TokenSigner): Principal {
  const header = request.headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw unauthorized("sign in: Authorization: Bearer <accessToken> is required");
  const result = tokens.verify(match[1]!);
  if (result === "expired") throw unauthorized("the access token has expired; log in again", "TOKEN_EXPIRED");
  if (result === "invalid") throw unauthorized("the access token is not valid", "INVALID_TOKEN");
  return result;
}

/** authenticate, then 403 FORBIDDEN unless the token carries `role`. */
export function authorize(request: FastifyRequest, tokens: TokenSigner, role: Role): Principal {
  const principal = authenticate(request, tokens);
  if (!principal.roles.includes(role)) throw forbidden(`${role} role required`);
  return principal;
}
