/**
 * Redis key layout of the live stock (see README.md). Every key of one drop carries the hash tag
 * `{drop:<id>}` so a drop lives in one cluster slot and each script touches one slot only.
 */
import { DROP_ID_PATTERN } from "../../domain/stock.ts";

export type DropKeys = {
  meta: string;
  buyers: string;
  holds: string;
  expiry: string;
  events: string;
};

const DROP_ID = new RegExp(DROP_ID_PATTERN);

export function assertDropId(dropId: string): void {
  if (!DROP_ID.test(dropId)) throw new TypeError(`invalid dropId ${JSON.stringify(dropId)}: 1-128 of [A-Za-z0-9_.:-]`);
}

/** `prefix` namespaces everything (tests use a unique one); production uses "". */
export function dropKeys(dropId: string, prefix = ""): DropKeys {
  assertDropId(dropId);
  const tag = `${prefix}{drop:${dropId}}`;
  return { meta: `${tag}:meta`, buyers: `${tag}:buyers`, holds: `${tag}:holds`, expiry: `${tag}:expiry`, events: `${tag}:events` };
}

/**
 * The hot set: ids of the loaded stock items that are live (drops until archived, products always).
 * How the stream relay, the archiver and the gauges find the items' keys. An archived drop leaves it
 * (src/store/hot-set.ts); anything that writes an item's stream adds the item first.
 */
export function dropIndexKey(prefix = ""): string {
  return `${prefix}stock:drops`;
}

/**
 * The due index: a zset of item ids scored by (at most) the expiry of the item's earliest hold, so the
 * sweeper touches only items with a hold due (due-index.ts). A global key with no hash tag: it is
 * written from TypeScript in calls of its own, never inside a per-item script (Redis Cluster).
 */
export function dueIndexKey(prefix = ""): string {
  return `${prefix}stock:due`;
}

/** The stream relay's lease of an item's stream (store/relay/lua/relay-lease.lua). */
export function relayLeaseKey(dropId: string, prefix = ""): string {
  assertDropId(dropId);
  return `${prefix}{drop:${dropId}}:relay`;
}

/** Where the inventory records the version of its stock scripts when it starts (see purchase.ts). */
export function scriptVersionKey(prefix = ""): string {
  return `${prefix}stock:script-version`;
}

/**
 * The gateway's pending purchase of an order (`purchase:<orderId>`, written for winners only and
 * expiring with the hold), so GET /api/orders/:orderId can answer "held" before the order exists.
 */
export function pendingPurchaseKey(prefix: string, orderId: string): string {
  return `${prefix}purchase:${orderId}`;
}
