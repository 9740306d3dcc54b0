/** chargeOnPaymentRequested against PostgreSQL with a scripted provider (no Kafka needed). */
import { randomUUID } from "node:crypto";
import t from "tap";
import { inTransaction } from "@drops/db";
import type { PaymentRequested } from "@drops/events";
import { testEnvelope } from "@drops/kafka/testing";
import { chargeOnPaymentRequested } from "../../src/handlers/charge-on-payment-requested.ts";
import { defaultTopics } from "../../src/domain/topics.ts";
import type { PaymentDeps, PaymentProvider } from "../../src/store/payment-provider.ts";
import { startPayment } from "../../src/store/payments.ts";
import { applyInTx, runSagaStep } from "../../src/store/saga-step.ts";
import { approvingProvider, testDatabase } from "../helpers.ts";

const ctx = { topic: "t", partition: 0, offset: "0", headers: {}, attempt: 1 };

t.test("a charge that died mid-flight is repeated on redelivery even if the order ended meanwhile", async (t) => {
  const { pool } = await testDatabase(t, "worker");
  const { provider, charges } = approvingProvider();
  const deps: PaymentDeps = { pool, topics: defaultTopics, now: Date.now, newId: randomUUID, defaultCurrency: "EUR", provider, paymentTimeoutMs: 2_000, maxAttempts: 3 };
  const orderId = `o-${randomUUID()}`;
  const reserved = { orderId, dropId: "d", buyerId: "b", quantity: 1, holdExpiresAt: Date.now() + 60_000, amountCents: 500, currency: "EUR", paymentMethod: "pm_card_ok" };
  await runSagaStep(deps, orderId, { type: "StockReserved", reserved, defaultCurrency: "EUR" }, null);

  // An earlier attempt started the charge and died before settling it.
  await inTransaction(pool, async (tx) => {
    await applyInTx(tx, deps, orderId, { type: "PaymentStarted", deadlineAt: Date.now() + 2_000 }, null);
    await startPayment(tx, { orderId, amountCents: 500, paymentMethod: "pm_card_ok", now: Date.now() });
  });
  // Meanwhile the buyer cancelled.
  await runSagaStep(deps, orderId, { type: "CancelRequested", buyerId: "b" }, null);

  const request: PaymentRequested = { orderId, buyerId: "b", amountCents: 500, currency: "EUR", paymentMethod: "pm_card_ok" };
  const handler = chargeOnPaymentRequested(deps);
  await handler(testEnvelope("PaymentRequested", request), ctx);
  t.same(charges, [orderId], "charged again (the provider treats it as the same payment)");
  const pay = await pool.query("SELECT status, provider_ref, attempts FROM payments WHERE order_id = $1", [orderId]);
  t.same(pay.rows[0], { status: "succeeded", provider_ref: `pay_${orderId}`, attempts: 2 });
  const out = await pool.query<{ event_type: string }>("SELECT event_type FROM outbox WHERE key = $1 ORDER BY seq", [orderId]);
  t.same(out.rows.map((r) => r.event_type), ["PaymentRequested", "OrderCancelled", "StockReleaseRequested", "PaymentSucceeded"], "the late success is reported (the saga refunds it)");

  await handler(testEnvelope("PaymentRequested", request), ctx);
  t.equal(charges.length, 1, "a settled payment is not charged again");
});

t.test("a provider error is thrown for runConsumer to retry; the payment stays processing", async (t) => {
  const { pool } = await testDatabase(t, "worker");
  const provider: PaymentProvider = { charge: async () => Promise.reject(new Error("provider 502")), refund: async () => ({ refundId: "r" }) };
  const deps: PaymentDeps = { pool, topics: defaultTopics, now: Date.now, newId: randomUUID, defaultCurrency: "EUR", provider, paymentTimeoutMs: 2_000, maxAttempts: 3 };
  const orderId = `o-${randomUUID()}`;
  const reserved = { orderId, dropId: "d", buyerId: "b", quantity: 1, holdExpiresAt: Date.now() + 60_000, amountCents: 500, currency: "EUR", paymentMethod: "pm_card_ok" };
  await runSagaStep(deps, orderId, { type: "StockReserved", reserved, defaultCurrency: "EUR" }, null);
  const event = testEnvelope("PaymentRequested", { orderId, buyerId: "b", amountCents: 500, currency: "EUR", paymentMethod: "pm_card_ok" });
  await t.rejects(chargeOnPaymentRequested(deps)(event, ctx), /provider 502/);
  const pay = await pool.query("SELECT status FROM payments WHERE order_id = $1", [orderId]);
  t.equal(pay.rows[0].status, "processing");
});
