import t from "tap";
import { publicOrder } from "../../src/domain/order-status.ts";

t.test("the buyer sees the BRIEF's statuses; the saga's payment steps show as held with their stage", async (t) => {
  t.match(publicOrder({ orderId: "o", status: "payment_pending" }), { status: "held", stage: "payment_pending" });
  t.match(publicOrder({ orderId: "o", status: "paid" }), { status: "held", stage: "paid" });
  for (const s of ["held", "confirmed", "cancelled", "expired", "refunded", "failed"]) {
    t.match(publicOrder({ orderId: "o", status: s }), { status: s, stage: s });
  }
});
