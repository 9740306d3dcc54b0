/**
 * createProducer after kafkajs resolved a send without sending all of it: kafkajs 2.2.4 retries a
 * produce only to the brokers that had not answered, so when a leader dies mid-send and its
 * partitions move to a broker that already acked its own share, those partitions' messages are
 * never sent, and sendBatch resolves anyway. The producer compares the partitions acked with where
 * the partitioner placed each message and sends the rest again.
 */
import t from "tap";
import type { Kafka, Message, Producer, ProducerBatch, ProducerConfig, RecordMetadata } from "kafkajs";
import { createProducer, unackedMessages } from "../src/index.ts";

const PARTITIONS = 6;
const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: partitionId % 3, partitionErrorCode: 0, replicas: [], isr: [] }));

/**
 * A kafkajs client whose producer places every message with the partitioner it was given (as
 * kafkajs does on each attempt) and acks only the partitions `answer(call)` names (all: undefined).
 */
function fakeKafka(answer: (call: number) => readonly number[] | undefined): { kafka: Kafka; calls: { topic: string; messages: string[] }[][] } {
  const calls: { topic: string; messages: string[] }[][] = [];
  const kafka = {
    producer: (config: ProducerConfig) => {
      const partitioner = config.createPartitioner!();
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        sendBatch: async ({ topicMessages = [] }: ProducerBatch): Promise<RecordMetadata[]> => {
          calls.push(topicMessages.map((tm) => ({ topic: tm.topic, messages: tm.messages.map((m) => String(m.value)) })));
          const acked = answer(calls.length);
          return topicMessages.flatMap(({ topic, messages }) => {
            const parts = new Set(messages.map((message) => partitioner({ topic, partitionMetadata, message })));
            return [...parts].filter((p) => acked === undefined || acked.includes(p)).map((partition) => ({ topicName: topic, partition, errorCode: 0 }));
          });
        },
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, calls };
}

/** Keys spread over the partitions: the murmur2 partition of each is what kafkajs's DefaultPartitioner computes. */
const messages = (n: number): Message[] => Array.from({ length: n }, (_, i) => ({ key: `order-${i}`, value: `m${i}` }));

t.test("a send kafkajs resolved with some partitions unacked: only those messages go out again", async (t) => {
  // The first send acks partitions 0, 1, 3, 4 only (2 and 5 "moved to a broker that already answered").
  const { kafka, calls } = fakeKafka((call) => (call === 1 ? [0, 1, 3, 4] : undefined));
  const producer = createProducer(kafka, { lingerMs: 50 });
  const batch = messages(24);
  await Promise.all(batch.map((m) => producer.publishRaw("drops.inventory", m)));
  t.equal(calls.length, 2, "a second send for the unacked rest");
  const first = calls[0]![0]!.messages;
  const second = calls[1]![0]!.messages;
  t.equal(first.length, 24, "the first send carried the whole batch");
  t.ok(second.length > 0 && second.length < 24, `the second only the unacked messages (${second.length})`);
  await producer.close();
});

t.test("a send acked everywhere is sent once", async (t) => {
  const { kafka, calls } = fakeKafka(() => undefined);
  const producer = createProducer(kafka, { lingerMs: 0 });
  await producer.publishRaw("drops.inventory", { key: "k", value: "v" });
  t.equal(calls.length, 1);
  await producer.close();
});

t.test("a batch that stays unacked fails (the caller retries it) instead of resolving", async (t) => {
  const { kafka, calls } = fakeKafka(() => []);
  const producer = createProducer(kafka, { lingerMs: 0 });
  await t.rejects(producer.publishRaw("drops.inventory", { key: "k", value: "v" }), /not acknowledged/);
  t.equal(calls.length, 11, "the first send and ten resends");
  await producer.close();
});

t.test("unackedMessages: by topic and partition as placed; a message never placed counts as unacked", async (t) => {
  const a = { key: "a", value: "1" };
  const b = { key: "b", value: "2" };
  const c = { key: "c", value: "3" };
  const placed = new Map<Message, { topic: string; partition: number }>([
    [a, { topic: "x", partition: 0 }],
    [b, { topic: "x", partition: 1 }],
  ]);
  const acks = [{ topicName: "x", partition: 0, errorCode: 0 }, { topicName: "y", partition: 1, errorCode: 0 }] as RecordMetadata[];
  t.same(unackedMessages([{ topic: "x", messages: [a, b, c] }], acks, (m) => placed.get(m)), [{ topic: "x", messages: [b, c] }]);
  t.same(unackedMessages([{ topic: "x", messages: [a] }], acks, (m) => placed.get(m)), [], "all acked: nothing left");
});
