/**
 * Creates every Kafka topic the services use, with its dead-letter topic (idempotent).
 *   node scripts/create-topics.ts      uses KAFKA_BROKERS (default 127.0.0.1:9092)
 */
import { commonSpec, loadConfig } from "@drops/config";
import { topicSpecs } from "@drops/events";
import { createKafka, ensureTopics } from "@drops/kafka";

const { KAFKA_BROKERS } = loadConfig({ KAFKA_BROKERS: commonSpec.KAFKA_BROKERS });
const specs = topicSpecs();
await ensureTopics(createKafka({ clientId: "create-topics", brokers: KAFKA_BROKERS }), specs, { timeoutMs: 60_000 });
console.log(`    ${specs.length} topics ready: ${specs.map((s) => `${s.topic}(${s.numPartitions})`).join(" ")}`);
