/**
 * The hot set's two moves (ARCHITECTURE.md "Archive and re-load"):
 *
 * - archive (the archiver, under its Redlock): a drop that ended and settled (domain/archive.ts) is
 *   marked `archive_state = 'archiving'` in `drops`, taken out of the hot set (`stock:drops`: the relay
 *   lets go of its stream lease, the archiver stops looking at it), then, on a later round, compacted
 *   by archive-drop.lua (holds, buyers, expiry and the stream deleted; the meta hash keeps the counters
 *   and status, so reserves and snapshots answer as before), dropped from the due index and marked
 *   'archived'. Its ledger rows were
 *   already complete (that is part of "settled"): they are the archive. A drop found not settled at
 *   that step (a refund or a restock came in) goes back into the hot set and its mark is cleared.
 * - re-load (`rehydrate`, any instance): a confirm, release or refund of an order that an archived
 *   drop no longer holds re-loads the drop from the ledger through the admin resync (resyncDrop: the
 *   `drop:<id>:resync` Redlock, holds rebuilt from the ledger rows) and asks again, so a replay answers
 *   exactly as before the archive and changes nothing, and a real change (a refund) is applied. The drop
 *   is hot again until the archiver archives it again.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Locker } from "@drops/redis";
import { mayHaveEnded, notSettledReason } from "../domain/archive.ts";
import type { Pool } from "./db.ts";
import { checkDropStock, resyncDrop } from "./stock-admin.ts";
import { createDueIndex } from "./stock/due-index.ts";
import { dropKeys } from "./stock/keys.ts";
import { readLiveView } from "./stock/live-view.ts";
import type { Redis } from "./stock/scripts.ts";
import type { StockStore } from "./stock/stock-store.ts";

export type HotSetDeps = {
  redis: Redis;
  pool: Pool;
  store: Pick<StockStore, "archive" | "leaveHotSet" | "enterHotSet" | "dropIds" | "resync">;
  prefix: string;
};

export type ArchiveStep = "ARCHIVED" | "ARCHIVING" | "WAITING" | "NOT_SETTLED";

/** Whether the drop may leave the hot set now (null) or why not, from Redis and the ledger. */
async function settledCheck(deps: HotSetDeps, dropId: string, nowMs: number, quietMs: number): Promise<{ reason: string | null; lastStreamId: string }> {
  const live = await readLiveView(deps.redis, dropId, deps.prefix);
  if (!live.redis) return { reason: "not loaded", lastStreamId: "" };
  const [kind] = await deps.redis.hmget(dropKeys(dropId, deps.prefix).meta, "kind");
  const base = { kind: kind === "product" ? ("product" as const) : ("drop" as const), status: live.redis.status, available: live.redis.available, held: live.redis.held, tail: live.tail.length, lastStreamId: live.lastStreamId };
  // the cheap reasons first: the ledger is read only for a drop that looks settled
  const early = notSettledReason({ ...base, consistent: true, unrelayed: 0 }, nowMs, quietMs);
  if (early !== null) return { reason: early, lastStreamId: live.lastStreamId };
  const report = await checkDropStock(deps, dropId);
  return { reason: notSettledReason({ ...base, consistent: report.consistent, unrelayed: report.unrelayed }, nowMs, quietMs), lastStreamId: live.lastStreamId };
}

async function setArchiveState(pool: Pool, dropId: string, state: "archiving" | "archived" | null): Promise<boolean> {
  const r = await pool.query(
    `UPDATE drops SET archive_state = $2, archived_at = CASE WHEN $2 = 'archived' THEN now() ELSE archived_at END, updated_at = now()
     WHERE id = $1 AND kind = 'drop' AND status = 'loaded'`,
    [dropId, state],
  );
  return (r.rowCount ?? 0) > 0;
}

