/**
 * The waiting-room admitter (ARCHITECTURE.md "The waiting room"): for every queued drop whose
 * opening is near or past (and at most QUEUE_ACTIVE_MS ago), one active admitter across all inventory
 * instances holds the Redlock `drop:<id>:admitter` (auto-extended; the others stand by and take over
 * when it is lost) and, every ADMITTER_INTERVAL_MS:
 * - at the opening, draws the early joiners' order from the drop's committed seed (domain/fair-order.ts)
 *   and places them (queue-shuffle.lua), once;
 * - then ticks (queue-admit.lua): expires unspent admissions past their time, drops abandoned places,
 *   admits from the head of the line at the drop's rate while the room lasts.
 * Both scripts take the lock's fencing token and refuse an older one, and the rate's credit and the
 * room live in Redis, so two admitters at once (a holder whose lock lapsed mid-tick) cannot admit
 * twice the rate or past the stock: the second is refused or finds no credit.
 */
import { startLoop, type Loop } from "@drops/http";
import type { LockHandle, Locker } from "@drops/redis";
import { LockNotAcquiredError } from "@drops/redis";
import { FAIR_ORDER_ALGORITHM, fairOrder } from "../domain/fair-order.ts";
import type { Pool } from "../store/db.ts";
import { queuedDrops, type DropRow } from "../store/drops.ts";
import type { AdmitterStore } from "../store/queue/queue-store.ts";
import { queueAdmitted } from "../store/metrics.ts";

export type AdmitterLogger = { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };

export type AdmitterOptions = {
  pool: Pool;
  queues: AdmitterStore;
  locker: Pick<Locker, "acquire">;
  /** Admission lifetime (ADMISSION_TTL_SECONDS). */
  admissionTtlMs: number;
  /** Default 200 ms. */
  intervalMs?: number;
  /** Queued drops that opened longer ago than this are no longer run. Default 24 h. */
  activeMs?: number;
  /** Drops whose opening is this close are taken (their lock held, their room configured). Default 5 s. */
  leadMs?: number;
  /** Lock TTL (auto-extended). Default 3 000 ms. */
  lockTtlMs?: number;
  /** Admissions per tick and drop at most (another tick follows at once when reached). Default 1 000. */
  maxPerTick?: number;
  logger?: AdmitterLogger;
  now?: () => number;
};

export type AdmitterStats = { ticks: number; admitted: number; expired: number; dropped: number; shuffled: number; stale: number; errors: number; leading: string[] };

export type Admitter = {
  /** One round over the queued drops; true when a drop had more to admit than one tick allows. */
  runOnce(): Promise<boolean>;
  start(): void;
  stop(): Promise<void>;
  stats(): AdmitterStats;
};

export const admitterLockName = (dropId: string): string => `drop:${dropId}:admitter`;

