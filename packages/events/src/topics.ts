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

export const DEFAULT_PARTITIONS = 6;
export const DLQ_PARTITIONS = 1;

export const topics = {
  orders: { name: "drops.orders", partitions: DEFAULT_PARTITIONS, key: "orderId", events: ["OrderPlaced", "OrderConfirmed", "OrderCancelled"] },
  inventory: {
    name: "drops.inventory",
    partitions: DEFAULT_PARTITIONS,
    key: "orderId",
    events: ["StockReserved", "StockRejected", "StockReleased", "StockConfirmed", "StockConfirmFailed"],
  },
  /** Commands of the order saga to the inventory (the inventory consumes, nobody else). */
  inventoryCommands: {
    name: "drops.inventory-commands",
    partitions: DEFAULT_PARTITIONS,
    key: "orderId",
    events: ["StockConfirmRequested", "StockReleaseRequested"],
  },
  payments: {
    name: "drops.payments",
    partitions: DEFAULT_PARTITIONS,
    key: "orderId",
    events: ["PaymentRequested", "PaymentSucceeded", "PaymentFailed", "RefundRequested", "RefundSucceeded", "RefundFailed"],
  },
  stockChanges: {
    name: "drops.stock-changes",
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
    { topic: dlqTopic(t.name), numPartitions: DLQ_PARTITIONS, configEntries: [] },
  ]);
}
