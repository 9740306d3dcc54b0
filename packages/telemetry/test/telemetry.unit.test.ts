import { freePort } from "@drops/testing";
import t from "tap";
import { meter, shutdownTelemetry, startTelemetry, tracer } from "../src/index.ts";

t.test("disabled telemetry is a no-op", async (t) => {
  const telemetry = await startTelemetry({ serviceName: "off", enabled: false, metricsPort: 1 });
  t.equal(telemetry.enabled, false);
  meter().createCounter("nothing_total").add(1);
  const span = tracer().startSpan("noop");
  t.equal(span.isRecording(), false);
  span.end();
  await telemetry.shutdown();
});

t.test("enabled telemetry serves /metrics with a custom counter", async (t) => {
  const port = await freePort();
  const telemetry = await startTelemetry({ serviceName: "telemetry-test", enabled: true, metricsPort: port, metricsHost: "127.0.0.1" });
  t.teardown(() => shutdownTelemetry());
  t.equal(telemetry.enabled, true);
  const counter = meter().createCounter("drops_test_reservations", { description: "test counter" });
  counter.add(3, { outcome: "held" });
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  t.equal(res.status, 200);
  const body = await res.text();
  t.match(body, /drops_test_reservations_total\{[^}]*outcome="held"[^}]*\} 3/);
  t.match(body, /service_name="telemetry-test"/);
});
