/**
 * The order service's gauges, read at scrape time (names are the dashboard's contract, infra/grafana):
 * - `drops_outbox_backlog`: outbox rows not yet published to Kafka (one COUNT over the partial index
 *   of unpublished rows per scrape).
 * The saga's own metrics (drops_saga_duration_seconds, drops_saga_steps_total,
 * drops_saga_compensations_total) are recorded where its steps commit (saga-step.ts).
 */
import type pg from "pg";
import { meter, type ObservableResult } from "@drops/telemetry";

export function orderGauges(deps: { pool: pg.Pool; onError?: (err: unknown) => void }): { stop: () => void } {
  const backlog = meter().createObservableGauge("drops_outbox_backlog", { description: "outbox rows not yet published to Kafka" });
  const callback = async (r: ObservableResult) => {
    try {
      const res = await deps.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL");
      r.observe(res.rows[0]?.n ?? 0);
    } catch (err) {
      deps.onError?.(err);
    }
  };
  backlog.addCallback(callback);
  return { stop: () => backlog.removeCallback(callback) };
}
