/** A consistent read of a drop's live counters and its not-yet-trimmed stream entries (one MULTI). */
import type { StockCounters } from "../../domain/stock.ts";
import type { Redis } from "./scripts.ts";
import { dropKeys } from "./keys.ts";
import { parseStreamEntry, type StockStreamEntry } from "../../domain/stream-entry.ts";

export type LiveView = {
  /** null when Redis has no stock for the drop. */
  redis: (StockCounters & { status: string }) | null;
  /** Entries still in the stream (not yet relayed, or relayed and not yet trimmed). */
  tail: StockStreamEntry[];
  /** Last entry id the stream ever had ("" when there is no stream). */
  lastStreamId: string;
};

type Reply = [Error | null, unknown][];

export async function readLiveView(redis: Redis, dropId: string, prefix = ""): Promise<LiveView> {
  const k = dropKeys(dropId, prefix);
  const res: Reply | null = await redis
    .multi()
    .hmget(k.meta, "status", "total", "adjustments", "available", "held", "sold")
    .xrange(k.events, "-", "+")
    .xinfo("STREAM", k.events)
    .exec();
  if (!res) throw new Error("MULTI aborted");
  const [metaR, rangeR, infoR] = res as [Reply[number], Reply[number], Reply[number]];
  if (metaR[0]) throw metaR[0];
  if (rangeR[0]) throw rangeR[0];
  const meta = metaR[1] as (string | null)[];
  const range = rangeR[1] as [string, string[]][];
  // XINFO fails inside the MULTI when there is no stream: then there is no tail and no last id.
  let lastStreamId = "";
  if (!infoR[0]) {
    const info = infoR[1] as unknown[];
    const i = info.indexOf("last-generated-id");
    lastStreamId = i >= 0 ? String(info[i + 1]) : "";
  }
  const tail: StockStreamEntry[] = [];
  for (const [id, fields] of range) {
    try {
      tail.push(parseStreamEntry(id, fields));
    } catch {
      // malformed entries move no stock the ledger knows of; the relay reports them
    }
  }
  const [status, total, adjustments, available, held, sold] = meta;
  const live = status === null || status === undefined ? null : {
    status,
    total: Number(total),
    adjustments: Number(adjustments ?? 0),
    available: Number(available),
    held: Number(held),
    sold: Number(sold),
  };
  return { redis: live, tail, lastStreamId };
}
