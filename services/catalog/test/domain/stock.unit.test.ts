import t from "tap";
import type { StockChanged } from "@drops/events";
import { MalformedSnapshotError, storedStatus, stockFigures } from "../../src/domain/stock.ts";

const id = "0b9f5c1e-8f7a-4c2d-9e3b-1a2b3c4d5e6f";
const snap = (over: Partial<StockChanged> = {}): StockChanged => ({ dropId: id, available: 3, held: 2, sold: 5, total: 10, status: "OPEN", seq: 123_456, ...over });

t.test("stockFigures: what the catalog keeps of a snapshot", async (t) => {
  t.same(stockFigures(snap()), { itemId: id, available: 3, total: 10, sold: 5, seq: 123_456, status: "open" });
  t.same(stockFigures(snap({ dropId: id.toUpperCase() })).itemId, id, "ids lower-cased");
  t.notOk("status" in stockFigures(snap({ status: "UNKNOWN" })), "UNKNOWN keeps the stored status");
});

t.test("storedStatus: sold out is open with nothing left; scheduled stays scheduled", async (t) => {
  t.same(
    (["SCHEDULED", "OPEN", "PAUSED", "SOLD_OUT", "CLOSED", "UNKNOWN"] as const).map(storedStatus),
    ["scheduled", "open", "paused", "open", "closed", undefined],
  );
});

t.test("a snapshot that cannot be a stock item's is refused", async (t) => {
  for (const bad of [snap({ dropId: "" }), snap({ dropId: "not-a-uuid" }), snap({ available: -1, total: 6 }), snap({ total: 11 }), snap({ seq: 1.5 }), snap({ held: Number.NaN })]) {
    t.throws(() => stockFigures(bad), MalformedSnapshotError, JSON.stringify(bad));
  }
});
