/** Idempotent consumers: an event id is applied once per consumer, in the same transaction as its effects. */
import type { Tx } from "@drops/db";

/** True when (consumer, eventId) is new and now recorded; false for a duplicate delivery. */
export async function markProcessed(tx: Tx, consumer: string, eventId: string): Promise<boolean> {
  const res = await tx.query("INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [consumer, eventId]);
  return res.rowCount === 1;
}
