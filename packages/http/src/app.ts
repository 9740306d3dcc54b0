import Fastify, { type FastifyInstance } from "fastify";
import { errorHandlerPlugin } from "./error-handler.ts";
import { healthPlugin, type ReadinessChecks } from "./health.ts";
import { loggerOptions, requestId, type LogLevel } from "./logger.ts";

export type ServiceAppOptions = {
  /** Service name, on every log line. */
  name: string;
  logLevel?: LogLevel;
  /** Maximum request body in bytes (413 above). Default 1 MiB. */
  bodyLimit?: number;
  /** Readiness checks served at GET /ready; GET /health is always served. */
  checks?: ReadinessChecks;
  /** Per-check timeout for GET /ready. Default 2000 ms. */
  readyTimeoutMs?: number;
};

/**
 * A fastify instance with the shell every service shares: JSON logs, request ids
 * (x-request-id in and out), the error handler, /health and /ready. It never listens.
 */
export async function createServiceApp(opts: ServiceAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(opts.name, opts.logLevel),
    genReqId: requestId,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: "idle",
  });
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  await app.register(errorHandlerPlugin);
  await app.register(healthPlugin, { checks: opts.checks ?? {}, timeoutMs: opts.readyTimeoutMs ?? 2000 });
  return app;
}
