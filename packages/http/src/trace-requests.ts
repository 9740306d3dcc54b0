/**
 * With tracing on, every request past onRequest gets its HTTP server span here (@drops/telemetry
 * server-span.ts), so an answer from memory in onRequest (the gateway's sold-out shortcut, a missing
 * or refused token) costs no span, no context and no sampling decision; the metrics count it.
 *
 * - preParsing: the span starts (its start the request's arrival, its parent the caller's
 *   traceparent) and the rest of the chain runs with it active: body parsing, validation, preHandler
 *   hooks and the handler, so it is the parent of what they start (Redis, PostgreSQL and client
 *   spans, the events' traceparent). The context survives a body that arrives in later socket events
 *   (the unit test sends one 50 ms after the headers);
 * - onError records the exception; observe.ts ends the span when the response is sent (and writes the
 *   request line with its trace fields), onRequestAbort when the client gave up.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { endServerSpan, startServerSpan, withContext, type ServerSpan } from "@drops/telemetry";

const TRACER = "@drops/http";

const spans = new WeakMap<FastifyRequest, ServerSpan>();

/** The request's server span (undefined without tracing or when answered in onRequest). */
export function serverSpanOf(request: FastifyRequest): ServerSpan | undefined {
  return spans.get(request);
}

/** Ends the request's span once (the response sent, or the client gone). */
export function endRequestSpan(request: FastifyRequest, statusCode: number): void {
  const s = spans.get(request);
  if (s === undefined) return;
  spans.delete(request);
  endServerSpan(s, statusCode);
}

export function traceRequests(app: FastifyInstance): void {
  app.addHook("preParsing", (request, reply, payload, done) => {
    const s = startServerSpan(TRACER, {
      method: request.method,
      route: request.routeOptions.url ?? "unmatched",
      path: request.url.split("?", 1)[0] ?? "/",
      headers: request.headers,
      startTime: Date.now() - reply.elapsedTime,
    });
    spans.set(request, s);
    withContext(s.ctx, () => done(null, payload));
  });
  app.addHook("onError", (request, _reply, error, done) => {
    spans.get(request)?.span.recordException(error);
    done();
  });
  app.addHook("onRequestAbort", (request, done) => {
    endRequestSpan(request, 499);
    done();
  });
}
