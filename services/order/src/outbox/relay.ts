/**
 * Outbox relay: publishes unpublished outbox rows to Kafka, oldest first, and marks them published
 * in the same transaction that locked them (FOR UPDATE SKIP LOCKED), after Kafka acked them. Several
 * relays (instances) share the table: each row is locked by one of them at a time, and each key
 * (order id) by one of them at a time (advisory lock), so one order's events leave in the order they
 * were written. A crash between the ack and the commit publishes the rows again (at-least-once;
 * consumers dedupe by event id).
 */
import type { EventProducer } from "@drops/kafka";
import type pg from "pg";
import { claimKeys, lockUnpublished, markPublished } from "../store/outbox.ts";
import { inTransaction } from "@drops/db";
import { startLoop } from "@drops/http";
import { observePublished } from "../metrics.ts";
import type { Loop, LoopLogger } from "@drops/http";

export type RelayOptions = { pool: pg.Pool; producer: EventProducer; batchSize: number; pollMs: number; logger?: LoopLogger };

/** One round: publishes up to batchSize rows (skipping keys another relay holds); returns how many. */
export async function relayOnce(opts: Pick<RelayOptions, "pool" | "producer" | "batchSize">): Promise<number> {
  const n = await inTransaction(opts.pool, async (tx) => {
    const locked = await lockUnpublished(tx, opts.batchSize);
    if (locked.length === 0) return 0;
    const rows = await claimKeys(tx, locked);
    await Promise.all(rows.map((r) => opts.producer.publishNow(r.topic, r.key, r.envelope)));
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
