/**
 * The inventory's StockChanged snapshots as the catalog keeps them: a drop's (or a product's cart
 * stock's) last known figures, which search filters and sorts by. Pure.
 */
import type { StockChanged } from "@drops/events";
import type { DropStatus } from "./drops.ts";

/** What is stored of one snapshot. `status` undefined: keep the stored one. */
export type StockFigures = { itemId: string; available: number; total: number; sold: number; status?: DropStatus; seq: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A snapshot that decodes but cannot be a stock item's (not retried forever: dead-lettered by the consumer). */
export class MalformedSnapshotError extends Error {
  override readonly name = "MalformedSnapshotError";
}

const count = (n: number) => Number.isSafeInteger(n) && n >= 0;

/**
 * The stored status for a snapshot's: paused and closed as such; open and sold out are `open` (sold
 * out is open with nothing left); scheduled (Redis loads a drop shortly before its start) is
 * `scheduled`, which is open once its start passes; UNKNOWN keeps what is stored.
 */
export function storedStatus(status: StockChanged["status"]): DropStatus | undefined {
  switch (status) {
    case "PAUSED": return "paused";
    case "CLOSED": return "closed";
    case "OPEN":
    case "SOLD_OUT": return "open";
    case "SCHEDULED": return "scheduled";
    default: return undefined;
  }
}

export function stockFigures(p: StockChanged): StockFigures {
  if (!UUID.test(p.dropId)) throw new MalformedSnapshotError(`StockChanged: dropId ${JSON.stringify(p.dropId.slice(0, 60))} is not a UUID`);
  if (![p.available, p.held, p.sold, p.seq].every(count) || p.total !== p.available + p.held + p.sold) {
    throw new MalformedSnapshotError(`StockChanged ${p.dropId}: counters must be whole numbers >= 0 with total = available + held + sold`);
  }
  const status = storedStatus(p.status);
  return { itemId: p.dropId.toLowerCase(), available: p.available, total: p.total, sold: p.sold, seq: p.seq, ...(status ? { status } : {}) };
}
