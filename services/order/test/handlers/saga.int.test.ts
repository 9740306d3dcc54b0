/**
 * The saga end to end on real Kafka + PostgreSQL: StockReserved in (as the inventory publishes it),
 * the saga's commands and events out, the inventory's answers published by the test.
 */
import { randomUUID } from "node:crypto";
import t from "tap";
import type { StockReserved } from "@drops/events";
import { testEnvelope } from "@drops/kafka/testing";
import { eventually, uniqueName } from "@drops/testing";
import { eventsOf, orderStatus, startSagaEnv } from "../helpers.ts";
import type { SagaEnv } from "../helpers.ts";
import { asUser } from "@drops/http/testing";

let env: SagaEnv;

t.before(async () => {
  env = await startSagaEnv(t);
});

function reservation(paymentMethod: string, extra: Partial<StockReserved> = {}): StockReserved {
  return {
    orderId: randomUUID(),
    dropId: uniqueName("d"),
    buyerId: randomUUID(),
    quantity: 1,
    holdExpiresAt: Date.now() + 60_000,
    amountCents: 4_999,
    currency: "EUR",
    paymentMethod,
    ...extra,
  };
}

async function reserve(r: StockReserved): Promise<void> {
  await env.publish(env.topics.inventory, testEnvelope("StockReserved", r));
}

const waitFor = (orderId: string, type: Parameters<typeof eventsOf>[2], n = 1) =>
  eventually(() => eventsOf(env.seen, orderId, type).length >= n && eventsOf(env.seen, orderId, type), 15_000);
const statusIs = (orderId: string, status: string) => eventually(async () => (await orderStatus(env, orderId)) === status, 15_000);

t.test("pm_card_ok: PaymentRequested -> PaymentSucceeded -> StockConfirmRequested; StockConfirmed -> confirmed + OrderConfirmed", async (t) => {
  const r = reservation("pm_card_ok");
  await reserve(r);
  const [requested] = await waitFor(r.orderId, "PaymentRequested");
  t.same(requested!.payload, { orderId: r.orderId, buyerId: r.buyerId, amountCents: 4_999, currency: "EUR", paymentMethod: "pm_card_ok" });
  const [succeeded] = await waitFor(r.orderId, "PaymentSucceeded");
  t.same(succeeded!.payload, { orderId: r.orderId, paymentId: `pay_${r.orderId}`, amountCents: 4_999 });
  t.equal(succeeded!.causationId, requested!.eventId, "causation chain");
  t.equal(succeeded!.correlationId, r.orderId);
  const [confirm] = await waitFor(r.orderId, "StockConfirmRequested");
  t.same(confirm!.payload, { orderId: r.orderId, dropId: r.dropId, quantity: 1, lines: null }, "a drop order's commands carry no lines");
  t.equal(await orderStatus(env, r.orderId), "paid");

  await env.publish(env.topics.inventory, testEnvelope("StockConfirmed", { orderId: r.orderId, dropId: r.dropId, quantity: 1 }));
  const [confirmed] = await waitFor(r.orderId, "OrderConfirmed");
  t.same(confirmed!.payload, { orderId: r.orderId, dropId: r.dropId, buyerId: r.buyerId, quantity: 1, amountCents: 4_999, paymentId: `pay_${r.orderId}` });
  t.equal(await orderStatus(env, r.orderId), "confirmed");

  const mine = await env.app.inject({ url: `/orders/${r.orderId}`, headers: asUser("order", r.buyerId) });
  t.equal(mine.statusCode, 200);
  t.match(mine.json(), { orderId: r.orderId, dropId: r.dropId, quantity: 1, status: "confirmed", amountCents: 4_999 });
  t.notOk("lines" in mine.json(), "a drop order's answer has no lines key");
  const theirs = await env.app.inject({ url: `/orders/${r.orderId}`, headers: asUser("order", randomUUID()) });
  t.equal(theirs.statusCode, 404, "another buyer's order is not found");
  t.equal((await env.app.inject({ url: `/orders/${r.orderId}` })).statusCode, 401, "no buyer id");
});

