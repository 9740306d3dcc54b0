/**
 * The purchase hot path (ARCHITECTURE.md "The purchase path", points 1, 2 and 4): one EVALSHA of the
 * inventory's reserve script on the gateway's own Redis connection answers the buyer. Losers cost no
 * write, and no Redis call at all once the drop is flagged sold out (answered by the route's onRequest
 * hook with `soldOutFor`, before the body is read); a replay of an order id the flagged drop knows
 * still goes to Redis, so it answers its order's current state on any instance; winners also write a
 * small pending key. Redis failing or slow, or the script version not checked yet, is 503 (fail closed: "held" is
 * only ever said by the script).
 *
 * A queued drop (its catalog data has `queue`, ARCHITECTURE.md "The waiting room") needs the buyer's
 * `Admission-Token`: 403 ADMISSION_REQUIRED without, ADMISSION_INVALID when it is forged or another
 * buyer's or drop's (checked here, no Redis), or expired or used (reserve-admitted.lua, which spends it
 * with the hold in one script, instead of reserve.lua). Queued drops are never flagged sold out: only
 * admitted buyers reach their reserve, so there is no flood of losers to short-circuit. A drop without
 * a waiting room pays one property check for all this.
 */
import { context, trace } from "@opentelemetry/api";
import type { FastifyBaseLogger } from "fastify";
import { AppError, forbidden, unavailable } from "@drops/http";
import type { AdmissionTokens } from "../domain/admission-token.ts";
import { purchaseFingerprint, purchaseOrderId, type PurchaseRequest } from "../domain/purchase-ids.ts";
import { answerFor, leavesDropEmpty, ownDrop, priced, soldOut, type PurchaseAnswer } from "../domain/purchase-outcome.ts";
import type { PurchaseStats } from "../domain/purchase-stats.ts";
import type { KnownOrders, SoldOutFlags } from "../domain/sold-out-flags.ts";
import type { DropInfoCache } from "../store/drop-info.ts";
import type { PendingPurchases } from "../store/pending-purchases.ts";
import type { QueueStore } from "../store/queue.ts";
import type { RowlockStock } from "../store/rowlock.ts";
import type { PurchaseStock } from "../store/stock.ts";
import type { StockGate } from "../store/stock-gate.ts";
import { purchaseMetrics } from "../store/metrics.ts";

export type PurchaseInput = PurchaseRequest & { dropId: string; buyerId: string; idempotencyKey: string; admissionToken?: string };

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
  /** The waiting room: queued drops' admitted reserve and their tokens. */
  queue?: { store: Pick<QueueStore, "reserveAdmitted">; tokens: AdmissionTokens };
};

const ADMISSION_MESSAGES: Readonly<Record<string, string>> = {
  forged: "the Admission-Token is not valid",
  other: "the Admission-Token is for another buyer or drop",
  expired: "the admission has expired: join the line again",
  used: "the Admission-Token was used already",
};
const admissionInvalid = (reason: string) =>
  forbidden(ADMISSION_MESSAGES[reason] ?? "this admission is no longer valid: join the line again", "ADMISSION_INVALID");

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
  /** The admission id of a queued drop's purchase: 403 without a token, or with one not signed for this buyer and drop. */
  function admissionOf(input: PurchaseInput): string {
    if (!d.queue) throw unavailable("this drop has a waiting room, which this instance does not serve");
    if (input.admissionToken === undefined) {
      throw forbidden("this drop has a waiting room: join it (POST /api/drops/:dropId/queue) and buy with the Admission-Token you get when admitted", "ADMISSION_REQUIRED");
    }
    // expiry is the script's to judge (a replay of the purchase that used the token answers its hold even after)
    const a = d.queue.tokens.verify(input.admissionToken, { dropId: input.dropId, buyerId: input.buyerId }, 0);
    if (a === "invalid") throw admissionInvalid("forged");
    if (a === "other") throw admissionInvalid("other");
    if (a === "expired") throw admissionInvalid("expired");
    return a.admissionId;
  }
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
          purchaseMetrics.flagSoldOut.inc();
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
          purchaseMetrics.flagSoldOut.inc();
          throw soldOut();
        }
        // a known order id (or the set could not be loaded, and the flag is gone): Redis answers
        replay = known !== undefined;
      }

      const drop = await d.drops.get(dropId);
      if (drop.sellerUserId === buyerId) {
        purchaseMetrics.rejected.inc();
        throw ownDrop();
      }
      if (!d.gate.open) {
        d.stats.unavailable++;
        purchaseMetrics.unavailable.inc();
        d.log.warn({ dropId }, "stock script version not checked yet: answering 503");
        throw stockDown();
      }
      const admissionId = drop.queue ? admissionOf(input) : undefined;
      let outcome;
      try {
        if (replay) d.stats.replayCalls++;
        else d.stats.reserveCalls++;
        const reserve = {
          dropId, orderId, buyerId, qty: input.quantity, fingerprint,
          purchase: { amountCents: drop.priceCents * input.quantity, paymentMethod: input.paymentMethod },
          ...(d.tracing ? activeTraceparent() : undefined),
        };
        const started = performance.now();
        if (admissionId === undefined) outcome = await d.stock.reserve(reserve);
        else {
          const admitted = await d.queue!.store.reserveAdmitted({ ...reserve, admissionId });
          if (admitted.status === "ADMISSION_INVALID") {
            purchaseMetrics.rejected.inc();
            throw admissionInvalid(admitted.reason);
          }
          outcome = admitted;
        }
        (admissionId === undefined ? purchaseMetrics.reserveLatency : purchaseMetrics.reserveAdmittedLatency).record((performance.now() - started) / 1000);
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (isProgrammingError(err)) throw err;
        d.stats.unavailable++;
        purchaseMetrics.unavailable.inc();
        d.log.warn({ err, dropId }, "reserve failed: answering 503");
        throw stockDown();
      }

      if (admissionId === undefined && leavesDropEmpty(outcome)) d.flags.set(dropId, knownOrders(dropId));
      else if (outcome.status === "HELD" && outcome.available > 0) d.flags.clear(dropId);
      purchaseMetrics.outcome(outcome);
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
