/**
 * The purchase hot path (ARCHITECTURE.md "The purchase path", points 1, 2 and 4): one EVALSHA of the
 * inventory's reserve script on the gateway's own Redis connection answers the buyer. Losers cost no
 * write, and nothing at all once the drop is flagged sold out; winners also write a small pending
 * key. Redis failing or slow, or the script version not checked yet, is 503 (fail closed: "held" is
 * only ever said by the script).
 */
import { context, trace } from "@opentelemetry/api";
import type { FastifyBaseLogger } from "fastify";
import { unavailable } from "@drops/http";
import { purchaseFingerprint, purchaseOrderId, type PurchaseRequest } from "../domain/purchase-ids.ts";
import { answerFor, keyReused, leavesDropEmpty, soldOut, type PurchaseAnswer } from "../domain/purchase-outcome.ts";
import type { PurchaseStats } from "../domain/purchase-stats.ts";
import type { SoldOutFlags } from "../domain/sold-out-flags.ts";
import type { Winners } from "../domain/winners.ts";
import type { DropInfoCache } from "../store/drop-info.ts";
import type { PendingPurchases } from "../store/pending-purchases.ts";
import type { PurchaseStock } from "../store/stock.ts";
import type { StockGate } from "../store/stock-gate.ts";

export type PurchaseInput = PurchaseRequest & { dropId: string; buyerId: string; idempotencyKey: string };

export type Purchaser = { purchase(input: PurchaseInput): Promise<PurchaseAnswer> };

export type PurchaserDeps = {
  stock: PurchaseStock;
  gate: Pick<StockGate, "open">;
  drops: DropInfoCache;
  flags: SoldOutFlags;
  winners: Winners;
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
  return {
    async purchase(input) {
      d.stats.attempts++;
      const { dropId, buyerId } = input;
      const orderId = purchaseOrderId(buyerId, dropId, input.idempotencyKey);
      const fingerprint = purchaseFingerprint(dropId, input);

      if (d.flags.isSoldOut(dropId)) {
        const won = d.winners.find(orderId);
        if (won) {
          if (won.fingerprint !== fingerprint) throw keyReused();
          return won.answer;
        }
        d.stats.soldOutShortCircuits++;
        throw soldOut();
      }

      const drop = await d.drops.get(dropId);
      if (!d.gate.open) {
        d.stats.unavailable++;
        d.log.warn({ dropId }, "stock script version not checked yet: answering 503");
        throw stockDown();
      }
      let outcome;
      try {
        d.stats.reserveCalls++;
        outcome = await d.stock.reserve({
          dropId, orderId, buyerId, qty: input.quantity, fingerprint,
          purchase: { amountCents: drop.priceCents * input.quantity, paymentMethod: input.paymentMethod },
          ...activeTraceparent(),
        });
      } catch (err) {
        if (isProgrammingError(err)) throw err;
        d.stats.unavailable++;
        d.log.warn({ err, dropId }, "reserve failed: answering 503");
        throw stockDown();
      }

      if (leavesDropEmpty(outcome)) d.flags.set(dropId);
      const answer = answerFor(outcome, fingerprint);
      if (answer instanceof Error) throw answer;
      if (outcome.status === "HELD") {
        d.winners.remember(answer, fingerprint, outcome.holdExpiresAtMs);
        if (!outcome.replay) {
          d.stats.held++;
          await d.pending.record({ orderId, dropId, buyerId, quantity: outcome.qty, holdExpiresAtMs: outcome.holdExpiresAtMs })
            .catch((err: unknown) => d.log.warn({ err, orderId }, "could not record the pending purchase (the hold stands)"));
        }
      }
      return answer;
    },
  };
}
