import t from "tap";
import { EVENT_TYPES, TOPIC_PREFIX, dlqTopic, keyFor, newEnvelope, topicFor, topicList, topicPrefix, topicSpecs, topics } from "../src/index.ts";
import type { DropsEvent } from "../src/index.ts";
import { ID, samplePayloads } from "./fixtures.ts";

t.test("every event type is on exactly one topic, and its key field exists", async (t) => {
  for (const type of EVENT_TYPES) {
    const on = topicList.filter((l) => l.events.includes(type));
    t.equal(on.length, 1, type);
    const env = newEnvelope({ type, payload: samplePayloads[type], correlationId: "o-1", now: 1, id: ID }) as DropsEvent;
    t.equal(typeof keyFor(env), "string", `${type} key`);
    t.equal(topicFor(type), on[0]!.name);
  }
  t.equal(topicFor("OrderPlaced"), "drops.orders");
  t.equal(topicFor("StockChanged"), topics.stockChanges.name);
  t.throws(() => keyFor({ type: "StockChanged", payload: {} } as DropsEvent), /no dropId/);
  t.throws(() => topicFor("Nope" as "OrderPlaced"), /no topic/);
});

t.test("topic specs include a dead-letter topic per source topic", async (t) => {
  const specs = topicSpecs();
  t.equal(specs.length, topicList.length * 2);
  for (const l of topicList) {
    t.ok(specs.find((s) => s.topic === l.name && s.numPartitions === l.partitions), l.name);
    t.ok(specs.find((s) => s.topic === dlqTopic(l.name)), `${l.name}.dlq`);
  }
  t.equal(dlqTopic("drops.orders"), "drops.orders.dlq");
  t.same(specs.find((s) => s.topic === "drops.stock-changes")!.configEntries, [{ name: "cleanup.policy", value: "compact" }]);
  for (const s of specs.filter((s) => s.topic.endsWith(".dlq"))) t.same(s.configEntries, [{ name: "retention.ms", value: String(30 * 24 * 3600 * 1000) }], `${s.topic} kept 30 days`);
});

t.test("KAFKA_TOPIC_PREFIX namespaces every topic", async (t) => {
  t.equal(topicPrefix(undefined), "");
  t.equal(topicPrefix(" e2e_x1. "), "e2e_x1.");
  t.throws(() => topicPrefix("bad prefix!"), /KAFKA_TOPIC_PREFIX="bad prefix!" is invalid/);
  t.ok(topicList.every((l) => l.name.startsWith(`${TOPIC_PREFIX}drops.`)));
});
