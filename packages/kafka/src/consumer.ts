/**
 * Consumer runner: decode, dispatch by event type, retry with backoff, dead-letter, commit.
 * See README "Retry, dead letters and commits" for the guarantees.
 */
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import type { Tracer } from "@opentelemetry/api";
import { EventDecodeError, HEADER, TOPIC_PREFIX, decodeEvent, dlqTopic as defaultDlqTopic, headerString, isEventType } from "@drops/events";
import type { DropsEvent, EventEnvelope, EventType, Headers } from "@drops/events";
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import { validateConsumerOptions } from "./consumer-options.ts";
import { deadLetterMessage, describeError } from "./dlq.ts";
import { silentLogger } from "./logger.ts";
import type { Logger } from "./logger.ts";
import { runByKey } from "./key-scheduler.ts";
import { createProducer } from "./producer.ts";
import type { EventProducer } from "./producer.ts";
import { backoffDelay, defaultRetry, pause } from "./retry.ts";
import type { RetryPolicy } from "./retry.ts";
import { contextFromHeaders } from "./trace.ts";
import { classifyFailure } from "./transient.ts";
import type { FailureKind } from "./transient.ts";

export type MessageContext = {
  topic: string;
  partition: number;
  offset: string;
  headers: Headers;
  /**
   * 1-based; counts the calls that failed permanently, so a handler on `attempt === retry.attempts`
   * knows its next permanent failure is dead-lettered. Transient failures (a dependency down) do not
   * use up attempts: the call after one has the same number.
   */
  attempt: number;
};

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
  /**
   * Whether a handler's failure is transient (retried with capped backoff until it passes, never
   * dead-lettered) or permanent (retry.attempts calls, then the dead-letter topic). Default
   * `classifyFailure` (src/transient.ts: dependencies down or timing out, `TransientError`).
   */
  classify?: (err: unknown) => FailureKind;
  now?: () => Date;
};

/** runConsumer's second argument: key-level parallelism within each fetched batch. */
export type KeyParallelism = {
  /**
   * Messages of one fetched batch (one partition) handled at once: different keys concurrently, one
   * key's strictly in order; offsets resolved only up to the lowest unfinished message. Default 1
   * (the batch in order, one message at a time).
   */
  concurrency?: number;
};

export type ConsumerStats = {
  handled: number;
  skipped: number;
  /** Retries after a permanent failure (bounded by retry.attempts). */
  retries: number;
  deadLettered: number;
  /** Retries after a transient failure (unbounded: a dependency was down). */
  transientRetries: number;
  /** Messages waiting right now for a transient failure to pass. */
  waiting: number;
};

export type ConsumerRunner = {
  /** Resolves when the consumer first joined its group. */
  readonly joined: Promise<void>;
  stats(): ConsumerStats;
  /** Finishes the message in flight (no further retries), commits, disconnects. */
  stop(): Promise<void>;
};

type Outcome = "done" | "stopped";

/** The options with their defaults filled in, and the group id as the broker sees it. */
type Settings = ResolvedOptions & { concurrency: number };

type ResolvedOptions = {
  groupId: string;
  topics: readonly string[];
  handlers: Handlers;
  retry: RetryPolicy;
  toDlq: (topic: string) => string;
  log: Logger;
  now: () => Date;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  commitIntervalMs: number;
  classify: (err: unknown) => FailureKind;
};

/** What handling one message needs: the settings, the dead-letter producer, the stop signal, the counters. */
type Processing = { settings: Settings; producer: EventProducer; tracer: Tracer; abort: AbortSignal; stats: ConsumerStats };

type Delivery = { topic: string; partition: number; message: KafkaMessage; heartbeat: () => Promise<void> };

export async function runConsumer(opts: RunConsumerOptions, parallel: KeyParallelism = {}): Promise<ConsumerRunner> {
  validateConsumerOptions(opts);
  const concurrency = parallel.concurrency ?? 1;
  if (!(Number.isSafeInteger(concurrency) && concurrency >= 1)) throw new RangeError(`concurrency must be an integer >= 1, got ${String(concurrency)}`);
  const settings = { ...resolveSettings(opts), concurrency };
  const ownProducer = opts.producer === undefined;
  const producer = opts.producer ?? createProducer(opts.kafka, { lingerMs: 0 });
  const abort = new AbortController();
  const stats: ConsumerStats = { handled: 0, skipped: 0, retries: 0, deadLettered: 0, transientRetries: 0, waiting: 0 };
  const processing: Processing = { settings, producer, tracer: trace.getTracer("@drops/kafka"), abort: abort.signal, stats };

  const consumer = opts.kafka.consumer({ ...opts.consumerConfig, groupId: settings.groupId, allowAutoTopicCreation: false });
  const joined = groupJoined(consumer);
  const closeProducer = (): Promise<void> => (ownProducer ? producer.close() : Promise.resolve());
  await startConsuming(consumer, settings, batchLoop(processing), closeProducer);
  return runnerOf({ consumer, settings, joined, stats, abort, closeProducer });
}

