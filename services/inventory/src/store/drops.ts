/** Drop schedules in PostgreSQL (`drops`): what the opener loads into Redis, and when. */
import type { StockKind } from "../domain/stock.ts";
import type { Pool } from "./db.ts";

export type DropSchedule = {
  dropId: string;
  total: number;
  startsAtMs: number;
  /** 0 = no limit. */
  perBuyerLimit: number;
  holdMs: number;
  /** Default "drop"; "product" for a regular product's stock (the id is the productId). */
  kind?: StockKind;
  /** A queued drop's waiting room (ARCHITECTURE.md "The waiting room"); none for the others. */
  queue?: DropQueue | null;
};

/** A waiting room's settings: its admission rate and the committed seed of its opening draw. */
export type DropQueue = { admitPerSecond: number; seed: string };

export type DropRow = Required<DropSchedule> & { status: "scheduled" | "loaded"; loadedAtMs: number | null };

type Row = {
  id: string; kind: StockKind; total: number; per_buyer_limit: number; hold_ms: number; starts_at: Date; status: "scheduled" | "loaded"; loaded_at: Date | null;
  queue_admit_per_second: number | null; queue_seed: string | null;
};

const toDrop = (r: Row): DropRow => ({
  dropId: r.id,
  kind: r.kind,
  total: r.total,
  perBuyerLimit: r.per_buyer_limit,
  holdMs: r.hold_ms,
  startsAtMs: r.starts_at.getTime(),
  status: r.status,
  loadedAtMs: r.loaded_at?.getTime() ?? null,
  queue: r.queue_admit_per_second === null || r.queue_seed === null ? null : { admitPerSecond: r.queue_admit_per_second, seed: r.queue_seed },
});

export type ScheduleResult =
  | { status: "CREATED" | "UPDATED" | "UNCHANGED"; drop: DropRow }
  /** Stock is already in Redis: the schedule can no longer change (restock / adjust instead). */
  | { status: "ALREADY_LOADED"; drop: DropRow }
  /** The id is taken by a stock item of the other kind (a drop and a product never share an id); nothing changed. */
  | { status: "OTHER_KIND"; drop: DropRow };

const same = (a: DropSchedule, b: DropSchedule): boolean =>
  a.total === b.total && a.startsAtMs === b.startsAtMs && a.perBuyerLimit === b.perBuyerLimit && a.holdMs === b.holdMs &&
  (a.queue?.admitPerSecond ?? null) === (b.queue?.admitPerSecond ?? null) && (a.queue?.seed ?? null) === (b.queue?.seed ?? null);

/**
 * Creates or changes a stock item's schedule while it is not loaded; idempotent for the same values.
 * Never changes an item's kind (OTHER_KIND).
 */
export async function scheduleDrop(pool: Pool, s: DropSchedule): Promise<ScheduleResult> {
  const kind = s.kind ?? "drop";
  const rate = s.queue?.admitPerSecond ?? null;
  const seed = s.queue?.seed ?? null;
  const inserted = await pool.query<Row>(
    `INSERT INTO drops (id, kind, total, per_buyer_limit, hold_ms, starts_at, queue_admit_per_second, queue_seed) VALUES ($1, $6, $2, $3, $4, $5, $7, $8)
     ON CONFLICT (id) DO NOTHING RETURNING *`,
    [s.dropId, s.total, s.perBuyerLimit, s.holdMs, new Date(s.startsAtMs), kind, rate, seed],
  );
  if (inserted.rows[0]) return { status: "CREATED", drop: toDrop(inserted.rows[0]) };
  const updated = await pool.query<Row>(
    `UPDATE drops SET total = $2, per_buyer_limit = $3, hold_ms = $4, starts_at = $5, queue_admit_per_second = $7, queue_seed = $8, updated_at = now()
     WHERE id = $1 AND kind = $6 AND status = 'scheduled'
       AND (total, per_buyer_limit, hold_ms, starts_at, queue_admit_per_second, queue_seed) IS DISTINCT FROM ($2, $3, $4, $5, $7, $8)
     RETURNING *`,
    [s.dropId, s.total, s.perBuyerLimit, s.holdMs, new Date(s.startsAtMs), kind, rate, seed],
  );
  if (updated.rows[0]) return { status: "UPDATED", drop: toDrop(updated.rows[0]) };
  const drop = await findDrop(pool, s.dropId);
  if (!drop) throw new Error(`drop ${s.dropId} vanished while scheduling`);
  if (drop.kind !== kind) return { status: "OTHER_KIND", drop };
  if (drop.status === "loaded") return { status: same(drop, s) ? "UNCHANGED" : "ALREADY_LOADED", drop };
  return { status: "UNCHANGED", drop };
}

export async function findDrop(pool: Pool, dropId: string): Promise<DropRow | null> {
  const r = await pool.query<Row>("SELECT * FROM drops WHERE id = $1", [dropId]);
  return r.rows[0] ? toDrop(r.rows[0]) : null;
}

/** Scheduled (not yet loaded) drops starting at or before `untilMs`, earliest first. */
export async function dueDrops(pool: Pool, untilMs: number, limit = 100): Promise<DropRow[]> {
  const r = await pool.query<Row>(
    "SELECT * FROM drops WHERE status = 'scheduled' AND starts_at <= $1 ORDER BY starts_at LIMIT $2",
    [new Date(untilMs), limit],
  );
  return r.rows.map(toDrop);
}

/** Queued drops whose opening is at or before `untilMs` and after `sinceMs` (the ones whose waiting room runs), earliest first. */
export async function queuedDrops(pool: Pool, sinceMs: number, untilMs: number, limit = 1000): Promise<DropRow[]> {
  const r = await pool.query<Row>(
    "SELECT * FROM drops WHERE queue_admit_per_second IS NOT NULL AND starts_at > $1 AND starts_at <= $2 ORDER BY starts_at LIMIT $3",
    [new Date(sinceMs), new Date(untilMs), limit],
  );
  return r.rows.map(toDrop);
}

export async function markLoaded(pool: Pool, dropId: string): Promise<void> {
  await pool.query("UPDATE drops SET status = 'loaded', loaded_at = COALESCE(loaded_at, now()), updated_at = now() WHERE id = $1", [dropId]);
}

export async function allDropIds(pool: Pool): Promise<string[]> {
  const r = await pool.query<{ id: string }>("SELECT id FROM drops ORDER BY id");
  return r.rows.map((x) => x.id);
}
