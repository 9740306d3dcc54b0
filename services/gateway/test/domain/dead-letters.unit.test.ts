import t from "tap";
import { createDeadLetterIndex, deadLetterId, deadLetterView, parseDeadLetterId, replayMessage, sourceTopicOf, type RawDeadLetter } from "../../src/domain/dead-letters.ts";

const PREFIX = "e2e_x.";

function raw(offset: number, over: Partial<RawDeadLetter> = {}): RawDeadLetter {
  return {
    dlqTopic: `${PREFIX}drops.payments.dlq`,
    partition: 0,
    offset: String(offset),
    key: Buffer.from("order-1"),
    value: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    headers: { "event-id": Buffer.from("ev-1"), "event-type": "PaymentRequested", traceparent: "00-abc-def-01" },
    dlq: {
      reason: "BAD_PAYLOAD",
      error: "EventDecodeError: truncated",
      sourcePartition: "3",
      sourceOffset: "42",
      consumerGroup: `${PREFIX}order-payments`,
      failedAt: new Date(1_700_000_000_000 + offset * 1000).toISOString(),
    },
    timestamp: "1700000000000",
    ...over,
  };
}

t.test("ids: opaque, one spelling, forged ones refused", async (t) => {
  const id = deadLetterId("drops.payments.dlq", 0, "17");
  t.match(id, /^[A-Za-z0-9_-]+$/);
  t.same(parseDeadLetterId(id), { dlqTopic: "drops.payments.dlq", partition: 0, offset: "17" });
  for (const bad of ["", "***", "a".repeat(401), Buffer.from("drops.payments.dlq/x/1").toString("base64url"), Buffer.from("a b/0/1").toString("base64url"), `${id}=`, Buffer.from("t/0/1\n").toString("base64url")]) {
    t.equal(parseDeadLetterId(bad), null, `refused: ${JSON.stringify(bad.slice(0, 40))}`);
  }
});

t.test("the view: source topic without the prefix, where and why it failed", async (t) => {
  const v = deadLetterView(raw(5), PREFIX);
  t.same(v, {
    id: deadLetterId(`${PREFIX}drops.payments.dlq`, 0, "5"),
    topic: "drops.payments",
    partition: 3,
    offset: "42",
    eventType: "PaymentRequested",
    eventId: "ev-1",
    reason: "BAD_PAYLOAD",
    error: "EventDecodeError: truncated",
    consumerGroup: `${PREFIX}order-payments`,
    at: new Date(1_700_000_005_000).toISOString(),
  });
  const bare = deadLetterView({ ...raw(6), headers: {}, dlq: { reason: null, error: null, sourcePartition: null, sourceOffset: null, consumerGroup: null, failedAt: null } }, PREFIX);
  t.match(bare, { topic: "drops.payments", partition: null, offset: null, eventType: null, reason: "UNKNOWN", error: null, at: new Date(1_700_000_000_000).toISOString() }, "a message put on a .dlq by hand still lists");
  t.equal(sourceTopicOf("drops.orders.dlq"), "drops.orders");
  t.equal(sourceTopicOf("drops.orders"), null);
});

t.test("a replay carries the original key, value and headers", async (t) => {
  const m = replayMessage(raw(1));
  t.same(m.key, Buffer.from("order-1"));
  t.same(m.value, Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  t.same(Object.keys(m.headers).sort(), ["event-id", "event-type", "traceparent"]);
});

t.test("the index: newest first, by topic, paged; a re-read is one entry; bounded by bytes", async (t) => {
  const index = createDeadLetterIndex(PREFIX, 10_000);
  for (let i = 0; i < 5; i++) index.add(raw(i));
  index.add(raw(2)); // read again after a rebalance
  index.add(raw(9, { dlqTopic: `${PREFIX}drops.orders.dlq` }));
  t.equal(index.size, 6);
  const all = index.list({ page: 1, pageSize: 20 });
  t.equal(all.total, 6);
  t.same(all.items.map((v) => v.topic), ["drops.orders", "drops.payments", "drops.payments", "drops.payments", "drops.payments", "drops.payments"], "newest first");
  const payments = index.list({ topic: "drops.payments", page: 2, pageSize: 2 });
  t.equal(payments.total, 5);
  t.same(payments.items.map((v) => v.id), [deadLetterId(`${PREFIX}drops.payments.dlq`, 0, "2"), deadLetterId(`${PREFIX}drops.payments.dlq`, 0, "1")]);
  t.same(index.list({ topic: "drops.checkouts", page: 1, pageSize: 20 }), { items: [], total: 0 });
  t.ok(index.get(deadLetterId(`${PREFIX}drops.payments.dlq`, 0, "3")));

  const small = createDeadLetterIndex(PREFIX, 2_000);
  for (let i = 0; i < 50; i++) small.add(raw(i, { value: Buffer.alloc(300) }));
  t.ok(small.bytes <= 2_000, `within the bound (${small.bytes})`);
  t.equal(small.size + small.evicted, 50);
  t.ok(small.get(deadLetterId(`${PREFIX}drops.payments.dlq`, 0, "49")), "the newest kept");
  t.notOk(small.get(deadLetterId(`${PREFIX}drops.payments.dlq`, 0, "0")), "the oldest left memory first");
  const huge = createDeadLetterIndex(PREFIX, 10);
  huge.add(raw(1, { value: Buffer.alloc(100) }));
  t.equal(huge.size, 1, "one bigger than the bound is still kept (the newest always is)");
});