t.test("pm_card_declined: cancelled, OrderCancelled(PAYMENT_FAILED) and a release command", async (t) => {
  const r = reservation("pm_card_declined");
  const started = Date.now();
  await reserve(r);
  const [release] = await waitFor(r.orderId, "StockReleaseRequested");
  t.comment(`StockReserved -> StockReleaseRequested on Kafka in ${Date.now() - started} ms (provider latency 5 ms)`);
  t.same(release!.payload, { orderId: r.orderId, dropId: r.dropId, quantity: 1, reason: "PAYMENT_FAILED", lines: null });
  const [cancelled] = await waitFor(r.orderId, "OrderCancelled");
  t.match(cancelled!.payload, { orderId: r.orderId, reason: "PAYMENT_FAILED", detail: "card declined" });
  t.equal(await orderStatus(env, r.orderId), "cancelled");
  t.equal(eventsOf(env.seen, r.orderId, "StockConfirmRequested").length, 0);
});

t.test("pm_card_timeout: cancelled after PAYMENT_TIMEOUT_MS, stock released", async (t) => {
  const r = reservation("pm_card_timeout");
  const started = Date.now();
  await reserve(r);
  await statusIs(r.orderId, "payment_pending");
  const [release] = await waitFor(r.orderId, "StockReleaseRequested");
  t.ok(Date.now() - started >= 1_400, `released after the timeout (${Date.now() - started} ms)`);
  t.match(release!.payload, { reason: "PAYMENT_FAILED" });
  t.equal(await orderStatus(env, r.orderId), "cancelled");
  const row = await env.clients.pool.query("SELECT cancel_reason FROM orders WHERE id = $1", [r.orderId]);
  t.match(row.rows[0].cancel_reason, /TIMEOUT/);
});

t.test("a duplicate StockReserved delivery creates one order and one payment request", async (t) => {
  const r = reservation("pm_card_declined");
  const event = testEnvelope("StockReserved", r);
  await env.publish(env.topics.inventory, event);
  await env.publish(env.topics.inventory, event);
  await env.publish(env.topics.inventory, testEnvelope("StockReserved", r)); // same reservation, another event id
  await waitFor(r.orderId, "OrderCancelled");
  await new Promise((res) => setTimeout(res, 500));
  const count = await env.clients.pool.query("SELECT count(*)::int AS n FROM orders WHERE id = $1", [r.orderId]);
  t.equal(count.rows[0].n, 1);
  t.equal(eventsOf(env.seen, r.orderId, "PaymentRequested").length, 1);
  t.equal(eventsOf(env.seen, r.orderId, "StockReleaseRequested").length, 1);
  const processed = await env.clients.pool.query("SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1", [event.eventId]);
  t.equal(processed.rows[0].n, 1);
});

t.test("a hold that expires before payment: expired + OrderCancelled(HOLD_EXPIRED); a charge that raced it is refunded", async (t) => {
  const r = reservation("pm_card_ok");
  await reserve(r);
  await env.publish(env.topics.inventory, testEnvelope("StockReleased", { orderId: r.orderId, dropId: r.dropId, quantity: 1, reason: "HOLD_EXPIRED" }));
  const [cancelled] = await waitFor(r.orderId, "OrderCancelled");
  t.match(cancelled!.payload, { reason: "HOLD_EXPIRED" });
  await statusIs(r.orderId, "expired");
  // The payment worker either saw the order expired (nothing charged) or had already charged it (refunded).
  const payment = await eventually(async () => {
    const s = (await env.clients.pool.query<{ status: string }>("SELECT status FROM payments WHERE order_id = $1", [r.orderId])).rows[0]?.status;
    return (s === "skipped" || s === "refunded") && s;
  }, 10_000);
  t.equal(eventsOf(env.seen, r.orderId, "PaymentSucceeded").length, payment === "refunded" ? 1 : 0, `payment ${payment}`);
  t.equal(eventsOf(env.seen, r.orderId, "RefundRequested").length, payment === "refunded" ? 1 : 0);
  t.equal(eventsOf(env.seen, r.orderId, "StockReleaseRequested").length, 0, "the inventory released it already");
  t.equal(await orderStatus(env, r.orderId), "expired");
});

