import { randomBytes, randomUUID } from "node:crypto";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { TraceFlags, context, propagation, trace } from "@opentelemetry/api";
import { newEnvelope } from "@drops/events";
import type { EventEnvelope } from "@drops/events";
import { eventually } from "@drops/testing";
import t from "tap";
import { createProducer } from "../src/index.ts";
import { runTestConsumer, testKafka, testTopic } from "../src/testing.ts";

t.setTimeout(120_000);
const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
t.teardown(() => {
  context.disable();
  propagation.disable();
});

t.test("an Avro event and its trace context make the round trip through the broker", async (t) => {
  const kafka = testKafka();
  const { topic } = await testTopic(t, kafka, "trace");
  const producer = createProducer(kafka);
  t.teardown(() => producer.close());

  const traceId = randomBytes(16).toString("hex");
  const parent = trace.wrapSpanContext({ traceId, spanId: randomBytes(8).toString("hex"), traceFlags: TraceFlags.SAMPLED });
  const sent = newEnvelope({
    type: "OrderPlaced",
    payload: { orderId: "o-9", dropId: "d-9", buyerId: "b-9", quantity: 1, unitPriceCents: 2_500, amountCents: 2_500, currency: "EUR", checkoutId: null },
    correlationId: "o-9",
    now: 1_700_000_000_000,
    id: randomUUID(),
  });
  await context.with(trace.setSpan(context.active(), parent), () => producer.publish(topic, null, sent));

  const seen: { event: EventEnvelope<"OrderPlaced">; traceId: string | undefined; key: string | undefined }[] = [];
  const runner = await runTestConsumer(t, {
    kafka,
    topics: [topic],
    handlers: {
      OrderPlaced: async (event, ctx) => {
        seen.push({ event, traceId: trace.getSpanContext(context.active())?.traceId, key: ctx.headers["event-id"]?.toString() });
      },
    },
  });

  await eventually(() => seen.length > 0, 60_000);
  const got = seen[0]!;
  t.equal(got.traceId, traceId, "handler runs inside the producer's trace");
  t.match(got.event.traceparent, new RegExp(`^00-${traceId}-`), "envelope carries the traceparent");
  t.same(got.event.payload, sent.payload);
  t.same({ ...got.event, traceparent: null }, sent, "everything else is what was sent");
  t.equal(got.key, sent.eventId, "ctx exposes the raw headers");
  t.equal(runner.stats().handled, 1);
});

t.test("without an active span nothing is injected", async (t) => {
  const kafka = testKafka();
  const { topic } = await testTopic(t, kafka, "notrace", 1);
  const producer = createProducer(kafka);
  t.teardown(() => producer.close());
  const sent = newEnvelope({ type: "StockConfirmed", payload: { orderId: "o", dropId: "d", quantity: 1 }, correlationId: "o", now: 1, id: randomUUID() });
  await producer.publishNow(topic, "k", sent);
  const seen: (string | null)[] = [];
  await runTestConsumer(t, { kafka, topics: [topic], handlers: { StockConfirmed: async (e) => void seen.push(e.traceparent) } });
  await eventually(() => seen.length > 0, 60_000);
  t.same(seen, [null]);
});
