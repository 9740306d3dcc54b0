import t from "tap";
import { inTransaction } from "@drops/db";
import { testEnvelope } from "@drops/kafka/testing";
import { appendOutbox } from "../../src/store/outbox.ts";
import { testDatabase } from "../helpers.ts";

t.test("appendOutbox refuses an event that does not fit its schema", async (t) => {
  const { pool } = await testDatabase(t, "outbox");
  const bad = testEnvelope("OrderCancelled", { orderId: "o-1", dropId: "d", buyerId: "b", quantity: 1.5, reason: "OTHER", detail: null });
  await t.rejects(inTransaction(pool, (tx) => appendOutbox(tx, [{ topic: "x", event: bad }])), { name: "EventEncodeError" });
});
