/**
 * Live stock as buyers see it: the inventory's Redis snapshot and the StockChanged events mapped to
 * the public drop status (scheduled, open, paused, closed, sold_out), and merged into the catalog's
 * drop answers. Pure: the time is passed in.
 */
import type { StockChanged } from "@drops/events";

/** Live stock of a drop as buyers should see it. */
export type LiveStock = { available: number; status?: string };

/** What is read of the inventory's stock snapshot (its StockSnapshot is assignable to it). */
export type StockFigures = { available: number; status: string };

/**
 * The seam where the inventory's live stock replaces the catalog's figures: given drop ids, the
 * live stock of those it knows (e.g. one read of the inventory's Redis snapshot per drop). Drops it
 * does not know keep the catalog's `available` (= units until stock events feed it).
 */
export type StockSource = { snapshot: (dropIds: string[]) => Promise<Map<string, LiveStock>> };

/** `drop` with live `available` / `status` from `live` when present. */
export function withLiveStock<D extends { dropId: string; available: number; status: string }>(drop: D, live: Map<string, LiveStock>): D {
  const s = live.get(drop.dropId);
  if (!s) return drop;
  return { ...drop, available: s.available, ...(s.status ? { status: s.status } : {}) };
}

/**
 * The public status of a live drop. Redis loads a drop shortly before it opens with status "open", so
 * "open" before `startsAtMs` is still "scheduled"; open with nothing left is "sold_out".
 */
export function publicStatus(status: string, available: number, startsAtMs: number | null, nowMs: number): string | undefined {
  switch (status.toLowerCase()) {
    case "paused": return "paused";
    case "closed": return "closed";
    case "sold_out": return "sold_out";
    case "scheduled": return "scheduled";
    case "open":
      if (available === 0) return "sold_out";
      return startsAtMs !== null && nowMs < startsAtMs ? "scheduled" : "open";
    default: return undefined;
  }
}

/** A snapshot or a change of a drop that starts at `startsAtMs`, as its stream sends it at `nowMs`. */
export function liveOf(s: StockFigures | StockChanged, startsAtMs: number | null, nowMs: number): LiveStock {
  const status = publicStatus(s.status, s.available, startsAtMs, nowMs);
  return { available: s.available, ...(status ? { status } : {}) };
}

/**
 * The live stock of a drop answer: `available` from Redis, and the status when Redis knows better
 * than the catalog (paused, closed, sold out); "open" is left to the catalog, which knows the start.
 */
export function liveOfDropAnswer(s: StockFigures): LiveStock {
  const status = s.status === "open" ? (s.available === 0 ? "sold_out" : undefined) : s.status;
  return { available: s.available, ...(status ? { status } : {}) };
}

/** A drop's stock as a stream sends it, with its version (the snapshot's seq; none for the catalog's figures). */
export type VersionedStock = LiveStock & { seq: number | undefined };

/**
 * What a stream opening now sends first: the newer of the Redis snapshot read for it (`read`, with
 * its seq) and the latest StockChanged this instance consumed (`consumed`), else the catalog's
 * figures (`catalog`, unversioned). Redis is normally ahead of Kafka; Kafka wins when it brought a
 * change after the read began, or when Redis could not be read.
 */
export function openingStock(
  read: (StockFigures & { seq: number }) | null,
  consumed: StockChanged | undefined,
  catalog: LiveStock,
  startsAtMs: number,
  nowMs: number,
): VersionedStock {
  if (consumed && (!read || consumed.seq > read.seq)) return { ...liveOf(consumed, startsAtMs, nowMs), seq: consumed.seq };
  if (read) return { ...liveOf(read, startsAtMs, nowMs), seq: read.seq };
  return { ...catalog, seq: undefined };
}

/**
 * Resume on reconnect (`Last-Event-ID`): the current snapshot is sent at once when the client has
 * none, when it is unversioned, or when it is newer than the client's id; nothing when the client
 * already has it (or claims a newer one). Either way the stream then follows from the current
 * version, so a forged id far in the future cannot silence it.
 */
export function resumeSends(current: VersionedStock, lastEventId: number | undefined): boolean {
  return lastEventId === undefined || current.seq === undefined || current.seq > lastEventId;
}
