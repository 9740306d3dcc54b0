// The test kit itself (@drops/kafka/testing), on the real broker.
import type { StockConfirmed } from "@drops/events";
import t from "tap";
import { collectEvents, collectMessages, headerOf, testEnvelope, testKafka, testPublisher, testTopics } from "../src/testing.ts";

t.setTimeout(120_000);

t.test("testTopics names one topic per role and creates it with its .dlq; collectors see what testPublisher sends", async (t) => {
  const kafka = testKafka();
  const topics = await testTopics(t, kafka, "kit", ["orders", "payments"], { partitions: 2 });
  t.match(topics, { orders: /^kit_[a-z0-9]+\.orders$/, payments: /^kit_[a-z0-9]+\.payments$/ });
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const existing = new Set(await admin.listTopics());
  const wanted = [topics.orders, `${topics.orders}.dlq`, topics.payments, `${topics.payments}.dlq`];
  t.same(wanted.filter((name) => !existing.has(name)), [], "all four exist");

  const events = await collectEvents(t, kafka, [topics.orders, topics.payments]);
  const raw = await collectMessages(t, kafka, topics.orders);
  const { publish, producer } = testPublisher(t, kafka);
  const payload: StockConfirmed = { orderId: "o-kit", dropId: "d-kit", quantity: 1 };
  const sent = testEnvelope("StockConfirmed", payload, { now: 1_700_000_000_000 });
  await publish(topics.orders, sent);
  await producer.publishRaw(topics.orders, { key: "junk", value: Buffer.from("not avro") });

  const [got] = await events.waitFor(1);
  t.same(got, sent, "decoded as sent");
  t.equal(sent.correlationId, "o-kit", "correlation id defaults to the orderId");
  const messages = await raw.waitFor(2);
  t.same(messages.map((m) => [m.topic, m.key?.toString()]), [[topics.orders, "o-kit"], [topics.orders, "junk"]]);
  t.equal(headerOf(messages[0]!, "event-type"), "StockConfirmed");
  t.equal(events.items.length, 1, "the undecodable message is left out of collectEvents");
  await t.rejects(events.waitFor(2, 300), /1 message\(s\) received, condition not met/);
});
