// Transient is not poison, on a real broker: a handler whose dependency is down is retried past
// retry.attempts and never dead-lettered, without losing its group membership, while the other keys
// of its batch go on; a permanent failure after a transient one is still dead-lettered in bounds.
import { eventually, uniqueName } from "@drops/testing";
import t from "tap";
import { TransientError } from "../src/index.ts";
import { collectMessages, runTestConsumer, testKafka, testPublisher, testTopic } from "../src/testing.ts";
import { stockChanged } from "./fixtures.ts";

t.setTimeout(120_000);

async function memberIds(kafka: ReturnType<typeof testKafka>, groupId: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]!.members.map((m) => m.memberId).sort();
  } finally {
    await admin.disconnect();
  }
}

t.test("a dependency down: the event waits (past every attempt, heartbeating), other keys go on, then it completes; nothing dead-lettered", async (t) => {
  const kafka = testKafka();
  const { topic, dlq } = await testTopic(t, kafka, "transient", 1);
  const { publish } = testPublisher(t, kafka);
  await publish(topic, stockChanged("d-down", 1));
  for (let i = 0; i < 10; i++) await publish(topic, stockChanged(`d-ok-${i % 3}`, i));
  await publish(topic, stockChanged("d-down", 2));

  let dependencyUp = false;
  const calls: { id: string; attempt: number }[] = [];
  const done: string[] = [];
  const groupId = uniqueName("transient_group");
  const { items: dead } = await collectMessages(t, kafka, dlq);
  const runner = await runTestConsumer(
    t,
    {
      kafka,
      groupId,
      topics: [topic],
      // Session 6 s (the broker's minimum): the wait below lasts longer, so only heartbeats keep the member in.
      consumerConfig: { sessionTimeout: 6_000, rebalanceTimeout: 6_000, heartbeatInterval: 500 },
      retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 200 },
      handlers: {
        StockChanged: async (e, ctx) => {
          const id = `${e.payload.dropId}:${e.payload.available}`;
          calls.push({ id, attempt: ctx.attempt });
          if (e.payload.dropId === "d-down" && !dependencyUp) {
            throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
          }
          done.push(id);
        },
      },
    },
    { concurrency: 4 },
  );
  const members = await memberIds(kafka, `${process.env["KAFKA_TOPIC_PREFIX"] ?? ""}${groupId}`);
  t.equal(members.length, 1, "one member in the group");

  await eventually(() => done.length === 10, 30_000);
  t.same(done.filter((d) => d.startsWith("d-down")), [], "the waiting key has not passed");
  t.equal(runner.stats().waiting, 1, "one message waits for its dependency");
  await new Promise((r) => setTimeout(r, 8_000)); // longer than the session timeout
  t.ok(runner.stats().transientRetries > 20, `retried far past retry.attempts (${runner.stats().transientRetries} times)`);
  t.ok(calls.filter((c) => c.id === "d-down:1").every((c) => c.attempt === 1), "transient failures use up no attempt");

  dependencyUp = true;
  await eventually(() => done.includes("d-down:2"), 30_000);
  t.same(done.filter((d) => d.startsWith("d-down")), ["d-down:1", "d-down:2"], "the key's events in order once it is back");
  t.same(dead, [], "nothing dead-lettered");
  t.same(await memberIds(kafka, `${process.env["KAFKA_TOPIC_PREFIX"] ?? ""}${groupId}`), members, "the same member throughout: never kicked out of the group");
  t.match(runner.stats(), { handled: 12, deadLettered: 0, retries: 0, waiting: 0 });
});

t.test("an explicit TransientError waits; a permanent failure after it is dead-lettered after the attempts", async (t) => {
  const kafka = testKafka();
  const { topic, dlq } = await testTopic(t, kafka, "transient2", 1);
  const { publish } = testPublisher(t, kafka);
  await publish(topic, stockChanged("mixed", 1));

  const attempts: number[] = [];
  const { items: dead } = await collectMessages(t, kafka, dlq);
  const runner = await runTestConsumer(t, {
    kafka,
    topics: [topic],
    retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 20 },
    handlers: {
      StockChanged: async (_e, ctx) => {
        attempts.push(ctx.attempt);
        // Five transient failures, then a bug for good.
        if (attempts.length <= 5) throw new TransientError("the ledger is restarting");
        throw new Error("bug");
      },
    },
  });
  await eventually(() => dead.length === 1, 30_000);
  t.same(attempts, [1, 1, 1, 1, 1, 1, 2, 3], "the attempts count only the permanent failures");
  t.match(runner.stats(), { handled: 0, deadLettered: 1, retries: 2, transientRetries: 5 });
});
