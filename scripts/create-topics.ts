/**
 * Creates every Kafka topic the services use, with its dead-letter topic (idempotent), then waits
 * until the brokers serve idempotent producers and consumer groups (a broker started seconds before
 * is still loading its coordinators: @drops/kafka waitUntilServing).
 *   node scripts/create-topics.ts      uses KAFKA_BROKERS (default 127.0.0.1:9092)
 * Replication of new topics: KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS when set, else
 * from the brokers the cluster shows (three or more: 3 and 2; fewer: the broker's defaults). Topics
 * that exist are left as they are.
 */
import { commonSpec, int, loadConfig } from "@drops/config";
import { topicSpecs } from "@drops/events";
import { createKafka, ensureTopics, waitUntilServing } from "@drops/kafka";

const config = loadConfig({
  KAFKA_BROKERS: commonSpec.KAFKA_BROKERS,
  KAFKA_REPLICATION_FACTOR: int(0, { min: 0, max: 32 }, "replication factor of new topics; 0 = from the cluster (3 on three brokers or more, else the broker's default)"),
  KAFKA_MIN_INSYNC_REPLICAS: int(0, { min: 0, max: 32 }, "min.insync.replicas of new topics; 0 = from the cluster (2 on three brokers or more, else the broker's default)"),
});
const specs = topicSpecs();
const kafka = createKafka({ clientId: "create-topics", brokers: config.KAFKA_BROKERS });
const replication = await ensureTopics(kafka, specs, {
  timeoutMs: 60_000,
  replication: {
    ...(config.KAFKA_REPLICATION_FACTOR > 0 ? { replicationFactor: config.KAFKA_REPLICATION_FACTOR } : {}),
    ...(config.KAFKA_MIN_INSYNC_REPLICAS > 0 ? { minInsyncReplicas: config.KAFKA_MIN_INSYNC_REPLICAS } : {}),
  },
});
const copies = replication.replicationFactor > 0 ? `replication ${replication.replicationFactor}` : "the broker's replication";
const isr = replication.minInsyncReplicas !== undefined ? `, min.insync.replicas ${replication.minInsyncReplicas}` : "";
console.log(`    ${specs.length} topics ready (new ones with ${copies}${isr}): ${specs.map((s) => `${s.topic}(${s.numPartitions})`).join(" ")}`);
const waited = await waitUntilServing(kafka, { timeoutMs: 120_000 });
console.log(`    the brokers serve producers and consumer groups (${waited} ms)`);