t.test("buyer cancel: before payment -> cancelled + release; after confirmation -> refunded + refund + release", async (t) => {
  const slow = reservation("pm_card_timeout");
  await reserve(slow);
  await statusIs(slow.orderId, "payment_pending");
  const early = await env.app.inject({ method: "POST", url: `/orders/${slow.orderId}/cancel`, headers: asUser("order", slow.buyerId) });
  t.equal(early.statusCode, 200);
  t.same(early.json(), { orderId: slow.orderId, status: "cancelled" });
  const [rel] = await waitFor(slow.orderId, "StockReleaseRequested");
  t.match(rel!.payload, { reason: "ORDER_CANCELLED" });

  const r = reservation("pm_card_ok");
  await reserve(r);
  await waitFor(r.orderId, "StockConfirmRequested");
  await env.publish(env.topics.inventory, testEnvelope("StockConfirmed", { orderId: r.orderId, dropId: r.dropId, quantity: 1 }));
  await statusIs(r.orderId, "confirmed");
  const other = await env.app.inject({ method: "POST", url: `/orders/${r.orderId}/cancel`, headers: asUser("order", randomUUID()) });
  t.equal(other.statusCode, 404);
  const res = await env.app.inject({ method: "POST", url: `/orders/${r.orderId}/cancel`, headers: asUser("order", r.buyerId) });
  t.same(res.json(), { orderId: r.orderId, status: "refunded" });
  const again = await env.app.inject({ method: "POST", url: `/orders/${r.orderId}/cancel`, headers: asUser("order", r.buyerId) });
  t.same(again.json(), { orderId: r.orderId, status: "refunded" }, "idempotent");
  const [refunded] = await waitFor(r.orderId, "RefundSucceeded");
  t.match(refunded!.payload, { orderId: r.orderId, paymentId: `pay_${r.orderId}`, refundId: `re_${r.orderId}` });
  const [release] = await waitFor(r.orderId, "StockReleaseRequested");
  t.match(release!.payload, { reason: "REFUNDED" });
  t.match((await waitFor(r.orderId, "OrderCancelled"))[0]!.payload, { reason: "REFUNDED" });
  t.equal(eventsOf(env.seen, r.orderId, "RefundRequested").length, 1);
});

t.test("confirm failing (hold gone) refunds the payment", async (t) => {
  const r = reservation("pm_card_ok");
  await reserve(r);
  await waitFor(r.orderId, "StockConfirmRequested");
  await env.publish(env.topics.inventory, testEnvelope("StockConfirmFailed", { orderId: r.orderId, dropId: r.dropId, reason: "HOLD_GONE", detail: "expired" }));
  await waitFor(r.orderId, "RefundSucceeded");
  t.equal(await orderStatus(env, r.orderId), "refunded");
  t.match((await waitFor(r.orderId, "OrderCancelled"))[0]!.payload, { reason: "REFUNDED" });
});

