/**
 * Idempotent, batching event producer. `publish` returns once the broker (all in-sync replicas)
 * acked the batch that carried the event, without each caller paying its own round trip.
 */
import { encodeEvent } from "@drops/events";
import type { DropsEvent } from "@drops/events";
import { Partitioners } from "kafkajs";
import type { Kafka, Message, PartitionerArgs, Producer, RecordMetadata, TopicMessages } from "kafkajs";
import { Batcher } from "./batcher.ts";
import type { BatcherStats } from "./batcher.ts";
import { withActiveTraceContext } from "./trace.ts";

export type ProducerOptions = {
  /** How long a message may wait for others to join its batch (ms). Default 5. */
  lingerMs?: number;
  /** Send as soon as this many messages are waiting. Default 500. */
  maxBatch?: number;
  /**
   * Retries of a failed send. Default unlimited, as idempotence wants (a smaller number can
   * reorder or duplicate after the retries run out); a send then waits out a broker outage.
   */
  retries?: number;
};

/** batches = sendBatch calls made; sent/failed = messages acked / rejected. */
export type ProducerStats = BatcherStats;

export type EventProducer = {
  /** Connects now (otherwise the first send does). */
  connect(): Promise<void>;
  /** Batched. `key` null/undefined = the key the topic layout names (orderId / dropId). */
  publish(topic: string, key: string | null | undefined, event: DropsEvent): Promise<void>;
  /** Like publish but sends without waiting for the linger time. */
  publishNow(topic: string, key: string | null | undefined, event: DropsEvent): Promise<void>;
  /** An already-encoded message (e.g. for the dead-letter topic), batched. */
  publishRaw(topic: string, message: Message, opts?: { now?: boolean }): Promise<void>;
  /** Waits until everything published so far is acked. */
  flush(): Promise<void>;
  /** Flushes, then disconnects. Publishing after close rejects. */
  close(): Promise<void>;
  stats(): ProducerStats;
  /** The kafkajs producer underneath. */
  readonly producer: Producer;
};

/**
 * The broker no longer accepts this producer's sequence numbers (after a broker restart lost its
 * producer state, or an epoch was fenced). kafkajs cannot recover from these: every later send to
 * the partition fails the same way. A new producer gets a new producer id and starts afresh.
 */
const SEQUENCE_ERRORS = new Set(["OUT_OF_ORDER_SEQUENCE_NUMBER", "UNKNOWN_PRODUCER_ID", "INVALID_PRODUCER_EPOCH"]);

/** True for a sequence error, also wrapped (kafkajs's retrier: `cause`; a batch over brokers: `errors`). */
export function isProducerSequenceError(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== "object" || depth > 4) return false;
  const e = err as { type?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.type === "string" && SEQUENCE_ERRORS.has(e.type)) return true;
  if (isProducerSequenceError(e.cause, depth + 1)) return true;
  return Array.isArray(e.errors) && e.errors.some((x) => isProducerSequenceError(x, depth + 1));
}

/** Where kafkajs's partitioner put a message on the latest attempt of its send. */
type Placement = { topic: string; partition: number };

/**
 * The messages of `sent` that kafkajs resolved without a broker's ack: their (topic, partition), as
 * the partitioner placed them, is not among the acked ones. kafkajs 2.2.4 retries a produce only to
 * the brokers that had not answered yet: when a leader dies mid-send and its partitions move to a
 * broker that already acked its own share, those partitions' messages are never sent again, and
 * sendBatch resolves as if they were written (sendMessages.js, responsePerBroker). A message the
 * partitioner never saw (which kafkajs always calls) counts as unacked.
 */
export function unackedMessages(sent: readonly TopicMessages[], acks: readonly RecordMetadata[], placed: (m: Message) => Placement | undefined): TopicMessages[] {
  const acked = new Set(acks.filter((a) => a.errorCode === 0).map((a) => `${a.topicName}\u0000${a.partition}`));
  return sent.flatMap(({ topic, messages }) => {
    const left = messages.filter((m) => {
      const p = placed(m);
      return p === undefined || p.topic !== topic || !acked.has(`${topic}\u0000${p.partition}`);
    });
    return left.length > 0 ? [{ topic, messages: left }] : [];
  });
}

