/** Transactional outbox: events written in the transaction that decided them; outbox/relay.ts publishes them. */
import { encodeEvent, keyFor } from "@drops/events";
import type { DropsEvent } from "@drops/events";
import type { Tx } from "./tx.ts";

export type OutboxRow = { id: string; topic: string; key: string; envelope: DropsEvent };

export async function appendOutbox(tx: Tx, events: readonly { topic: string; event: DropsEvent }[]): Promise<void> {
  if (events.length === 0) return;
  const values: unknown[] = [];
  const tuples = events.map(({ topic, event }, i) => {
    encodeEvent(event); // throws on a payload that does not fit its schema: no poison row reaches the relay
    values.push(event.eventId, topic, keyFor(event), event.type, JSON.stringify(event));
    const b = i * 5;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb)`;
  });
  await tx.query(`INSERT INTO outbox (id, topic, key, event_type, envelope) VALUES ${tuples.join(", ")}`, values);
}

/** Up to `limit` unpublished rows, oldest first, locked; rows another relay holds are skipped. */
export async function lockUnpublished(tx: Tx, limit: number): Promise<OutboxRow[]> {
  const res = await tx.query<OutboxRow>(
    "SELECT id, topic, key, envelope FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
    [limit],
  );
  return res.rows;
}

export async function markPublished(tx: Tx, ids: readonly string[]): Promise<void> {
  await tx.query("UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])", [ids]);
}
