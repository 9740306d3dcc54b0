import t from "tap";
import { newEnvelope } from "@drops/events";
import { confirmFailed } from "../../src/domain/commands.ts";
import { uuidV5 } from "../../src/domain/event-id.ts";

const cmd = newEnvelope({
  type: "StockConfirmRequested",
  payload: { orderId: "o1", dropId: "d1", quantity: 1 },
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
