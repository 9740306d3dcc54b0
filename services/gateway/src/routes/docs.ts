import type { FastifyInstance } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";

/** OpenAPI 3 of every route with a schema: JSON at /docs/json, Swagger UI at /docs. Register before the routes. */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Drops storefront API",
        version: "0.1.0",
        description: "Limited-edition drops. Errors are `{code, message}`. Authenticate with `Authorization: Bearer <accessToken>` from signup or login.",
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
          accessTokenQuery: { type: "apiKey", in: "query", name: "access_token", description: "SSE routes only (EventSource cannot send headers); never logged" },
        },
      },
      tags: [{ name: "auth" }, { name: "sellers" }, { name: "admin" }, { name: "products" }, { name: "drops" }, { name: "cart" }, { name: "notifications" }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", logLevel: "warn" });
}
