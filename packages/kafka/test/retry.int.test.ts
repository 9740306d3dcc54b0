import { eventually, uniqueName } from "@drops/testing";
import t from "tap";
import { DLQ_HEADER } from "../src/index.ts";
import { collectMessages, headerOf as header, runTestConsumer, testKafka, testPublisher, testTopic } from "../src/testing.ts";
import { stockChanged } from "./fixtures.ts";

t.setTimeout(120_000);

t.test("a handler that fails then succeeds is retried; one that always fails is dead-lettered after the attempts", async (t) => {
  const kafka = testKafka();
  const { topic, dlq } = await testTopic(t, kafka, "retry", 1);
  const { publish } = testPublisher(t, kafka);

  await publish(topic, stockChanged("flaky"));
  await publish(topic, stockChanged("broken"));
  await publish(topic, stockChanged("fine"));

  const calls: Record<string, number[]> = {};
  const done: string[] = [];
  const runner = await runTestConsumer(t, {
    kafka,
    groupId: uniqueName("retry_group"),
    topics: [topic],
    retry: { attempts: 4, initialDelayMs: 20, maxDelayMs: 50 },
    handlers: {
      StockChanged: async (e, ctx) => {
        const id = e.payload.dropId;
        (calls[id] ??= []).push(ctx.attempt);
        if (id === "flaky" && ctx.attempt <= 2) throw new Error("flaky: not yet");
        if (id === "broken") throw new Error("broken: always");
        done.push(id);
      },
    },
  });
  const { items: dead } = await collectMessages(t, kafka, dlq);

  await eventually(() => done.includes("fine") && dead.length === 1, 60_000);
  t.same(calls, { flaky: [1, 2, 3], broken: [1, 2, 3, 4], fine: [1] });
  t.same(done, ["flaky", "fine"]);
  t.equal(header(dead[0]!, DLQ_HEADER.reason), "HANDLER_FAILED");
  t.match(header(dead[0]!, DLQ_HEADER.error), /Error: broken: always/);
  t.equal(header(dead[0]!, DLQ_HEADER.sourceOffset), "1");
  t.same(runner.stats(), { handled: 2, skipped: 0, retries: 5, deadLettered: 1, transientRetries: 0, waiting: 0 });
  await runner.stop();
});

t.test("stop() lets the message in flight finish and commits it", async (t) => {
  const kafka = testKafka();
  const { topic } = await testTopic(t, kafka, "stop", 1);
  const { publish } = testPublisher(t, kafka);
  await publish(topic, stockChanged("slow"));
  await publish(topic, stockChanged("next"));

  let started = false;
  const finished: string[] = [];
  const groupId = uniqueName("stop_group");
  const runner = await runTestConsumer(t, {
    kafka,
    groupId,
    topics: [topic],
    commitIntervalMs: 60_000,
    handlers: {
      StockChanged: async (e) => {
        started = true;
        await new Promise((r) => setTimeout(r, 1_500));
        finished.push(e.payload.dropId);
      },
    },
  });
  await eventually(() => started, 60_000);
  await runner.stop();
  t.same(finished, ["slow"], "the in-flight handler finished; the next message was not started");

  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  t.equal(offsets!.partitions[0]!.offset, "1", "the finished message is committed, the next is not");
});

t.test("stop() during a backoff gives up the message without committing it", async (t) => {
  const kafka = testKafka();
  const { topic, dlq } = await testTopic(t, kafka, "stopretry", 1);
  const { publish } = testPublisher(t, kafka);
  await publish(topic, stockChanged("failing"));
  let attempts = 0;
  const groupId = uniqueName("stopretry_group");
  const runner = await runTestConsumer(t, {
    kafka,
    groupId,
    topics: [topic],
    retry: { attempts: 3, initialDelayMs: 30_000, maxDelayMs: 30_000 },
    handlers: {
      StockChanged: async () => {
        attempts++;
        throw new Error("down");
      },
    },
  });
  await eventually(() => attempts === 1, 60_000);
  const t0 = Date.now();
  await runner.stop();
  t.ok(Date.now() - t0 < 10_000, "did not sit out the 30 s backoff");
  t.equal(attempts, 1);
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  t.equal(offsets!.partitions[0]!.offset, "-1", "not committed: the next owner retries it");
  t.equal((await admin.fetchTopicOffsets(dlq))[0]!.high, "0", "not dead-lettered");
});
