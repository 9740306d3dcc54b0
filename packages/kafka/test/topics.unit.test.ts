import t from "tap";
import { replicationFor, topicConfig } from "../src/index.ts";

t.test("replicationFor: 3 copies with min.insync.replicas 2 on three brokers or more, the broker's defaults below", async (t) => {
  t.same(replicationFor(1), { replicationFactor: -1 }, "one broker: default.replication.factor, min.insync.replicas of the broker");
  t.same(replicationFor(2), { replicationFactor: -1 }, "two brokers: the broker's defaults too");
  t.same(replicationFor(3), { replicationFactor: 3, minInsyncReplicas: 2 });
  t.same(replicationFor(5), { replicationFactor: 3, minInsyncReplicas: 2 }, "more brokers: still three copies");
});

t.test("topicConfig: the replication given, unless the spec names its own", async (t) => {
  const three = replicationFor(3);
  t.same(topicConfig({ topic: "a", numPartitions: 6, configEntries: [{ name: "retention.ms", value: "1000" }] }, three), {
    topic: "a",
    numPartitions: 6,
    replicationFactor: 3,
    configEntries: [{ name: "retention.ms", value: "1000" }, { name: "min.insync.replicas", value: "2" }],
  });
  t.same(topicConfig({ topic: "b", numPartitions: 1 }, replicationFor(1)), { topic: "b", numPartitions: 1, replicationFactor: -1, configEntries: [] }, "one broker: nothing added");
  const own = topicConfig({ topic: "c", numPartitions: 2, replicationFactor: 1, configEntries: [{ name: "min.insync.replicas", value: "1" }] }, three);
  t.equal(own.replicationFactor, 1, "the spec's factor wins");
  t.same(own.configEntries, [{ name: "min.insync.replicas", value: "1" }], "the spec's min.insync.replicas wins");
});
