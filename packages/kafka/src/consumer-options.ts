/**
 * runConsumer's options, checked before anything connects: every bad option is named in one error
 * (like a config error), instead of the first one surfacing later as a kafkajs failure or a silently
 * ignored typo.
 */
import { isEventType } from "@drops/events";
import type { RunConsumerOptions } from "./consumer.ts";

export class ConsumerOptionsError extends RangeError {
  override readonly name = "ConsumerOptionsError";
  /** One line per bad option, e.g. `groupId must be a non-empty string`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid runConsumer options:\n  - ${problems.join("\n  - ")}`);
    this.problems = problems;
  }
}

const KNOWN: readonly (keyof RunConsumerOptions)[] = [
  "kafka",
  "groupId",
  "topics",
  "handlers",
  "retry",
  "dlqTopic",
  "logger",
  "fromBeginning",
  "producer",
  "partitionsConsumedConcurrently",
  "consumerConfig",
  "commitIntervalMs",
  "classify",
  "now",
];

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isFn = (v: unknown): boolean => typeof v === "function";
const isInt = (v: unknown, min: number): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= min;
const show = (v: unknown): string => (typeof v === "function" ? "a function" : (JSON.stringify(v) ?? String(v)));

/** The problems with `opts` (empty when they are fine). Optional options may be absent or undefined. */
export function consumerOptionsProblems(opts: unknown): string[] {
  if (!isObject(opts)) return [`options must be an object, got ${show(opts)}`];
  const problems: string[] = [];
  const bad = (name: string, rule: string): void => void problems.push(`${name} must be ${rule}, got ${show(opts[name])}`);
  const given = (name: string): boolean => opts[name] !== undefined;

  for (const key of Object.keys(opts)) if (!(KNOWN as readonly string[]).includes(key)) problems.push(`${key} is not an option (known: ${KNOWN.join(", ")})`);

  if (!isObject(opts["kafka"]) || !isFn(opts["kafka"]["consumer"])) problems.push("kafka must be a kafkajs Kafka client");
  if (typeof opts["groupId"] !== "string" || opts["groupId"].trim() === "") bad("groupId", "a non-empty string");
  const topics = opts["topics"];
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((x) => typeof x === "string" && x !== "")) bad("topics", "a non-empty array of topic names");
  else if (new Set(topics).size !== topics.length) bad("topics", "free of duplicates");

  const handlers = opts["handlers"];
  if (!isObject(handlers)) bad("handlers", "an object of event type -> handler");
  else {
    const entries = Object.entries(handlers).filter(([, h]) => h !== undefined);
    if (entries.length === 0) problems.push("handlers must name at least one event type");
    for (const [type, h] of entries) {
      if (!isEventType(type)) problems.push(`handlers.${type}: ${type} is not an event type`);
      else if (!isFn(h)) problems.push(`handlers.${type} must be a function, got ${show(h)}`);
    }
  }

  if (given("retry")) {
    const retry = opts["retry"];
    if (!isObject(retry)) bad("retry", "{ attempts, initialDelayMs, maxDelayMs }");
    else {
      if (!isInt(retry["attempts"], 1)) problems.push(`retry.attempts must be an integer >= 1, got ${show(retry["attempts"])}`);
      if (!isInt(retry["initialDelayMs"], 0)) problems.push(`retry.initialDelayMs must be an integer >= 0, got ${show(retry["initialDelayMs"])}`);
      if (!isInt(retry["maxDelayMs"], 0)) problems.push(`retry.maxDelayMs must be an integer >= 0, got ${show(retry["maxDelayMs"])}`);
      else if (isInt(retry["initialDelayMs"], 0) && (retry["maxDelayMs"] as number) < (retry["initialDelayMs"] as number)) {
        problems.push(`retry.maxDelayMs must be >= retry.initialDelayMs, got ${show(retry["maxDelayMs"])} < ${show(retry["initialDelayMs"])}`);
      }
    }
  }
  if (given("dlqTopic") && !isFn(opts["dlqTopic"])) bad("dlqTopic", "a function (topic) => dead-letter topic");
  if (given("logger") && !(isObject(opts["logger"]) && ["info", "warn", "error"].every((m) => isFn((opts["logger"] as Obj)[m])))) {
    problems.push("logger must have info, warn and error methods");
  }
  if (given("fromBeginning") && typeof opts["fromBeginning"] !== "boolean") bad("fromBeginning", "a boolean");
  if (given("producer") && !(isObject(opts["producer"]) && isFn(opts["producer"]["publishRaw"]) && isFn(opts["producer"]["close"]))) {
    problems.push("producer must be an EventProducer (createProducer)");
  }
  if (given("partitionsConsumedConcurrently") && !isInt(opts["partitionsConsumedConcurrently"], 1)) bad("partitionsConsumedConcurrently", "an integer >= 1");
  if (given("consumerConfig")) {
    const cc = opts["consumerConfig"];
    if (!isObject(cc)) bad("consumerConfig", "an object of kafkajs consumer settings");
    else if ("groupId" in cc) problems.push("consumerConfig.groupId is not allowed: pass groupId");
  }
  if (given("commitIntervalMs") && !isInt(opts["commitIntervalMs"], 0)) bad("commitIntervalMs", "an integer >= 0");
  if (given("classify") && !isFn(opts["classify"])) bad("classify", "a function (err) => \"transient\" | \"permanent\"");
  if (given("now") && !isFn(opts["now"])) bad("now", "a function returning a Date");
  return problems;
}

/** Throws a ConsumerOptionsError listing every problem with `opts`. */
export function validateConsumerOptions(opts: RunConsumerOptions): void {
  const problems = consumerOptionsProblems(opts);
  if (problems.length > 0) throw new ConsumerOptionsError(problems);
}
