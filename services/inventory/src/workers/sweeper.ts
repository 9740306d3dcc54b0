/**
 * The hold-expiry sweeper: every ~250 ms, releases the due holds of the stock items the due index
 * (`stock:due`, store/stock/due-index.ts) says have one, with the expire-holds script, then re-scores
 * each such item to its earliest remaining hold. An item with no hold (an idle product, an ended drop)
 * costs a round nothing: a round is one TIME and one ZRANGEBYSCORE when nothing is due. Every
 * `auditMs` it also marks every hot item that has a hold (the backstop for a reserver that died
 * between its hold and its mark). One instance sweeps at a time: it holds the Redlock `sweeper:holds`
 * (auto-extended) for as long as it runs, the others stand by and take over when that lock is lost.
 * Two sweepers at once would still be safe: expire-holds is atomic and only releases holds still
 * `held`, so each hold is released exactly once.
 */
import { startLoop, type Loop } from "@drops/http";
import { createLeadership, type Locker } from "@drops/redis";
import type { StockStore } from "../store/stock/stock-store.ts";
import type { DueIndex } from "../store/stock/due-index.ts";

export const SWEEPER_LOCK = "sweeper:holds";

export type SweeperLogger = { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };

export type SweeperOptions = {
  store: Pick<StockStore, "expireDue">;
  due: DueIndex;
  locker: Pick<Locker, "acquire">;
  /** Default 250 ms. */
  intervalMs?: number;
  /** Lock TTL (auto-extended while sweeping). Default 3 000 ms. */
  lockTtlMs?: number;
  /** Holds per expire-holds call. Default 500. */
  batch?: number;
  /** Items taken from the due index per round. Default 1 000. */
  itemsPerRound?: number;
  /** Period of the due index audit (every hot item's earliest hold). Default 30 000 ms. */
  auditMs?: number;
  /** Called with the order ids each drop released. */
  onExpired?: (dropId: string, orderIds: readonly string[]) => void;
  logger?: SweeperLogger;
};

export type SweeperStats = { rounds: number; expired: number; errors: number; active: boolean; token: number | null };

export type Sweeper = {
  /** One sweep of the items with a due hold, without the lock (safe anyway: expire-holds is idempotent). */
  sweepOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
  stats(): SweeperStats;
};

export function createSweeper(opts: SweeperOptions): Sweeper {
  const intervalMs = opts.intervalMs ?? 250;
  const ttl = opts.lockTtlMs ?? 3_000;
  const batch = opts.batch ?? 500;
  const itemsPerRound = opts.itemsPerRound ?? 1_000;
  const auditMs = opts.auditMs ?? 30_000;
  let audited = 0;
  const stats = { rounds: 0, expired: 0, errors: 0 };
  const leader = createLeadership(opts.locker, SWEEPER_LOCK, ttl, { name: "hold sweeper", logger: opts.logger });
  let loop: Loop | undefined;

  async function drain(dropId: string): Promise<number> {
    let n = 0;
    for (;;) {
      const ids = await opts.store.expireDue(dropId, { limit: batch });
      if (ids.length > 0) {
        n += ids.length;
        opts.onExpired?.(dropId, ids);
      }
      if (ids.length < batch) return n;
    }
  }

  async function sweepItem(dropId: string): Promise<number> {
    const n = await drain(dropId);
    await opts.due.reindex(dropId);
    return n;
  }

  async function sweepOnce(): Promise<number> {
    // All due items at once: the calls share the connection's pipeline.
    const due = await opts.due.due(await opts.due.now(), itemsPerRound);
    const counts = await Promise.all(due.map(sweepItem));
    const n = counts.reduce((a, b) => a + b, 0);
    stats.rounds += 1;
    stats.expired += n;
    return n;
  }

  return {
    sweepOnce,
    stats: (): SweeperStats => ({ ...stats, active: leader.token !== null, token: leader.token }),
    start() {
      loop ??= startLoop("hold sweeper", {
        idleMs: intervalMs,
        round: async () => {
          if (await leader.holds()) {
            if (Date.now() - audited >= auditMs) {
              audited = Date.now();
              await opts.due.audit();
            }
            await sweepOnce();
          }
          return false;
        },
        logger: opts.logger,
        onError: () => (stats.errors += 1),
      });
    },
    async stop() {
      await loop?.stop();
      loop = undefined;
      await leader.release();
    },
  };
}
