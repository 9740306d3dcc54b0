/**
 * Per-request logging of the gateway: no line at info for a request that went as expected. A
 * request's logger writes its `info` lines (fastify's "incoming request" / "request completed", the
 * error handler's line for an expected 4xx such as SOLD_OUT) at `debug`, so they appear only with
 * LOG_LEVEL=debug or trace; warn, error and fatal (a 5xx, a Redis failure) are written as they are,
 * with the request id. The pino child logger carrying the request id is only made when a line is
 * actually written, so a request that logs nothing allocates none.
 *
 * It applies to every route the gateway registers after `quietRequestLogs(app)` (all of /api and
 * /docs); /health and /ready come from the shared shell (@drops/http), registered before, which
 * logs them at warn only.
 */
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Bindings, ChildLoggerOptions } from "fastify/types/logger.js";
import { safeRequest } from "../domain/redact-url.ts";

type LogFn = FastifyBaseLogger["info"];

class RequestLog {
  #parent: FastifyBaseLogger;
  #bindings: Bindings;
  #opts: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#opts = opts;
  }

  get #real(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#opts));
  }

  get level(): string {
    return this.#opts.level ?? this.#parent.level;
  }
  set level(level: string) {
    this.#real.level = level;
  }

  #enabled(level: string): boolean {
    const logger = this.#child ?? (this.#opts.level === undefined ? this.#parent : this.#real);
    return (logger as unknown as { isLevelEnabled(level: string): boolean }).isLevelEnabled(level);
  }

  isLevelEnabled(level: string): boolean {
    return this.#enabled(level);
  }

  fatal(...args: Parameters<LogFn>): void {
    this.#real.fatal(...args);
  }
  error(...args: Parameters<LogFn>): void {
    this.#real.error(...args);
  }
  warn(...args: Parameters<LogFn>): void {
    this.#real.warn(...args);
  }
  /** info is written at debug (see the file comment). */
  info(...args: Parameters<LogFn>): void {
    if (this.#enabled("debug")) this.#real.debug(...args);
  }
  debug(...args: Parameters<LogFn>): void {
    if (this.#enabled("debug")) this.#real.debug(...args);
  }
  trace(...args: Parameters<LogFn>): void {
    if (this.#enabled("trace")) this.#real.trace(...args);
  }
  silent(): void {}

  child(bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real.child(bindings, opts);
  }
}

/**
 * Makes every request logger of the routes registered from now on a RequestLog, whose request
 * serializer redacts credentials in the URL (an SSE route's ?access_token=; domain/redact-url.ts).
 */
export function quietRequestLogs(app: FastifyInstance): void {
  app.setChildLoggerFactory((logger, bindings, opts) => new RequestLog(logger, bindings, { ...opts, serializers: { ...opts.serializers, req: safeRequest as (req: unknown) => Record<string, unknown> } }));
}