function resolveSettings(opts: RunConsumerOptions): ResolvedOptions {
  return {
    // Groups are namespaced like topics (KAFKA_TOPIC_PREFIX): a group id is cluster-wide, and two stacks
    // sharing one would split each other's partitions.
    groupId: TOPIC_PREFIX + opts.groupId,
    topics: opts.topics,
    handlers: opts.handlers,
    retry: opts.retry ?? defaultRetry,
    toDlq: opts.dlqTopic ?? defaultDlqTopic,
    log: opts.logger ?? silentLogger,
    now: opts.now ?? (() => new Date()),
    fromBeginning: opts.fromBeginning ?? true,
    partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 1,
    commitIntervalMs: opts.commitIntervalMs ?? 1_000,
    classify: opts.classify ?? classifyFailure,
  };
}

/** Resolves when the consumer first joined its group. */
function groupJoined(consumer: Consumer): Promise<void> {
  return new Promise<void>((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
}

/** Connects, subscribes and starts the batch loop; on failure disconnects (and closes the own producer) and rethrows. */
async function startConsuming(consumer: Consumer, s: Settings, eachBatch: (p: EachBatchPayload) => Promise<void>, closeProducer: () => Promise<void>): Promise<void> {
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...s.topics], fromBeginning: s.fromBeginning });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: s.commitIntervalMs,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: s.partitionsConsumedConcurrently,
      eachBatch,
    });
  } catch (err) {
    await consumer.disconnect().catch(() => {});
    await closeProducer().catch(() => {});
    throw err;
  }
  consumer.on(consumer.events.CRASH, (e) => s.log.error({ groupId: s.groupId, err: describeError(e.payload.error), restart: e.payload.restart }, "consumer crashed"));
  s.log.info({ groupId: s.groupId, topics: s.topics }, "consumer started");
}

/** The runner handed back: stats, and a stop() that runs once however often it is called. */
function runnerOf(r: { consumer: Consumer; settings: Settings; joined: Promise<void>; stats: ConsumerStats; abort: AbortController; closeProducer: () => Promise<void> }): ConsumerRunner {
  let stopping: Promise<void> | undefined;
  return {
    joined: r.joined,
    stats: () => ({ ...r.stats }),
    stop: () =>
      (stopping ??= (async () => {
        r.abort.abort();
        // kafkajs waits for the running eachBatch, commits resolved offsets, leaves the group.
        await r.consumer.disconnect();
        await r.closeProducer();
        r.settings.log.info({ groupId: r.settings.groupId }, "consumer stopped");
      })()),
  };
}

/** kafkajs's eachBatch: the batch's messages in order, each offset resolved only once it is finished. */
function batchLoop(p: Processing): (payload: EachBatchPayload) => Promise<void> {
  if (p.settings.concurrency > 1) return keyedBatchLoop(p);
  return async (payload) => {
    const { batch } = payload;
    const heartbeat = (): Promise<void> => payload.heartbeat();
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale() || p.abort.aborted) return;
      const outcome = await processMessage(p, { topic: batch.topic, partition: batch.partition, message, heartbeat });
      // A message left mid-retry by stop() is not resolved: the next owner gets it again.
      if (outcome === "stopped") return;
      payload.resolveOffset(message.offset);
      await payload.commitOffsetsIfNecessary();
      await heartbeat();
    }
  };
}

/**
 * eachBatch with key-level parallelism (runByKey): up to `concurrency` messages of different keys at
 * once, one key's in order; the offset resolved is the last of the longest finished prefix, so a
 * commit never passes an unfinished message. Commits (when due) and heartbeats run between messages,
 * one at a time.
 */
function keyedBatchLoop(p: Processing): (payload: EachBatchPayload) => Promise<void> {
  return async (payload) => {
    const { batch } = payload;
    const heartbeat = (): Promise<void> => payload.heartbeat();
    let housekeeping: Promise<void> | undefined;
    const afterItem = (): Promise<void> =>
      (housekeeping ??= (async () => {
        try {
          await payload.commitOffsetsIfNecessary();
          await heartbeat();
        } finally {
          housekeeping = undefined;
        }
      })());
    await runByKey(batch.messages, {
      concurrency: p.settings.concurrency,
      keyOf: (m) => (m.key === null ? null : m.key.toString("latin1")),
      shouldStart: () => payload.isRunning() && !payload.isStale() && !p.abort.aborted,
      // A message left mid-retry by stop() is not resolved: the next owner gets it again.
      run: (message) => processMessage(p, { topic: batch.topic, partition: batch.partition, message, heartbeat }),
      onAdvance: (message) => payload.resolveOffset(message.offset),
      afterItem,
    });
  };
}

/** One message: skip it, dead-letter it, or run its handler (with retries). */
async function processMessage(p: Processing, d: Delivery): Promise<Outcome> {
  const headers: Headers = d.message.headers ?? {};
  if (isUnhandledType(p.settings.handlers, headers)) {
    p.stats.skipped++;
    return "done";
  }
  const event = await decodeOrDeadLetter(p, d);
  if (event === undefined) return "done";
  const handler = p.settings.handlers[event.type] as Handler<EventType> | undefined;
  if (handler === undefined) {
    p.stats.skipped++;
    return "done";
  }
  return handleWithRetries(p, d, headers, event, handler);
}

