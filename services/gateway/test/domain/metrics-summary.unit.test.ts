import t from "tap";
import { mergeInstances, parsePrometheus, quantile, summarize } from "../../src/domain/metrics-summary.ts";

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

// Three gateways, two inventories, two order instances (INSTANCES behind HAProxy): each its own text.
const gateways = [
  `drops_purchase_attempts_total{outcome="held",path="redis",service_name="gateway"} 3
drops_purchase_attempts_total{outcome="sold_out",path="flag",service_name="gateway"} 10
drops_reserve_duration_seconds_bucket{script="reserve",le="0.001"} 1
drops_reserve_duration_seconds_bucket{script="reserve",le="0.01"} 2
drops_reserve_duration_seconds_bucket{script="reserve",le="+Inf"} 2
drops_reserve_duration_seconds_sum{script="reserve"} 0.004
drops_reserve_duration_seconds_count{script="reserve"} 2
drops_kafka_consumer_lag{group="g",topic="t",service_name="gateway"} 7
drops_kafka_dead_letters{topic="t.dlq"} 2
drops_sse_connections 4
`,
  `drops_purchase_attempts_total{outcome="held",path="redis",service_name="gateway"} 5
drops_purchase_attempts_total{outcome="sold_out",path="redis",service_name="gateway"} 1
drops_reserve_duration_seconds_bucket{script="reserve",le="0.001"} 0
drops_reserve_duration_seconds_bucket{script="reserve",le="0.01"} 0
drops_reserve_duration_seconds_bucket{script="reserve",le="+Inf"} 98
drops_reserve_duration_seconds_sum{script="reserve"} 9.8
drops_reserve_duration_seconds_count{script="reserve"} 98
drops_kafka_consumer_lag{group="g",topic="t",service_name="gateway-2"} 9
drops_kafka_dead_letters{topic="t.dlq"} 2
drops_sse_connections 5
`,
  `drops_purchase_attempts_total{outcome="held",path="redis",service_name="gateway"} 2
drops_kafka_consumer_lag{group="g",topic="t",service_name="gateway"} 8
drops_kafka_consumer_lag{group="h",topic="t",service_name="gateway"} 1
drops_kafka_dead_letters{topic="t.dlq"} 2
drops_sse_connections 6
`,
].map(parsePrometheus);
const inventories = [
  `drops_stock_available{drop_id="d1"} 17
drops_stock_held{drop_id="d1"} 3
drops_stock_sold{drop_id="d1"} 80
drops_holds_active 3
drops_stock_stream_backlog 2
drops_queue_admitted_total 40
`,
  `drops_stock_available{drop_id="d1"} 16
drops_stock_held{drop_id="d1"} 4
drops_stock_sold{drop_id="d1"} 80
drops_queue_length{drop_id="d1"} 12
drops_holds_active 4
drops_stock_stream_backlog 1
drops_queue_admitted_total 2
`,
].map(parsePrometheus);
const orders = [
  `drops_saga_duration_seconds_bucket{outcome="confirmed",le="1"} 2
drops_saga_duration_seconds_bucket{outcome="confirmed",le="+Inf"} 2
drops_saga_duration_seconds_count{outcome="confirmed"} 2
drops_saga_compensations_total{reason="payment_declined"} 1
drops_outbox_backlog 5
`,
  `drops_saga_duration_seconds_bucket{outcome="confirmed",le="1"} 0
drops_saga_duration_seconds_bucket{outcome="confirmed",le="+Inf"} 3
drops_saga_duration_seconds_count{outcome="confirmed"} 3
drops_saga_duration_seconds_count{outcome="cancelled"} 1
drops_saga_compensations_total{reason="payment_declined"} 2
drops_saga_compensations_total{reason="hold_expired"} 1
drops_outbox_backlog 3
`,
].map(parsePrometheus);

t.test("instances merged: counters and histograms summed, shared gauges their max, SSE summed", async (t) => {
  const sum = summarize({ gateway: mergeInstances(gateways), inventory: mergeInstances(inventories), order: mergeInstances(orders) });
  t.same(sum.purchases.byOutcome, { held: 10, sold_out: 11 });
  t.equal(sum.purchases.total, 21);
  t.equal(sum.purchases.answeredByFlag, 10);
  // 100 reserve calls over two gateways: 98 of them above 10 ms on the second, so the p99 is past 0.01
  t.equal(sum.purchases.reserveP99Seconds, 0.01);
  const reserveCount = mergeInstances(gateways).find((x) => x.name === "drops_reserve_duration_seconds_count");
  t.equal(reserveCount?.value, 100);
  t.ok(Math.abs(mergeInstances(gateways).find((x) => x.name === "drops_reserve_duration_seconds_sum")!.value - 9.804) < 1e-9);
  // the same lag read by three gateways (service_name aside): the max, not the sum; a group only one read is kept
  t.same(sum.kafka.lag, [{ group: "g", topic: "t", lag: 9 }, { group: "h", topic: "t", lag: 1 }]);
  t.same(sum.kafka.deadLetters, [{ topic: "t.dlq", count: 2 }]);
  t.equal(sum.sseConnections, 15);
  t.same(sum.drops, [{ dropId: "d1", available: 17, held: 4, sold: 80, waiting: 12 }]);
  t.equal(sum.holdsActive, 4);
  t.same(sum.backlog, { outbox: 5, stockStream: 2 });
  t.equal(sum.queueAdmitted, 42);
  t.same(sum.sagas.byOutcome, { confirmed: 5, cancelled: 1 });
  t.same(sum.sagas.compensations, { payment_declined: 3, hold_expired: 1 });
  // 2 sagas under 1 s, 3 above: the p99 is in the +Inf bucket, reported as its lower bound
  t.equal(sum.sagas.p99Seconds, 1);
});

t.test("a missing instance: the others' figures, as if it were not there", async (t) => {
  const two = summarize({ gateway: mergeInstances([gateways[0]!, [], gateways[2]!]), inventory: mergeInstances([[], inventories[1]!]), order: mergeInstances([orders[0]!]) });
  t.same(two.purchases.byOutcome, { held: 5, sold_out: 10 });
  t.equal(two.sseConnections, 10);
  t.same(two.kafka.lag, [{ group: "g", topic: "t", lag: 8 }, { group: "h", topic: "t", lag: 1 }]);
  t.same(two.drops, [{ dropId: "d1", available: 16, held: 4, sold: 80, waiting: 12 }]);
  t.same(two.backlog, { outbox: 5, stockStream: 1 });
  t.same(mergeInstances([]), []);
  // one instance merged is that instance (the default, single-instance case unchanged)
  t.same(summarize({ gateway: mergeInstances([parsePrometheus(gateway)]), inventory: mergeInstances([parsePrometheus(inventory)]), order: mergeInstances([parsePrometheus(order)]) }),
    summarize({ gateway: parsePrometheus(gateway), inventory: parsePrometheus(inventory), order: parsePrometheus(order) }));
  // the merge does not change its inputs
  t.equal(gateways[0]!.find((x) => x.name === "drops_sse_connections")?.value, 4);
});
