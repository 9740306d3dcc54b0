/**
 * Tracing: the OpenTelemetry Node SDK with the auto-instrumentations (HTTP server and client,
 * ioredis, pg, kafkajs, pino, undici), the W3C propagator, the sampler of sampler.ts and OTLP/HTTP
 * export. Imported (dynamically) only when tracing is on: with it off none of this is loaded, no
 * module is patched and the API's no-op tracer answers every `startSpan`.
 */
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { registerEsmHook } from "./esm-hook.ts";
import { instrumentations } from "./instrumentations.ts";
import { DropsSampler } from "./sampler.ts";

export type TracingOptions = {
  serviceName: string;
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318; empty: spans are not exported (unless spanProcessors). */
  otlpEndpoint?: string;
  /** Root sampling ratio 0..1 (parent-based; compensations forced in). Default 1. */
  sampleRatio?: number;
  /** Extra span processors (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  esmHook?: boolean;
  autoInstrument?: boolean;
};

export function otlpTracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, "");
  return base.endsWith("/v1/traces") ? base : `${base}/v1/traces`;
}

export async function startTracing(opts: TracingOptions): Promise<{ shutdown: () => Promise<void> }> {
  if (opts.esmHook !== false) await registerEsmHook();
  const processors: SpanProcessor[] = [...(opts.spanProcessors ?? [])];
  if (opts.otlpEndpoint) {
    const { BatchSpanProcessor } = await import("@opentelemetry/sdk-trace");
    processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: otlpTracesUrl(opts.otlpEndpoint) }), scheduledDelayMillis: 1000 }));
  }
  if (processors.length === 0) {
    // No export: spans still exist (trace ids in logs and in the events' traceparent), nothing leaves.
    const { NoopSpanProcessor } = await import("@opentelemetry/sdk-trace");
    processors.push(new NoopSpanProcessor());
  }
  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
    autoDetectResources: false,
    instrumentations: opts.autoInstrument === false ? [] : instrumentations(),
    sampler: new DropsSampler(opts.sampleRatio ?? 1),
    spanProcessors: processors,
    // Metrics are metrics.ts's (its MeterProvider is already global; the instrumentations use it).
    metricReaders: [],
    // Logs go to stdout through pino, not through OpenTelemetry. Without this the SDK builds its
    // default OTLP logs exporter from the environment, which retries for ~10 s at shutdown when
    // nothing listens on localhost:4318 and overruns the shutdown grace period.
    logRecordProcessors: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
