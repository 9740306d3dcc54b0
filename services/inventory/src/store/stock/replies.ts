/** Turns the raw array replies of the stock scripts into the domain outcomes. Pure; throws on a malformed reply. */
import { isDropStatus, isHoldState, type DropStatus, type HoldState } from "../../domain/stock.ts";
import type { AdjustOutcome, ConfirmOutcome, OpenDropOutcome, RefundOutcome, ReleaseOutcome, ReserveOutcome, ResyncOutcome, SetStatusOutcome } from "../../domain/reservation.ts";

export class StockReplyError extends Error {
  override name = "StockReplyError";
}

/**
 * The order is not in the holds hash of an archived drop (archive-drop.lua): its outcome is in the
 * ledger. The stock store re-loads the drop from the ledger and asks again (hot-set.ts).
 */
export class ArchivedDropError extends Error {
  override name = "ArchivedDropError";
  constructor(script: string) {
    super(`${script}: the drop is archived; re-load it from the ledger`);
  }
}

type Reply = readonly unknown[];

function asReply(raw: unknown, script: string): Reply {
  if (!Array.isArray(raw) || typeof raw[0] !== "string") throw new StockReplyError(`${script}: unexpected reply ${JSON.stringify(raw)}`);
  return raw;
}
function str(r: Reply, i: number): string {
  const v = r[i];
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  throw new StockReplyError(`reply[${i}] is not a string: ${JSON.stringify(r)}`);
}
function int(r: Reply, i: number): number {
  const v = typeof r[i] === "string" ? Number(r[i]) : r[i];
  if (typeof v !== "number" || !Number.isInteger(v)) throw new StockReplyError(`reply[${i}] is not an integer: ${JSON.stringify(r)}`);
  return v;
}
function state(r: Reply, i: number): HoldState {
  const s = str(r, i);
  if (!isHoldState(s)) throw new StockReplyError(`unknown hold state ${s}`);
  return s;
}
function dropStatus(r: Reply, i: number): DropStatus {
  const s = str(r, i);
  if (!isDropStatus(s)) throw new StockReplyError(`unknown drop status ${s}`);
  return s;
}
function unknownStatus(script: string, r: Reply): never {
  throw new StockReplyError(`${script}: unknown status in ${JSON.stringify(r)}`);
}

export function parseOpenDrop(raw: unknown): OpenDropOutcome {
  const r = asReply(raw, "open-drop");
  switch (r[0]) {
    case "LOADED": return { status: "LOADED" };
    case "ALREADY": return { status: "ALREADY", dropStatus: dropStatus(r, 1), fence: int(r, 2) };
    case "STALE_FENCE": return { status: "STALE_FENCE", fence: int(r, 1) };
    default: return unknownStatus("open-drop", r);
  }
}

export function parseReserve(raw: unknown, orderId: string, fingerprint: string): ReserveOutcome {
  const r = asReply(raw, "reserve");
  switch (r[0]) {
    case "HELD":
      return { status: "HELD", orderId, qty: int(r, 1), holdExpiresAtMs: int(r, 2), available: int(r, 3), replay: false, fingerprint };
    case "EXISTING": {
      const s = state(r, 1);
      const common = { orderId, qty: int(r, 3), holdExpiresAtMs: int(r, 4), fingerprint: str(r, 6) };
      if (s === "held") return { status: "HELD", ...common, available: int(r, 5), replay: true };
      return { status: "DUPLICATE", state: s, ...common };
    }
    case "NOT_OPEN": {
      const startsAtMs = int(r, 1);
      return { status: "NOT_OPEN", startsAtMs: startsAtMs === 0 ? null : startsAtMs };
    }
    case "PAUSED": return { status: "PAUSED" };
    case "CLOSED": return { status: "CLOSED" };
    case "LIMIT_REACHED": return { status: "LIMIT_REACHED", taken: int(r, 1), perBuyerLimit: int(r, 2) };
    case "SOLD_OUT": return { status: "SOLD_OUT", available: int(r, 1) };
    default: return unknownStatus("reserve", r);
  }
}

