import type { FastifyInstance } from "fastify";
import { authenticate } from "./authenticate.ts";
import type { Role, ServiceClient } from "@drops/http";
import type { TokenSigner } from "../domain/jwt.ts";
import { bearer, errors, loginBody, meAnswer, signupBody, tokenAnswer } from "./schemas.ts";

export type RouteDeps = { catalog: ServiceClient; tokens: TokenSigner };
type CatalogUser = { userId: string; email: string; displayName: string; roles: Role[] };

/** POST /api/auth/signup, POST /api/auth/login (the gateway issues the JWT), GET /api/me. */
export async function authRoutes(app: FastifyInstance, { catalog, tokens }: RouteDeps): Promise<void> {
  const issue = (u: CatalogUser) => ({ userId: u.userId, accessToken: tokens.sign({ userId: u.userId, roles: u.roles }) });

  app.post<{ Body: { email: string; password: string; displayName: string } }>(
    "/api/auth/signup",
    { schema: { tags: ["auth"], summary: "Create a buyer account", body: signupBody, response: { 201: tokenAnswer, ...errors(400, 409, 503) } } },
    async (request, reply) => {
      const user = await catalog.call<CatalogUser>({ method: "POST", path: "/users", body: request.body, requestId: request.id });
      return reply.status(201).send(issue(user));
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    "/api/auth/login",
    { schema: { tags: ["auth"], summary: "Log in", body: loginBody, response: { 200: tokenAnswer, ...errors(400, 401, 503) } } },
    async (request) => issue(await catalog.call<CatalogUser>({ method: "POST", path: "/users/login", body: request.body, requestId: request.id })),
  );

  app.get(
    "/api/me",
    { schema: { tags: ["auth"], summary: "The signed-in user", security: bearer, response: { 200: meAnswer, ...errors(401, 503) } } },
    async (request) => catalog.call({ method: "GET", path: "/users/me", caller: authenticate(request, tokens), requestId: request.id }),
  );
}
