import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from "@opentelemetry/api";
import { SamplingDecision } from "@opentelemetry/sdk-trace";
import { freePort } from "@drops/testing";
import t from "tap";
import { DropsSampler } from "../src/sampler.ts";
import { FORCE_SAMPLE, hotCounter, hotHistogram, meter, metricsText, shutdownTelemetry, startTelemetry, tracer } from "../src/index.ts";

t.test("metrics and tracing off: no-op instruments, no text", async (t) => {
  const telemetry = await startTelemetry({ serviceName: "off", enabled: false, metrics: false, metricsPort: 1 });
  t.equal(telemetry.enabled, false);
  t.equal(telemetry.metrics, false);
  meter().createCounter("nothing_total").add(1);
  const span = tracer().startSpan("noop");
  t.equal(span.isRecording(), false);
  span.end();
  t.equal(await metricsText(), "");
  await telemetry.shutdown();
});

t.test("tracing off loads no trace SDK and patches nothing", async (t) => {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({ resolve: (s, c, next) => { const r = next(s, c); loaded.push(r.url); return r; } });
    const { startTelemetry, hotCounter, metricsText } = await import(${JSON.stringify(new URL("../src/index.ts", import.meta.url).href)});
    await startTelemetry({ serviceName: "probe", enabled: false });
    hotCounter("drops_probe_attempts", "probe").series({ outcome: "held" }).inc();
    const text = await metricsText();
    console.log(JSON.stringify({ text, traceSdk: loaded.filter((u) => /sdk-node|sdk-trace|instrumentation/.test(u)) }));
  `;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" });
  t.equal(out.status, 0, out.stderr);
  const r = JSON.parse(out.stdout.trim().split("\n").pop()!) as { text: string; traceSdk: string[] };
  t.same(r.traceSdk, [], "no trace SDK or instrumentation module resolved");
  t.match(r.text, /drops_probe_attempts_total\{[^}]*outcome="held"[^}]*\} 1/);
});

t.test("metrics on: OpenTelemetry and hot instruments in one Prometheus text, on a separate port too", async (t) => {
  const port = await freePort();
  const telemetry = await startTelemetry({ serviceName: "telemetry-test", enabled: false, metricsPort: port, metricsHost: "127.0.0.1" });
  t.teardown(() => shutdownTelemetry());
  t.equal(telemetry.metrics, true);
  meter().createCounter("drops_test_reservations", { description: "test counter" }).add(3, { outcome: "held" });
  const held = hotCounter("drops_test_hot_attempts", "hot counter").series({ outcome: "held" });
  held.inc();
  held.inc();
  t.equal(hotCounter("drops_test_hot_attempts", "again").series({ outcome: "held" }), held, "one series per label set");
  const h = hotHistogram("drops_test_latency_seconds", "hot histogram", "s", [0.01, 0.1, 1]).series({ route: "/x" });
  for (const v of [0.005, 0.01, 0.05, 0.5, 5]) h.record(v);

  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  t.equal(res.status, 200);
  t.match(res.headers.get("content-type"), /^text\/plain/);
  const body = await res.text();
  t.match(body, /drops_test_reservations_total\{[^}]*outcome="held"[^}]*\} 3/);
  t.match(body, /drops_test_hot_attempts_total\{[^}]*outcome="held"[^}]*\} 2/);
  t.match(body, /service_name="telemetry-test"/);
  // Prometheus buckets are cumulative, `le` inclusive
  t.match(body, /drops_test_latency_seconds_bucket\{[^}]*le="0.01"[^}]*\} 2/);
  t.match(body, /drops_test_latency_seconds_bucket\{[^}]*le="0.1"[^}]*\} 3/);
  t.match(body, /drops_test_latency_seconds_bucket\{[^}]*le="1"[^}]*\} 4/);
  t.match(body, /drops_test_latency_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} 5/);
  t.match(body, /drops_test_latency_seconds_count\{[^}]*\} 5/);
  t.match(body, /drops_test_latency_seconds_sum\{[^}]*\} 5.56/);
  t.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
});

t.test("sampler: parent-based ratio, a forced span sampled under an unsampled parent", async (t) => {
  const sampler = new DropsSampler(0);
  const traceId = "0af7651916cd43dd8448eb211c80319c";
  t.equal(sampler.shouldSample(ROOT_CONTEXT, traceId, "root", SpanKind.SERVER, {}, []).decision, SamplingDecision.NOT_RECORD, "ratio 0 drops roots");
  const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: "b7ad6b7169203331", traceFlags: TraceFlags.NONE, isRemote: true });
  t.equal(sampler.shouldSample(unsampled, traceId, "child", SpanKind.CONSUMER, {}, []).decision, SamplingDecision.NOT_RECORD, "follows the parent");
  t.equal(sampler.shouldSample(unsampled, traceId, "compensate", SpanKind.INTERNAL, { [FORCE_SAMPLE]: true }, []).decision, SamplingDecision.RECORD_AND_SAMPLED, "forced in");
  const sampled = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: "b7ad6b7169203331", traceFlags: TraceFlags.SAMPLED, isRemote: true });
  t.equal(new DropsSampler(0).shouldSample(sampled, traceId, "child", SpanKind.CONSUMER, {}, []).decision, SamplingDecision.RECORD_AND_SAMPLED);
  t.equal(new DropsSampler(1).shouldSample(ROOT_CONTEXT, traceId, "root", SpanKind.SERVER, {}, []).decision, SamplingDecision.RECORD_AND_SAMPLED);
});
