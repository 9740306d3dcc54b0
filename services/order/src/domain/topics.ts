/**
 * The topics the order service reads and writes. Defaults are the platform layout of @drops/events;
 * tests inject uniquely named topics so they never see (or feed) anyone else's events.
 */
import { topics } from "@drops/events";
import type { EventType } from "@drops/events";

/** `checkouts` is only read (CartCheckedOut, from the cart service); the others are read and written. */
export type SagaTopics = { orders: string; inventory: string; inventoryCommands: string; payments: string; checkouts: string };

export const defaultTopics: SagaTopics = {
  checkouts: topics.checkouts.name,
  orders: topics.orders.name,
  inventory: topics.inventory.name,
  inventoryCommands: topics.inventoryCommands.name,
  payments: topics.payments.name,
};

/** The topic `type` goes to under `names`, following the layout's event -> topic mapping. */
export function topicOf(names: SagaTopics, type: EventType): string {
  for (const key of ["orders", "inventory", "inventoryCommands", "payments"] as const) {
    if ((topics[key].events as readonly EventType[]).includes(type)) return names[key];
  }
  throw new Error(`the order service does not publish ${type}`);
}
