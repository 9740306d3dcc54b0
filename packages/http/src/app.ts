import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import { mapError } from "./error-body.ts";
import { canonicalUrl } from "./ids.ts";
import { errorHandlerPlugin } from "./error-handler.ts";
import { createDrain, installDrain } from "./drain.ts";
import { healthPlugin, type ReadinessChecks } from "./health.ts";
import { verifyInternalCalls } from "./identity.ts";
import { createInternalAuth, type InternalAuth } from "./internal-auth.ts";
import { loggerOptions, requestId, type LogLevel } from "./logger.ts";
import { observeHttp } from "./observe.ts";
import { rejectNul, strictValidatorCompiler } from "./validation.ts";

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
  /** The secret of the signed service-to-service assertions (serviceSpec gives every service one). */
  INTERNAL_AUTH_SECRET?: string;
};

declare module "fastify" {
  interface FastifyInstance {
    /** Signs this service's calls to others (createServiceClient's `auth`); verifies the calls it gets. */
    internalAuth: InternalAuth;
  }
}

/** When no secret is configured: nothing can be signed, every assertion is refused (fail closed). */
function noInternalAuth(service: string): InternalAuth {
  const refuse = (): never => {
    throw new Error(`${service}: INTERNAL_AUTH_SECRET is not configured; it cannot call other services`);
  };
  return { service, sign: refuse, headers: refuse, verify: () => "invalid" };
}

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
  /**
   * The public entry (the gateway): its callers are the public, proven by their own tokens, so it takes
   * no internal assertions (it only signs them). Every other service verifies one on each call that
   * names a user or reaches an /internal/* route (identity.ts). Default false.
   */
  publicEntry?: boolean;
  /** Fastify's trustProxy: the client IP and protocol from X-Forwarded-For / -Proto (behind a proxy only). Default false. */
  trustProxy?: boolean;
  /** The clock of the internal assertions (tests). Default Date.now. */
  now?: () => number;
  /** Adds the service's routes and hooks; a failure here closes the clients too. */
  setup?: (app: FastifyInstance) => Promise<void>;
};

/**
 * A fastify instance with the shell every service shares: JSON logs, request ids
 * (x-request-id in and out), the error handler, /health and /ready, and `app.drain` (drain.ts).
 * It never listens.
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
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: opts.bodyLimit ?? config?.BODY_LIMIT_BYTES ?? 1024 * 1024,
      return503OnClosing: true,
      trustProxy: opts.trustProxy ?? false,
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
    const secret = config?.INTERNAL_AUTH_SECRET;
    const auth = secret ? createInternalAuth({ secret, service: name, now: opts.now ?? Date.now }) : undefined;
    app.decorate("internalAuth", auth ?? noInternalAuth(name));
    if (opts.publicEntry !== true) verifyInternalCalls(app, auth);
    // GET /metrics and the per-route HTTP histogram (observe.ts).
    observeHttp(app);
    await app.register(errorHandlerPlugin);
    // Shutdown's first step (startService): /ready false, every answer Connection: close (drain.ts).
    const drain = createDrain();
    installDrain(app, drain);
    await app.register(healthPlugin, {
      checks: opts.checks ?? clients?.checks ?? {},
      timeoutMs: opts.readyTimeoutMs ?? config?.READY_TIMEOUT_MS ?? 2000,
      draining: () => drain.active,
    });
    if (clients) {
      clients.setLogger(app.log);
      // onClose hooks run last-added first, so this one runs after those the service adds.
      app.addHook("onClose", async () => clients.close());
    }
    // Every service: bodies never coerced, unknown properties refused (400 VALIDATION_FAILED), no NUL into text.
    app.setValidatorCompiler(strictValidatorCompiler());
    app.addHook("preValidation", rejectNul);
    await opts.setup?.(app);
    return app;
  } catch (err) {
    await clients?.close();
    throw err;
  }
}
