/**
 * The typed wrappers of the waiting-room scripts (lua/queue-*.lua, lua/reserve-admitted.lua):
 * `createQueueStore` for the process that serves buyers (the gateway: join, leave, place, away,
 * fairness, and the admitted reserve of the purchase path), `createAdmitterStore` for the admitter
 * (configure, the opening draw, the admission tick). Keys: ./keys.ts.
 */
import type { AdmitOutcome, Fairness, JoinOutcome, PlaceOutcome, ShuffleOutcome } from "../../domain/queue.ts";
import type { ReserveOutcome } from "../../domain/reservation.ts";
import { id, nonNegInt, now, purchaseArgs } from "../stock/args.ts";
import { dropKeys } from "../stock/keys.ts";
import { parseReserve } from "../stock/replies.ts";
import { markDueSoon } from "../stock/due-index.ts";
import { defineStockScripts, type Redis } from "../stock/scripts.ts";
import type { ReserveInput } from "../stock/purchase.ts";
import { queueKeys } from "./keys.ts";
import { parseAdmit, parseJoin, parsePlace, parseShuffle } from "./replies.ts";

const RECEIPT = /^[A-Za-z0-9-]{1,64}$/;
const SEED = /^[0-9a-f]{16,128}$/;

/** Why an admission does not buy: unknown (no such admission for this buyer), used, expired, or the place's state. */
export type AdmissionRefusal = { status: "ADMISSION_INVALID"; reason: string };

export type AdmittedReserveInput = ReserveInput & { admissionId: string };

export type QueueStore = {
  /** Takes a place (or answers the one held); `receipt` is used only for a new place. */
  join(dropId: string, buyerId: string, receipt: string, nowMs?: number): Promise<JoinOutcome>;
  /** Frees the buyer's place at once; false when it had none. */
  leave(dropId: string, buyerId: string): Promise<boolean>;
  /** The buyer's place; `present` clears its abandon deadline (the buyer is following it). */
  place(dropId: string, buyerId: string, opts?: { present?: boolean; nowMs?: number }): Promise<PlaceOutcome>;
  /** The buyer's last stream closed: its waiting place is dropped unless it comes back by `deadlineMs`. */
  away(dropId: string, buyerId: string, deadlineMs: number): Promise<boolean>;
  /** The published seed and the early joiners' receipts (join order); null before the opening draw. */
  fairness(dropId: string): Promise<Fairness | null>;
  /** reserve-admitted.lua: the hold and the admission's spending in one script. */
  reserveAdmitted(input: AdmittedReserveInput): Promise<ReserveOutcome | AdmissionRefusal>;
  /** The channel the line's changes are announced on. */
  changesChannel(dropId: string): string;
};

export function createQueueStore(redis: Redis, opts: { prefix: string }): QueueStore {
  const { prefix } = opts;
  const scripts = defineStockScripts(redis, ["queueJoin", "queueLeave", "queueStatus", "queueAway", "reserveAdmitted"]);
  return {
    async join(dropId, buyerId, receipt, nowMs) {
      if (!RECEIPT.test(receipt)) throw new TypeError("receipt must be 1-64 of [A-Za-z0-9-]");
      const q = queueKeys(dropId, prefix);
      const raw = await scripts.run("queueJoin", [q.queue, q.line, q.early, q.members, dropKeys(dropId, prefix).meta, q.away], [id("buyerId", buyerId), receipt, now(nowMs)]);
      return parseJoin(raw);
    },
    async leave(dropId, buyerId) {
      const q = queueKeys(dropId, prefix);
      const raw = (await scripts.run("queueLeave", [q.queue, q.line, q.early, q.members, q.admitted, q.away], [id("buyerId", buyerId)])) as unknown[];
      return raw[0] === "LEFT";
    },
    async place(dropId, buyerId, o = {}) {
      const q = queueKeys(dropId, prefix);
      const raw = await scripts.run("queueStatus", [q.queue, q.line, q.early, q.members, dropKeys(dropId, prefix).meta, q.away], [
        id("buyerId", buyerId), now(o.nowMs), o.present === true ? "1" : "0",
      ]);
      return parsePlace(raw);
    },
    async away(dropId, buyerId, deadlineMs) {
      const q = queueKeys(dropId, prefix);
      return (await scripts.run("queueAway", [q.away, q.members], [id("buyerId", buyerId), nonNegInt("deadlineMs", deadlineMs)])) === 1;
    },
    async fairness(dropId) {
      const q = queueKeys(dropId, prefix);
      const [[, meta], [, receipts]] = (await redis.multi().hmget(q.queue, "shuffled", "seed", "algorithm").lrange(q.fairness, 0, -1).exec()) as [
        [unknown, (string | null)[]], [unknown, string[]],
      ];
      if (meta[0] !== "1" || !meta[1]) return null;
      return { seed: meta[1], algorithm: meta[2] ?? "", joinedBeforeOpening: receipts };
    },
    async reserveAdmitted(input) {
      const k = dropKeys(input.dropId, prefix);
      const q = queueKeys(input.dropId, prefix);
      const fingerprint = input.fingerprint ?? "";
      if (!/^[A-Za-z0-9_-]{0,128}$/.test(fingerprint)) throw new TypeError("fingerprint must match [A-Za-z0-9_-]{0,128}");
      if (!Number.isSafeInteger(input.qty) || input.qty < 1) throw new RangeError(`qty must be an integer >= 1, got ${input.qty}`);
      const raw = await scripts.run("reserveAdmitted", [k.meta, k.buyers, k.holds, k.expiry, k.events, q.queue, q.members, q.admitted], [
        input.dropId, id("orderId", input.orderId), id("buyerId", input.buyerId), input.qty, now(input.nowMs), fingerprint,
        ...purchaseArgs(input.purchase, input.traceparent), id("admissionId", input.admissionId),
      ]);
      if (Array.isArray(raw) && raw[0] === "ADMISSION_INVALID") return { status: "ADMISSION_INVALID", reason: String(raw[1]) };
      const outcome = parseReserve(raw, input.orderId, fingerprint);
      if (outcome.status === "HELD") markDueSoon(redis, prefix, input.dropId, outcome.holdExpiresAtMs);
      return outcome;
    },
    changesChannel: (dropId) => queueKeys(dropId, prefix).changes,
  };
}

