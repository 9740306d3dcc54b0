import t from "tap";
import { checkStockInvariant, isDropStatus, isHoldState } from "../../src/domain/stock.ts";

t.same(checkStockInvariant({ total: 10, adjustments: 0, available: 3, held: 2, sold: 5 }), { ok: true });
t.same(checkStockInvariant({ total: 10, adjustments: 5, available: 8, held: 2, sold: 5 }), { ok: true }, "restock counted");
t.match(checkStockInvariant({ total: 10, adjustments: 0, available: 4, held: 2, sold: 5 }), { ok: false, expected: 10, actual: 11 }, "oversold");
t.match(checkStockInvariant({ total: 0, adjustments: 0, available: 1, held: -1, sold: 0 }), { ok: false, reason: /negative held/ });
t.ok(isHoldState("expired"));
t.notOk(isHoldState("pending"));
t.ok(isDropStatus("paused"));
t.notOk(isDropStatus("loaded"));
