import t from "tap";
import { parsePrometheus, quantile, summarize } from "../../src/domain/metrics-summary.ts";

const gateway = `# HELP drops_purchase_attempts_total x
# TYPE drops_purchase_attempts_total counter
drops_purchase_attempts_total{outcome="held",path="redis",service_name="gateway"} 3
drops_purchase_attempts_total{outcome="sold_out",path="redis",service_name="gateway"} 5
drops_purchase_attempts_total{outcome="sold_out",path="flag",service_name="gateway"} 92
drops_reserve_duration_seconds_bucket{script="reserve",le="0.001"} 4
drops_reserve_duration_seconds_bucket{script="reserve",le="0.01"} 8
drops_reserve_duration_seconds_bucket{script="reserve",le="+Inf"} 8
drops_kafka_consumer_lag{group="g",topic="t"} 7
drops_kafka_dead_letters{topic="t.dlq"} 1
drops_sse_connections 12
weird line
drops_label_escape{a="x\\"y"} 1
`;
const inventory = `drops_stock_available{drop_id="d1"} 17
drops_stock_held{drop_id="d1"} 3
drops_stock_sold{drop_id="d1"} 0
drops_holds_active 3
drops_stock_stream_backlog 2
`;
const order = `drops_saga_duration_seconds_bucket{outcome="confirmed",le="1"} 2
drops_saga_duration_seconds_bucket{outcome="confirmed",le="+Inf"} 2
drops_saga_duration_seconds_count{outcome="confirmed"} 2
drops_saga_duration_seconds_count{outcome="cancelled"} 1
drops_saga_compensations_total{reason="payment_declined"} 1
drops_outbox_backlog 0
`;

t.test("parses the exposition, skips what is not a sample", async (t) => {
  const s = parsePrometheus(gateway);
  t.equal(s.length, 10);
  t.same(s.find((x) => x.name === "drops_label_escape")?.labels, { a: 'x"y' });
  t.equal(s.find((x) => x.name === "drops_reserve_duration_seconds_bucket" && x.labels["le"] === "+Inf")?.labels["le"], "+Inf");
});

t.test("quantile of cumulative buckets", async (t) => {
  const s = parsePrometheus(gateway);
  t.equal(quantile(s, "drops_reserve_duration_seconds_bucket", 0.5), 0.001);
  t.ok(Math.abs(quantile(s, "drops_reserve_duration_seconds_bucket", 0.99)! - (0.001 + 0.009 * (7.92 - 4) / 4)) < 1e-9);
  t.equal(quantile([], "none", 0.99), null);
});

t.test("summary of the three services", async (t) => {
  const sum = summarize({ gateway: parsePrometheus(gateway), inventory: parsePrometheus(inventory), order: parsePrometheus(order) });
  t.same(sum.purchases.byOutcome, { held: 3, sold_out: 97 });
  t.equal(sum.purchases.total, 100);
  t.equal(sum.purchases.answeredByFlag, 92);
  t.same(sum.drops, [{ dropId: "d1", available: 17, held: 3, sold: 0, waiting: 0 }]);
  t.same(sum.sagas.byOutcome, { confirmed: 2, cancelled: 1 });
  t.same(sum.sagas.compensations, { payment_declined: 1 });
  t.equal(sum.holdsActive, 3);
  t.same(sum.backlog, { outbox: 0, stockStream: 2 });
  t.same(sum.kafka, { lag: [{ group: "g", topic: "t", lag: 7 }], deadLetters: [{ topic: "t.dlq", count: 1 }] });
  t.equal(sum.sseConnections, 12);
  const empty = summarize({ gateway: [], inventory: [], order: [] });
  t.equal(empty.purchases.p99Seconds, null);
  t.same(empty.drops, []);
});
