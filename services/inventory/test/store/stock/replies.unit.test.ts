import t from "tap";
import { parseConfirm, parseOpenDrop, parseOrderIds, parseReserve, StockReplyError } from "../../../src/store/stock/replies.ts";

t.same(parseReserve(["NOT_OPEN", 0], "o", ""), { status: "NOT_OPEN", startsAtMs: null });
t.same(parseReserve(["EXISTING", "held", "b", 1, 5, 3, "fp"], "o", ""), {
  status: "HELD", orderId: "o", qty: 1, holdExpiresAtMs: 5, available: 3, fingerprint: "fp", replay: true,
});
t.throws(() => parseReserve(["WHAT"], "o", ""), StockReplyError);
t.throws(() => parseReserve(null, "o", ""), StockReplyError);
t.throws(() => parseReserve(["EXISTING", "weird", "b", 1, 5, 3, ""], "o", ""), StockReplyError);
t.throws(() => parseConfirm(["CONFIRMED", "b", "x", 0]), StockReplyError);
t.throws(() => parseOpenDrop(["ALREADY", "loaded", 1]), StockReplyError);
t.throws(() => parseOrderIds([1]), StockReplyError);
