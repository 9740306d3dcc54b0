/**
 * One instance of a background loop at a time (the inventory's hold sweeper and archiver): `holds()`
 * is true while this process holds the Redlock `resource` (auto-extended by the Locker). When the lock
 * is lost it logs once and stands by; each later call tries again without waiting (retryCount 0), so
 * another instance takes over within a round of its own. `release()` on stop lets the next one in at
 * once instead of after the TTL.
 */
import { LockNotAcquiredError, type LockHandle, type Locker } from "./lock.ts";

export type LeadershipLogger = { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };

export type Leadership = {
  holds(): Promise<boolean>;
  release(): Promise<void>;
  /** The lock's fencing token while held, else null. */
  readonly token: number | null;
};

export function createLeadership(locker: Pick<Locker, "acquire">, resource: string, ttlMs: number, opts: { name: string; logger?: LeadershipLogger | undefined }): Leadership {
  let handle: LockHandle | undefined;
  return {
    get token() {
      return handle && !handle.signal.aborted ? handle.token : null;
    },
    async holds() {
      if (handle && !handle.signal.aborted) return true;
      if (handle) {
        opts.logger?.warn({ token: handle.token }, `${opts.name} lost its lock; standing by`);
        handle = undefined;
      }
      try {
        handle = await locker.acquire(resource, ttlMs, { retryCount: 0 });
      } catch (err) {
        if (err instanceof LockNotAcquiredError) return false;
        throw err;
      }
      opts.logger?.info({ token: handle.token }, `${opts.name} active`);
      return true;
    },
    async release() {
      const h = handle;
      handle = undefined;
      await h?.release();
    },
  };
}
