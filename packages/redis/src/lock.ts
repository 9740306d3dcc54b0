import type { Redis } from "ioredis";
import Redlock, { ExecutionError, ResourceLockedError, type Lock } from "redlock";
import { fenceIncr } from "./generic-scripts.ts";

export type LockOptions = {
  /** Attempts after the first one before giving up (redlock `retryCount`; -1 = forever). Default 10. */
  retryCount?: number;
  retryDelayMs?: number;
  retryJitterMs?: number;
  driftFactor?: number;
  /** Extend the lock before it expires while the holder runs. Default true. */
  autoExtend?: boolean;
  /** Extend this long before expiry. Default: a third of the TTL. */
  extendBeforeMs?: number;
  /** Prefix of the lock keys. Default `lock:`. */
  lockPrefix?: string;
  /** Prefix of the fencing counters. Default `fence:`. */
  fencePrefix?: string;
  /**
   * Redis that keeps the fencing counters, and where fenced writes must go. Default: the first client.
   * When it is one of the lock clients, a token is issued only to the holder of the lock on that node.
   */
  fenceClient?: Redis;
  /** Non-contention errors from redlock (node down, ...) and failed releases. */
  onError?: (err: Error) => void;
};

export type AcquireOptions = { retryCount?: number };

export type LockHandle = {
  resource: string;
  /** Fencing token: strictly increasing per resource. Pass it to fenced writes (fenced-set.lua). */
  token: number;
  /** Aborted when the lock is lost (expired, extension failed) or released. `signal.reason` says why. */
  signal: AbortSignal;
  /** Epoch ms at which the lock expires unless extended. */
  expiresAt(): number;
  extend(ttlMs: number): Promise<void>;
  /** Releases the lock (idempotent). A release that fails is reported to onError: the lock expires anyway. */
  release(): Promise<void>;
};

export type Locker = {
  acquire(resource: string, ttlMs: number, opts?: AcquireOptions): Promise<LockHandle>;
  /** Runs `fn` while holding the lock, then releases it. Rejects with LockNotAcquiredError when busy. */
  withLock<T>(resource: string, ttlMs: number, fn: (token: number, signal: AbortSignal) => Promise<T>, opts?: AcquireOptions): Promise<T>;
  lockKey(resource: string): string;
  fenceKey(resource: string): string;
  /** The Redis holding the fence counters (where fenced writes go). */
  readonly fenceClient: Redis;
};

export class LockNotAcquiredError extends Error {
  override name = "LockNotAcquiredError";
}

export class LockLostError extends Error {
  override name = "LockLostError";
}

/** Redlock over `clients` (1 node in dev, 3+ for a quorum) with fencing tokens. Clients stay owned by the caller. */
export function createLock(clients: readonly Redis[], opts: LockOptions = {}): Locker {
  const first = clients[0];
  if (!first) throw new Error("createLock needs at least one Redis client");
  const fenceClient = opts.fenceClient ?? first;
  const fenceOnLockNode = clients.includes(fenceClient);
  const lockPrefix = opts.lockPrefix ?? "lock:";
  const fencePrefix = opts.fencePrefix ?? "fence:";
  const onError = opts.onError ?? (() => undefined);
  const redlock = new Redlock(clients, {
    retryCount: opts.retryCount ?? 10,
    retryDelay: opts.retryDelayMs ?? 200,
    retryJitter: opts.retryJitterMs ?? 100,
    driftFactor: opts.driftFactor ?? 0.01,
  });
  // redlock emits every failed vote; without a listener EventEmitter would throw.
  redlock.on("error", (err: Error) => {
    if (!(err instanceof ResourceLockedError)) onError(err);
  });

  const lockKey = (resource: string): string => `${lockPrefix}${resource}`;
  const fenceKey = (resource: string): string => `${fencePrefix}${resource}`;

  async function acquire(resource: string, ttlMs: number, aopts: AcquireOptions = {}): Promise<LockHandle> {
    let lock: Lock;
    try {
      lock = await redlock.acquire([lockKey(resource)], ttlMs, aopts.retryCount === undefined ? undefined : { retryCount: aopts.retryCount });
    } catch (err) {
      if (err instanceof ExecutionError) throw new LockNotAcquiredError(`lock ${resource} is held by someone else (${err.message})`, { cause: err });
      throw err;
    }
    let token: number;
    try {
      token = fenceOnLockNode
        ? await fenceIncr(fenceClient, lockKey(resource), fenceKey(resource), lock.value)
        : await fenceClient.incr(fenceKey(resource));
    } catch (err) {
      await lock.release().catch(() => undefined);
      throw err;
    }
    if (token <= 0) {
      await lock.release().catch(() => undefined);
      throw new LockNotAcquiredError(`lock ${resource} was lost before a fencing token was issued`);
    }
    return holder(resource, ttlMs, lock, token);
  }

  function holder(resource: string, ttlMs: number, first: Lock, token: number): LockHandle {
    const controller = new AbortController();
    let lock = first;
    let timer: NodeJS.Timeout | undefined;
    let pending: Promise<void> = Promise.resolve();
    let released = false;
    const autoExtend = opts.autoExtend ?? true;
    const before = opts.extendBeforeMs ?? Math.floor(ttlMs / 3);

    const lose = (reason: Error): void => {
      if (!controller.signal.aborted) controller.abort(reason);
    };
    const schedule = (): void => {
      if (released) return;
      const now = Date.now();
      if (autoExtend) {
        timer = setTimeout(() => {
          pending = doExtend(ttlMs).catch((err: unknown) => {
            lose(new LockLostError(`could not extend lock ${resource}: ${err instanceof Error ? err.message : String(err)}`));
          });
        }, Math.max(0, lock.expiration - now - before));
      } else {
        timer = setTimeout(() => lose(new LockLostError(`lock ${resource} expired`)), Math.max(0, lock.expiration - now));
      }
      timer.unref();
    };
    const doExtend = async (ms: number): Promise<void> => {
      if (released || controller.signal.aborted) throw new LockLostError(`lock ${resource} is no longer held`);
      clearTimeout(timer);
      lock = await lock.extend(ms);
      schedule();
    };
    schedule();
    return {
      resource,
      token,
      signal: controller.signal,
      expiresAt: () => lock.expiration,
      extend: async (ms) => {
        await pending;
        pending = doExtend(ms);
        await pending;
      },
      release: async () => {
        if (released) return;
        released = true;
        clearTimeout(timer);
        await pending.catch(() => undefined);
        lose(new LockLostError(`lock ${resource} released`));
        try {
          await lock.release();
        } catch (err) {
          onError(err instanceof Error ? err : new Error(String(err)));
        }
      },
    };
  }

  return {
    fenceClient,
    lockKey,
    fenceKey,
    acquire,
    async withLock(resource, ttlMs, fn, aopts) {
      const h = await acquire(resource, ttlMs, aopts);
      try {
        return await fn(h.token, h.signal);
      } finally {
        await h.release();
      }
    },
  };
}
