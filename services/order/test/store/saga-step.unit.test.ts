import t from "tap";
import { shutdownTelemetry, startTelemetry } from "@drops/telemetry";
import { freePort } from "@drops/testing";
import type { Order } from "../../src/domain/order.ts";
import { observeStep } from "../../src/store/saga-step.ts";

t.test("saga step metrics reach the Prometheus endpoint under the dashboard's names", async (t) => {
  const port = await freePort();
  await startTelemetry({ serviceName: "order-metrics-test", enabled: true, metricsPort: port, metricsHost: "127.0.0.1", autoInstrument: false, esmHook: false });
  t.teardown(shutdownTelemetry);
  const order = { id: "o-1", createdAt: 1_000 } as Order;
  observeStep("StockConfirmed", { duplicate: false, order, decision: { create: null, change: { status: "confirmed" }, emit: [], rejection: null } }, 3_500);
  observeStep("StockReleased", { duplicate: false, order, decision: { create: null, change: null, emit: [], rejection: null } }, 3_500);
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  // Every series also carries otel_scope_name.
  t.match(text, /drops_saga_duration_seconds_bucket\{outcome="confirmed",[^}]*le="5"\} 1\n/);
  t.match(text, /drops_saga_duration_seconds_sum\{outcome="confirmed",[^}]*\} 2\.5\n/);
  t.match(text, /drops_saga_steps_total\{input="StockConfirmed",changed="true"[^}]*\} 1\n/);
  t.match(text, /drops_saga_steps_total\{input="StockReleased",changed="false"[^}]*\} 1\n/);
});
