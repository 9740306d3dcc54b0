/**
 * The purchase hot path (ARCHITECTURE.md "The purchase path", points 1, 2 and 4): one EVALSHA of the
 * inventory's reserve script on the gateway's own Redis connection answers the buyer. Losers cost no
 * write, and no Redis call at all once the drop is flagged sold out (answered by the route's onRequest
 * hook with `soldOutFor`, before the body is read); a replay of an order id the flagged drop knows
 * still goes to Redis, so it answers its order's current state on any instance; winners also write a
 * small pending key. Redis failing or slow, or the script version not checked yet, is 503 (fail closed: "held" is
 * only ever said by the script).
 */
import { context, trace } from "@opentelemetry/api";
import type { FastifyBaseLogger } from "fastify";
import { unavailable } from "@drops/http";
import { purchaseFingerprint, purchaseOrderId, type PurchaseRequest } from "../domain/purchase-ids.ts";
import { answerFor, leavesDropEmpty, ownDrop, priced, soldOut, type PurchaseAnswer } from "../domain/purchase-outcome.ts";
import type { PurchaseStats } from "../domain/purchase-stats.ts";
import type { KnownOrders, SoldOutFlags } from "../domain/sold-out-flags.ts";
import type { DropInfoCache } from "../store/drop-info.ts";
import type { PendingPurchases } from "../store/pending-purchases.ts";
import type { RowlockStock } from "../store/rowlock.ts";
import type { PurchaseStock } from "../store/stock.ts";
import type { StockGate } from "../store/stock-gate.ts";

export type PurchaseInput = PurchaseRequest & { dropId: string; buyerId: string; idempotencyKey: string };

export type Purchaser = {
  purchase(input: PurchaseInput): Promise<PurchaseAnswer>;
  /**
   * The no-Redis answer of a flagged drop, for the route's onRequest hook: true when the drop is
   * flagged sold out and the attempt's order id is not one the drop knows (a new loser: answer 409
   * SOLD_OUT now); false when the attempt must take the full path (no flag, or a replay); a promise
   * while the flag's known order ids are still loading.
   */
  soldOutFor(dropId: string, buyerId: string, idempotencyKey: string): boolean | Promise<boolean>;
  /** True when the drop is flagged sold out on this instance (one Map lookup). */
  flagged(dropId: string): boolean;
};

export type PurchaserDeps = {
  stock: PurchaseStock;
  gate: Pick<StockGate, "open">;
  drops: DropInfoCache;
  flags: SoldOutFlags;
  /** False when telemetry is off: no trace context is looked up per purchase. */
  tracing: boolean;
  pending: PendingPurchases;
  stats: PurchaseStats;
  log: FastifyBaseLogger;
};

const stockDown = () => unavailable("stock is unavailable right now; retry with the same Idempotency-Key");

function isProgrammingError(err: unknown): boolean {
  return err instanceof TypeError || err instanceof RangeError;
}

/** The W3C traceparent of the active span, or undefined without telemetry or a sampled-in span. */
function activeTraceparent(): { traceparent?: string } {
  const sc = trace.getSpanContext(context.active());
  if (!sc || !trace.isSpanContextValid(sc)) return {};
  return { traceparent: `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, "0")}` };
}

