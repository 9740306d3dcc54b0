/**
 * The HTTP server span, started by @drops/http's shell (its observe.ts) instead of the HTTP
 * instrumentation's span around every request: the shell starts it once a request is past onRequest,
 * so an answer given there from memory (the gateway's sold-out shortcut, a refused token) costs no
 * context, no span and no sampling decision. Measured: the instrumentation's server side doubled the
 * CPU of such an answer, sampled or not (docs/performance.md "Tracing overhead").
 *
 * The span's parent is the caller's W3C traceparent (the gateway's client calls carry it), its name the
 * route pattern (`POST /api/drops/:dropId/purchases`), its start the request's arrival. No-op helpers
 * without tracing: every caller checks `tracingEnabled()` once, when the app is built.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from "@opentelemetry/api";
import { isTracing } from "./state.ts";

export type ServerSpan = { readonly span: Span; readonly ctx: Context };

export type ServerRequest = {
  method: string;
  /** The route pattern, "unmatched" for the router's 404. */
  route: string;
  /** The path without its query (tokens travel in queries: `?access_token=`). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** When the request arrived (ms since the epoch). */
  startTime: number;
};

export function startServerSpan(tracerName: string, req: ServerRequest): ServerSpan {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = trace.getTracer(tracerName).startSpan(
    `${req.method} ${req.route}`,
    {
      kind: SpanKind.SERVER,
      startTime: req.startTime,
      attributes: { "http.request.method": req.method, "http.route": req.route, "url.path": req.path },
    },
    parent,
  );
  return { span, ctx: trace.setSpan(parent, span) };
}

export function endServerSpan(s: ServerSpan, statusCode: number): void {
  s.span.setAttribute("http.response.status_code", statusCode);
  if (statusCode >= 500) s.span.setStatus({ code: SpanStatusCode.ERROR });
  s.span.end();
}

/** Runs `fn` with `ctx` active (the request's span the parent of what it starts: Redis, pg, client calls). */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

/**
 * The trace fields of a log line (pino `mixin`): `trace_id`, `span_id` and `trace_flags` of the active
 * span, the same names as OpenTelemetry's pino instrumentation; nothing without tracing or without a
 * span. A fresh object each time: pino merges the line's own fields into it.
 */
export function logTraceFields(): Record<string, string> {
  if (!isTracing()) return {};
  const sc = trace.getActiveSpan()?.spanContext();
  if (sc === undefined || !trace.isSpanContextValid(sc)) return {};
  return { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: `0${sc.traceFlags.toString(16)}` };
}