/** A type this service does not handle is skipped without even decoding it. */
function isUnhandledType(handlers: Handlers, headers: Headers): boolean {
  const type = headerString(headers, HEADER.type);
  return type !== undefined && isEventType(type) && handlers[type] === undefined;
}

/** The decoded event, or undefined once an undecodable message went to the dead-letter topic. */
async function decodeOrDeadLetter(p: Processing, d: Delivery): Promise<DropsEvent | undefined> {
  try {
    return decodeEvent(d.message);
  } catch (err) {
    await deadLetter(p, d, err instanceof EventDecodeError ? err.reason : "DECODE_FAILED", err);
    return undefined;
  }
}

/**
 * Calls the handler in the message's trace context until it passes. A transient failure (a
 * dependency down) is retried with capped backoff for as long as it takes, heartbeating; a permanent
 * one up to retry.attempts calls, then the message is dead-lettered.
 */
async function handleWithRetries(p: Processing, d: Delivery, headers: Headers, event: DropsEvent, handler: Handler<EventType>): Promise<Outcome> {
  const { retry, log, classify } = p.settings;
  const parent = contextFromHeaders(headers);
  const span = p.tracer.startSpan(`${d.topic} process`, { kind: SpanKind.CONSUMER, attributes: processAttributes(p.settings.groupId, d, event) }, parent);
  const spanCtx = trace.setSpan(parent, span);
  const where = { topic: d.topic, partition: d.partition, offset: d.message.offset, type: event.type };
  let attempt = 1;
  let transientRun = 0;
  try {
    for (;;) {
      try {
        const call = context.with(spanCtx, () => handler(event, { topic: d.topic, partition: d.partition, offset: d.message.offset, headers, attempt }));
        await withHeartbeats(call, d.heartbeat);
        p.stats.handled++;
        if (transientRun > 0) log.info({ ...where, transientRetries: transientRun }, "handler passed after a transient failure");
        return "done";
      } catch (err) {
        span.recordException(err instanceof Error ? err : new Error(String(err)));
        let delay: number;
        if (classify(err) === "transient") {
          transientRun++;
          p.stats.transientRetries++;
          delay = backoffDelay(retry, transientRun);
          // The first time, then about every 10: a long outage is visible without a line per retry.
          if (transientRun === 1 || transientRun % 10 === 0) log.warn({ ...where, transientRetries: transientRun, delayMs: delay, err: describeError(err) }, "handler failed transiently (dependency down?), waiting");
        } else {
          transientRun = 0;
          if (attempt >= retry.attempts) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(err) });
            await deadLetter(p, d, "HANDLER_FAILED", err);
            return "done";
          }
          delay = backoffDelay(retry, attempt);
          log.warn({ ...where, attempt, delayMs: delay, err: describeError(err) }, "handler failed, retrying");
          p.stats.retries++;
          attempt++;
        }
        p.stats.waiting++;
        try {
          if (!(await pause(delay, p.abort, d.heartbeat))) return "stopped";
          // However short the backoff, a retry loop heartbeats (kafkajs sends one per heartbeatInterval at most).
          await d.heartbeat();
        } finally {
          p.stats.waiting--;
        }
      }
    }
  } finally {
    span.end();
  }
}

/** Heartbeats every second while a handler call runs (one stuck on a slow dependency keeps the group membership). */
async function withHeartbeats<T>(call: Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
  // A failed heartbeat (a rebalance) is left to the next one between messages, which ends the batch.
  const timer = setInterval(() => void heartbeat().catch(() => undefined), 1_000);
  try {
    return await call;
  } finally {
    clearInterval(timer);
  }
}

/** OpenTelemetry messaging attributes of the CONSUMER span around a handler. */
function processAttributes(groupId: string, d: Delivery, event: DropsEvent): Record<string, string | number> {
  return {
    "messaging.system": "kafka",
    "messaging.operation.type": "process",
    "messaging.destination.name": d.topic,
    "messaging.destination.partition.id": String(d.partition),
    "messaging.kafka.offset": Number(d.message.offset),
    "messaging.consumer.group.name": groupId,
    "messaging.message.id": event.eventId,
    "drops.event.type": event.type,
  };
}

/** The original message, byte for byte, to the dead-letter topic with why and from where; resolves once acked. */
async function deadLetter(p: Processing, d: Delivery, reason: string, err: unknown): Promise<void> {
  const { groupId, toDlq, now, log } = p.settings;
  const dlq = toDlq(d.topic);
  await p.producer.publishRaw(dlq, deadLetterMessage(d.message, { topic: d.topic, partition: d.partition, groupId }, reason, err, now()), { now: true });
  p.stats.deadLettered++;
  log.warn({ topic: d.topic, partition: d.partition, offset: d.message.offset, dlq, reason, err: describeError(err) }, "message dead-lettered");
}
