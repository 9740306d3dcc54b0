import { context, trace } from "@opentelemetry/api";

/** The W3C traceparent of the active span, or undefined without telemetry or a sampled-in span. */
export function activeTraceparent(): string | undefined {
  const sc = trace.getSpanContext(context.active());
  if (!sc || !trace.isSpanContextValid(sc)) return undefined;
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}
