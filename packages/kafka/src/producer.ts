/**
 * Idempotent, batching event producer. `publish` returns once the broker (all in-sync replicas)
 * acked the batch that carried the event, without each caller paying its own round trip.
 */
import { encodeEvent } from "@drops/events";
import type { DropsEvent } from "@drops/events";
import { Partitioners } from "kafkajs";
import type { Kafka, Message, Producer } from "kafkajs";
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

export function createProducer(kafka: Kafka, opts: ProducerOptions = {}): EventProducer {
  // Idempotence needs acks=all and at most 5 in-flight requests per connection.
  const make = (): Producer =>
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      // murmur2 on the key, as the Java client: the same key lands on the same partition everywhere.
      createPartitioner: Partitioners.DefaultPartitioner,
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
    send: async (topicMessages) => {
      for (let attempt = 0; ; attempt++) {
        await connect();
        try {
          await producer.sendBatch({ topicMessages, acks: -1 });
          return;
        } catch (err) {
          // A re-send after renewing may duplicate what the broker kept: consumers dedupe by event id.
          if (!isProducerSequenceError(err) || attempt >= 2 || closed) throw err;
          await renew();
        }
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
