/**
 * Typed API over the stock scripts: the only way live stock changes. One Redis round trip per call
 * (openDrop: two). `nowMs` is optional everywhere: left out, the scripts use Redis server time, so
 * every instance shares one clock; tests pass it to control time.
 */
import type { AdjustOutcome, ConfirmOutcome, OpenDropOutcome, RefundOutcome, ReleaseOutcome, ReserveOutcome, ResyncOutcome, SetStatusOutcome, StockSnapshot } from "../../domain/reservation.ts";
import { id, nonNegInt, now, token } from "./args.ts";
import { createPurchaseStock, type ReserveInput } from "./purchase.ts";
import type { DropStatus, StockCounters, StockKind } from "../../domain/stock.ts";
import { dropIndexKey, dropKeys, relayLeaseKey } from "./keys.ts";
import { markDue } from "./due-index.ts";
import { defineStockScripts, type Redis, type StockScripts } from "./scripts.ts";
import { ArchivedDropError, parseAdjust, parseArchive, parseConfirm, parseOpenDrop, parseOrderIds, parseRefund, parseRelease, parseResync, parseSetStatus, type ArchiveOutcome } from "./replies.ts";
import { activeTraceparent } from "@drops/telemetry";

export type OpenDropInput = {
  dropId: string;
  total: number;
  startsAtMs: number;
  /** 0 = no limit. */
  perBuyerLimit: number;
  holdMs: number;
  /** Fencing token of the `drop:<id>:open` Redlock; default 0. */
  fence?: number;
  /** Default "open". */
  status?: "open" | "paused";
  /** Default "drop"; stored in the meta hash (the relay publishes a product's entries differently). */
  kind?: StockKind;
  nowMs?: number;
};

export type ReleaseInput = OrderRef & {
  /** Why the units go back (StockReleased.reason): ORDER_CANCELLED, PAYMENT_FAILED, ... Default none. */
  reason?: string;
};

export type OrderRef = { dropId: string; orderId: string; nowMs?: number };

export type StockStore = {
  openDrop(input: OpenDropInput): Promise<OpenDropOutcome>;
  reserve(input: ReserveInput): Promise<ReserveOutcome>;
  confirm(ref: OrderRef): Promise<ConfirmOutcome>;
  /** Compensation: a held order's units back on sale. */
  release(ref: ReleaseInput): Promise<ReleaseOutcome>;
  /** User cancel after payment (release-sold): a sold order's units back on sale. */
  refund(ref: OrderRef): Promise<RefundOutcome>;
  setStatus(dropId: string, status: DropStatus, nowMs?: number): Promise<SetStatusOutcome>;
  /** Releases up to `limit` (default 500) holds of the drop that are due; returns their order ids. */
  expireDue(dropId: string, opts?: { nowMs?: number; limit?: number }): Promise<string[]>;
  /** null when the drop is not loaded. */
  snapshot(dropId: string): Promise<StockSnapshot | null>;
  /** Rebuilds the drop's live stock from ledger figures (admin resync); see resync-drop.lua. */
  resync(input: ResyncInput): Promise<ResyncOutcome>;
  /** Restock (delta > 0) or withdraw (delta < 0) units; `fence` is the `drop:<id>:adjust` Redlock token. */
  adjust(input: { dropId: string; delta: number; fence: number; nowMs?: number }): Promise<AdjustOutcome>;
  /** The hot set: every loaded item not archived (for the stream relay, the archiver, the gauges). */
  dropIds(): Promise<string[]>;
  /**
   * archive-drop.lua: compacts an ended, settled drop to its meta hash. `lastStreamId` is the last stream
   * entry id the caller found in the ledger. Only the archiver calls it (src/store/hot-set.ts).
   */
  archive(dropId: string, lastStreamId: string, nowMs?: number): Promise<ArchiveOutcome>;
  /** Takes the item out of the hot set / puts it back (the archiver's steps). */
  leaveHotSet(dropId: string): Promise<void>;
  enterHotSet(dropId: string): Promise<void>;
};

