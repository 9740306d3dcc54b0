/**
 * POST /cart/checkout (buyer; header Idempotency-Key; {paymentMethod}): every line of the cart held
 * under one order id, or none (the inventory's cart-stock), then CartCheckedOut handed to the saga
 * (acks=all, awaited), then 201. README "Checkout" walks through every step and failure.
 */
import { randomUUID } from "node:crypto";
import { AppError, conflict, requireRole, unavailable, type BuiltService } from "@drops/http";
import { newEnvelope } from "@drops/events";
import type { EventProducer } from "@drops/kafka";
import {
  cartCheckedOut, checkoutEventId, checkoutFingerprint, checkoutLines, checkoutOrderId, heldAnswer, resumption,
  type CheckoutAnswer, type CheckoutRecord, type HeldAnswer,
} from "../domain/checkout.ts";
import type { Carts } from "../store/carts.ts";
import type { ProductCatalog } from "../store/catalog.ts";
import type { Checkouts } from "../store/checkouts.ts";
import type { CartStock } from "../store/stock.ts";
import { orUnavailable } from "./redis-down.ts";
import { IDEMPOTENCY_KEY, checkoutBody, checkoutHeaders } from "./schemas.ts";

type App = BuiltService["app"];
type Log = App["log"];

export type CheckoutDeps = {
  carts: Carts;
  checkouts: Checkouts;
  catalog: ProductCatalog;
  stock: CartStock;
  producer: Pick<EventProducer, "publishNow">;
  topic: string;
  publishTimeoutMs: number;
  currency: string;
  cartTtlMs: number;
  /** Writes the gateway's pending-purchase record (best effort: the saga creates the order row soon after). */
  recordPending: (p: { orderId: string; buyerId: string; lines: HeldAnswer["lines"]; holdExpiresAtMs: number }) => Promise<void>;
  now: () => number;
  log: Log;
};

export type CheckoutInput = { buyerId: string; idempotencyKey: string; paymentMethod: string; requestId?: string };

const reusedKey = () => new AppError("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used with another request body");

/** A stored answer as the route gives it: the 201 body, or the 409 LINE_UNAVAILABLE thrown. */
function replay(answer: CheckoutAnswer): HeldAnswer {
  if (answer.kind === "held") return answer.body;
  throw conflict("a line of the cart could not be reserved; nothing was held", "LINE_UNAVAILABLE", { productId: answer.productId, available: answer.available });
}

/** Resolves when `p` does, rejects after `ms` (the publish may still land later: its event id dedupes). */
async function within(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => {});
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not acked within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createCheckout(d: CheckoutDeps): (input: CheckoutInput) => Promise<HeldAnswer> {
  /** The lines and prices of a new attempt, fixed now: 409 CART_EMPTY, or LINE_UNAVAILABLE for a product gone from the catalog. */
  async function newRecord(input: CheckoutInput, fingerprint: string): Promise<CheckoutRecord> {
    const cart = await orUnavailable(d.carts.read(input.buyerId), "the cart");
    if (cart.lines.length === 0) throw conflict("the cart is empty", "CART_EMPTY");
    const products = await d.catalog.products(cart.lines.map((l) => l.productId), input.requestId);
    const { lines, missing } = checkoutLines(cart.lines, products);
    if (missing !== null) throw conflict("a product of the cart is no longer in the catalog; nothing was held", "LINE_UNAVAILABLE", { productId: missing, available: 0 });
    return { fingerprint, buyerId: input.buyerId, paymentMethod: input.paymentMethod, currency: d.currency, lines };
  }

  async function attempt(orderId: string, input: CheckoutInput, fingerprint: string): Promise<HeldAnswer> {
    const found = resumption(await orUnavailable(d.checkouts.find(orderId), "the cart"), fingerprint);
    if (found.kind === "answered") return replay(found.answer);
    if (found.kind === "reused") throw reusedKey();
    let record: CheckoutRecord;
    if (found.kind === "resume") {
      record = found.record;
    } else {
      record = await newRecord(input, fingerprint);
      await orUnavailable(d.checkouts.save(orderId, record), "the cart");
    }

    const outcome = await orUnavailable(
      d.stock.reserveLines({ orderId, buyerId: input.buyerId, lines: record.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) }),
      "stock",
    );
    if (outcome.status === "UNAVAILABLE") {
      const answer: CheckoutAnswer = { kind: "unavailable", productId: outcome.productId, available: outcome.available };
      await orUnavailable(d.checkouts.save(orderId, { ...record, answer }), "the cart");
      return replay(answer);
    }

    const event = newEnvelope({ type: "CartCheckedOut", payload: cartCheckedOut(orderId, record, outcome.holdExpiresAt), correlationId: orderId, now: d.now(), id: checkoutEventId(orderId) });
    try {
      await within(d.producer.publishNow(d.topic, orderId, event), d.publishTimeoutMs);
    } catch (err) {
      // The lines stay held: the event may still land (a timeout is not a "no"), and then the saga
      // needs them. The same key again re-publishes (same event id: deduped); else the holds expire.
      d.log.warn({ err, orderId }, "CartCheckedOut not acked: 503, the lines stay held until retried or expired");
      throw unavailable("the order could not be handed on; retry with the same Idempotency-Key");
    }

    const body = heldAnswer(orderId, record, outcome.holdExpiresAt);
    await d.recordPending({ orderId, buyerId: input.buyerId, lines: body.lines, holdExpiresAtMs: outcome.holdExpiresAt })
      .catch((err: unknown) => d.log.warn({ err, orderId }, "pending-order record not written (GET /api/orders may 404 until the saga writes the order)"));
    await orUnavailable(d.checkouts.complete(orderId, { ...record, answer: { kind: "held", body } }, d.cartTtlMs), "the cart");
    return body;
  }

  return async (input) => {
    const orderId = checkoutOrderId(input.buyerId, input.idempotencyKey);
    const fingerprint = checkoutFingerprint({ paymentMethod: input.paymentMethod });
    const early = resumption(await orUnavailable(d.checkouts.find(orderId), "the cart"), fingerprint);
    if (early.kind === "answered") return replay(early.answer);
    if (early.kind === "reused") throw reusedKey();
    const token = randomUUID();
    if (!(await orUnavailable(d.checkouts.lock(orderId, token), "the cart"))) {
      throw conflict("a checkout with this Idempotency-Key is in progress; retry in a moment", "CHECKOUT_IN_PROGRESS");
    }
    try {
      return await attempt(orderId, input, fingerprint);
    } finally {
      await d.checkouts.unlock(orderId, token).catch(() => {});
    }
  };
}

export async function checkoutRoutes(app: App, { checkout }: { checkout: ReturnType<typeof createCheckout> }): Promise<void> {
  app.post<{ Body: { paymentMethod: string }; Headers: Record<typeof IDEMPOTENCY_KEY, string> }>(
    "/cart/checkout",
    { schema: { headers: checkoutHeaders, body: checkoutBody } },
    async (request, reply) => {
      const buyer = requireRole(request, "buyer");
      const answer = await checkout({ buyerId: buyer.userId, idempotencyKey: request.headers[IDEMPOTENCY_KEY], paymentMethod: request.body.paymentMethod, requestId: request.id });
      return reply.status(201).send(answer);
    },
  );
}
