/**
 * createProducer's connection: a connect that fails (the broker down when the first event is sent)
 * fails that send only; the next send connects again. It used to keep the rejected connect: every
 * later send failed at once with the outage's error, for good (the Kafka fault test: both order
 * instances' outbox relays never published again after the broker's restart).
 */
import t from "tap";
import type { Kafka, PartitionerArgs, Producer, ProducerBatch, ProducerConfig, RecordMetadata } from "kafkajs";
import { createProducer } from "../src/index.ts";

type Fake = { connects: number; disconnects: number; batches: ProducerBatch[] };

const partitionMetadata = [{ partitionId: 0, leader: 0, partitionErrorCode: 0, replicas: [], isr: [] }];

/** A kafkajs client whose producers fail their first `failures` connects (ECONNREFUSED), then work (every send acked). */
function fakeKafka(failures: number): { kafka: Kafka; fake: Fake } {
  const fake: Fake = { connects: 0, disconnects: 0, batches: [] };
  let partitioner: ((args: PartitionerArgs) => number) | undefined;
  const producer = {
    connect: async () => {
      fake.connects++;
      if (fake.connects <= failures) throw Object.assign(new Error("Connection error: connect ECONNREFUSED 127.0.0.1:9"), { name: "KafkaJSNumberOfRetriesExceeded", retriable: false });
    },
    disconnect: async () => {
      fake.disconnects++;
    },
    sendBatch: async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
      fake.batches.push(batch);
      // kafkajs places each message with the producer's partitioner; the acks name the partitions.
      return (batch.topicMessages ?? []).flatMap(({ topic, messages }) => messages.map((message) => ({ topicName: topic, partition: partitioner!({ topic, partitionMetadata, message }), errorCode: 0 })));
    },
  } as unknown as Producer;
  const producerOf = (config: ProducerConfig): Producer => {
    partitioner = config.createPartitioner!();
    return producer;
  };
  return { kafka: { producer: producerOf } as unknown as Kafka, fake };
}

const message = (n: number) => ({ key: "k", value: Buffer.from(String(n)) });

t.test("a failed connect fails only the sends waiting for it; the next send connects again", async (t) => {
  const { kafka, fake } = fakeKafka(2);
  const producer = createProducer(kafka, { lingerMs: 0 });
  await t.rejects(producer.publishRaw("topic", message(1)), /ECONNREFUSED/, "the send during the outage fails");
  await t.rejects(producer.connect(), /ECONNREFUSED/, "connect() tries again (and fails again while the broker is down)");
  await producer.publishRaw("topic", message(2));
  t.equal(fake.connects, 3, "a connect per try, none cached once it failed");
  t.same(fake.batches.map((b) => b.topicMessages?.[0]?.messages.map((m) => String(m.value))), [["2"]], "the send after the outage goes out");
  await producer.publishRaw("topic", message(3));
  t.equal(fake.connects, 3, "a connect that succeeded is kept");
  await producer.close();
  t.equal(fake.disconnects, 1, "close disconnects the connected producer");
});

t.test("concurrent sends share one connect attempt", async (t) => {
  const { kafka, fake } = fakeKafka(0);
  const producer = createProducer(kafka, { lingerMs: 0 });
  await Promise.all([producer.connect(), producer.connect(), producer.publishRaw("topic", message(1))]);
  t.equal(fake.connects, 1);
  await producer.close();
});

t.test("close after a failed connect does not throw", async (t) => {
  const { kafka } = fakeKafka(1);
  const producer = createProducer(kafka, { lingerMs: 0 });
  await t.rejects(producer.publishRaw("topic", message(1)), /ECONNREFUSED/);
  await producer.close();
  await t.rejects(producer.publishRaw("topic", message(2)), /closed/, "publishing after close rejects");
});
