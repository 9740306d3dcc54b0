/** W3C trace context <-> Kafka headers, through whatever propagator @opentelemetry/api has. */
import { context, propagation, trace } from "@opentelemetry/api";
import type { Context, TextMapGetter } from "@opentelemetry/api";
import type { DropsEvent, Headers } from "@drops/events";

const headerGetter: TextMapGetter<Headers> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const v = carrier[key];
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return v.map((x) => x.toString());
    return v.toString();
  },
};

/**
 * The envelope with traceparent/tracestate taken from the active context, when there is an active
 * span and the envelope has none yet (an envelope that already carries one, e.g. replayed from an
 * outbox, keeps it). `extra` receives any other header the propagator writes (e.g. baggage).
 */
export function withActiveTraceContext(event: DropsEvent, extra: Record<string, string>): DropsEvent {
  if (event.traceparent !== null) return event;
  const ctx = context.active();
  if (trace.getSpanContext(ctx) === undefined) return event;
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const { traceparent, tracestate, ...rest } = carrier;
  Object.assign(extra, rest);
  if (traceparent === undefined) return event;
  return { ...event, traceparent, tracestate: tracestate ?? null };
}

/** The context a consumed message's headers describe (the active context if they carry none). */
export function contextFromHeaders(headers: Headers | undefined): Context {
  return propagation.extract(context.active(), headers ?? {}, headerGetter);
}
