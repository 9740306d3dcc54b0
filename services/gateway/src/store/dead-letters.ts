/**
 * The platform's dead letters, read from Kafka: every `<topic>.dlq` topic is followed from its
 * beginning by one consumer per gateway instance (its own group, nothing committed: the index is
 * rebuilt at every start), into the bounded in-memory index of domain/dead-letters.ts. A replay
 * re-publishes a dead letter's original key, value and headers (minus the dlq-* ones) to its source
 * topic, acks=all, and answers where the copy landed. Kafka stays the store: nothing is written
 * anywhere else, and every instance sees every dead letter.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { KafkaClient } from "@drops/clients";
import { TOPIC_PREFIX, dlqTopic, topicList } from "@drops/events";
import { unavailable } from "@drops/http";
import { createProducer, readDeadLetterHeaders, type EventProducer } from "@drops/kafka";
import { createDeadLetterIndex, replayMessage, sourceTopicOf, type DeadLetter, type DeadLetterIndex } from "../domain/dead-letters.ts";

/** The source topics whose dead letters are listed, without the prefix (the API's names). */
export const DEAD_LETTER_TOPICS: readonly string[] = topicList.map((t) => t.name.slice(TOPIC_PREFIX.length));

type Consumer = ReturnType<KafkaClient["consumer"]>;

export type Replayed = { topic: string; partition: number; offset: string };

export type DeadLetters = {
  readonly index: DeadLetterIndex;
  /** Resolves once the reader joined (tests and the first list wait for it briefly). */
  readonly joined: Promise<void>;
  /** Re-publishes the original message to its source topic; resolves once Kafka acked it. */
  replay(entry: DeadLetter): Promise<Replayed>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export type DeadLetterOptions = { kafka: KafkaClient; serviceName: string; maxBytes: number; timeoutMs: number; log: FastifyBaseLogger };

export function createDeadLetters(o: DeadLetterOptions): DeadLetters {
  const index = createDeadLetterIndex(TOPIC_PREFIX, o.maxBytes);
  const sources = new Set(topicList.map((t) => t.name));
  let consumer: Consumer | undefined;
  let producer: EventProducer | undefined;
  let starting: Promise<void> | undefined;
  let markJoined: () => void = () => {};
  const joined = new Promise<void>((resolve) => (markJoined = resolve));

  const follow = async (): Promise<void> => {
    // The group is namespaced like runConsumer's (KAFKA_TOPIC_PREFIX), so a test stack's cleanup finds it.
    const c = o.kafka.consumer({
      groupId: `${TOPIC_PREFIX}${o.serviceName}-dead-letters-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
    });
    consumer = c;
    const off = c.on(c.events.GROUP_JOIN, () => {
      off();
      markJoined();
    });
    await c.connect();
    await c.subscribe({ topics: [...sources].map(dlqTopic), fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const { info, original } = readDeadLetterHeaders(message.headers ?? {});
        index.add({
          dlqTopic: topic, partition, offset: message.offset,
          key: message.key, value: message.value, headers: original, dlq: info, timestamp: message.timestamp,
        });
      },
    });
  };

  return {
    index,
    joined,
    async replay(entry) {
      const target = sourceTopicOf(entry.raw.dlqTopic);
      // Only ever to a platform topic: never where a header (or a forged .dlq message) says.
      if (target === null || !sources.has(target)) throw new Error(`no source topic for ${entry.raw.dlqTopic}`);
      // A few retries, not the event producer's unlimited ones: an admin waits for this answer.
      producer ??= createProducer(o.kafka, { lingerMs: 0, retries: 3 });
      const p = producer;
      const send = (async () => {
        await p.connect();
        return p.producer.send({ topic: target, acks: -1, messages: [replayMessage(entry.raw)] });
      })();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no ack within ${o.timeoutMs} ms`)), o.timeoutMs);
      });
      try {
        const [meta] = await Promise.race([send, timeout]);
        return { topic: entry.view.topic, partition: meta?.partition ?? -1, offset: meta?.baseOffset ?? "-1" };
      } catch (err) {
        o.log.warn({ err, topic: target }, "dead-letter replay failed");
        throw unavailable("Kafka did not take the replay; retry shortly (a replay is safe to repeat)");
      } finally {
        clearTimeout(timer);
      }
    },
    async start() {
      starting ??= follow().catch((err: unknown) => {
        o.log.error({ err }, "dead-letter reader could not start: the admin dead-letter list stays empty on this instance");
      });
    },
    async stop() {
      if (starting) await starting;
      await consumer?.disconnect().catch(() => {});
      await producer?.close().catch(() => {});
    },
  };
}
