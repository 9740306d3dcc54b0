import t from "tap";
import { TEST_METHODS, simulateCharge, simulatedPaymentId, simulatedRefundFails } from "../../src/domain/payment.ts";

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
