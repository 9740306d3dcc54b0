/**
 * What every service's shell records and serves for telemetry (@drops/telemetry):
 * - `drops_http_server_duration_seconds{method, route, status_code}`: one histogram per route
 *   pattern (`/api/drops/:dropId/purchases`, never the URL; "unmatched" for a 404 of the router),
 *   recorded in onResponse with a cached series (three Map lookups and a bucket search, no allocation:
 *   it runs on the gateway's sold-out short-circuit too);
 * - at most one log line per request at info ("request completed", with the request id and the
 *   request (method, URL: fastify's own request line is off); the gateway's request logger writes it
 *   at debug, its URL redacted, see its routes/request-log.ts);
 * - with tracing on, the HTTP server span of every request past onRequest (trace-requests.ts), named
 *   after the route pattern, ended here; the request line carries its trace fields;
 * - GET /metrics (Prometheus text) on the app's own port when metrics run and no separate
 *   METRICS_PORT serves them.
 */
import type { FastifyInstance } from "fastify";
import { HistogramSeries, LATENCY_BUCKETS_SECONDS, METRICS_CONTENT_TYPE, hotHistogram, metricsOnSeparatePort, metricsStarted, metricsText, tracingEnabled, withContext } from "@drops/telemetry";
import { endRequestSpan, serverSpanOf, traceRequests } from "./trace-requests.ts";

export const HTTP_DURATION_METRIC = "drops_http_server_duration_seconds";

const duration = hotHistogram(HTTP_DURATION_METRIC, "HTTP server request duration by route pattern", "s", LATENCY_BUCKETS_SECONDS);

/** route -> method -> status -> series, filled on first use. */
const byRoute = new Map<string, Map<string, Map<number, HistogramSeries>>>();

function seriesFor(route: string, method: string, status: number): HistogramSeries {
  let methods = byRoute.get(route);
  if (methods === undefined) byRoute.set(route, (methods = new Map<string, Map<number, HistogramSeries>>()));
  let statuses = methods.get(method);
  if (statuses === undefined) methods.set(method, (statuses = new Map<number, HistogramSeries>()));
  let s = statuses.get(status);
  if (s === undefined) statuses.set(status, (s = duration.series({ method, route, status_code: String(status) })));
  return s;
}

/** Paths whose requests are not logged at info (probes and scrapes). */
const QUIET = new Set(["/health", "/ready", "/metrics"]);

export function observeHttp(app: FastifyInstance): void {
  const tracing = tracingEnabled();
  if (tracing) traceRequests(app);
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "unmatched";
    seriesFor(route, request.method, reply.statusCode).record(reply.elapsedTime / 1000);
    if (!QUIET.has(route)) {
      const span = tracing ? serverSpanOf(request) : undefined;
      const line = () => request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, "request completed");
      if (span === undefined) line();
      else withContext(span.ctx, line);
    }
    if (tracing) endRequestSpan(request, reply.statusCode);
    done();
  });
  app.get("/metrics", { logLevel: "warn", schema: { hide: true } }, async (_request, reply) => {
    if (!metricsStarted() || metricsOnSeparatePort()) {
      return reply.status(404).send({ code: "NOT_FOUND", message: metricsStarted() ? "metrics are served on METRICS_PORT" : "metrics are off (METRICS_ENABLED=false)" });
    }
    return reply.header("content-type", METRICS_CONTENT_TYPE).send(await metricsText());
  });
}
