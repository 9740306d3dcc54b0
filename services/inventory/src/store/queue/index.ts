/**
 * The waiting room of queued drops on the stock Redis (`@drops/inventory-service/queue`): the queue
 * scripts' typed wrappers, their outcomes and keys, and the fair opening draw. The gateway serves
 * buyers through `createQueueStore`; the inventory's admitter uses `createAdmitterStore`.
 */
export { createAdmitterStore, createQueueStore } from "./queue-store.ts";
export type { AdmissionRefusal, AdmittedReserveInput, AdmitterStore, QueueSettings, QueueStore } from "./queue-store.ts";
export { queueKeys, type QueueKeys } from "./keys.ts";
export type { AdmitOutcome, Fairness, JoinOutcome, PlaceOutcome, QueuePlace, QueueStatus, ShuffleOutcome } from "../../domain/queue.ts";
export { FAIR_ORDER_ALGORITHM, fairKey, fairOrder, seedHash } from "../../domain/fair-order.ts";
