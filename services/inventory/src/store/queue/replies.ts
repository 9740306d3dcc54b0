/** The queue scripts' raw replies as domain outcomes. Pure; throws StockReplyError on a malformed reply. */
import type { AdmitOutcome, JoinOutcome, PlaceOutcome, QueuePlace, QueueStatus, ShuffleOutcome } from "../../domain/queue.ts";
import { StockReplyError } from "../stock/replies.ts";

type Reply = readonly unknown[];

function asReply(raw: unknown, script: string): Reply {
  if (!Array.isArray(raw) || typeof raw[0] !== "string") throw new StockReplyError(`${script}: unexpected reply ${JSON.stringify(raw)}`);
  return raw;
}
const str = (r: Reply, i: number): string => {
  const v = r[i];
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  throw new StockReplyError(`reply[${i}] is not a string: ${JSON.stringify(r)}`);
};
const int = (r: Reply, i: number): number => {
  const v = typeof r[i] === "string" ? Number(r[i]) : r[i];
  if (typeof v !== "number" || !Number.isInteger(v)) throw new StockReplyError(`reply[${i}] is not an integer: ${JSON.stringify(r)}`);
  return v;
};
const STATUSES: readonly string[] = ["waiting", "admitted", "sold_out", "expired"];

/** includes/queue-view.lua's {status, position, receipt, admissionId, expiresAtMs, orderId}, from r[at]. */
function place(r: Reply, at: number): QueuePlace {
  const status = str(r, at);
  if (!STATUSES.includes(status)) throw new StockReplyError(`unknown queue status ${status}`);
  const position = int(r, at + 1);
  const admissionId = str(r, at + 3);
  const orderId = str(r, at + 5);
  return {
    status: status as QueueStatus,
    position: position < 0 ? null : position,
    receipt: str(r, at + 2),
    ...(admissionId === "" ? {} : { admission: { admissionId, expiresAtMs: int(r, at + 4) } }),
    ...(orderId === "" ? {} : { orderId }),
  };
}

export function parseJoin(raw: unknown): JoinOutcome {
  const r = asReply(raw, "queue-join");
  if (r[0] === "NOT_QUEUED") return { status: "NOT_QUEUED" };
  if (r[0] === "JOINED") return { status: "JOINED", created: int(r, 1) === 1, place: place(r, 2) };
  throw new StockReplyError(`queue-join: unknown reply ${JSON.stringify(r)}`);
}

export function parsePlace(raw: unknown): PlaceOutcome {
  const r = asReply(raw, "queue-status");
  if (r[0] === "NOT_QUEUED" || r[0] === "NONE") return { status: r[0] };
  if (r[0] === "MEMBER") return { status: "MEMBER", place: place(r, 1) };
  throw new StockReplyError(`queue-status: unknown reply ${JSON.stringify(r)}`);
}

export function parseAdmit(raw: unknown): AdmitOutcome {
  const r = asReply(raw, "queue-admit");
  switch (r[0]) {
    case "TICKED": return { status: "TICKED", admitted: int(r, 1), expired: int(r, 2), dropped: int(r, 3), room: int(r, 4), waiting: int(r, 5) };
    case "NOT_SHUFFLED": return { status: "NOT_SHUFFLED" };
    case "STALE_FENCE": return { status: "STALE_FENCE", fence: int(r, 1) };
    default: throw new StockReplyError(`queue-admit: unknown reply ${JSON.stringify(r)}`);
  }
}

export function parseShuffle(raw: unknown): ShuffleOutcome {
  const r = asReply(raw, "queue-shuffle");
  switch (r[0]) {
    case "SHUFFLED": return { status: "SHUFFLED", count: int(r, 1) };
    case "ALREADY": return { status: "ALREADY" };
    case "NOT_YET": return { status: "NOT_YET", startsAtMs: int(r, 1) };
    case "CHANGED": return { status: "CHANGED" };
    case "STALE_FENCE": return { status: "STALE_FENCE", fence: int(r, 1) };
    default: throw new StockReplyError(`queue-shuffle: unknown reply ${JSON.stringify(r)}`);
  }
}