export function createAdmitter(opts: AdmitterOptions): Admitter {
  const intervalMs = opts.intervalMs ?? 200;
  const activeMs = opts.activeMs ?? 24 * 3_600_000;
  const leadMs = opts.leadMs ?? 5_000;
  const ttl = opts.lockTtlMs ?? 3_000;
  const max = opts.maxPerTick ?? 1_000;
  const now = opts.now ?? Date.now;
  const stats: Omit<AdmitterStats, "leading"> = { ticks: 0, admitted: 0, expired: 0, dropped: 0, shuffled: 0, stale: 0, errors: 0 };
  const leases = new Map<string, LockHandle>();
  const drawn = new Set<string>();
  let loop: Loop | undefined;

  /** This instance's lock on the drop's admitter, or undefined when another instance holds it. */
  async function lease(dropId: string): Promise<LockHandle | undefined> {
    const held = leases.get(dropId);
    if (held && !held.signal.aborted) return held;
    if (held) {
      opts.logger?.warn({ dropId, token: held.token }, "admitter lost its lock; standing by");
      leases.delete(dropId);
    }
    try {
      const h = await opts.locker.acquire(admitterLockName(dropId), ttl, { retryCount: 0 });
      leases.set(dropId, h);
      opts.logger?.info({ dropId, token: h.token }, "admitter active");
      return h;
    } catch (err) {
      if (err instanceof LockNotAcquiredError) return undefined;
      throw err;
    }
  }

  /** The opening draw: read the early joiners, order them by the seed, place them (again if one left meanwhile). */
  async function draw(drop: DropRow, fence: number): Promise<void> {
    const seed = drop.queue!.seed;
    for (let attempt = 0; attempt < 5; attempt++) {
      const early = await opts.queues.earlyJoiners(drop.dropId);
      const ordered = fairOrder(seed, early).map((j) => j.buyerId);
      const r = await opts.queues.shuffle(drop.dropId, { fence, algorithm: FAIR_ORDER_ALGORITHM, ordered });
      if (r.status === "SHUFFLED") {
        stats.shuffled += 1;
        opts.logger?.info({ dropId: drop.dropId, earlyJoiners: r.count }, "waiting room opened: early joiners drawn");
      }
      if (r.status === "SHUFFLED" || r.status === "ALREADY") drawn.add(drop.dropId);
      if (r.status === "STALE_FENCE") stats.stale += 1;
      if (r.status !== "CHANGED") return;
    }
  }

  async function tick(drop: DropRow): Promise<boolean> {
    const h = await lease(drop.dropId);
    if (!h) return false;
    const q = drop.queue!;
    if (!drawn.has(drop.dropId)) {
      // idempotent; restores the room's settings if Redis lost them
      await opts.queues.configure(drop.dropId, { admitPerSecond: q.admitPerSecond, startsAtMs: drop.startsAtMs, seed: q.seed });
    }
    let r = await opts.queues.admit(drop.dropId, { fence: h.token, ttlMs: opts.admissionTtlMs, max });
    if (r.status === "NOT_SHUFFLED") {
      if (now() < drop.startsAtMs) return false;
      await draw(drop, h.token);
      r = await opts.queues.admit(drop.dropId, { fence: h.token, ttlMs: opts.admissionTtlMs, max });
    }
    if (r.status === "STALE_FENCE") {
      stats.stale += 1;
      opts.logger?.warn({ dropId: drop.dropId, token: h.token, fence: r.fence }, "admitter refused: a newer admitter holds the lock");
      await h.release();
      leases.delete(drop.dropId);
      return false;
    }
    if (r.status !== "TICKED") return false;
    stats.ticks += 1;
    stats.admitted += r.admitted;
    queueAdmitted.add(r.admitted);
    stats.expired += r.expired;
    stats.dropped += r.dropped;
    return r.admitted === max;
  }

  async function runOnce(): Promise<boolean> {
    const t = now();
    const drops = await queuedDrops(opts.pool, t - activeMs, t + leadMs);
    const current = new Set(drops.map((d) => d.dropId));
    for (const [dropId, h] of leases) {
      if (!current.has(dropId)) {
        leases.delete(dropId);
        await h.release();
      }
    }
    const more = await Promise.all(drops.map((d) => tick(d).catch((err: unknown) => {
      stats.errors += 1;
      opts.logger?.warn({ err, dropId: d.dropId }, "admitter tick failed; retrying next round");
      return false;
    })));
    return more.some(Boolean);
  }

  return {
    runOnce,
    stats: () => ({ ...stats, leading: [...leases.keys()] }),
    start() {
      loop ??= startLoop("waiting-room admitter", {
        idleMs: intervalMs,
        round: runOnce,
        logger: opts.logger,
        onError: () => (stats.errors += 1),
      });
    },
    async stop() {
      await loop?.stop();
      loop = undefined;
      await Promise.all([...leases.values()].map((h) => h.release()));
      leases.clear();
    },
  };
}
