/**
 * Retention: published outbox rows older than OUTBOX_RETENTION_MS and processed-event ids older than
 * PROCESSED_EVENTS_RETENTION_MS are deleted in batches every RETENTION_INTERVAL_MS. The
 * processed-event retention must exceed how long Kafka may redeliver an event (the topics'
 * retention), or a very late duplicate would be applied again (decide still ignores inputs an order
 * has moved past).
 */
import type pg from "pg";
import { startLoop, type Loop, type LoopLogger } from "@drops/http";
import { deleteProcessedEvents, deletePublishedOutbox } from "../store/retention.ts";

export type RetentionOptions = {
  pool: pg.Pool;
  now: () => number;
  outboxRetentionMs: number;
  processedRetentionMs: number;
  intervalMs: number;
  batch?: number;
  logger?: LoopLogger;
};

/** One round; true when a batch was full (more to delete). */
export async function cleanOnce(opts: RetentionOptions): Promise<boolean> {
  const batch = opts.batch ?? 5_000;
  const now = opts.now();
  const outbox = await deletePublishedOutbox(opts.pool, now - opts.outboxRetentionMs, batch);
  const processed = await deleteProcessedEvents(opts.pool, now - opts.processedRetentionMs, batch);
  return outbox === batch || processed === batch;
}

export function startRetention(opts: RetentionOptions): Loop {
  return startLoop("retention", { idleMs: opts.intervalMs, logger: opts.logger, round: () => cleanOnce(opts) });
}
