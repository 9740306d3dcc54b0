import type { FastifyBaseLogger } from "fastify";
import { AppError, isErrorCode, unavailable } from "./errors.ts";
import type { Caller } from "./identity.ts";
import type { InternalAuth } from "./internal-auth.ts";

export type ServiceCall = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The verified caller, signed into the call's assertion; without one the call is made as this service (role service). */
  caller?: Caller;
  requestId?: string;
  /** Extra request headers (e.g. Idempotency-Key); the assertion header is always the client's own. */
  headers?: Record<string, string>;
};

export type ServiceClient = { call: <T>(c: ServiceCall) => Promise<T> };

export type ServiceClientOptions = {
  /** Names the service in messages and logs ("catalog", "order service", "inventory"). */
  service: string;
  /** The called service's SERVICE_NAME: the `aud` of the assertions ("catalog", "order", "inventory", "cart", "notification"). */
  audience: string;
  /** Signs every call's assertion (the calling service's; createServiceApp's `app.internalAuth`). */
  auth: InternalAuth;
  baseUrl: string;
  timeoutMs: number;
  log?: FastifyBaseLogger;
};

/**
 * The one client for calling another service's internal HTTP API (fetch: undici, keep-alive). Every
 * call carries a fresh signed assertion (internal-auth.ts) for `audience`: the verified caller's, or
 * this service's own. A 4xx from the service is passed on as is ({code, message, ...details}, its code
 * from the catalogue), except a refused assertion, which is our misconfiguration (secrets differ,
 * clocks apart) and never the user's fault: logged and 503 like the service unreachable, slow or failing.
 */
export function createServiceClient(opts: ServiceClientOptions): ServiceClient {
  const { service, timeoutMs, log, auth, audience } = opts;
  const base = opts.baseUrl.replace(/\/+$/, "");
  const down = () => unavailable(`the ${service} is unavailable; retry shortly`);
  return {
    async call<T>(c: ServiceCall): Promise<T> {
      const url = new URL(base + c.path);
      for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      const headers: Record<string, string> = { accept: "application/json", ...c.headers, ...auth.headers(audience, c.caller, c.requestId) };
      if (c.body !== undefined) headers["content-type"] = "application/json";
      if (c.requestId) headers["x-request-id"] = c.requestId;
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, {
          method: c.method, headers, signal: AbortSignal.timeout(timeoutMs),
          ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
        });
        text = await res.text();
      } catch (err) {
        log?.warn({ err, url: url.pathname, service }, "service unreachable");
        throw down();
      }
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (res.status >= 500 || (res.ok && json === undefined && res.status !== 204)) {
        log?.warn({ status: res.status, url: url.pathname, service }, "service failed");
        throw down();
      }
      if (!res.ok) {
        const body = (json ?? {}) as { code?: unknown; message?: unknown; [k: string]: unknown };
        const { code, message, ...details } = body;
        if (code === "INVALID_ASSERTION") {
          log?.error({ url: url.pathname, service, message }, "the service refused our internal assertion: check INTERNAL_AUTH_SECRET and clocks");
          throw down();
        }
        throw new AppError(
          isErrorCode(code) ? code : "BAD_REQUEST",
          typeof message === "string" ? message : `request refused by the ${service}`,
          Object.keys(details).length ? details : undefined,
        );
      }
      return json as T;
    },
  };
}