export function parseConfirm(raw: unknown): ConfirmOutcome {
  const r = asReply(raw, "confirm");
  switch (r[0]) {
    case "ARCHIVED": throw new ArchivedDropError("confirm");
    case "CONFIRMED": return { status: "CONFIRMED", buyerId: str(r, 1), qty: int(r, 2), replay: int(r, 3) === 1 };
    case "GONE": return { status: "GONE", state: state(r, 1) };
    case "NOT_FOUND": return { status: "NOT_FOUND" };
    default: return unknownStatus("confirm", r);
  }
}

export function parseRelease(raw: unknown): ReleaseOutcome {
  const r = asReply(raw, "release");
  switch (r[0]) {
    case "ARCHIVED": throw new ArchivedDropError("release");
    case "RELEASED": {
      const s = state(r, 4);
      if (s !== "released" && s !== "expired" && s !== "void") throw new StockReplyError(`release: state ${s}`);
      return { status: "RELEASED", buyerId: str(r, 1), qty: int(r, 2), replay: int(r, 3) === 1, state: s };
    }
    case "NOT_HELD": {
      const s = state(r, 1);
      if (s !== "sold" && s !== "refunded") throw new StockReplyError(`release: NOT_HELD state ${s}`);
      return { status: "NOT_HELD", state: s };
    }
    case "VOIDED": return { status: "VOIDED" };
    default: return unknownStatus("release", r);
  }
}

export function parseRefund(raw: unknown): RefundOutcome {
  const r = asReply(raw, "refund");
  switch (r[0]) {
    case "ARCHIVED": throw new ArchivedDropError("refund");
    case "REFUNDED": return { status: "REFUNDED", buyerId: str(r, 1), qty: int(r, 2), replay: int(r, 3) === 1 };
    case "NOT_SOLD": return { status: "NOT_SOLD", state: state(r, 1) };
    case "NOT_FOUND": return { status: "NOT_FOUND" };
    default: return unknownStatus("refund", r);
  }
}

export function parseSetStatus(raw: unknown): SetStatusOutcome {
  const r = asReply(raw, "set-status");
  switch (r[0]) {
    case "CHANGED": return { status: "CHANGED", previous: dropStatus(r, 1) };
    case "UNCHANGED": return { status: "UNCHANGED" };
    case "NOT_LOADED": return { status: "NOT_LOADED" };
    default: return unknownStatus("set-status", r);
  }
}

export function parseResync(raw: unknown): ResyncOutcome {
  const r = asReply(raw, "resync-drop");
  switch (r[0]) {
    case "RESYNCED": return { status: "RESYNCED" };
    case "STALE_FENCE": return { status: "STALE_FENCE", fence: int(r, 1) };
    case "CHANGED": return { status: "CHANGED", lastStreamId: r[1] === undefined ? "" : str(r, 1) };
    default: return unknownStatus("resync-drop", r);
  }
}

export function parseAdjust(raw: unknown): AdjustOutcome {
  const r = asReply(raw, "adjust-stock");
  switch (r[0]) {
    case "ADJUSTED": return { status: "ADJUSTED", available: int(r, 1), adjustments: int(r, 2) };
    case "NOT_LOADED": return { status: "NOT_LOADED" };
    case "INSUFFICIENT": return { status: "INSUFFICIENT", available: int(r, 1) };
    case "STALE_FENCE": return { status: "STALE_FENCE", fence: int(r, 1) };
    default: return unknownStatus("adjust-stock", r);
  }
}

export type ArchiveOutcome =
  | { status: "ARCHIVED"; lastStreamId: string }
  | { status: "RELAYING" | "NOT_LOADED" }
  | { status: "NOT_SETTLED"; reason: string };

export function parseArchive(raw: unknown): ArchiveOutcome {
  const r = asReply(raw, "archive-drop");
  switch (r[0]) {
    case "ARCHIVED": return { status: "ARCHIVED", lastStreamId: r[1] === undefined ? "" : str(r, 1) };
    case "RELAYING": return { status: "RELAYING" };
    case "NOT_LOADED": return { status: "NOT_LOADED" };
    case "NOT_SETTLED": return { status: "NOT_SETTLED", reason: str(r, 1) };
    default: return unknownStatus("archive-drop", r);
  }
}

export function parseOrderIds(raw: unknown): string[] {
  if (!Array.isArray(raw) || !raw.every((x) => typeof x === "string")) throw new StockReplyError(`expire: unexpected reply ${JSON.stringify(raw)}`);
  return raw;
}
