/**
 * The gateway's door to the waiting room on the stock Redis: the inventory's queue scripts through
 * `@drops/inventory-service/queue` (join, leave, place, away, fairness, and the admitted reserve of
 * the purchase path), as the purchase reserves through `@drops/inventory-service/purchase`.
 */
export { createQueueStore, type QueuePlace, type QueueStore, type AdmissionRefusal } from "@drops/inventory-service/queue";
