import t from "tap";
import { newEnvelope } from "../src/index.ts";
import type { DropsEvent } from "../src/index.ts";
import { ID, samplePayloads } from "./fixtures.ts";

t.test("newEnvelope is pure and fills defaults", async (t) => {
  const input = { type: "StockReserved" as const, payload: samplePayloads.StockReserved, correlationId: "o-1", now: new Date(1_000), id: ID };
  const a = newEnvelope(input);
  t.same(a, newEnvelope(input), "same input, same output");
  t.same(a, {
    eventId: ID,
    type: "StockReserved",
    version: 2,
    occurredAt: 1_000,
    correlationId: "o-1",
    causationId: null,
    traceparent: null,
    tracestate: null,
    payload: samplePayloads.StockReserved,
  });
  t.equal(newEnvelope({ ...input, now: 5 }).occurredAt, 5);
  t.equal(newEnvelope({ type: "OrderPlaced", payload: samplePayloads.OrderPlaced, correlationId: "o-1", now: 1, id: ID }).version, 2, "latest version by default");
  t.throws(() => newEnvelope({ ...input, type: "Nope" as "StockReserved" }), /unknown event type/);
});

t.test("DropsEvent narrows on type", async (t) => {
  const e: DropsEvent = newEnvelope({ type: "StockRejected", payload: samplePayloads.StockRejected, correlationId: "o-1", now: 1, id: ID });
  // e.payload.reason only typechecks once e.type has narrowed the union.
  t.equal(e.type === "StockRejected" ? e.payload.reason : undefined, "SOLD_OUT");
});
