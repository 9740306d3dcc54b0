import t from "tap";
import { DLQ_HEADER, deadLetterMessage, readDeadLetterHeaders } from "../src/index.ts";

t.test("readDeadLetterHeaders: what the dlq-* headers say, and the original headers without them", async (t) => {
  const original = { "event-id": Buffer.from("ev-1"), "event-type": Buffer.from("OrderPlaced"), traceparent: "00-a-b-01" };
  const letter = deadLetterMessage(
    { key: Buffer.from("k"), value: Buffer.from("v"), headers: original, offset: "41", timestamp: "0", attributes: 0, size: 0 } as never,
    { topic: "drops.orders", partition: 2, groupId: "notification" },
    "HANDLER_FAILED",
    new Error("boom"),
    new Date("2030-01-01T00:00:00.000Z"),
  );
  // as kafkajs hands them to a consumer: every header a Buffer
  const received = Object.fromEntries(Object.entries(letter.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]));
  const { info, original: back } = readDeadLetterHeaders(received);
  t.same(info, {
    reason: "HANDLER_FAILED", error: "Error: boom", sourceTopic: "drops.orders", sourcePartition: "2", sourceOffset: "41",
    consumerGroup: "notification", failedAt: "2030-01-01T00:00:00.000Z",
  });
  t.same(Object.keys(back).sort(), ["event-id", "event-type", "traceparent"]);
  t.notOk(Object.keys(back).some((k) => Object.values(DLQ_HEADER).includes(k as never)));
  t.same(readDeadLetterHeaders({}).info.reason, null, "a message without them");
});
