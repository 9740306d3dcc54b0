import t from "tap";
import { inTransaction } from "@drops/db";
import { testEnvelope } from "@drops/kafka/testing";
import { appendOutbox } from "../../src/store/outbox.ts";
import { markProcessed } from "../../src/store/processed-events.ts";
import { cleanOnce } from "../../src/workers/retention.ts";
import { testDatabase } from "../helpers.ts";

t.test("retention deletes only published outbox rows and processed ids past their retention", async (t) => {
  const { pool } = await testDatabase(t, "retention");
  const ev = () => ({ topic: "x", event: testEnvelope("OrderCancelled", { orderId: "o", dropId: "d", buyerId: "b", quantity: 1, reason: "OTHER", detail: null }) });
  const [oldPublished, recentPublished, unpublished] = [ev(), ev(), ev()];
  await inTransaction(pool, async (tx) => {
    await appendOutbox(tx, [oldPublished, recentPublished, unpublished]);
    await markProcessed(tx, "g", "old");
    await markProcessed(tx, "g", "recent");
  });
  await pool.query("UPDATE outbox SET published_at = now() - interval '2 hours' WHERE id = $1", [oldPublished.event.eventId]);
  await pool.query("UPDATE outbox SET published_at = now() WHERE id = $1", [recentPublished.event.eventId]);
  await pool.query("UPDATE processed_events SET processed_at = now() - interval '30 days' WHERE event_id = 'old'");

  const more = await cleanOnce({ pool, now: Date.now, outboxRetentionMs: 3_600_000, processedRetentionMs: 14 * 86_400_000, intervalMs: 1_000, batch: 10 });
  t.equal(more, false);
  const left = await pool.query<{ id: string }>("SELECT id FROM outbox ORDER BY seq");
  t.same(left.rows.map((r) => r.id), [recentPublished.event.eventId, unpublished.event.eventId]);
  const ids = await pool.query<{ event_id: string }>("SELECT event_id FROM processed_events");
  t.same(ids.rows.map((r) => r.event_id), ["recent"]);
});