/** Sends of a batch's unacked rest before the batch fails as a whole (the caller retries it). */
const MAX_RESENDS = 10;

export function createProducer(kafka: Kafka, opts: ProducerOptions = {}): EventProducer {
  const placements = new WeakMap<Message, Placement>();
  // murmur2 on the key, as the Java client: the same key lands on the same partition everywhere.
  // Each placement is remembered, to find the messages kafkajs resolved without sending (unackedMessages).
  const createPartitioner = () => {
    const partition = Partitioners.DefaultPartitioner();
    return (args: PartitionerArgs): number => {
      const p = partition(args);
      placements.set(args.message, { topic: args.topic, partition: p });
      return p;
    };
  };
  // Idempotence needs acks=all and at most 5 in-flight requests per connection.
  const make = (): Producer =>
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      createPartitioner,
      retry: { retries: opts.retries ?? Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5_000 },
    });
  let producer = make();
  let connecting: Promise<void> | undefined;
  /** Whether the current kafkajs producer was ever asked to connect (close then disconnects it). */
  let touched = false;
  let closed = false;
  /**
   * One connect shared by every send until it settles. A connect that fails (the broker down when the
   * first event is sent) is forgotten, so the next send tries again: kept, it failed every later send
   * at once with the outage's error, for good.
   */
  const connect = (): Promise<void> => {
    if (connecting !== undefined) return connecting;
    touched = true;
    const attempt = producer.connect();
    connecting = attempt;
    attempt.catch(() => {
      if (connecting === attempt) connecting = undefined;
    });
    return attempt;
  };

  /** Replaces a producer whose sequence the broker refuses (see SEQUENCE_ERRORS). */
  async function renew(): Promise<void> {
    const old = producer;
    const wasTouched = touched;
    producer = make();
    connecting = undefined;
    touched = false;
    if (wasTouched) await old.disconnect().catch(() => undefined);
  }

  const batcher = new Batcher({
    lingerMs: opts.lingerMs ?? 5,
    maxBatch: opts.maxBatch ?? 500,
    send: async (batch) => {
      let topicMessages = batch;
      let renewals = 0;
      for (let resends = 0; ; ) {
        await connect();
        let acks: RecordMetadata[];
        try {
          acks = await producer.sendBatch({ topicMessages, acks: -1 });
        } catch (err) {
          // A re-send after renewing may duplicate what the broker kept: consumers dedupe by event id.
          if (!isProducerSequenceError(err) || renewals >= 2 || closed) throw err;
          renewals++;
          await renew();
          continue;
        }
        // Resolved is not acked: what kafkajs skipped after a leader moved goes out again, alone.
        topicMessages = unackedMessages(topicMessages, acks, (m) => placements.get(m));
        if (topicMessages.length === 0) return;
        if (++resends > MAX_RESENDS) throw new Error(`kafka: ${topicMessages.reduce((n, t) => n + t.messages.length, 0)} messages not acknowledged after ${MAX_RESENDS} sends`);
      }
    },
  });

  function toMessage(key: string | null | undefined, event: DropsEvent): Message {
    const extra: Record<string, string> = {};
    const traced = withActiveTraceContext(event, extra);
    const enc = encodeEvent(traced);
    return { key: key ?? enc.key, value: enc.value, headers: { ...extra, ...enc.headers } };
  }

  function enqueue(topic: string, message: Message, urgent: boolean): Promise<void> {
    if (closed) return Promise.reject(new Error("producer is closed"));
    return batcher.enqueue(topic, message, urgent);
  }

  return {
    get producer() {
      return producer;
    },
    connect,
    publish: async (topic, key, event) => enqueue(topic, toMessage(key, event), false),
    publishNow: async (topic, key, event) => enqueue(topic, toMessage(key, event), true),
    publishRaw: async (topic, message, o) => enqueue(topic, message, o?.now ?? false),
    flush: () => batcher.flush(),
    stats: () => batcher.stats(),
    async close() {
      closed = true;
      await batcher.flush();
      if (touched) {
        await connecting?.catch(() => {});
        await producer.disconnect();
      }
    },
  };
}
