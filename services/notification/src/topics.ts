/**
 * The topics the notification service reads. Defaults are the platform layout of @drops/events;
 * tests may inject other names.
 */
import { topics } from "@drops/events";

export type NotificationTopics = { orders: string; inventory: string };

export const defaultTopics: NotificationTopics = {
  orders: topics.orders.name,
  inventory: topics.inventory.name,
};
