import type { FastifyInstance } from "fastify";
import { callerOf, notFound } from "@drops/http";
import type { Db } from "../store/prisma.ts";
import { getUser, login, signup } from "../store/users.ts";
import type { SignupInput } from "../domain/users.ts";
import { email, password, strictObject } from "./schemas.ts";

const displayName = { type: "string", minLength: 1, maxLength: 100, pattern: "\\S" } as const;
const signupBody = strictObject({ email, password, displayName }, ["email", "password", "displayName"]);
const loginBody = strictObject({ email: { type: "string", minLength: 1, maxLength: 254 }, password: { type: "string", minLength: 1, maxLength: 128 } }, ["email", "password"]);

/** Users and their sign-in: POST /users (signup), POST /users/login, GET /users/me. Token issuing is the gateway's job. */
export async function userRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const { db } = opts;

  app.post<{ Body: SignupInput }>("/users", { schema: { body: signupBody } }, async (request, reply) => {
    const user = await signup(db, request.body);
    return reply.status(201).send(user);
  });

  app.post<{ Body: { email: string; password: string } }>("/users/login", { schema: { body: loginBody } }, async (request) => {
    return login(db, request.body);
  });

  app.get("/users/me", async (request) => {
    const user = await getUser(db, callerOf(request).userId);
    if (!user) throw notFound("user not found", "USER_NOT_FOUND");
    return user;
  });
}
