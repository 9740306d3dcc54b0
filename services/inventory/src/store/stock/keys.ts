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

/** Set of loaded drop ids: how the stream relay and the hold sweeper find every drop's keys. */
export function dropIndexKey(prefix = ""): string {
  return `${prefix}stock:drops`;
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
