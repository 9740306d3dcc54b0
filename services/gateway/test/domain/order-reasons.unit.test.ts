import t from "tap";
import { buyerReasons, internalStatusFilter, plainReason } from "../../src/domain/order-reasons.ts";

t.test("buyers read a plain reason, never the provider's raw message", async (t) => {
  t.equal(plainReason(null), null);
  t.equal(plainReason(""), null);
  t.match(plainReason("PAYMENT_FAILED:DECLINED"), /declined/);
  t.match(plainReason("PAYMENT_FAILED:TIMEOUT"), /in time/);
  t.match(plainReason("HOLD_EXPIRED"), /expired/);
  t.match(plainReason("BUYER_CANCELLED"), /You cancelled/);
  t.match(plainReason("CONFIRM_FAILED:HOLD_GONE"), /refunded/);
  t.match(plainReason("REFUND_FAILED: stripe said card_xyz acct_123 rejected"), /delayed/);
  t.equal(plainReason("SOMETHING_NEW:raw"), "This order could not be completed.");

  const raw = { orderId: "o", status: "failed", cancelReason: "PAYMENT_FAILED:DECLINED", failureReason: "REFUND_FAILED: provider 500 at https://internal/x" };
  const seen = buyerReasons(raw);
  t.same(seen, { orderId: "o", status: "failed", cancelReason: "PAYMENT_FAILED", failureReason: "REFUND_FAILED", reason: "Your refund is delayed; our team is on it." });
  t.notMatch(JSON.stringify(seen), /provider|https/, "no raw detail left");
  t.same(buyerReasons({ orderId: "o", cancelReason: null, failureReason: null }), { orderId: "o", cancelReason: null, failureReason: null, reason: null });
});

t.test("a public status filter covers the saga statuses shown as it", async (t) => {
  t.equal(internalStatusFilter("held"), "held,payment_pending,paid");
  t.equal(internalStatusFilter("confirmed"), "confirmed");
  t.equal(internalStatusFilter("failed"), "failed");
});
