/**
 * The narrow stock boundary of the purchase path (`@drops/inventory-service/purchase`): what the
 * gateway needs to reserve on the stock Redis through the inventory's own reserve script, read a
 * drop's live counters, and make sure it runs the scripts the inventory runs. Nothing here writes
 * except `reserve`. ARCHITECTURE.md "The purchase path".
 */
import { isDropStatus } from "../../domain/stock.ts";
import type { ReserveOutcome, StockSnapshot } from "../../domain/reservation.ts";
import { snapshotSeq } from "../../domain/to-events.ts";
import { id, now, purchaseArgs, type PurchaseInfo } from "./args.ts";
import { dropKeys, pendingPurchaseKey, scriptVersionKey } from "./keys.ts";
import { parseReserve } from "./replies.ts";
import { markDueSoon } from "./due-index.ts";
import { defineStockScripts, SCRIPT_VERSION, type Redis } from "./scripts.ts";

export { SCRIPT_VERSION, pendingPurchaseKey };
export type { Redis, PurchaseInfo };
export type { DuplicateOutcome, HeldOutcome, ReserveOutcome, ReserveRejection, StockSnapshot } from "../../domain/reservation.ts";
export type { DropStatus } from "../../domain/stock.ts";

export type ReserveInput = {
  dropId: string;
  orderId: string;
  buyerId: string;
  qty: number;
  nowMs?: number;
  /** Hash of the request body, stored with the hold and returned on replay; [A-Za-z0-9_-]*. */
  fingerprint?: string;
  /** What the saga needs to charge the buyer; copied into the "reserved" stream entry (StockReserved v2). */
  purchase?: PurchaseInfo;
  /** W3C traceparent of the request, copied into the stream entry so the relayed event joins the trace. */
  traceparent?: string;
};

export type PurchaseStock = {
  /**
   * Holds `qty` units for the order (reserve.lua): atomic, idempotent per orderId; a rejection writes
   * nothing. A hold (new or replayed) then marks the drop in the due index (due-index.ts, markDueSoon).
   */
  reserve(input: ReserveInput): Promise<ReserveOutcome>;
  /** The drop's live counters and status; null when the drop is not loaded. */
  snapshot(dropId: string): Promise<StockSnapshot | null>;
  /**
   * The snapshot with its version: `seq` is the StockChanged seq of the drop's last stream entry
   * (read in the same MULTI as the counters, so they match; 0 when the drop has no stream yet).
   * The gateway's stock stream sends it as the SSE `id:`.
   */
  versionedSnapshot(dropId: string): Promise<(StockSnapshot & { seq: number }) | null>;
  /**
   * Every order id the drop's holds hash knows (held, sold, released, expired, refunded, and the
   * `void` tombstones), the ids whose reserve is a replay, and their buyers ("" for a tombstone, which
   * has none). HSCAN in pages, never blocking Redis on a big drop; an id present for the whole scan is
   * always returned. Reads only.
   */
  knownOrders(dropId: string): Promise<KnownOrders>;
};

export type KnownOrders = { orderIds: Set<string>; buyerIds: Set<string> };

const FINGERPRINT = /^[A-Za-z0-9_-]{0,128}$/;

/** The purchase path's stock API on `redis`; defines only the reserve script on the connection. */
export function createPurchaseStock(redis: Redis, opts: { prefix: string }): PurchaseStock {
  const { prefix } = opts;
  const scripts = defineStockScripts(redis, ["reserve"]);
  return {
    async reserve(input) {
      const k = dropKeys(input.dropId, prefix);
      const fingerprint = input.fingerprint ?? "";
      if (!FINGERPRINT.test(fingerprint)) throw new TypeError("fingerprint must match [A-Za-z0-9_-]{0,128}");
      if (!Number.isSafeInteger(input.qty) || input.qty < 1) throw new RangeError(`qty must be an integer >= 1, got ${input.qty}`);
      const raw = await scripts.run("reserve", [k.meta, k.buyers, k.holds, k.expiry, k.events], [
        input.dropId,
        id("orderId", input.orderId),
        id("buyerId", input.buyerId),
        input.qty,
        now(input.nowMs),
        fingerprint,
        ...purchaseArgs(input.purchase, input.traceparent),
      ]);
      const outcome = parseReserve(raw, input.orderId, fingerprint);
      if (outcome.status === "HELD") markDueSoon(redis, prefix, input.dropId, outcome.holdExpiresAtMs);
      return outcome;
    },

    async snapshot(dropId) {
      const k = dropKeys(dropId, prefix);
      const [status, total, adjustments, available, held, sold] = await redis.hmget(k.meta, "status", "total", "adjustments", "available", "held", "sold");
      if (status === null || status === undefined) return null;
      if (!isDropStatus(status)) throw new Error(`drop ${dropId}: unknown status ${status}`);
      return { status, total: Number(total), adjustments: Number(adjustments ?? 0), available: Number(available), held: Number(held), sold: Number(sold) };
    },

    async versionedSnapshot(dropId) {
      const k = dropKeys(dropId, prefix);
      const replies = await redis.multi().hmget(k.meta, "status", "total", "adjustments", "available", "held", "sold").xinfo("STREAM", k.events).exec();
      const [status, total, adjustments, available, held, sold] = (replies?.[0]?.[1] ?? []) as (string | null)[];
      if (status === null || status === undefined) return null;
      if (!isDropStatus(status)) throw new Error(`drop ${dropId}: unknown status ${status}`);
      // XINFO fails when the stream does not exist yet: seq 0
      const info = replies?.[1]?.[0] ? [] : ((replies?.[1]?.[1] ?? []) as unknown[]);
      const at = info.indexOf("last-generated-id");
      const last = at >= 0 ? info[at + 1] : undefined;
      const seq = typeof last === "string" ? snapshotSeq(last) : 0;
      return { status, total: Number(total), adjustments: Number(adjustments ?? 0), available: Number(available), held: Number(held), sold: Number(sold), seq };
    },

    async knownOrders(dropId) {
      const { holds } = dropKeys(dropId, prefix);
      const known: KnownOrders = { orderIds: new Set(), buyerIds: new Set() };
      let cursor = "0";
      do {
        const [next, page] = await redis.hscan(holds, cursor, "COUNT", 1000);
        for (let i = 0; i < page.length; i += 2) {
          known.orderIds.add(page[i]!);
          // the hold record is "buyerId|qty|expiresAtMs|state|fingerprint" (lua/includes/hold.lua)
          const record = page[i + 1]!;
          known.buyerIds.add(record.slice(0, Math.max(0, record.indexOf("|"))));
        }
        cursor = next;
      } while (cursor !== "0");
      return known;
    },
  };
}

/** The stock Redis runs other stock scripts than this process was built with. */
export class ScriptVersionError extends Error {
  override name = "ScriptVersionError";
}

/**
 * Compares the script version the inventory recorded (`<prefix>stock:script-version`) with this
 * process's SCRIPT_VERSION: "ok" when equal, "absent" when no inventory recorded one yet; a different
 * version throws ScriptVersionError naming both. Reads only.
 */
export async function checkScriptVersion(redis: Redis, opts: { prefix: string }): Promise<"ok" | "absent"> {
  const key = scriptVersionKey(opts.prefix);
  const stored = await redis.get(key);
  if (stored === null) return "absent";
  if (stored === SCRIPT_VERSION) return "ok";
  throw new ScriptVersionError(
    `stock script version mismatch: the inventory recorded ${stored} at ${key}, this process was built with ${SCRIPT_VERSION}; deploy both from the same inventory version`,
  );
}
