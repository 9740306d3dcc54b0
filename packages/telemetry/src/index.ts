/**
 * OpenTelemetry for a service, started by its src/instrument.ts through
 * `node --import ./src/instrument.ts src/main.ts`, i.e. before any app module is imported.
 */
import { metrics, trace, type Meter, type Tracer } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { registerEsmHook } from "./esm-hook.ts";
import { instrumentations } from "./instrumentations.ts";

export type TelemetryOptions = {
  serviceName: string;
  /** false: nothing is started, meter()/tracer() return no-op instruments. */
  enabled: boolean;
  /** OTLP/HTTP base URL, e.g. http://jaeger:4318; empty: spans are not exported. */
  otlpEndpoint?: string;
  /** Port of the Prometheus `/metrics` endpoint; 0 or absent: no endpoint. */
  metricsPort?: number;
  metricsHost?: string;
  /** Register the ESM loader hook for auto-instrumentation (default true). */
  esmHook?: boolean;
  /** Load auto-instrumentations (default true). */
  autoInstrument?: boolean;
};

export type Telemetry = { enabled: boolean; shutdown: () => Promise<void> };

let serviceName = "drops";
let current: Telemetry | undefined;

/** The service's meter (no-op unless telemetry is enabled). */
export function meter(): Meter {
  return metrics.getMeter(serviceName);
}

/** The service's tracer (no-op unless telemetry is enabled). */
export function tracer(): Tracer {
  return trace.getTracer(serviceName);
}

function otlpTracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, "");
  return base.endsWith("/v1/traces") ? base : `${base}/v1/traces`;
}

export async function startTelemetry(opts: TelemetryOptions): Promise<Telemetry> {
  serviceName = opts.serviceName;
  if (!opts.enabled) return { enabled: false, shutdown: async () => {} };

  if (opts.esmHook !== false) await registerEsmHook();

  const metricReaders: PrometheusExporter[] = [];
  if (opts.metricsPort && opts.metricsPort > 0) {
    const exporter = new PrometheusExporter({ port: opts.metricsPort, host: opts.metricsHost ?? "0.0.0.0", preventServerStart: true });
    await exporter.startServer();
    metricReaders.push(exporter);
  }

  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
    autoDetectResources: false,
    instrumentations: opts.autoInstrument === false ? [] : instrumentations(),
    metricReaders,
    // Without an endpoint spans are not exported (and nothing is read from OTEL_TRACES_EXPORTER).
    ...(opts.otlpEndpoint ? { traceExporter: new OTLPTraceExporter({ url: otlpTracesUrl(opts.otlpEndpoint) }) } : { spanProcessors: [] }),
    // Logs go to stdout through pino, not through OpenTelemetry. Without this the SDK builds its
    // default OTLP logs exporter from the environment, which retries for ~10 s at shutdown when
    // nothing listens on localhost:4318 and overruns the shutdown grace period.
    logRecordProcessors: [],
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  current = {
    enabled: true,
    shutdown: () => (stopped ??= sdk.shutdown()),
  };
  return current;
}

/** Flushes and stops whatever startTelemetry started in this process (no-op if nothing). */
export async function shutdownTelemetry(): Promise<void> {
  await current?.shutdown();
}

/** The telemetry variables of the shared service config (`serviceSpec`). */
export type TelemetryConfig = { SERVICE_NAME: string; OTEL_ENABLED: boolean; OTEL_EXPORTER_OTLP_ENDPOINT: string; METRICS_PORT: number };

/**
 * A service's `src/instrument.ts` in one call: starts OpenTelemetry from the service's config, before
 * any app module (fastify, http, ioredis, pg, kafkajs) is imported, so they are instrumented.
 */
export async function instrumentService(config: TelemetryConfig): Promise<Telemetry> {
  return startTelemetry({
    serviceName: config.SERVICE_NAME,
    enabled: config.OTEL_ENABLED,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    metricsPort: config.METRICS_PORT,
  });
}
