import t from "tap";
import { newEnvelope } from "@drops/events";
import { commandTargets, confirmFailed, confirmLinesAnswer } from "../../src/domain/commands.ts";
import { uuidV5 } from "../../src/domain/event-id.ts";

const cmd = newEnvelope({
  type: "StockConfirmRequested",
  payload: { orderId: "o1", dropId: "d1", quantity: 1, lines: null },
  correlationId: "o1",
  now: 1_000,
  id: "7d4f8a8e-2f7b-4a53-9b3a-5c2d1e0f9a11",
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
});

t.test("StockConfirmFailed: reason from the outcome, time passed in, id derived from the command's", async (t) => {
  const gone = confirmFailed(cmd, { status: "GONE", state: "expired" }, 5_000);
  t.match(gone, {
    type: "StockConfirmFailed",
    payload: { orderId: "o1", dropId: "d1", reason: "HOLD_GONE", detail: "hold is expired" },
    correlationId: "o1",
    causationId: cmd.eventId,
    traceparent: cmd.traceparent,
    occurredAt: 5_000,
    eventId: uuidV5(`${cmd.eventId}/StockConfirmFailed`),
  });
  t.match(confirmFailed(cmd, { status: "NOT_FOUND" }, 6_000).payload, { reason: "NOT_FOUND", detail: "no hold for this order" });
  t.equal(confirmFailed(cmd, { status: "NOT_FOUND" }, 7_000).eventId, gone.eventId, "a redelivered command yields the same event id");
});

t.test("a cart order's confirm: one StockConfirmed when every line is confirmed, else the first failed line's StockConfirmFailed", async (t) => {
  const lines = [{ productId: "p1", quantity: 2 }, { productId: "p2", quantity: 1 }, { productId: "p3", quantity: 3 }];
  const cart = newEnvelope({ type: "StockConfirmRequested", payload: { orderId: "o2", dropId: "", quantity: 6, lines }, correlationId: "o2", now: 1_000, id: "0c6f1b9e-3d2a-4f5b-8e7c-1a2b3c4d5e6f" });
  t.same(commandTargets(cart.payload), ["p1", "p2", "p3"]);
  t.same(commandTargets(cmd.payload), ["d1"], "a drop order acts on its drop");
  t.same(commandTargets({ dropId: "", lines: [...lines, { productId: "p1", quantity: 2 }] }), ["p1", "p2", "p3"], "a product once");

  const confirmed = (qty: number) => ({ status: "CONFIRMED", buyerId: "b", qty, replay: false }) as const;
  const ok = confirmLinesAnswer(cart, [{ productId: "p1", outcome: confirmed(2) }, { productId: "p2", outcome: confirmed(1) }, { productId: "p3", outcome: confirmed(3) }], 9_000);
  t.match(ok, {
    type: "StockConfirmed",
    payload: { orderId: "o2", dropId: "", quantity: 6 },
    correlationId: "o2",
    causationId: cart.eventId,
    occurredAt: 9_000,
    eventId: uuidV5(`${cart.eventId}/StockConfirmed`),
  });
  const failed = confirmLinesAnswer(cart, [
    { productId: "p1", outcome: confirmed(2) },
    { productId: "p2", outcome: { status: "GONE", state: "expired" } },
    { productId: "p3", outcome: { status: "NOT_FOUND" } },
  ], 9_000);
  t.match(failed, {
    type: "StockConfirmFailed",
    payload: { orderId: "o2", dropId: "", reason: "HOLD_GONE", detail: "product p2: hold is expired" },
    causationId: cart.eventId,
    eventId: uuidV5(`${cart.eventId}/StockConfirmFailed`),
  });
  t.match(confirmLinesAnswer(cart, [], 9_000), { type: "StockConfirmFailed", payload: { reason: "NOT_FOUND" } }, "no lines: nothing to confirm");
});
