/**
 * One Kafka subscription per gateway instance to the StockChanged snapshots (topic
 * `drops.stock-changes`, key dropId), fanned out in-process to whoever listens: the SSE streams of
 * that drop and the sold-out flags. The consumer group is unique per instance (every instance must
 * see every change) and starts at the end of the topic: what happened before is read from Redis.
 * Stale snapshots (seq not above the last one seen for the drop) are dropped.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { StockChanged } from "@drops/events";
import { runConsumer, type ConsumerRunner, type createKafka } from "@drops/kafka";

export type StockListener = (change: StockChanged) => void;

export type StockFeed = {
  /** Joins the group; resolves once the consumer runs (`joined` tells when it has partitions). */
  start(): Promise<void>;
  readonly joined: Promise<void>;
  stop(): Promise<void>;
  /** Every change of every drop. */
  onAny(listener: StockListener): () => void;
  /** Changes of one drop; returns the unsubscribe function. */
  subscribe(dropId: string, listener: StockListener): () => void;
  /** Delivers a change as if consumed (the consumer's handler; tests). */
  deliver(change: StockChanged): void;
};

export type StockFeedOptions = { kafka: ReturnType<typeof createKafka>; topic: string; serviceName: string; log: FastifyBaseLogger };

export function createStockFeed(o: StockFeedOptions): StockFeed {
  const any = new Set<StockListener>();
  const byDrop = new Map<string, Set<StockListener>>();
  const lastSeq = new Map<string, number>();
  let runner: ConsumerRunner | undefined;
  let starting: Promise<void> | undefined;
  let markJoined: () => void = () => {};
  const joined = new Promise<void>((resolve) => (markJoined = resolve));

  const call = (l: StockListener, c: StockChanged) => {
    try {
      l(c);
    } catch (err) {
      o.log.warn({ err, dropId: c.dropId }, "stock listener failed");
    }
  };

  const feed: StockFeed = {
    joined,
    start() {
      starting ??= (async () => {
        runner = await runConsumer({
          kafka: o.kafka,
          groupId: `${o.serviceName}-stock-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
          topics: [o.topic],
          fromBeginning: false,
          // a short fetch wait keeps stop() (a pending fetch is waited for) well inside the shutdown budget
          consumerConfig: { maxWaitTimeInMs: 500 },
          logger: o.log,
          handlers: { StockChanged: async (event) => feed.deliver(event.payload) },
        });
        void runner.joined.then(markJoined);
      })();
      return starting;
    },
    async stop() {
      if (starting) await starting.catch(() => undefined);
      await runner?.stop();
      runner = undefined;
    },
    onAny(listener) {
      any.add(listener);
      return () => void any.delete(listener);
    },
    subscribe(dropId, listener) {
      let set = byDrop.get(dropId);
      if (!set) byDrop.set(dropId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) byDrop.delete(dropId);
      };
    },
    deliver(change) {
      const last = lastSeq.get(change.dropId);
      if (last !== undefined && change.seq <= last) return;
      lastSeq.set(change.dropId, change.seq);
      for (const l of any) call(l, change);
      for (const l of byDrop.get(change.dropId) ?? []) call(l, change);
    },
  };
  return feed;
}
