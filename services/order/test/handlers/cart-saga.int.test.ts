/**
 * The saga of cart orders end to end on real Kafka + PostgreSQL: CartCheckedOut in (as the cart
 * service publishes it, on the checkouts topic), the saga's commands and events out, the inventory's
 * answers published by the test. Every stock command of a cart order is one command with every line.
 */
import { randomUUID } from "node:crypto";
import t from "tap";
import type { CartCheckedOut, StockLine } from "@drops/events";
import { testEnvelope } from "@drops/kafka/testing";
import { eventually, uniqueName } from "@drops/testing";
import { eventsOf, orderStatus, startSagaEnv } from "../helpers.ts";
import type { SagaEnv } from "../helpers.ts";
import { asUser } from "@drops/http/testing";

let env: SagaEnv;

t.before(async () => {
  env = await startSagaEnv(t);
});

/** A checked-out cart of three products: 2 x 10.00 + 1 x 25.00 + 3 x 5.00 = 60.00. */
function checkout(paymentMethod: string, extra: Partial<CartCheckedOut> = {}): CartCheckedOut {
  return {
    orderId: randomUUID(),
    buyerId: randomUUID(),
    lines: [
      { productId: uniqueName("p1"), quantity: 2, unitPriceCents: 1_000 },
      { productId: uniqueName("p2"), quantity: 1, unitPriceCents: 2_500 },
      { productId: uniqueName("p3"), quantity: 3, unitPriceCents: 500 },
    ],
    amountCents: 6_000,
    currency: "EUR",
    paymentMethod,
    holdExpiresAt: Date.now() + 900_000,
    ...extra,
  };
}

const stockLines = (c: CartCheckedOut): StockLine[] => c.lines.map(({ productId, quantity }) => ({ productId, quantity }));

async function checkOut(c: CartCheckedOut): Promise<void> {
  await env.publish(env.topics.checkouts, testEnvelope("CartCheckedOut", c));
}

const waitFor = (orderId: string, type: Parameters<typeof eventsOf>[2], n = 1) =>
  eventually(() => eventsOf(env.seen, orderId, type).length >= n && eventsOf(env.seen, orderId, type), 15_000);
const statusIs = (orderId: string, status: string) => eventually(async () => (await orderStatus(env, orderId)) === status, 15_000);
/** Waits until the saga consumed `eventId` (its step committed, with whatever it wrote to the outbox). */
const consumed = (eventId: string) =>
  eventually(async () => (await env.clients.pool.query("SELECT 1 FROM processed_events WHERE event_id = $1", [eventId])).rowCount === 1, 10_000);