/** First step: a settled drop is marked 'archiving' and leaves the hot set. */
export async function beginArchive(deps: HotSetDeps, dropId: string, opts: { quietMs: number; nowMs?: number }): Promise<ArchiveStep> {
  const { reason } = await settledCheck(deps, dropId, opts.nowMs ?? Date.now(), opts.quietMs);
  if (reason !== null) return "NOT_SETTLED";
  // a drop without a schedule row (loaded by a tool) is never archived: nothing could re-load it
  if (!(await setArchiveState(deps.pool, dropId, "archiving"))) return "NOT_SETTLED";
  await deps.store.leaveHotSet(dropId);
  return "ARCHIVING";
}

/**
 * Second step, for a drop marked 'archiving' (also after a crash between the steps): checked again,
 * then compacted; back into the hot set when it is not settled any more; WAITING while a relay still
 * leases its stream (the relay lets go at its next round: the next archiver round finishes it).
 */
export async function finishArchive(deps: HotSetDeps, dropId: string, opts: { nowMs?: number } = {}): Promise<ArchiveStep> {
  const { reason, lastStreamId } = await settledCheck(deps, dropId, opts.nowMs ?? Date.now(), 0);
  const r = reason === null ? await deps.store.archive(dropId, lastStreamId) : ({ status: "NOT_SETTLED" } as const);
  if (r.status === "ARCHIVED") {
    // its entry in the due index (left by its last reserve) goes too, the safe way (clear, then look again)
    await createDueIndex(deps.redis, { prefix: deps.prefix }).reindex(dropId);
    await setArchiveState(deps.pool, dropId, "archived");
    return "ARCHIVED";
  }
  if (r.status === "RELAYING") return "WAITING";
  await deps.store.enterHotSet(dropId);
  await setArchiveState(deps.pool, dropId, null);
  return "NOT_SETTLED";
}

/** Drops marked 'archiving' (their second step is due). */
export async function archivingDrops(pool: Pool, limit = 1000): Promise<string[]> {
  const r = await pool.query<{ id: string }>("SELECT id FROM drops WHERE archive_state = 'archiving' ORDER BY id LIMIT $1", [limit]);
  return r.rows.map((x) => x.id);
}

/** Items of the hot set whose meta hash says they may have ended (products are skipped, and remembered in `products`). */
export async function endedCandidates(deps: Pick<HotSetDeps, "redis" | "store" | "prefix">, products: Set<string>): Promise<string[]> {
  const ids = (await deps.store.dropIds()).filter((id) => !products.has(id));
  const metas = await Promise.all(ids.map((id) => deps.redis.hmget(dropKeys(id, deps.prefix).meta, "kind", "status", "available", "held")));
  return ids.filter((id, i) => {
    const [kind, status, available, held] = metas[i]!;
    if (kind === "product") products.add(id);
    return mayHaveEnded({ kind: kind ?? null, status: status ?? null, available: available ?? null, held: held ?? null });
  });
}

/** Rehydrations in flight in this process, one per drop. */
const inFlight = new Map<string, Promise<void>>();

/**
 * Re-loads an archived drop from the ledger (the resync path, which also clears its archive mark); the
 * StockStore's `rehydrate` hook. Another instance re-loading it at the same time (RESYNC busy) is
 * waited for briefly; the caller then asks again.
 */
export function rehydrate(deps: { redis: Redis; pool: Pool; store: Pick<StockStore, "resync">; locker: Pick<Locker, "withLock">; prefix: string }, dropId: string): Promise<void> {
  const running = inFlight.get(dropId);
  if (running) return running;
  const p = (async () => {
    const r = await resyncDrop(deps, dropId);
    if (r.status === "RESYNCED") return;
    if (r.status === "UNKNOWN_DROP" || r.status === "NOT_OPENED") throw new Error(`drop ${dropId} is archived in Redis but cannot be re-loaded from the ledger (${r.status})`);
    await sleep(100);
  })().finally(() => inFlight.delete(dropId));
  inFlight.set(dropId, p);
  return p;
}
