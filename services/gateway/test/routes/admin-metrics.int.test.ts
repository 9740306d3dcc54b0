import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import t from "tap";
import { testStack } from "../helpers.ts";

type Teardown = { teardown: (fn: () => unknown) => void };

/** A stand-in instance: GET /metrics answers `status` with the fixed Prometheus `text`. */
async function metricsServer(t: Teardown, text: string, status = 200): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(req.url === "/metrics" ? status : 404, { "content-type": "text/plain; version=0.0.4" }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

/** A URL nobody listens on (a port just freed). */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/metrics`;
}

t.test("admin metrics summary over configured instances: merged, every instance named in sources, a dead one no 5xx", async (t) => {
  const g1 = await metricsServer(t, `drops_purchase_attempts_total{outcome="held",path="redis",service_name="gateway"} 3
drops_kafka_consumer_lag{group="g",topic="t",service_name="gateway"} 7
drops_sse_connections 2
`);
  const g2 = await metricsServer(t, `drops_purchase_attempts_total{outcome="held",path="redis",service_name="gateway"} 4
drops_purchase_attempts_total{outcome="sold_out",path="flag",service_name="gateway"} 20
drops_kafka_consumer_lag{group="g",topic="t",service_name="gateway"} 9
drops_sse_connections 3
`);
  const gDead = await closedUrl();
  const i1 = await metricsServer(t, `drops_stock_available{drop_id="d1"} 5
drops_stock_held{drop_id="d1"} 1
drops_stock_sold{drop_id="d1"} 4
drops_queue_admitted_total 6
`);
  const i2 = await metricsServer(t, `drops_stock_available{drop_id="d1"} 5
drops_stock_held{drop_id="d1"} 2
drops_stock_sold{drop_id="d1"} 4
drops_queue_admitted_total 1
`);
  const iBroken = await metricsServer(t, "# metrics collection failed\n", 500);
  const o1 = await metricsServer(t, `drops_saga_duration_seconds_count{outcome="confirmed"} 2
drops_outbox_backlog 4
`);
  const o2 = await metricsServer(t, `drops_saga_duration_seconds_count{outcome="confirmed"} 1
drops_saga_duration_seconds_count{outcome="cancelled"} 1
drops_outbox_backlog 4
`);
  const s = await testStack(t, {}, {
    SUMMARY_GATEWAY_METRICS_URLS: [g1, g2, gDead].join(","),
    SUMMARY_INVENTORY_METRICS_URLS: [i1, i2, iBroken].join(","),
    SUMMARY_ORDER_METRICS_URLS: `${o1}, ${o2}`,
    SERVICE_TIMEOUT_MS: "5000",
  });
  const admin = await s.admin();
  const res = await s.call("GET", "/api/admin/metrics/summary", { token: admin.accessToken });
  t.equal(res.statusCode, 200, res.body);
  const body = res.json<{
    sources: Record<string, string>; purchases: { total: number; byOutcome: Record<string, number>; answeredByFlag: number };
    drops: unknown[]; kafka: { lag: unknown[] }; sseConnections: number; queueAdmitted: number; sagas: { byOutcome: Record<string, number> }; backlog: { outbox: number };
  }>();
  t.same(body.sources, {
    [`gateway ${g1}`]: "ok",
    [`gateway ${g2}`]: "ok",
    [`gateway ${gDead}`]: "fetch failed (ECONNREFUSED)",
    [`inventory ${i1}`]: "ok",
    [`inventory ${i2}`]: "ok",
    [`inventory ${iBroken}`]: "GET /metrics answered 500",
    [`order ${o1}`]: "ok",
    [`order ${o2}`]: "ok",
  });
  // the listed gateways only (not this process's own metrics): counters and SSE summed, the shared lag its max
  t.same(body.purchases.byOutcome, { held: 7, sold_out: 20 });
  t.equal(body.purchases.total, 27);
  t.equal(body.purchases.answeredByFlag, 20);
  t.same(body.kafka.lag, [{ group: "g", topic: "t", lag: 9 }]);
  t.equal(body.sseConnections, 5);
  t.same(body.drops, [{ dropId: "d1", available: 5, held: 2, sold: 4, waiting: 0 }]);
  t.equal(body.queueAdmitted, 7);
  t.same(body.sagas.byOutcome, { confirmed: 3, cancelled: 1 });
  t.equal(body.backlog.outbox, 4);
});
