import t from "tap";
import { shutdownTelemetry, startTelemetry } from "@drops/telemetry";
import { freePort } from "@drops/testing";
import { observePublished } from "../../src/workers/outbox-relay.ts";

t.test("the relay's metric reaches the Prometheus endpoint under the dashboard's name", async (t) => {
  const port = await freePort();
  await startTelemetry({ serviceName: "order-metrics-test", enabled: true, metricsPort: port, metricsHost: "127.0.0.1", autoInstrument: false, esmHook: false });
  t.teardown(shutdownTelemetry);
  observePublished(3);
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  // Every series also carries otel_scope_name.
  t.match(text, /drops_outbox_published_total\{[^}]*\} 3\n/);
});
