/**
 * One entry of a drop's stock stream (`{drop:<id>}:events`), parsed. The format is documented in
 * src/stock/README.md ("Stream entry"). Pure.
 */
export const ENTRY_TYPES = ["opened", "reserved", "confirmed", "released", "expired", "refunded", "adjusted", "status"] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export type StockStreamEntry = {
  /** Stream entry id `<ms>-<seq>`, unique per drop stream. */
  streamId: string;
  type: EntryType;
  dropId: string;
  /** "" for opened / adjusted / status. */
  orderId: string;
  buyerId: string;
  /** Units of the change; for `adjusted` the signed delta. */
  qty: number;
  available: number;
  held: number;
  sold: number;
  /** Epoch ms of the change. */
  at: number;
  expiresAtMs: number | null;
  /** opened / status: the drop status (open | paused | closed). */
  status: string | null;
  /** released: why (StockReleased.reason), when the caller said. */
  reason: string | null;
  amountCents: number | null;
  currency: string | null;
  paymentMethod: string | null;
  traceparent: string | null;
};

export class StreamEntryError extends Error {
  override name = "StreamEntryError";
}

function fieldsOf(raw: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) m.set(raw[i]!, raw[i + 1]!);
  return m;
}

function int(m: Map<string, string>, name: string, streamId: string): number {
  const v = Number(m.get(name));
  if (!Number.isSafeInteger(v)) throw new StreamEntryError(`stream entry ${streamId}: ${name} is not an integer (${m.get(name)})`);
  return v;
}

const optional = (m: Map<string, string>, name: string): string | null => {
  const v = m.get(name);
  return v === undefined || v === "" ? null : v;
};

function isEntryType(s: string | undefined): s is EntryType {
  return s !== undefined && (ENTRY_TYPES as readonly string[]).includes(s);
}

/** Parses the flat field list ioredis returns for one entry. Throws StreamEntryError on a malformed entry. */
export function parseStreamEntry(streamId: string, raw: readonly string[]): StockStreamEntry {
  const m = fieldsOf(raw);
  if (m.get("v") !== "1") throw new StreamEntryError(`stream entry ${streamId}: unknown version ${m.get("v")}`);
  const type = m.get("type");
  if (!isEntryType(type)) throw new StreamEntryError(`stream entry ${streamId}: unknown type ${type}`);
  const dropId = m.get("dropId");
  if (!dropId) throw new StreamEntryError(`stream entry ${streamId}: no dropId`);
  const amount = optional(m, "amountCents");
  const expires = optional(m, "expiresAtMs");
  return {
    streamId,
    type,
    dropId,
    orderId: m.get("orderId") ?? "",
    buyerId: m.get("buyerId") ?? "",
    qty: int(m, "qty", streamId),
    available: int(m, "available", streamId),
    held: int(m, "held", streamId),
    sold: int(m, "sold", streamId),
    at: int(m, "at", streamId),
    expiresAtMs: expires === null ? null : Number(expires),
    status: optional(m, "status"),
    reason: optional(m, "reason"),
    amountCents: amount === null ? null : Number(amount),
    currency: optional(m, "currency"),
    paymentMethod: optional(m, "paymentMethod"),
    traceparent: optional(m, "traceparent"),
  };
}

/** `<ms>-<seq>` -> [ms, seq]. */
export function splitStreamId(id: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(id);
  if (!m) throw new StreamEntryError(`bad stream id ${id}`);
  return [Number(m[1]), Number(m[2])];
}

