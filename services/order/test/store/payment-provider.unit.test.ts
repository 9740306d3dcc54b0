import t from "tap";
import { createSimulatedProvider } from "../../src/store/payment-provider.ts";

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
