/**
 * The purchase hot path (ARCHITECTURE.md "The purchase path", points 1, 2 and 4): one EVALSHA of the
 * inventory's reserve script on the gateway's own Redis connection answers the buyer. Losers cost no
 * write, and nothing at all once the drop is flagged sold out; winners also write a small pending
 * key. Redis failing or slow is 503 (fail closed: "held" is only ever said by the script).
 */
import type { FastifyBaseLogger } from "fastify";
import { unavailable } from "@drops/http";
import type { StockStore } from "@drops/inventory-service/stock";
import type { DropInfoCache } from "./drop-info.ts";
import { purchaseFingerprint, purchaseOrderId, type PurchaseRequest } from "./ids.ts";
import { answerFor, keyReused, soldOut, type PurchaseAnswer } from "./outcome.ts";
import type { PendingPurchases } from "./pending.ts";
import type { SoldOutFlags } from "./sold-out.ts";
import type { PurchaseStats } from "./stats.ts";
import { activeTraceparent } from "./traceparent.ts";
import type { Winners } from "./winners.ts";

export type PurchaseInput = PurchaseRequest & { dropId: string; buyerId: string; idempotencyKey: string };

export type Purchaser = { purchase(input: PurchaseInput): Promise<PurchaseAnswer> };

export type PurchaserDeps = {
  store: StockStore;
  drops: DropInfoCache;
  flags: SoldOutFlags;
  winners: Winners;
  pending: PendingPurchases;
  stats: PurchaseStats;
  log: FastifyBaseLogger;
};

function isProgrammingError(err: unknown): boolean {
  return err instanceof TypeError || err instanceof RangeError;
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
      let outcome;
      try {
        d.stats.reserveCalls++;
        outcome = await d.store.reserve({
          dropId, orderId, buyerId, qty: input.quantity, fingerprint,
          purchase: { amountCents: drop.priceCents * input.quantity, paymentMethod: input.paymentMethod },
          ...traced(),
        });
      } catch (err) {
        if (isProgrammingError(err)) throw err;
        d.stats.unavailable++;
        d.log.warn({ err, dropId }, "reserve failed: answering 503");
        throw unavailable("stock is unavailable right now; retry with the same Idempotency-Key");
      }

      if ((outcome.status === "SOLD_OUT" && outcome.available === 0) || (outcome.status === "HELD" && outcome.available === 0)) d.flags.set(dropId);
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

function traced(): { traceparent?: string } {
  const tp = activeTraceparent();
  return tp === undefined ? {} : { traceparent: tp };
}
