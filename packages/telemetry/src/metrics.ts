/**
 * Metrics, on by default: an OpenTelemetry MeterProvider read by the Prometheus exporter (never its
 * own server: the text is served by the service's app at GET /metrics, or by `serveMetrics` on a
 * separate port), plus the hot instruments (hot.ts). Loads only @opentelemetry/sdk-metrics and the
 * exporter, never the trace SDK.
 */
import { createServer, type Server } from "node:http";
import { metrics } from "@opentelemetry/api";
import type { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import type { MeterProvider } from "@opentelemetry/sdk-metrics";
import { hotProducer } from "./hot.ts";

type Running = { provider: MeterProvider; exporter: PrometheusExporter; serializer: PrometheusSerializer; server?: Server };

let running: Running | undefined;

/** Every series carries the resource's service.name as `service_name` (one scrape config fits every service). */
const CONSTANT_LABELS = /^service\.name$/;

/** Starts the metrics SDK once per process and sets it as the global meter provider. */
export async function startMetrics(serviceName: string): Promise<void> {
  if (running) return;
  const [{ MeterProvider }, { PrometheusExporter, PrometheusSerializer }, { resourceFromAttributes }] = await Promise.all([
    import("@opentelemetry/sdk-metrics"),
    import("@opentelemetry/exporter-prometheus"),
    import("@opentelemetry/resources"),
  ]);
  const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [hotProducer], withResourceConstantLabels: CONSTANT_LABELS, withoutScopeInfo: true });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ "service.name": serviceName }), readers: [exporter] });
  metrics.setGlobalMeterProvider(provider);
  running = { provider, exporter, serializer: new PrometheusSerializer("", false, CONSTANT_LABELS, false, true) };
}

/** True once startMetrics ran in this process. */
export function metricsStarted(): boolean {
  return running !== undefined;
}

/** True when metrics run and are served on a separate port (the app then serves no /metrics). */
export function metricsOnSeparatePort(): boolean {
  return running?.server !== undefined;
}

/** The Prometheus text of every metric of this process (empty when metrics are off). */
export async function metricsText(): Promise<string> {
  if (!running) return "";
  const { resourceMetrics, errors } = await running.exporter.collect();
  if (errors.length > 0) process.emitWarning(`metrics collection: ${errors.map(String).join("; ")}`);
  return running.serializer.serialize(resourceMetrics);
}

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * Serves GET /metrics on host:port (the gateway's METRICS_PORT, off its public port). A port in use
 * is a warning, not a failed start: the service runs, without that endpoint.
 */
export async function serveMetrics(host: string, port: number): Promise<void> {
  if (!running || running.server) return;
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"code":"NOT_FOUND","message":"only GET /metrics here"}');
      return;
    }
    metricsText().then(
      (text) => res.writeHead(200, { "content-type": METRICS_CONTENT_TYPE }).end(text),
      (err: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`# metrics collection failed: ${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve) => {
    server.once("error", (err) => {
      process.emitWarning(`metrics endpoint not started on ${host}:${port}: ${(err).message}`);
      resolve();
    });
    server.listen(port, host, () => {
      server.unref();
      running!.server = server;
      resolve();
    });
  });
}

export async function stopMetrics(): Promise<void> {
  const r = running;
  running = undefined;
  if (!r) return;
  if (r.server) await new Promise<void>((resolve) => r.server!.close(() => resolve()));
  await r.provider.shutdown();
  metrics.disable();
}
