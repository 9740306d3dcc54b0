/** Drops: their shape, the status buyers see and the start-time rule. Time is passed in. No storage. */
import { createHash } from "node:crypto";
import { badRequest } from "@drops/http";

export type DropStatus = "scheduled" | "open" | "paused" | "closed";

export type DropView = {
  dropId: string;
  productId: string;
  sellerId: string;
  name: string;
  description: string;
  priceCents: number;
  startsAt: string;
  units: number;
  available: number;
  perBuyerLimit: number;
  holdSeconds: number;
  status: DropStatus;
  createdAt: string;
  /** A queued drop's waiting room: its admission rate and the hash its opening draw's seed is committed to. */
  queue?: { admitPerSecond: number; seedHash: string };
};

export type DropInput = { productId: string; startsAt: string; units: number; perBuyerLimit: number; holdSeconds: number; queue?: { admitPerSecond: number } };

/** What the inventory needs to run a queued drop's waiting room (the seed stays between the catalog and the inventory). */
export type DropQueueSecret = { admitPerSecond: number; seed: string };

/** The commitment shown on a queued drop: lowercase hex SHA-256 of the seed string. */
export function seedHash(seed: string): string {
  return createHash("sha256").update(seed).digest("hex");
}

/** How far in the past `startsAt` may be and still count as "now" (request latency, clock skew). */
export const START_GRACE_MS = 30_000;

/** A scheduled drop whose start time has passed is open for buyers (the inventory opens its stock then). */
export function effectiveStatus(status: DropStatus, startsAt: Date, nowMs: number): DropStatus {
  return status === "scheduled" && startsAt.getTime() <= nowMs ? "open" : status;
}

/**
 * The start of a new drop (epoch ms): a valid date-time, now or later (START_GRACE_MS of grace). Units, limit
 * and hold bounds are the route schema's; 400 VALIDATION_FAILED / STARTS_IN_PAST on `startsAt`.
 */
export function dropStartMs(startsAt: string, nowMs: number): number {
  const startMs = Date.parse(startsAt);
  if (Number.isNaN(startMs)) throw badRequest("startsAt is not a valid date-time", "VALIDATION_FAILED", { field: "startsAt" });
  if (startMs < nowMs - START_GRACE_MS) throw badRequest("startsAt must be now or in the future", "STARTS_IN_PAST", { field: "startsAt" });
  return startMs;
}
