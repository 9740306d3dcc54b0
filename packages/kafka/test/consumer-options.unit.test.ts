// runConsumer's options are checked before anything connects; one error names every bad option.
import t from "tap";
import type { RunConsumerOptions } from "../src/index.ts";
import { ConsumerOptionsError, consumerOptionsProblems, createKafka, runConsumer } from "../src/index.ts";

// A client that is never connected (no broker is needed: validation fails before any connect).
const kafka = createKafka({ clientId: "options-test", brokers: ["127.0.0.1:1"] });
const fine: RunConsumerOptions = { kafka, groupId: "g", topics: ["a"], handlers: { StockChanged: async () => {} } };

t.test("valid options, optional ones absent or undefined, have no problems", async (t) => {
  t.same(consumerOptionsProblems(fine), []);
  t.same(consumerOptionsProblems({ ...fine, retry: { attempts: 1, initialDelayMs: 0, maxDelayMs: 0 }, producer: undefined, logger: undefined, commitIntervalMs: 0 }), []);
});

t.test("every bad option is listed, in one ConsumerOptionsError thrown before connecting", async (t) => {
  const bad = {
    kafka: {},
    groupId: " ",
    topics: ["a", "a"],
    handlers: { StockChanged: "nope", StockTeleported: async () => {} },
    retry: { attempts: 0, initialDelayMs: 100, maxDelayMs: 50 },
    dlqTopic: "x.dlq",
    logger: console.log,
    fromBeginning: "yes",
    producer: {},
    partitionsConsumedConcurrently: 0,
    consumerConfig: { groupId: "other" },
    commitIntervalMs: -1,
    classify: "transient",
    now: 12345,
    fromBegining: true,
  } as unknown as RunConsumerOptions;
  t.same(consumerOptionsProblems(bad), [
    "fromBegining is not an option (known: kafka, groupId, topics, handlers, retry, dlqTopic, logger, fromBeginning, producer, partitionsConsumedConcurrently, consumerConfig, commitIntervalMs, classify, now)",
    "kafka must be a kafkajs Kafka client",
    'groupId must be a non-empty string, got " "',
    'topics must be free of duplicates, got ["a","a"]',
    'handlers.StockChanged must be a function, got "nope"',
    "handlers.StockTeleported: StockTeleported is not an event type",
    "retry.attempts must be an integer >= 1, got 0",
    "retry.maxDelayMs must be >= retry.initialDelayMs, got 50 < 100",
    'dlqTopic must be a function (topic) => dead-letter topic, got "x.dlq"',
    "logger must have info, warn and error methods",
    'fromBeginning must be a boolean, got "yes"',
    "producer must be an EventProducer (createProducer)",
    "partitionsConsumedConcurrently must be an integer >= 1, got 0",
    "consumerConfig.groupId is not allowed: pass groupId",
    "commitIntervalMs must be an integer >= 0, got -1",
    'classify must be a function (err) => "transient" | "permanent", got "transient"',
    "now must be a function returning a Date, got 12345",
  ]);
  const err = await runConsumer(bad).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof ConsumerOptionsError && err instanceof RangeError, "a ConsumerOptionsError (a RangeError)");
  t.match((err as Error).message, /^invalid runConsumer options:\n {2}- fromBegining is not an option/);
  t.same((err as ConsumerOptionsError).problems, consumerOptionsProblems(bad));
});

t.test("missing required options and empty handlers", async (t) => {
  t.same(consumerOptionsProblems({ handlers: {} }), [
    "kafka must be a kafkajs Kafka client",
    "groupId must be a non-empty string, got undefined",
    "topics must be a non-empty array of topic names, got undefined",
    "handlers must name at least one event type",
  ]);
  t.same(consumerOptionsProblems(null), ["options must be an object, got null"]);
});
