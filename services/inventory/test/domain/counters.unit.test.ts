import t from "tap";
import { applyRow, sumRows, ZERO } from "../../src/domain/counters.ts";

t.test("row kinds move the counters", async (t) => {
  t.same(sumRows([{ kind: "opened", qty: 10 }, { kind: "reserved", qty: 3 }, { kind: "confirmed", qty: 2 }, { kind: "released", qty: 1 }]), { total: 10, adjustments: 0, available: 8, held: 0, sold: 2 });
  t.same(applyRow(ZERO, "adjusted", -2), { total: 0, adjustments: -2, available: -2, held: 0, sold: 0 });
  t.same(sumRows([{ kind: "opened", qty: 5 }, { kind: "reserved", qty: 1 }, { kind: "expired", qty: 1 }, { kind: "reserved", qty: 2 }, { kind: "confirmed", qty: 2 }, { kind: "refunded", qty: 2 }]), { total: 5, adjustments: 0, available: 5, held: 0, sold: 0 });
});
