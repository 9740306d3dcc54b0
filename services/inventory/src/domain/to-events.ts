/**
 * Maps stock stream entries to the integration events the relay publishes. Pure: event ids come from
 * the entry id (relay-event-id), times from the entry.
 *
 * reserved -> StockReserved; confirmed -> StockConfirmed; released -> StockReleased(reason given to
 * release, default ORDER_CANCELLED); expired -> StockReleased(HOLD_EXPIRED); refunded ->
 * StockReleased(REFUNDED); opened / status -> nothing on drops.inventory. A product's stock (kind
 * product, cart orders) publishes only `expired` there (StockReleased HOLD_EXPIRED, dropId = the
 * productId): the saga hears a cart order's confirm and release as one order-level answer from the
 * command handlers, never per line. Every entry also yields a StockChanged snapshot; `toEvents` keeps
 * only the last one per drop of a batch (a snapshot supersedes the previous one, and the topic is
 * compacted anyway).
 */
import { newEnvelope } from "@drops/events";
import type { DropsEvent, EventPayloads, EventType, StockChanged, StockReleaseReason, StockReserved } from "@drops/events";
import type { StockKind } from "./stock.ts";
import type { StockStreamEntry } from "./stream-entry.ts";
import { splitStreamId } from "./stream-entry.ts";
import { relayEventId } from "./event-id.ts";

/** What the relay knows of a stock item beyond the entry: its Redis status, start time and kind. */
export type DropState = { status: string; startsAtMs: number; kind: StockKind };

const RELEASE_REASONS: readonly StockReleaseReason[] = ["ORDER_CANCELLED", "PAYMENT_FAILED", "HOLD_EXPIRED", "REFUNDED", "OTHER"];

export function releaseReason(entry: StockStreamEntry): StockReleaseReason {
  if (entry.type === "expired") return "HOLD_EXPIRED";
  if (entry.type === "refunded") return "REFUNDED";
  const r = entry.reason as StockReleaseReason | null;
  if (r === null) return "ORDER_CANCELLED";
  return RELEASE_REASONS.includes(r) ? r : "OTHER";
}

/**
 * StockChanged.seq: grows with the entry id (`ms * 2048 + seq`, seq capped at 2047), exact in a JS
 * number until the year 2109.
 */
export function snapshotSeq(streamId: string): number {
  const [ms, seq] = splitStreamId(streamId);
  return ms * 2048 + Math.min(seq, 2047);
}

export function snapshotStatus(entry: StockStreamEntry, drop: DropState): StockChanged["status"] {
  const status = entry.status ?? drop.status;
  if (status === "closed") return "CLOSED";
  if (status === "paused") return "PAUSED";
  if (status !== "open") return "UNKNOWN";
  if (entry.at < drop.startsAtMs) return "SCHEDULED";
  return entry.available === 0 ? "SOLD_OUT" : "OPEN";
}

function envelope<T extends EventType>(entry: StockStreamEntry, type: T, payload: EventPayloads[T], correlationId: string): DropsEvent {
  return newEnvelope({
    type,
    payload,
    correlationId,
    traceparent: entry.traceparent,
    now: entry.at,
    id: relayEventId(entry.dropId, entry.streamId, type),
  }) as DropsEvent;
}

/** The saga event of one entry (drops.inventory), or null for opened / status (and for a product, all but expired). */
export function orderEvent(entry: StockStreamEntry, kind: StockKind = "drop"): DropsEvent | null {
  if (kind === "product" && entry.type !== "expired") return null;
  const base = { orderId: entry.orderId, dropId: entry.dropId };
  switch (entry.type) {
    case "reserved": {
      // StockReserved v2 adds what the saga charges; spread so the payload fits v1 and v2 shapes.
      const purchase = { amountCents: entry.amountCents, currency: entry.currency, paymentMethod: entry.paymentMethod };
      const payload: StockReserved = {
        ...base,
        buyerId: entry.buyerId,
        quantity: entry.qty,
        holdExpiresAt: entry.expiresAtMs ?? entry.at,
        ...purchase,
      };
      return envelope(entry, "StockReserved", payload, entry.orderId);
    }
    case "confirmed":
      return envelope(entry, "StockConfirmed", { ...base, quantity: entry.qty }, entry.orderId);
    case "released":
    case "expired":
    case "refunded":
      return envelope(entry, "StockReleased", { ...base, quantity: entry.qty, reason: releaseReason(entry) }, entry.orderId);
    default:
      return null;
  }
}

export function stockChanged(entry: StockStreamEntry, drop: DropState): DropsEvent {
  const payload: StockChanged = {
    dropId: entry.dropId,
    available: entry.available,
    held: entry.held,
    sold: entry.sold,
    total: entry.available + entry.held + entry.sold,
    status: snapshotStatus(entry, drop),
    seq: snapshotSeq(entry.streamId),
  };
  return envelope(entry, "StockChanged", payload, entry.dropId);
}

/** Events of a batch of one drop's entries, in entry order, with one StockChanged (the last) at the end. */
export function toEvents(entries: readonly StockStreamEntry[], drop: DropState): DropsEvent[] {
  const out: DropsEvent[] = [];
  for (const e of entries) {
    const ev = orderEvent(e, drop.kind);
    if (ev) out.push(ev);
  }
  const last = entries.at(-1);
  if (last) out.push(stockChanged(last, { ...drop, status: [...entries].reverse().find((e) => e.status !== null)?.status ?? drop.status }));
  return out;
}