t.test("a refund that keeps failing lands the order in failed, visible in the API", async (t) => {
  const r = reservation("pm_card_refund_fails");
  await reserve(r);
  await waitFor(r.orderId, "StockConfirmRequested");
  const res = await env.app.inject({ method: "POST", url: `/orders/${r.orderId}/cancel`, headers: asUser("order", r.buyerId) });
  t.same(res.json(), { orderId: r.orderId, status: "refunded" });
  const [failed] = await waitFor(r.orderId, "RefundFailed");
  t.match(failed!.payload, { orderId: r.orderId, attempts: 3 });
  await statusIs(r.orderId, "failed");
  const view = await env.app.inject({ url: `/orders/${r.orderId}`, headers: asUser("order", r.buyerId) });
  t.match(view.json(), { status: "failed", failureReason: /REFUND_FAILED/ });
  const pay = await env.clients.pool.query("SELECT status, refund_attempts FROM payments WHERE order_id = $1", [r.orderId]);
  t.same(pay.rows[0], { status: "refund_failed", refund_attempts: 3 });
  const cancelAgain = await env.app.inject({ method: "POST", url: `/orders/${r.orderId}/cancel`, headers: asUser("order", r.buyerId) });
  t.equal(cancelAgain.statusCode, 409);

  // Operators see it and can retry the refund (this test card's refunds always fail: failed again).
  const admin = asUser("order", randomUUID(), "buyer,admin");
  const listed = await env.app.inject({ url: "/admin/orders?status=failed&pageSize=100", headers: admin });
  t.equal(listed.statusCode, 200);
  t.ok(listed.json<{ items: { orderId: string }[] }>().items.some((o) => o.orderId === r.orderId), "listed as failed");
  t.equal((await env.app.inject({ url: "/admin/orders", headers: asUser("order", r.buyerId) })).statusCode, 403, "buyers are not operators");
  const retry = await env.app.inject({ method: "POST", url: `/admin/orders/${r.orderId}/retry-refund`, headers: admin });
  t.same(retry.json(), { orderId: r.orderId, status: "refunded" });
  await waitFor(r.orderId, "RefundFailed", 2);
  await statusIs(r.orderId, "failed");
  t.equal(eventsOf(env.seen, r.orderId, "RefundRequested").length, 2);
  const pay2 = await env.clients.pool.query("SELECT status, refund_attempts FROM payments WHERE order_id = $1", [r.orderId]);
  t.same(pay2.rows[0], { status: "refund_failed", refund_attempts: 6 });
  const notRetryable = await env.app.inject({ method: "POST", url: `/admin/orders/${randomUUID()}/retry-refund`, headers: admin });
  t.equal(notRetryable.statusCode, 404);
});

t.test("GET /orders lists the buyer's orders newest first with a total", async (t) => {
  const buyerId = randomUUID();
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = reservation("pm_card_declined", { buyerId });
    ids.push(r.orderId);
    await reserve(r);
    await eventually(async () => (await orderStatus(env, r.orderId)) !== undefined, 10_000);
  }
  const res = await env.app.inject({ url: `/orders?buyerId=${buyerId}&pageSize=2`, headers: asUser("order", buyerId) });
  t.equal(res.statusCode, 200);
  type Page = { items: { orderId: string }[]; total: number };
  const body = res.json<Page>();
  t.equal(body.total, 3);
  t.same(body.items.map((o) => o.orderId), [ids[2], ids[1]], "newest first, page of 2");
  const page2 = await env.app.inject({ url: `/orders?page=2&pageSize=2`, headers: asUser("order", buyerId) });
  t.same(page2.json<Page>().items.map((o) => o.orderId), [ids[0]], "buyerId defaults to the caller");
  t.equal((await env.app.inject({ url: `/orders?buyerId=${buyerId}`, headers: asUser("order", randomUUID()) })).statusCode, 403);
  t.equal((await env.app.inject({ url: `/orders?pageSize=1000`, headers: asUser("order", buyerId) })).statusCode, 400);
});

t.test("a payment request for an unknown order is handled as a no-op, not dead-lettered", async (t) => {
  const orderId = uniqueName("ghost");
  const before = env.workers.payments.stats().handled;
  await env.publish(env.topics.payments, testEnvelope("PaymentRequested", { orderId, buyerId: "b", amountCents: 1, currency: "EUR", paymentMethod: "pm_card_ok" }));
  await eventually(() => env.workers.payments.stats().handled > before, 10_000);
  t.equal(eventsOf(env.seen, orderId, "PaymentSucceeded").length, 0);
  const rows = await env.clients.pool.query("SELECT 1 FROM payments WHERE order_id = $1", [orderId]);
  t.equal(rows.rowCount, 0);
});

t.test("no message of the whole run was dead-lettered", async (t) => {
  t.equal(env.workers.saga.stats().deadLettered, 0, "saga");
  t.equal(env.workers.payments.stats().deadLettered, 0, "payment worker");
});