export type ResyncHold = { orderId: string; buyerId: string; qty: number; expiresAtMs: number; state: "held" | "sold" | "released" | "expired" | "refunded" };

export type ResyncInput = {
  dropId: string;
  /** Fencing token of the `drop:<id>:resync` Redlock (>= 1). */
  fence: number;
  /** Last entry id of the drop's stream the ledger includes ("" when the stream does not exist). */
  lastStreamId: string;
  counters: StockCounters;
  /** Used only when the meta hash is gone (Redis lost the drop). */
  schedule: { startsAtMs: number; perBuyerLimit: number; holdMs: number; kind?: StockKind };
  holds: readonly ResyncHold[];
  nowMs?: number;
};

export type { ReserveInput, PurchaseInfo } from "./purchase.ts";
export type { AdjustOutcome, ResyncOutcome } from "../../domain/reservation.ts";

export type StockStoreOptions = {
  prefix?: string;
  /**
   * Re-loads an archived drop from the ledger (the resync path, hot-set.ts). A confirm, release or
   * refund of an order an archived drop no longer holds calls it, then asks again; without it such a
   * command throws ArchivedDropError.
   */
  rehydrate?: (dropId: string) => Promise<void>;
};

/** How often a command retries after re-loading an archived drop (another instance may be re-loading it). */
const REHYDRATE_ATTEMPTS = 5;

/** release.lua on `scripts` (which must define it): the one wrapper, shared with cart-stock.ts. */
export async function releaseHold(scripts: StockScripts, prefix: string, ref: ReleaseInput): Promise<ReleaseOutcome> {
  const k = dropKeys(ref.dropId, prefix);
  const raw = await scripts.run("release", [k.meta, k.buyers, k.holds, k.expiry, k.events], [
    ref.dropId,
    id("orderId", ref.orderId),
    now(ref.nowMs),
    token("reason", ref.reason),
    activeTraceparent(),
  ]);
  return parseRelease(raw);
}

