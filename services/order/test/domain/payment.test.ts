import t from "tap";
import { TEST_METHODS, simulateCharge, simulatedPaymentId, simulatedRefundFails } from "../../src/domain/payment.ts";
import { createSimulatedProvider } from "../../src/store/payment-provider.ts";

t.test("simulated provider decisions per test token", async (t) => {
  t.same(simulateCharge("pm_card_ok", 0.5, 0), { kind: "approve" });
  t.same(simulateCharge("pm_card_declined", 0.99, 0), { kind: "decline", reason: "DECLINED", detail: "card declined" });
  t.same(simulateCharge("pm_card_timeout", 0, 1), { kind: "hang" });
  t.match(simulateCharge("pm_card_ok", 0.1, 0.2), { kind: "decline", reason: "DECLINED" }, "random decline below the rate");
  t.same(simulateCharge("pm_card_ok", 0.3, 0.2), { kind: "approve" }, "approve above the rate");
  t.match(simulateCharge(null, 0.5, 0), { kind: "decline", reason: "ERROR" });
  t.match(simulateCharge("visa", 0.5, 0), { kind: "decline", reason: "ERROR" });
  t.equal(simulatedPaymentId("o-1", "pm_card_ok"), "pay_o-1");
  t.ok(simulatedRefundFails(simulatedPaymentId("o-1", TEST_METHODS.refundFails)));
  t.notOk(simulatedRefundFails("pay_o-1"));
});

/** Like AbortSignal.timeout, but its timer keeps the process alive (AbortSignal.timeout's does not). */
function deadline(ms: number): AbortSignal {
  const c = new AbortController();
  setTimeout(() => c.abort(new DOMException("deadline", "TimeoutError")), ms);
  return c.signal;
}

t.test("the simulated provider answers after its latency and never for pm_card_timeout", async (t) => {
  const p = createSimulatedProvider({ declineRate: 0, latencyMs: 20, random: () => 0.5 });
  const started = Date.now();
  t.same(await p.charge({ orderId: "o-1", amountCents: 1, currency: "EUR", paymentMethod: "pm_card_ok" }, deadline(1_000)), { status: "approved", paymentId: "pay_o-1" });
  t.ok(Date.now() - started >= 15, "latency applied");
  t.match(await p.charge({ orderId: "o-1", amountCents: 1, currency: "EUR", paymentMethod: "pm_card_declined" }, deadline(1_000)), { status: "declined", reason: "DECLINED" });
  await t.rejects(p.charge({ orderId: "o-1", amountCents: 1, currency: "EUR", paymentMethod: "pm_card_timeout" }, deadline(100)), { name: "TimeoutError" });
  t.same(await p.refund({ orderId: "o-1", paymentId: "pay_o-1", amountCents: 1 }, deadline(1_000)), { refundId: "re_o-1" });
  await t.rejects(p.refund({ orderId: "o-1", paymentId: "payrf_o-1", amountCents: 1 }, deadline(1_000)), /refund of payrf_o-1 failed/);
});