export function createPurchaser(d: PurchaserDeps): Purchaser {
  const knownOrders = (dropId: string) => () => d.stock.knownOrders(dropId);

  /**
   * A new loser of a flagged drop (true), or an attempt for the full path (false). A buyer with no
   * order in the drop (and no tombstone without a buyer there) is a loser without hashing an order id.
   */
  function isNewLoser(known: KnownOrders | undefined, buyerId: string, orderId: () => string): boolean {
    if (known === undefined) return false;
    if (!known.buyerIds.has(buyerId) && !known.buyerIds.has("")) return true;
    return !known.orderIds.has(orderId());
  }

  return {
    flagged: (dropId) => d.flags.isSoldOut(dropId),

    soldOutFor(dropId, buyerId, idempotencyKey) {
      const flag = d.flags.flag(dropId);
      if (flag === undefined) return false;
      const orderId = () => purchaseOrderId(buyerId, dropId, idempotencyKey);
      const count = (loser: boolean): boolean => {
        if (loser) {
          d.stats.attempts++;
          d.stats.soldOutShortCircuits++;
        }
        return loser;
      };
      if (flag.known !== undefined) return count(isNewLoser(flag.known, buyerId, orderId));
      return flag.loaded.then((known) => count(isNewLoser(known, buyerId, orderId)));
    },

    async purchase(input) {
      d.stats.attempts++;
      const { dropId, buyerId } = input;
      const orderId = purchaseOrderId(buyerId, dropId, input.idempotencyKey);
      const fingerprint = purchaseFingerprint(dropId, input);

      let replay = false;
      const flag = d.flags.flag(dropId);
      if (flag !== undefined) {
        const known = flag.known ?? (await flag.loaded);
        if (isNewLoser(known, buyerId, () => orderId)) {
          d.stats.soldOutShortCircuits++;
          throw soldOut();
        }
        // a known order id (or the set could not be loaded, and the flag is gone): Redis answers
        replay = known !== undefined;
      }

      const drop = await d.drops.get(dropId);
      if (drop.sellerUserId === buyerId) throw ownDrop();
      if (!d.gate.open) {
        d.stats.unavailable++;
        d.log.warn({ dropId }, "stock script version not checked yet: answering 503");
        throw stockDown();
      }
      let outcome;
      try {
        if (replay) d.stats.replayCalls++;
        else d.stats.reserveCalls++;
        outcome = await d.stock.reserve({
          dropId, orderId, buyerId, qty: input.quantity, fingerprint,
          purchase: { amountCents: drop.priceCents * input.quantity, paymentMethod: input.paymentMethod },
          ...(d.tracing ? activeTraceparent() : undefined),
        });
      } catch (err) {
        if (isProgrammingError(err)) throw err;
        d.stats.unavailable++;
        d.log.warn({ err, dropId }, "reserve failed: answering 503");
        throw stockDown();
      }

      if (leavesDropEmpty(outcome)) d.flags.set(dropId, knownOrders(dropId));
      else if (outcome.status === "HELD" && outcome.available > 0) d.flags.clear(dropId);
      const answer = answerFor(outcome, fingerprint);
      if (answer instanceof Error) throw answer;
      if (outcome.status === "HELD") {
        if (!outcome.replay) {
          d.flags.addKnown(dropId, orderId, buyerId);
          d.stats.held++;
          await d.pending.record({ orderId, dropId, buyerId, quantity: outcome.qty, holdExpiresAtMs: outcome.holdExpiresAtMs })
            .catch((err: unknown) => d.log.warn({ err, orderId }, "could not record the pending purchase (the hold stands)"));
        }
      }
      return priced(answer, drop.priceCents, input.quantity);
    },
  };
}

export type RowlockPurchaserDeps = { rowlock: RowlockStock; drops: DropInfoCache; stats: PurchaseStats; log: FastifyBaseLogger };

/**
 * The row-lock comparison's purchase (PURCHASE_STRATEGY=rowlock, store/rowlock.ts): one PostgreSQL
 * transaction under the drop row's lock per attempt, answered like the Redis path (same ids, same
 * 201 / 409 / 422 bodies). No sold-out flag, no pending key, no saga: a benchmark comparison only.
 */
export function createRowlockPurchaser(d: RowlockPurchaserDeps): Purchaser {
  const loaded = new Set<string>();
  return {
    flagged: () => false,
    soldOutFor: () => false,
    async purchase(input) {
      d.stats.attempts++;
      const { dropId, buyerId } = input;
      const orderId = purchaseOrderId(buyerId, dropId, input.idempotencyKey);
      const fingerprint = purchaseFingerprint(dropId, input);
      const drop = await d.drops.get(dropId);
      let outcome;
      try {
        if (!loaded.has(dropId)) {
          await d.rowlock.load({
            dropId, units: drop.units ?? 0, perBuyerLimit: drop.perBuyerLimit ?? 0,
            startsAtMs: Date.parse(drop.startsAt), holdMs: (drop.holdSeconds ?? 60) * 1000,
          });
          loaded.add(dropId);
        }
        d.stats.reserveCalls++;
        outcome = (await d.rowlock.reserve({ dropId, orderId, buyerId, qty: input.quantity, fingerprint })) ?? { status: "NOT_OPEN" as const, startsAtMs: null };
      } catch (err) {
        if (isProgrammingError(err)) throw err;
        d.stats.unavailable++;
        d.log.warn({ err, dropId }, "row-lock purchase failed: answering 503");
        throw stockDown();
      }
      const answer = answerFor(outcome, fingerprint);
      if (answer instanceof Error) throw answer;
      if (outcome.status === "HELD" && !outcome.replay) d.stats.held++;
      return priced(answer, drop.priceCents, input.quantity);
    },
  };
}
