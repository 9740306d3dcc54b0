/**
 * The archiver: keeps the hot set (`stock:drops`) to live stock items, so background work and Redis
 * memory follow live drops, not history (store/hot-set.ts, ARCHITECTURE.md "Archive and re-load").
 * Every ARCHIVER_INTERVAL_MS: finishes the drops marked 'archiving' (compacted, or back in the hot set),
 * then marks the hot drops that ended and settled and have been quiet for ARCHIVE_QUIET_MS ('archiving',
 * out of the hot set; the next round compacts them, once the relay let go of their streams). One
 * instance at a time: the Redlock `archiver:drops` (auto-extended), the others stand by. Two at once
 * would still be safe: every step re-checks in Redis and the ledger, and archive-drop.lua is atomic.
 */
import { startLoop, type Loop } from "@drops/http";
import { createLeadership, type Locker } from "@drops/redis";
import { archivingDrops, beginArchive, endedCandidates, finishArchive, type HotSetDeps } from "../store/hot-set.ts";

export const ARCHIVER_LOCK = "archiver:drops";

export type ArchiverLogger = { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };

export type ArchiverOptions = HotSetDeps & {
  locker: Pick<Locker, "acquire">;
  /** Default 5 000 ms. */
  intervalMs?: number;
  /** Nothing written to a drop for this long before it is archived. Default 600 000 ms. */
  quietMs?: number;
  lockTtlMs?: number;
  logger?: ArchiverLogger;
};

export type ArchiverStats = { rounds: number; archived: number; begun: number; returned: number; errors: number; active: boolean };

export type Archiver = {
  /** One round without the lock: finish the 'archiving' drops, then begin the newly settled ones. */
  archiveOnce(): Promise<{ archived: number; begun: number }>;
  start(): void;
  stop(): Promise<void>;
  stats(): ArchiverStats;
};

export function createArchiver(opts: ArchiverOptions): Archiver {
  const intervalMs = opts.intervalMs ?? 5_000;
  const quietMs = opts.quietMs ?? 600_000;
  const ttl = opts.lockTtlMs ?? 10_000;
  const stats = { rounds: 0, archived: 0, begun: 0, returned: 0, errors: 0 };
  const leader = createLeadership(opts.locker, ARCHIVER_LOCK, ttl, { name: "archiver", logger: opts.logger });
  /** Items known to be products (never archived; their kind never changes). */
  const products = new Set<string>();
  let loop: Loop | undefined;

  async function archiveOnce(): Promise<{ archived: number; begun: number }> {
    let archived = 0;
    for (const dropId of await archivingDrops(opts.pool)) {
      const step = await finishArchive(opts, dropId);
      if (step === "ARCHIVED") archived += 1;
      if (step === "NOT_SETTLED") stats.returned += 1;
    }
    let begun = 0;
    for (const dropId of await endedCandidates(opts, products)) {
      if ((await beginArchive(opts, dropId, { quietMs })) === "ARCHIVING") begun += 1;
    }
    stats.rounds += 1;
    stats.archived += archived;
    stats.begun += begun;
    return { archived, begun };
  }

  return {
    archiveOnce,
    stats: (): ArchiverStats => ({ ...stats, active: leader.token !== null }),
    start() {
      loop ??= startLoop("archiver", {
        idleMs: intervalMs,
        round: async () => {
          if (await leader.holds()) {
            const r = await archiveOnce();
            if (r.archived + r.begun > 0) opts.logger?.info(r, "archiver round");
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
