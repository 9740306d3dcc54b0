/**
 * Outbox relay: publishes unpublished outbox rows to Kafka, oldest first, and marks them published
 * in the same transaction that locked them (FOR UPDATE SKIP LOCKED), after Kafka acked them. Several
 * relays (instances) share the table: each row is locked by one of them at a time, and each key
 * (order id) by one of them at a time (advisory lock), so one order's events leave in the order they
 * were written. A crash between the ack and the commit publishes the rows again (at-least-once;
 * consumers dedupe by event id). A commit's NOTIFY wakes it (store/outbox-wakeup.ts); it polls too.
 */
import type pg from "pg";
import type { Counter } from "@opentelemetry/api";
import { inTransaction } from "@drops/db";
import { startLoop, type Loop, type LoopLogger } from "@drops/http";
import type { EventProducer } from "@drops/kafka";
import { meter } from "@drops/telemetry";
import { claimKeys, lockUnpublished, markPublished } from "../store/outbox.ts";

export type RelayOptions = { pool: pg.Pool; producer: EventProducer; batchSize: number; pollMs: number; logger?: LoopLogger };

/** One round: publishes up to batchSize rows (skipping keys another relay holds); returns how many. */
export async function relayOnce(opts: Pick<RelayOptions, "pool" | "producer" | "batchSize">): Promise<number> {
  const n = await inTransaction(opts.pool, async (tx) => {
    const locked = await lockUnpublished(tx, opts.batchSize);
    if (locked.length === 0) return 0;
    const rows = await claimKeys(tx, locked);
    // Enqueued together, sent at the last one: the round's rows leave in one produce request.
    const last = rows.length - 1;
    await Promise.all(rows.map((r, i) => (i === last ? opts.producer.publishNow(r.topic, r.key, r.envelope) : opts.producer.publish(r.topic, r.key, r.envelope))));
    await markPublished(tx, rows.map((r) => r.id));
    return rows.length;
  });
  observePublished(n);
  return n;
}

export function startOutboxRelay(opts: RelayOptions): Loop {
  return startLoop("outbox relay", {
    idleMs: opts.pollMs,
    logger: opts.logger,
    round: async () => (await relayOnce(opts)) === opts.batchSize,
  });
}

let published: Counter | undefined;

/** drops_outbox_published_total (the dashboard's name); a no-op unless telemetry runs. */
export function observePublished(n: number): void {
  if (n === 0) return;
  // Created on first use, after telemetry started.
  published ??= meter().createCounter("drops_outbox_published", { description: "outbox rows published to Kafka" });
  published.add(n);
}
