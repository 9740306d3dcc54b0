/**
 * Consumer runner: decode, dispatch by event type, retry with backoff, dead-letter, commit.
 * See README "Retry, dead letters and commits" for the guarantees.
 */
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { EventDecodeError, HEADER, TOPIC_PREFIX, decodeEvent, dlqTopic as defaultDlqTopic, headerString, isEventType } from "@drops/events";
import type { DropsEvent, EventEnvelope, EventType, Headers } from "@drops/events";
import type { ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import { deadLetterMessage, describeError } from "./dlq.ts";
import { silentLogger } from "./logger.ts";
import type { Logger } from "./logger.ts";
import { createProducer } from "./producer.ts";
import type { EventProducer } from "./producer.ts";
import { backoffDelay, defaultRetry, pause } from "./retry.ts";
import type { RetryPolicy } from "./retry.ts";
import { contextFromHeaders } from "./trace.ts";

export type MessageContext = { topic: string; partition: number; offset: string; headers: Headers; /** 1-based */ attempt: number };

export type Handler<T extends EventType> = (event: EventEnvelope<T>, ctx: MessageContext) => Promise<void>;

export type Handlers = { [K in EventType]?: Handler<K> };

export type RunConsumerOptions = {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  handlers: Handlers;
  retry?: RetryPolicy;
  /** Dead-letter topic for a source topic. Default `<topic>.dlq`. */
  dlqTopic?: (topic: string) => string;
  logger?: Logger;
  /** Where a group with no committed offset starts. Default true: a new group must not skip events. */
  fromBeginning?: boolean;
  /** Producer for dead letters; default: one of its own, closed on stop. */
  producer?: EventProducer;
  /** Partitions processed in parallel (each still in order). Default 1. */
  partitionsConsumedConcurrently?: number;
  /** Extra kafkajs consumer settings (sessionTimeout, heartbeatInterval, ...). */
  consumerConfig?: Partial<Omit<ConsumerConfig, "groupId">>;
  /** How often resolved offsets are committed in the middle of a batch (ms). Default 1000. */
  commitIntervalMs?: number;
  now?: () => Date;
};

export type ConsumerStats = { handled: number; skipped: number; retries: number; deadLettered: number };

export type ConsumerRunner = {
  /** Resolves when the consumer first joined its group. */
  readonly joined: Promise<void>;
  stats(): ConsumerStats;
  /** Finishes the message in flight (no further retries), commits, disconnects. */
  stop(): Promise<void>;
};

type Outcome = "done" | "stopped";

export async function runConsumer(opts: RunConsumerOptions): Promise<ConsumerRunner> {
  const log = opts.logger ?? silentLogger;
  const retry = opts.retry ?? defaultRetry;
  if (!(retry.attempts >= 1)) throw new RangeError("retry.attempts must be >= 1");
  const toDlq = opts.dlqTopic ?? defaultDlqTopic;
  const now = opts.now ?? (() => new Date());
  const ownProducer = opts.producer === undefined;
  const producer = opts.producer ?? createProducer(opts.kafka, { lingerMs: 0 });
  const tracer = trace.getTracer("@drops/kafka");
  const abort = new AbortController();
  const stats: ConsumerStats = { handled: 0, skipped: 0, retries: 0, deadLettered: 0 };

  // Groups are namespaced like topics (KAFKA_TOPIC_PREFIX): a group id is cluster-wide, and two stacks
  // sharing one would split each other's partitions.
  const groupId = TOPIC_PREFIX + opts.groupId;
  const consumer = opts.kafka.consumer({ ...opts.consumerConfig, groupId, allowAutoTopicCreation: false });
  const joined = new Promise<void>((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });

  async function deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string, err: unknown): Promise<void> {
    const dlq = toDlq(topic);
    await producer.publishRaw(dlq, deadLetterMessage(message, { topic, partition, groupId }, reason, err, now()), { now: true });
    stats.deadLettered++;
    log.warn({ topic, partition, offset: message.offset, dlq, reason, err: describeError(err) }, "message dead-lettered");
  }

  async function handle(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<Outcome> {
    const headers: Headers = message.headers ?? {};
    const type = headerString(headers, HEADER.type);
    // A type this service does not handle is skipped without even decoding it.
    if (type !== undefined && isEventType(type) && opts.handlers[type] === undefined) {
      stats.skipped++;
      return "done";
    }
    let event: DropsEvent;
    try {
      event = decodeEvent(message);
    } catch (err) {
      const reason = err instanceof EventDecodeError ? err.reason : "DECODE_FAILED";
      await deadLetter(topic, partition, message, reason, err);
      return "done";
    }
    const handler = opts.handlers[event.type] as Handler<EventType> | undefined;
    if (handler === undefined) {
      stats.skipped++;
      return "done";
    }

    const parent = contextFromHeaders(headers);
    const span = tracer.startSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "process",
          "messaging.destination.name": topic,
          "messaging.destination.partition.id": String(partition),
          "messaging.kafka.offset": Number(message.offset),
          "messaging.consumer.group.name": groupId,
          "messaging.message.id": event.eventId,
          "drops.event.type": event.type,
        },
      },
      parent,
    );
    const spanCtx = trace.setSpan(parent, span);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await context.with(spanCtx, () => handler(event, { topic, partition, offset: message.offset, headers, attempt }));
          stats.handled++;
          return "done";
        } catch (err) {
          span.recordException(err instanceof Error ? err : new Error(String(err)));
          if (attempt >= retry.attempts) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(err) });
            await deadLetter(topic, partition, message, "HANDLER_FAILED", err);
            return "done";
          }
          const delay = backoffDelay(retry, attempt);
          log.warn({ topic, partition, offset: message.offset, type: event.type, attempt, delayMs: delay, err: describeError(err) }, "handler failed, retrying");
          stats.retries++;
          if (!(await pause(delay, abort.signal, heartbeat))) return "stopped";
        }
      }
    } finally {
      span.end();
    }
  }

  async function eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const heartbeat = (): Promise<void> => p.heartbeat();
    for (const message of batch.messages) {
      if (!p.isRunning() || p.isStale() || abort.signal.aborted) return;
      const outcome = await handle(batch.topic, batch.partition, message, heartbeat);
      // A message left mid-retry by stop() is not resolved: the next owner gets it again.
      if (outcome === "stopped") return;
      p.resolveOffset(message.offset);
      await p.commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...opts.topics], fromBeginning: opts.fromBeginning ?? true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: opts.commitIntervalMs ?? 1_000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 1,
      eachBatch,
    });
  } catch (err) {
    await consumer.disconnect().catch(() => {});
    if (ownProducer) await producer.close().catch(() => {});
    throw err;
  }
  consumer.on(consumer.events.CRASH, (e) => log.error({ groupId, err: describeError(e.payload.error), restart: e.payload.restart }, "consumer crashed"));
  log.info({ groupId, topics: opts.topics }, "consumer started");

  let stopping: Promise<void> | undefined;
  return {
    joined,
    stats: () => ({ ...stats }),
    stop: () =>
      (stopping ??= (async () => {
        abort.abort();
        // kafkajs waits for the running eachBatch, commits resolved offsets, leaves the group.
        await consumer.disconnect();
        if (ownProducer) await producer.close();
        log.info({ groupId }, "consumer stopped");
      })()),
  };
}
