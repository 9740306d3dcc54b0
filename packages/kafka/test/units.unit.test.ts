// Broker-free tests of the pieces: batcher, backoff, dead-letter message, trace headers.
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { TraceFlags, context, propagation, trace } from "@opentelemetry/api";
import type { TopicMessages } from "kafkajs";
import t from "tap";
import { Batcher, DLQ_HEADER, backoffDelay, contextFromHeaders, deadLetterMessage, withActiveTraceContext } from "../src/index.ts";
import { pause } from "../src/retry.ts";
import { stockChanged } from "./fixtures.ts";

t.test("batcher: linger, max batch, urgent, one send in flight, failures reject their batch", async (t) => {
  const sent: TopicMessages[][] = [];
  let release: (() => void) | undefined;
  let fail = false;
  const b = new Batcher({
    lingerMs: 20,
    maxBatch: 3,
    send: async (batch) => {
      sent.push(batch);
      if (release === undefined) await new Promise<void>((r) => (release = r));
      if (fail) throw new Error("broker says no");
    },
  });
  const p1 = b.enqueue("a", { value: "1" });
  const p2 = b.enqueue("b", { value: "2" });
  t.equal(sent.length, 0, "lingering");
  const p3 = b.enqueue("a", { value: "3" });
  t.equal(sent.length, 1, "max batch reached: sent at once");
  t.same(sent[0], [
    { topic: "a", messages: [{ value: "1" }, { value: "3" }] },
    { topic: "b", messages: [{ value: "2" }] },
  ]);
  const p4 = b.enqueue("a", { value: "4" }, true);
  t.equal(sent.length, 1, "urgent waits for the send in flight");
  release!();
  await Promise.all([p1, p2, p3, p4]);
  t.equal(sent.length, 2);
  t.same(b.stats(), { enqueued: 4, sent: 4, failed: 0, batches: 2, pending: 0 });

  fail = true;
  const p5 = b.enqueue("a", { value: "5" });
  await t.rejects(p5, /broker says no/);
  await b.flush();
  t.same(b.stats(), { enqueued: 5, sent: 4, failed: 1, batches: 3, pending: 0 });
  t.throws(() => new Batcher({ lingerMs: 0, maxBatch: 0, send: async () => {} }), RangeError);
});

t.test("batcher: lingerMs 0 sends at once; flush waits for everything", async (t) => {
  let n = 0;
  const b = new Batcher({ lingerMs: 0, maxBatch: 100, send: async () => void n++ });
  const all = [b.enqueue("a", { value: "x" }), b.enqueue("a", { value: "y" })];
  await b.flush();
  await Promise.all(all);
  t.equal(n, 2, "first went alone, the second waited for it");
});

t.test("backoff doubles up to the cap; pause heartbeats and stops on abort", async (t) => {
  const p = { attempts: 5, initialDelayMs: 100, maxDelayMs: 350 };
  t.same([1, 2, 3, 4].map((r) => backoffDelay(p, r)), [100, 200, 350, 350]);
  let ticks = 0;
  const ac = new AbortController();
  t.equal(await pause(60, ac.signal, async () => void ticks++, 20), true);
  t.ok(ticks >= 1, "heartbeat during the wait");
  setTimeout(() => ac.abort(), 30);
  const t0 = Date.now();
  t.equal(await pause(10_000, ac.signal, async () => {}), false);
  t.ok(Date.now() - t0 < 1_000);
});

t.test("dead-letter message keeps key, value and headers, adds dlq-* headers", async (t) => {
  const msg = { key: Buffer.from("k"), value: Buffer.from([1, 2]), headers: { a: Buffer.from("b") }, offset: "7", timestamp: "0", attributes: 0 };
  const dl = deadLetterMessage(msg, { topic: "src", partition: 2, groupId: "g" }, "HANDLER_FAILED", new TypeError("x".repeat(3_000)), new Date(0));
  t.equal(dl.key, msg.key);
  t.equal(dl.value, msg.value);
  t.same(dl.headers, {
    a: Buffer.from("b"),
    [DLQ_HEADER.reason]: "HANDLER_FAILED",
    [DLQ_HEADER.error]: `TypeError: ${"x".repeat(3_000)}`.slice(0, 2_000) + "…",
    [DLQ_HEADER.sourceTopic]: "src",
    [DLQ_HEADER.sourcePartition]: "2",
    [DLQ_HEADER.sourceOffset]: "7",
    [DLQ_HEADER.consumerGroup]: "g",
    [DLQ_HEADER.failedAt]: "1970-01-01T00:00:00.000Z",
  });
  t.equal(deadLetterMessage({ key: null, value: null, offset: "1", timestamp: "0", attributes: 0, size: 0 }, { topic: "s", partition: 0, groupId: "g" }, "R", "str", new Date(0)).headers?.[DLQ_HEADER.error], "str");
});

t.test("trace context: injected from the active span unless the envelope has one; extracted from Buffer headers", async (t) => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  t.teardown(() => {
    context.disable();
    propagation.disable();
  });
  const e = stockChanged();
  t.equal(withActiveTraceContext(e, {}), e, "no active span: unchanged");
  const sc = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: TraceFlags.SAMPLED };
  const inSpan = context.with(trace.setSpan(context.active(), trace.wrapSpanContext(sc)), () => withActiveTraceContext(e, {}));
  t.equal(inSpan.traceparent, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  const kept = { ...e, traceparent: "00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01" };
  t.equal(context.with(trace.setSpan(context.active(), trace.wrapSpanContext(sc)), () => withActiveTraceContext(kept, {})), kept, "the envelope's own wins");

  const ctx = contextFromHeaders({ traceparent: [Buffer.from(inSpan.traceparent!)], other: undefined });
  t.equal(trace.getSpanContext(ctx)?.traceId, sc.traceId);
  t.equal(trace.getSpanContext(contextFromHeaders(undefined)), undefined);
});