/** The events the saga wrote for an order, by type (the outbox: what it will have sent, whether relayed yet or not). */
const written = async (orderId: string, type: string): Promise<number> =>
  (await env.clients.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE key = $1 AND event_type = $2", [orderId, type])).rows[0]!.n;
const confirmStock = (c: CartCheckedOut) => env.publish(env.topics.inventory, testEnvelope("StockConfirmed", { orderId: c.orderId, dropId: "", quantity: 6 }));

t.test("three lines, pm_card_ok: PaymentRequested for the total -> one StockConfirmRequested with the three lines -> StockConfirmed -> confirmed", async (t) => {
  const c = checkout("pm_card_ok");
  await checkOut(c);
  const [requested] = await waitFor(c.orderId, "PaymentRequested");
  t.same(requested!.payload, { orderId: c.orderId, buyerId: c.buyerId, amountCents: 6_000, currency: "EUR", paymentMethod: "pm_card_ok" });
  const [confirm] = await waitFor(c.orderId, "StockConfirmRequested");
  t.same(confirm!.payload, { orderId: c.orderId, dropId: "", quantity: 6, lines: stockLines(c) });
  t.equal(await orderStatus(env, c.orderId), "paid");

  await confirmStock(c);
  const [confirmed] = await waitFor(c.orderId, "OrderConfirmed");
  t.same(confirmed!.payload, { orderId: c.orderId, dropId: "", buyerId: c.buyerId, quantity: 6, amountCents: 6_000, paymentId: `pay_${c.orderId}` });
  await statusIs(c.orderId, "confirmed");
  t.equal(eventsOf(env.seen, c.orderId, "StockConfirmRequested").length, 1, "one command for every line");

  const lines = c.lines.map((l) => ({ productId: l.productId, quantity: l.quantity, priceCents: l.unitPriceCents }));
  const mine = await env.app.inject({ url: `/orders/${c.orderId}`, headers: asUser("order", c.buyerId) });
  t.equal(mine.statusCode, 200);
  t.match(mine.json(), { orderId: c.orderId, dropId: null, buyerId: c.buyerId, quantity: 6, amountCents: 6_000, currency: "EUR", status: "confirmed" });
  t.same(mine.json<{ lines: unknown }>().lines, lines);
  t.equal((await env.app.inject({ url: `/orders/${c.orderId}`, headers: asUser("order", randomUUID()) })).statusCode, 404, "another buyer's cart order is not found");
  const list = await env.app.inject({ url: "/orders", headers: asUser("order", c.buyerId) });
  t.match(list.json(), { total: 1, items: [{ orderId: c.orderId, dropId: null, lines }] });
});

t.test("a declined card: cancelled, one StockReleaseRequested with every line", async (t) => {
  const c = checkout("pm_card_declined");
  await checkOut(c);
  const [release] = await waitFor(c.orderId, "StockReleaseRequested");
  t.same(release!.payload, { orderId: c.orderId, dropId: "", quantity: 6, reason: "PAYMENT_FAILED", lines: stockLines(c) });
  const [cancelled] = await waitFor(c.orderId, "OrderCancelled");
  t.match(cancelled!.payload, { orderId: c.orderId, dropId: "", reason: "PAYMENT_FAILED", detail: "card declined" });
  await statusIs(c.orderId, "cancelled");
  t.equal(eventsOf(env.seen, c.orderId, "StockConfirmRequested").length, 0);
  t.equal(eventsOf(env.seen, c.orderId, "StockReleaseRequested").length, 1);
});

t.test("one line's hold expiring before payment: expired, and one release of every line (the others were still held)", async (t) => {
  const c = checkout("pm_card_timeout");
  await checkOut(c);
  await statusIs(c.orderId, "payment_pending");
  const line = c.lines[1]!;
  await env.publish(env.topics.inventory, testEnvelope("StockReleased", { orderId: c.orderId, dropId: line.productId, quantity: line.quantity, reason: "HOLD_EXPIRED" }));
  await statusIs(c.orderId, "expired");
  const [release] = await waitFor(c.orderId, "StockReleaseRequested");
  t.same(release!.payload, { orderId: c.orderId, dropId: "", quantity: 6, reason: "HOLD_EXPIRED", lines: stockLines(c) });
  t.match((await waitFor(c.orderId, "OrderCancelled"))[0]!.payload, { reason: "HOLD_EXPIRED", dropId: "" });
  // The other lines expiring too (the inventory's sweeper) change nothing more.
  const other = c.lines[0]!;
  const expiry = testEnvelope("StockReleased", { orderId: c.orderId, dropId: other.productId, quantity: other.quantity, reason: "HOLD_EXPIRED" });
  await env.publish(env.topics.inventory, expiry);
  await consumed(expiry.eventId);
  t.equal(await written(c.orderId, "StockReleaseRequested"), 1, "released once");
  t.equal(await written(c.orderId, "OrderCancelled"), 1);
  t.equal(await orderStatus(env, c.orderId), "expired");
});

t.test("the buyer cancels a confirmed cart order: refunded, the refund, one release of every line", async (t) => {
  const c = checkout("pm_card_ok");
  await checkOut(c);
  await waitFor(c.orderId, "StockConfirmRequested");
  await confirmStock(c);
  await statusIs(c.orderId, "confirmed");
  const res = await env.app.inject({ method: "POST", url: `/orders/${c.orderId}/cancel`, headers: asUser("order", c.buyerId) });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { orderId: c.orderId, status: "refunded" });
  const again = await env.app.inject({ method: "POST", url: `/orders/${c.orderId}/cancel`, headers: asUser("order", c.buyerId) });
  t.same(again.json(), { orderId: c.orderId, status: "refunded" }, "idempotent");
  const [refunded] = await waitFor(c.orderId, "RefundSucceeded");
  t.match(refunded!.payload, { orderId: c.orderId, paymentId: `pay_${c.orderId}`, amountCents: 6_000 });
  const [release] = await waitFor(c.orderId, "StockReleaseRequested");
  t.same(release!.payload, { orderId: c.orderId, dropId: "", quantity: 6, reason: "REFUNDED", lines: stockLines(c) });
  t.match((await waitFor(c.orderId, "OrderCancelled"))[0]!.payload, { reason: "REFUNDED", dropId: "" });
  t.equal(eventsOf(env.seen, c.orderId, "RefundRequested").length, 1);
  t.equal(eventsOf(env.seen, c.orderId, "StockReleaseRequested").length, 1);
});

t.test("StockConfirmFailed on a cart order: refunded and every line released (the confirmed ones are refunded by the inventory)", async (t) => {
  const c = checkout("pm_card_ok");
  await checkOut(c);
  await waitFor(c.orderId, "StockConfirmRequested");
  await env.publish(env.topics.inventory, testEnvelope("StockConfirmFailed", { orderId: c.orderId, dropId: "", reason: "HOLD_GONE", detail: "a line's hold expired" }));
  await waitFor(c.orderId, "RefundSucceeded");
  const [release] = await waitFor(c.orderId, "StockReleaseRequested");
  t.same(release!.payload, { orderId: c.orderId, dropId: "", quantity: 6, reason: "REFUNDED", lines: stockLines(c) });
  await statusIs(c.orderId, "refunded");
});

t.test("a duplicate CartCheckedOut (redelivered, or republished with another event id) creates one order and one payment request", async (t) => {
  const c = checkout("pm_card_declined");
  const event = testEnvelope("CartCheckedOut", c);
  await env.publish(env.topics.checkouts, event);
  await env.publish(env.topics.checkouts, event);
  await checkOut(c); // the same checkout, another event id
  await waitFor(c.orderId, "OrderCancelled");
  const late = testEnvelope("CartCheckedOut", c); // once more after the order ended
  await env.publish(env.topics.checkouts, late);
  await consumed(late.eventId); // the checkouts before it are on the same partition (key orderId): consumed too
  const count = await env.clients.pool.query("SELECT count(*)::int AS n FROM orders WHERE id = $1", [c.orderId]);
  t.equal(count.rows[0].n, 1);
  for (const type of ["PaymentRequested", "StockReleaseRequested", "OrderCancelled"]) t.equal(await written(c.orderId, type), 1, `one ${type}`);
  t.equal(eventsOf(env.seen, c.orderId, "PaymentRequested").length, 1);
  const processed = await env.clients.pool.query("SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1", [event.eventId]);
  t.equal(processed.rows[0].n, 1);
});

t.test("no message of the whole run was dead-lettered", async (t) => {
  t.equal(env.workers.saga.stats().deadLettered, 0, "saga");
  t.equal(env.workers.payments.stats().deadLettered, 0, "payment worker");
});
