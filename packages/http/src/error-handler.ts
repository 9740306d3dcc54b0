import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { mapError } from "./error-body.ts";

/**
 * The service's one error handler (registered at the root, so it covers every route):
 * AppError -> its status and code; validation -> 400 VALIDATION_FAILED with the field;
 * fastify's own 4xx (bad JSON, 413, 415) -> that status with a code; unknown route -> 404
 * NOT_FOUND; anything else -> 500 INTERNAL, logged with the request id, never leaked.
 */
async function errorHandler(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(async (error, request, reply) => {
    const mapped = mapError(error);
    if (mapped.expected) request.log.info({ code: mapped.body.code, statusCode: mapped.statusCode }, mapped.body.message);
    else request.log.error({ err: error }, "unhandled error");
    return reply.status(mapped.statusCode).send(mapped.body);
  });

  app.setNotFoundHandler(async (request, reply) => {
    return reply.status(404).send({ code: "NOT_FOUND", message: `route ${request.method} ${request.url.split("?")[0]} not found` });
  });
}

export const errorHandlerPlugin = fp(errorHandler, { name: "drops-error-handler", fastify: "5.x" });