export type QueueSettings = { admitPerSecond: number; startsAtMs: number; seed: string };

export type AdmitterStore = {
  /** queue-configure.lua: CONFIGURED, ALREADY_OPEN (drawn: nothing changes) or SEED_FIXED (another seed is committed). */
  configure(dropId: string, s: QueueSettings): Promise<"CONFIGURED" | "ALREADY_OPEN" | "SEED_FIXED">;
  /** The early joiners (join order) with their receipts, for the opening draw. Reads only. */
  earlyJoiners(dropId: string): Promise<{ buyerId: string; receipt: string }[]>;
  shuffle(dropId: string, input: { fence: number; algorithm: string; ordered: readonly string[]; nowMs?: number }): Promise<ShuffleOutcome>;
  admit(dropId: string, input: { fence: number; ttlMs: number; max: number; nowMs?: number }): Promise<AdmitOutcome>;
};

export function createAdmitterStore(redis: Redis, opts: { prefix: string }): AdmitterStore {
  const { prefix } = opts;
  const scripts = defineStockScripts(redis, ["queueConfigure", "queueShuffle", "queueAdmit"]);
  return {
    async configure(dropId, s) {
      if (!Number.isSafeInteger(s.admitPerSecond) || s.admitPerSecond < 1) throw new RangeError("admitPerSecond must be an integer >= 1");
      if (!SEED.test(s.seed)) throw new TypeError("seed must be 16-128 lowercase hex digits");
      const raw = (await scripts.run("queueConfigure", [queueKeys(dropId, prefix).queue], [s.admitPerSecond, nonNegInt("startsAtMs", s.startsAtMs), s.seed])) as string[];
      return raw[0] as "CONFIGURED" | "ALREADY_OPEN" | "SEED_FIXED";
    },
    async earlyJoiners(dropId) {
      const q = queueKeys(dropId, prefix);
      const buyers = await redis.zrange(q.early, 0, -1);
      if (buyers.length === 0) return [];
      const records = await redis.hmget(q.members, ...buyers);
      // the member record is "state|receipt|..." (lua/includes/queue-member.lua)
      return buyers.flatMap((buyerId, i) => {
        const rec = records[i];
        return rec ? [{ buyerId, receipt: rec.split("|")[1] ?? "" }] : [];
      });
    },
    async shuffle(dropId, input) {
      const q = queueKeys(dropId, prefix);
      const raw = await scripts.run("queueShuffle", [q.queue, q.line, q.early, q.members, q.fairness], [
        nonNegInt("fence", input.fence), now(input.nowMs), input.algorithm, ...input.ordered.map((b) => id("buyerId", b)),
      ]);
      return parseShuffle(raw);
    },
    async admit(dropId, input) {
      const q = queueKeys(dropId, prefix);
      const k = dropKeys(dropId, prefix);
      const raw = await scripts.run("queueAdmit", [q.queue, q.line, q.members, q.admitted, q.away, k.meta, k.buyers], [
        nonNegInt("fence", input.fence), now(input.nowMs), nonNegInt("ttlMs", input.ttlMs), nonNegInt("max", input.max),
      ]);
      return parseAdmit(raw);
    },
  };
}
