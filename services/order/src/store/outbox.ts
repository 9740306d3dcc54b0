/**
 * Transactional outbox: events written in the transaction that decided them (wrapped in envelopes
 * here), published by the relay (workers/outbox-relay.ts).
 */
import { encodeEvent, keyFor, newEnvelope } from "@drops/events";
import type { DropsEvent } from "@drops/events";
import type { Tx } from "@drops/db";
import { withActiveTraceContext } from "@drops/kafka";
import type { Outgoing } from "../domain/order.ts";
import { topicOf, type SagaTopics } from "../domain/topics.ts";

export type OutboxRow = { id: string; topic: string; key: string; envelope: DropsEvent; seq: string };

/** The event that caused a step (null for an HTTP request or a timer). */
export type Cause = { eventId: string; correlationId: string; traceparent: string | null; tracestate: string | null } | null;

/** Envelopes correlated to the order and caused by `cause`, with the topic each goes to. */
export function envelopes(ids: { topics: SagaTopics; newId: () => string }, orderId: string, emit: readonly Outgoing[], cause: Cause, now: number): { topic: string; event: DropsEvent }[] {
  return emit.map((m) => {
    const env = newEnvelope({
      type: m.type,
      payload: m.payload,
      correlationId: cause?.correlationId ?? orderId,
      causationId: cause?.eventId ?? null,
      now,
      id: ids.newId(),
    }) as DropsEvent;
    // The active span (the consumer's, or the HTTP request's) when telemetry runs; else the cause's context.
    const traced = withActiveTraceContext(env, {});
    const event = traced.traceparent === null && cause !== null ? { ...traced, traceparent: cause.traceparent, tracestate: cause.tracestate } : traced;
    return { topic: topicOf(ids.topics, m.type), event };
  });
}

export async function appendOutbox(tx: Tx, events: readonly { topic: string; event: DropsEvent }[]): Promise<void> {
  if (events.length === 0) return;
  const values: unknown[] = [];
  const tuples = events.map(({ topic, event }, i) => {
    encodeEvent(event); // throws on a payload that does not fit its schema: no poison row reaches the relay
    values.push(event.eventId, topic, keyFor(event), event.type, JSON.stringify(event));
    const b = i * 5;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb)`;
  });
  // One round trip: the rows, and the NOTIFY delivered at commit to every relay listening on this
  // schema's channel (store/outbox-wakeup.ts). A data-modifying CTE runs whether or not it is read.
  await tx.query(
    `WITH rows AS (INSERT INTO outbox (id, topic, key, event_type, envelope) VALUES ${tuples.join(", ")} RETURNING 1)
     SELECT pg_notify('outbox_' || current_schema(), '')`,
    values,
  );
}

/** The NOTIFY channel of a schema's outbox (appendOutbox notifies `outbox_` || current_schema()). */
export function outboxChannel(schema: string): string {
  return `outbox_${schema}`;
}

/** Up to `limit` unpublished rows, oldest first, locked; rows another relay holds are skipped. */
export async function lockUnpublished(tx: Tx, limit: number): Promise<OutboxRow[]> {
  const res = await tx.query<OutboxRow>(
    "SELECT id, topic, key, envelope, seq FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
    [limit],
  );
  return res.rows;
}

/**
 * Of `rows` (oldest first), those that may leave now without overtaking an earlier row of the same
 * key (order id): the key must be free (a transaction-scoped advisory lock, so two relays never
 * publish one key at once), and only rows before the key's first unpublished row outside this batch
 * (one another relay holds) qualify. The rest wait for a later round.
 */
export async function claimKeys(tx: Tx, rows: readonly OutboxRow[]): Promise<OutboxRow[]> {
  const keys = [...new Set(rows.map((r) => r.key))];
  const locked = await tx.query<{ key: string }>(
    "SELECT k AS key FROM unnest($1::text[]) AS k WHERE pg_try_advisory_xact_lock(hashtext('outbox'), hashtext(k))",
    [keys],
  );
  const claimed = locked.rows.map((r) => r.key);
  if (claimed.length === 0) return [];
  const foreign = await tx.query<{ key: string; first: string }>(
    `SELECT key, min(seq)::text AS first FROM outbox
     WHERE key = ANY($1::text[]) AND published_at IS NULL AND NOT (id = ANY($2::uuid[]))
     GROUP BY key`,
    [claimed, rows.map((r) => r.id)],
  );
  const firstForeign = new Map(foreign.rows.map((r) => [r.key, BigInt(r.first)]));
  const free = new Set(claimed);
  return rows.filter((r) => {
    if (!free.has(r.key)) return false;
    const first = firstForeign.get(r.key);
    return first === undefined || BigInt(r.seq) < first;
  });
}

export async function markPublished(tx: Tx, ids: readonly string[]): Promise<void> {
  await tx.query("UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])", [ids]);
}
