import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import { mapError } from "./error-body.ts";
import { canonicalUrl } from "./ids.ts";
import { errorHandlerPlugin } from "./error-handler.ts";
import { healthPlugin, type ReadinessChecks } from "./health.ts";
import { loggerOptions, requestId, type LogLevel } from "./logger.ts";
import { observeHttp } from "./observe.ts";

/** What a service's app needs of its infrastructure clients (each service's `openClients` result fits). */
export type ServiceClients = {
  /** Readiness probes, one per dependency, for GET /ready. */
  checks: ReadinessChecks;
  /** Where connection errors are logged; called with the app's logger once it exists. */
  setLogger: (logger: FastifyBaseLogger) => void;
  close: () => Promise<void>;
};

/** The shell variables of `serviceSpec` that shape the app. */
export type ServiceShellConfig = {
  SERVICE_NAME: string;
  LOG_LEVEL?: LogLevel;
  BODY_LIMIT_BYTES?: number;
  READY_TIMEOUT_MS?: number;
};

export type ServiceAppOptions = {
  /** Service name, on every log line. Default: config.SERVICE_NAME. */
  name?: string;
  logLevel?: LogLevel;
  /** Maximum request body in bytes (413 above). Default 1 MiB. */
  bodyLimit?: number;
  /** Readiness checks served at GET /ready; GET /health is always served. Default: clients.checks. */
  checks?: ReadinessChecks;
  /** Per-check timeout for GET /ready. Default 2000 ms. */
  readyTimeoutMs?: number;
  /** The service's configuration: the defaults of name, logLevel, bodyLimit and readyTimeoutMs. */
  config?: ServiceShellConfig;
  /**
   * The clients the app owns: their checks serve GET /ready, they log through the app's logger, and
   * they close when the app closes (after every onClose hook added later) or when building fails.
   */
  clients?: ServiceClients;
  /** Adds the service's routes and hooks; a failure here closes the clients too. */
  setup?: (app: FastifyInstance) => Promise<void>;
};

/**
 * A fastify instance with the shell every service shares: JSON logs, request ids
 * (x-request-id in and out), the error handler, /health and /ready. It never listens.
 */
export async function createServiceApp(opts: ServiceAppOptions): Promise<FastifyInstance> {
  const { config, clients } = opts;
  try {
    const name = opts.name ?? config?.SERVICE_NAME;
    if (name === undefined) throw new Error("createServiceApp: name or config.SERVICE_NAME is required");
    const app = Fastify({
      logger: loggerOptions(name, opts.logLevel ?? config?.LOG_LEVEL),
      genReqId: requestId,
      // One line per request at most, written by observeHttp when the response is sent.
      disableRequestLogging: true,
      bodyLimit: opts.bodyLimit ?? config?.BODY_LIMIT_BYTES ?? 1024 * 1024,
      return503OnClosing: true,
      forceCloseConnections: "idle",
      // One spelling per id before routing: Redis keys are case-sensitive (see ids.ts).
      rewriteUrl: (req) => canonicalUrl(req.url ?? "/"),
      // Errors the router raises before any hook (a malformed URL) get our body too, not fastify's.
      frameworkErrors: (error, _request, reply) => {
        const mapped = mapError(error);
        void (reply as FastifyReply).status(mapped.statusCode).send(mapped.body);
      },
    });
    app.addHook("onSend", async (request, reply) => {
      reply.header("x-request-id", request.id);
    });
    // GET /metrics and the per-route HTTP histogram (observe.ts).
    observeHttp(app);
    await app.register(errorHandlerPlugin);
    await app.register(healthPlugin, {
      checks: opts.checks ?? clients?.checks ?? {},
      timeoutMs: opts.readyTimeoutMs ?? config?.READY_TIMEOUT_MS ?? 2000,
    });
    if (clients) {
      clients.setLogger(app.log);
      // onClose hooks run last-added first, so this one runs after those the service adds.
      app.addHook("onClose", async () => clients.close());
    }
    await opts.setup?.(app);
    return app;
  } catch (err) {
    await clients?.close();
    throw err;
  }
}
