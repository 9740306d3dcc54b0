import { Partitioners } from "kafkajs";
import t from "tap";
import { partitionOf } from "../src/index.ts";

t.test("partitionOf: the partition the producers' partitioner picks for a key, stable and in range", async (t) => {
  const keys = Array.from({ length: 200 }, (_, i) => `drop-${i}`);
  const parts = keys.map((k) => partitionOf(k, 6));
  t.ok(parts.every((p) => Number.isInteger(p) && p >= 0 && p < 6), "in range");
  t.same(keys.map((k) => partitionOf(k, 6)), parts, "the same key, the same partition");
  t.equal(new Set(parts).size, 6, "keys spread over every partition");
  // What a producer with the default partitioner does for the same key on a topic of 6 partitions.
  const producerPick = Partitioners.DefaultPartitioner();
  const metadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
  t.same(keys.map((key) => producerPick({ topic: "x", partitionMetadata: metadata, message: { key, value: "v" } })), parts, "as the producer");
});
