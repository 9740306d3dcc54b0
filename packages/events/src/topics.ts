/**
 * Topic layout as data: which events go on which topic, keyed by what. Saga topics are keyed by
 * orderId so every event of one order is in one partition, in order; stock snapshots are keyed by
 * dropId (and compacted: the latest snapshot per drop survives). Every source topic has a
 * dead-letter topic `<topic>.dlq`.
 */
import type { DropsEvent, EventType } from "./types.ts";

export type TopicLayout = {
  readonly name: string;
  readonly partitions: number;
  readonly key: "orderId" | "dropId";
  readonly events: readonly EventType[];
  readonly config?: Readonly<Record<string, string>>;
};

/**
 * Optional namespace in front of every topic name, from KAFKA_TOPIC_PREFIX (e.g. `e2e_x1.`), so an
 * end-to-end test stack or a second environment can share one cluster without seeing the other's
 * events. Read once when this module loads: topic names are constants for the life of a process.
 */
export const TOPIC_PREFIX = topicPrefix(process.env["KAFKA_TOPIC_PREFIX"]);

export function topicPrefix(raw: string | undefined): string {
  const prefix = raw?.trim() ?? "";
  if (!/^[A-Za-z0-9._-]{0,100}$/.test(prefix)) {
    throw new Error(`KAFKA_TOPIC_PREFIX=${JSON.stringify(raw)} is invalid: letters, digits, '.', '_' and '-' only, at most 100`);
  }
  return prefix;
}

export const DEFAULT_PARTITIONS = 6;
export const DLQ_PARTITIONS = 1;
/**
 * Dead letters are kept 30 days, whatever the broker's default (the development broker keeps 24 h):
 * the admin list and replay read them from Kafka, and an operator may look only after a weekend.
 */
export const DLQ_RETENTION_MS = 30 * 24 * 3600 * 1000;

export const topics = {
  orders: { name: `${TOPIC_PREFIX}drops.orders`, partitions: DEFAULT_PARTITIONS, key: "orderId", events: ["OrderPlaced", "OrderConfirmed", "OrderCancelled"] },
  inventory: {
    name: `${TOPIC_PREFIX}drops.inventory`,
    partitions: DEFAULT_PARTITIONS,
    key: "orderId",
    events: ["StockReserved", "StockRejected", "StockReleased", "StockConfirmed", "StockConfirmFailed"],
  },
  /** Commands of the order saga to the inventory (the inventory consumes, nobody else). */
  inventoryCommands: {
    name: `${TOPIC_PREFIX}drops.inventory-commands`,
    partitions: DEFAULT_PARTITIONS,
    key: "orderId",
    events: ["StockConfirmRequested", "StockReleaseRequested"],
  },
  /** Cart checkouts handed to the order saga (the cart service writes, the order service reads). */
  checkouts: { name: `${TOPIC_PREFIX}drops.checkouts`, partitions: DEFAULT_PARTITIONS, key: "orderId", events: ["CartCheckedOut"] },
  payments: {
    name: `${TOPIC_PREFIX}drops.payments`,
    partitions: DEFAULT_PARTITIONS,
    key: "orderId",
    events: ["PaymentRequested", "PaymentSucceeded", "PaymentFailed", "RefundRequested", "RefundSucceeded", "RefundFailed"],
  },
  stockChanges: {
    name: `${TOPIC_PREFIX}drops.stock-changes`,
    partitions: DEFAULT_PARTITIONS,
    key: "dropId",
    events: ["StockChanged"],
    config: { "cleanup.policy": "compact" },
  },
} as const satisfies Record<string, TopicLayout>;

export const topicList: readonly TopicLayout[] = Object.values(topics);

/** `<topic>.dlq` */
export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

function layoutOf(type: EventType): TopicLayout {
  const layout = topicList.find((t) => t.events.includes(type));
  if (layout === undefined) throw new Error(`no topic carries ${type}`);
  return layout;
}

/** The topic an event type is published to. */
export function topicFor(type: EventType): string {
  return layoutOf(type).name;
}

/** The partition key of an event: the payload field its topic is keyed by. */
export function keyFor(event: DropsEvent): string {
  const field = layoutOf(event.type).key;
  const value = (event.payload as Record<string, unknown>)[field];
  if (typeof value !== "string") throw new Error(`${event.type} payload has no ${field}`);
  return value;
}

/** What a topic-creation script needs: every source topic and its dead-letter topic. */
export type TopicSpec = { topic: string; numPartitions: number; configEntries: { name: string; value: string }[] };

export function topicSpecs(): TopicSpec[] {
  return topicList.flatMap((t) => [
    { topic: t.name, numPartitions: t.partitions, configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })) },
    { topic: dlqTopic(t.name), numPartitions: DLQ_PARTITIONS, configEntries: [{ name: "retention.ms", value: String(DLQ_RETENTION_MS) }] },
  ]);
}
