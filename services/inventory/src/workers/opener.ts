/**
 * The drop opener: loads each scheduled drop's stock into Redis once, shortly BEFORE its start time,
 * with status open and its startsAtMs, so the reserve script answers NOT_OPEN until the exact start
 * and the right stock from the first millisecond (no window with wrong stock). Any number of
 * instances may run: each drop is loaded under the Redlock `drop:<id>:open`, and its fencing token
 * goes into the open script, which refuses a token older than the one stored (a holder whose lock
 * expired mid-way cannot overwrite a newer load) and never overwrites live counters.
 */
import { startLoop, type Loop } from "@drops/http";
import type { Locker } from "@drops/redis";
import { LockNotAcquiredError } from "@drops/redis";
import type { Pool } from "../store/db.ts";
import type { StockStore } from "../store/stock/stock-store.ts";
import { dueDrops, markLoaded, type DropRow } from "../store/drops.ts";

export type OpenerLogger = { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };

export type OpenerOptions = {
  pool: Pool;
  store: StockStore;
  locker: Pick<Locker, "withLock">;
  /** Load this long before startsAt. Default 5 000 ms. */
  leadMs?: number;
  /** Loop period. Default 200 ms. */
  intervalMs?: number;
  lockTtlMs?: number;
  logger?: OpenerLogger;
  now?: () => number;
};

export type OpenerStats = { loaded: number; already: number; busy: number; stale: number; errors: number };

export type Opener = {
  /** One pass over the due drops. */
  runOnce(): Promise<OpenerStats>;
  /** Loads one drop now (under its lock; `retryCount` attempts more to take it, default 0). */
  open(drop: DropRow, opts?: { retryCount?: number }): Promise<"LOADED" | "ALREADY" | "BUSY" | "STALE_FENCE">;
  start(): void;
  stop(): Promise<void>;
  stats(): OpenerStats;
};

export const openLockName = (dropId: string): string => `drop:${dropId}:open`;

export function createOpener(opts: OpenerOptions): Opener {
  const leadMs = opts.leadMs ?? 5_000;
  const intervalMs = opts.intervalMs ?? 200;
  const ttl = opts.lockTtlMs ?? 5_000;
  const now = opts.now ?? Date.now;
  const totals: OpenerStats = { loaded: 0, already: 0, busy: 0, stale: 0, errors: 0 };
  let loop: Loop | undefined;

  async function open(drop: DropRow, o: { retryCount?: number } = {}): Promise<"LOADED" | "ALREADY" | "BUSY" | "STALE_FENCE"> {
    try {
      return await opts.locker.withLock(
        openLockName(drop.dropId),
        ttl,
        async (token) => {
          const r = await opts.store.openDrop({
            dropId: drop.dropId,
            total: drop.total,
            startsAtMs: drop.startsAtMs,
            perBuyerLimit: drop.perBuyerLimit,
            holdMs: drop.holdMs,
            fence: token,
            status: "open",
            kind: drop.kind,
          });
          if (r.status !== "STALE_FENCE") await markLoaded(opts.pool, drop.dropId);
          return r.status;
        },
        { retryCount: o.retryCount ?? 0 },
      );
    } catch (err) {
      if (err instanceof LockNotAcquiredError) return "BUSY";
      throw err;
    }
  }

  async function runOnce(): Promise<OpenerStats> {
    const pass: OpenerStats = { loaded: 0, already: 0, busy: 0, stale: 0, errors: 0 };
    for (const drop of await dueDrops(opts.pool, now() + leadMs)) {
      try {
        const r = await open(drop);
        if (r === "LOADED") {
          pass.loaded += 1;
          opts.logger?.info({ dropId: drop.dropId, total: drop.total, startsAt: new Date(drop.startsAtMs).toISOString() }, "drop stock loaded");
        } else if (r === "ALREADY") pass.already += 1;
        else if (r === "BUSY") pass.busy += 1;
        else {
          pass.stale += 1;
          opts.logger?.warn({ dropId: drop.dropId }, "drop open refused: stale fencing token");
        }
      } catch (err) {
        pass.errors += 1;
        opts.logger?.warn({ err, dropId: drop.dropId }, "drop open failed; retrying next round");
      }
    }
    for (const k of Object.keys(pass) as (keyof OpenerStats)[]) totals[k] += pass[k];
    return pass;
  }

  return {
    runOnce,
    open,
    stats: () => ({ ...totals }),
    start() {
      loop ??= startLoop("drop opener", {
        idleMs: intervalMs,
        round: async () => (await runOnce(), false),
        logger: opts.logger,
        onError: () => (totals.errors += 1),
      });
    },
    async stop() {
      await loop?.stop();
      loop = undefined;
    },
  };
}
