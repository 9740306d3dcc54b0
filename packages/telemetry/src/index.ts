/**
 * OpenTelemetry for a service, started by its src/instrument.ts through
 * `node --import ./src/instrument.ts src/main.ts`, i.e. before any app module is imported.
 *
 * - Metrics are on by default (METRICS_ENABLED): the metrics SDK and the Prometheus serializer only
 *   (metrics.ts), served at GET /metrics on the service's own port (`observeHttp`, which every app
 *   of @drops/http gets), or on METRICS_HOST:METRICS_PORT when that is set (the gateway: 9464 on
 *   127.0.0.1 by default, off its public port).
 * - Tracing is off by default (OTEL_ENABLED): when off, the trace SDK is never imported and no module
 *   is patched; when on, tracing.ts starts the Node SDK (auto-instrumentations, OTLP/HTTP export to
 *   OTEL_EXPORTER_OTLP_ENDPOINT, parent-based ratio sampling with compensations forced in).
 */
import { metrics, trace, type Meter, type Tracer } from "@opentelemetry/api";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import { metricsStarted, serveMetrics, startMetrics, stopMetrics } from "./metrics.ts";
import { isTracing, setTracing } from "./state.ts";

export { FORCE_SAMPLE } from "./names.ts";
export type { BatchObservableResult, Observable, ObservableResult } from "@opentelemetry/api";
export { CounterSeries, HistogramSeries, LATENCY_BUCKETS_SECONDS, collectHot, hotCounter, hotHistogram, type HotCounter, type HotHistogram, type Labels } from "./hot.ts";
export { METRICS_CONTENT_TYPE, metricsOnSeparatePort, metricsStarted, metricsText } from "./metrics.ts";
export { endServerSpan, logTraceFields, startServerSpan, withContext, type ServerRequest, type ServerSpan } from "./server-span.ts";
export { watchKafkaLag, type KafkaLagAdmin, type KafkaLagOptions } from "./kafka-lag.ts";

export type TelemetryOptions = {
  serviceName: string;
  /** Tracing. false: the trace SDK is not loaded, tracer() returns a no-op tracer. */
  enabled: boolean;
  /** Metrics (default true). false: meter() returns no-op instruments, no /metrics. */
  metrics?: boolean;
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318; empty: spans are not exported. */
  otlpEndpoint?: string;
  /** Root sampling ratio 0..1 (parent-based). Default 1. */
  sampleRatio?: number;
  /** A separate port for GET /metrics; 0 or absent: the app serves it on its own port. */
  metricsPort?: number;
  metricsHost?: string;
  /** Extra span processors (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  /** Register the ESM loader hook for auto-instrumentation (default true). */
  esmHook?: boolean;
  /** Load auto-instrumentations (default true). */
  autoInstrument?: boolean;
};

export type Telemetry = { enabled: boolean; metrics: boolean; shutdown: () => Promise<void> };

let serviceName = "drops";
let current: Telemetry | undefined;

/** The service's meter (no-op unless metrics run). */
export function meter(): Meter {
  return metrics.getMeter(serviceName);
}

/** The service's tracer (no-op unless tracing runs). */
export function tracer(): Tracer {
  return trace.getTracer(serviceName);
}

/** True when this process runs the trace SDK (false: every span is a no-op; skip building span data). */
export function tracingEnabled(): boolean {
  return isTracing();
}

/**
 * The W3C traceparent of the active span ("" without tracing or without a valid span), for state
 * written where no Kafka header goes (a stock stream entry the relay publishes later).
 */
export function activeTraceparent(): string {
  if (!isTracing()) return "";
  const sc = trace.getActiveSpan()?.spanContext();
  if (sc === undefined || !trace.isSpanContextValid(sc)) return "";
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

export async function startTelemetry(opts: TelemetryOptions): Promise<Telemetry> {
  serviceName = opts.serviceName;
  const withMetrics = opts.metrics !== false;
  if (withMetrics) {
    await startMetrics(opts.serviceName);
    if (opts.metricsPort && opts.metricsPort > 0) await serveMetrics(opts.metricsHost ?? "127.0.0.1", opts.metricsPort);
  }
  let stopTracing: (() => Promise<void>) | undefined;
  if (opts.enabled) {
    const { startTracing } = await import("./tracing.ts");
    stopTracing = (await startTracing({
      serviceName: opts.serviceName,
      ...(opts.otlpEndpoint ? { otlpEndpoint: opts.otlpEndpoint } : {}),
      ...(opts.sampleRatio === undefined ? {} : { sampleRatio: opts.sampleRatio }),
      ...(opts.spanProcessors ? { spanProcessors: opts.spanProcessors } : {}),
      ...(opts.esmHook === undefined ? {} : { esmHook: opts.esmHook }),
      ...(opts.autoInstrument === undefined ? {} : { autoInstrument: opts.autoInstrument }),
    })).shutdown;
    setTracing(true);
  }
  let stopped: Promise<void> | undefined;
  current = {
    enabled: opts.enabled,
    metrics: withMetrics && metricsStarted(),
    shutdown: () =>
      (stopped ??= (async () => {
        await stopTracing?.();
        setTracing(false);
        if (withMetrics) await stopMetrics();
      })()),
  };
  return current;
}

/** Flushes and stops whatever startTelemetry started in this process (no-op if nothing). */
export async function shutdownTelemetry(): Promise<void> {
  await current?.shutdown();
}

/** The telemetry variables of the shared service config (`serviceSpec`). */
export type TelemetryConfig = {
  SERVICE_NAME: string;
  OTEL_ENABLED: boolean;
  OTEL_EXPORTER_OTLP_ENDPOINT: string;
  METRICS_PORT: number;
  METRICS_ENABLED?: boolean;
  METRICS_HOST?: string;
  OTEL_SAMPLE_RATIO?: number;
};

/**
 * A service's `src/instrument.ts` in one call: starts OpenTelemetry from the service's config, before
 * any app module (fastify, http, ioredis, pg, kafkajs) is imported, so they are instrumented.
 */
export async function instrumentService(config: TelemetryConfig): Promise<Telemetry> {
  return startTelemetry({
    serviceName: config.SERVICE_NAME,
    enabled: config.OTEL_ENABLED,
    metrics: config.METRICS_ENABLED ?? true,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    metricsPort: config.METRICS_PORT,
    ...(config.METRICS_HOST === undefined ? {} : { metricsHost: config.METRICS_HOST }),
    ...(config.OTEL_SAMPLE_RATIO === undefined ? {} : { sampleRatio: config.OTEL_SAMPLE_RATIO }),
  });
}