export function createStockStore(redis: Redis, opts: StockStoreOptions = {}): StockStore {
  const prefix = opts.prefix ?? "";
  const scripts = defineStockScripts(redis);
  const purchase = createPurchaseStock(redis, { prefix });
  const keys = (dropId: string) => dropKeys(dropId, prefix);
  const hot = (dropId: string) => redis.sadd(dropIndexKey(prefix), dropId);

  /**
   * Before an admin write (status, adjust): an archived drop is re-loaded first, so a drop that goes on
   * sale again has its old orders back (a retried reserve of one must replay, not hold twice).
   */
  async function live(dropId: string): Promise<void> {
    await hot(dropId);
    if (opts.rehydrate && (await redis.hexists(keys(dropId).meta, "archived")) === 1) await opts.rehydrate(dropId);
  }

  /** Runs a command; when it finds the drop archived, re-loads it from the ledger and runs it again. */
  async function unarchived<T>(dropId: string, command: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await command();
      } catch (err) {
        if (!(err instanceof ArchivedDropError) || !opts.rehydrate || attempt >= REHYDRATE_ATTEMPTS) throw err;
        await opts.rehydrate(dropId);
      }
    }
  }

  return {
    async openDrop(input) {
      const k = keys(input.dropId);
      if (input.holdMs < 1) throw new RangeError("holdMs must be >= 1");
      // Indexed before the script, so no drop can have events the relay cannot find.
      await redis.sadd(dropIndexKey(prefix), input.dropId);
      const raw = await scripts.run("openDrop", [k.meta, k.events], [
        input.dropId,
        nonNegInt("total", input.total),
        nonNegInt("startsAtMs", input.startsAtMs),
        nonNegInt("perBuyerLimit", input.perBuyerLimit),
        nonNegInt("holdMs", input.holdMs),
        nonNegInt("fence", input.fence ?? 0),
        input.status ?? "open",
        now(input.nowMs),
        input.kind ?? "drop",
      ]);
      return parseOpenDrop(raw);
    },

    reserve: (input) => purchase.reserve(input),

    async confirm(ref) {
      const k = keys(ref.dropId);
      return unarchived(ref.dropId, async () =>
        parseConfirm(await scripts.run("confirm", [k.meta, k.holds, k.expiry, k.events], [ref.dropId, id("orderId", ref.orderId), now(ref.nowMs), activeTraceparent()])));
    },

    release: (ref) => unarchived(ref.dropId, () => releaseHold(scripts, prefix, ref)),

    async refund(ref) {
      const k = keys(ref.dropId);
      return unarchived(ref.dropId, async () =>
        parseRefund(await scripts.run("refund", [k.meta, k.buyers, k.holds, k.events], [ref.dropId, id("orderId", ref.orderId), now(ref.nowMs)])));
    },

    async setStatus(dropId, status, nowMs) {
      const k = keys(dropId);
      // Its "status" entry must reach the relay even for an archived drop.
      await live(dropId);
      return parseSetStatus(await scripts.run("setDropStatus", [k.meta, k.events], [dropId, status, now(nowMs)]));
    },

    async expireDue(dropId, o = {}) {
      const k = keys(dropId);
      const limit = o.limit ?? 500;
      if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError("limit must be an integer >= 1");
      const raw = await scripts.run("expireHolds", [k.meta, k.buyers, k.holds, k.expiry, k.events], [dropId, now(o.nowMs), limit]);
      return parseOrderIds(raw);
    },

    snapshot: (dropId) => purchase.snapshot(dropId),

    async resync(input) {
      const k = keys(input.dropId);
      const c = input.counters;
      await redis.sadd(dropIndexKey(prefix), input.dropId);
      const holdArgs = input.holds.flatMap((h) => [id("orderId", h.orderId), h.buyerId, nonNegInt("qty", h.qty), nonNegInt("expiresAtMs", h.expiresAtMs), h.state]);
      const raw = await scripts.run("resyncDrop", [k.meta, k.buyers, k.holds, k.expiry, k.events], [
        input.dropId,
        nonNegInt("fence", input.fence),
        input.lastStreamId,
        c.total,
        c.adjustments,
        c.available,
        c.held,
        c.sold,
        nonNegInt("startsAtMs", input.schedule.startsAtMs),
        nonNegInt("perBuyerLimit", input.schedule.perBuyerLimit),
        nonNegInt("holdMs", input.schedule.holdMs),
        now(input.nowMs),
        input.schedule.kind ?? "drop",
        input.holds.length,
        ...holdArgs,
      ]);
      const outcome = parseResync(raw);
      const held = input.holds.filter((h) => h.state === "held").map((h) => h.expiresAtMs);
      if (outcome.status === "RESYNCED" && held.length > 0) await markDue(redis, prefix, input.dropId, Math.min(...held));
      return outcome;
    },

    async adjust(input) {
      const k = keys(input.dropId);
      if (!Number.isSafeInteger(input.delta) || input.delta === 0) throw new RangeError(`delta must be a non-zero integer, got ${input.delta}`);
      await live(input.dropId);
      return parseAdjust(await scripts.run("adjustStock", [k.meta, k.events], [input.dropId, input.delta, nonNegInt("fence", input.fence), now(input.nowMs)]));
    },

    async dropIds() {
      return redis.smembers(dropIndexKey(prefix));
    },

    async archive(dropId, lastStreamId, nowMs) {
      const k = keys(dropId);
      return parseArchive(await scripts.run("archiveDrop", [k.meta, k.buyers, k.holds, k.expiry, k.events, relayLeaseKey(dropId, prefix)], [lastStreamId, now(nowMs)]));
    },

    async leaveHotSet(dropId) {
      await redis.srem(dropIndexKey(prefix), dropId);
    },

    async enterHotSet(dropId) {
      await hot(dropId);
    },
  };
}
