/**
 * The charge runner: the payment worker's charges in flight, at most `concurrency` per instance, each
 * in its own slot, so a charge that never answers (pm_card_timeout) holds one slot until its
 * deadline and delays no other order's charge. The consumer commits PaymentRequested once the charge
 * has begun (the payment row `processing`, in PostgreSQL); from then on the row carries the request:
 *
 * - while a charge is in flight here, its row's lease (`updated_at`) is renewed every leaseMs / 3,
 *   in one UPDATE for every charge in flight;
 * - a `processing` row whose lease ran out (its instance died, or its charge kept failing) is taken
 *   by the recovery round of any instance (`FOR UPDATE SKIP LOCKED`, lease renewed in the same
 *   statement) and charged again with the same order id, which the provider treats as the same
 *   payment; settling locks the row and settles only a `processing` one, so two attempts of one
 *   charge report one result.
 *
 * The deadline of a charge measures the provider's silence: it starts when the charge is sent, a
 * resumed charge restarts it (ChargeResumed), time this process was frozen does not count
 * (stall-watch.ts), and our own time-out settles only the latest attempt. The payment-deadline
 * sweeper leaves a `processing` charge alone while it can still be resumed here.
 *
 * A provider error (not a decline) is retried here with backoff, `maxAttempts` times per slot; then
 * the row is left to the recovery round, at most `maxRecoveries` times per payment (then the sweeper
 * times the order out).
 */
import type { PaymentRequested } from "@drops/events";
import { startLoop, type Loop, type LoopLogger } from "@drops/http";
import { ChargeStopped, beginCharge, finishCharge, type ChargeSlots, type StartedCharge } from "../handlers/charge-on-payment-requested.ts";
import type { Cause } from "../store/outbox.ts";
import type { PaymentDeps } from "../store/payment-provider.ts";
import { claimStaleCharges, renewChargeLeases } from "../store/payments.ts";

export type ChargeRunnerOptions = {
  /** Charges in flight at once per instance. */
  concurrency: number;
  /** How long a processing row's lease lasts without renewal (ms). */
  leaseMs: number;
  /** Backoff of a provider error (ms, doubled per attempt). */
  retryDelayMs?: number;
  /** Recovery rounds a payment may be resumed by (its `attempts`), so a provider that always errs does not loop forever. */
  maxRecoveries?: number;
  logger?: LoopLogger;
};

export type ChargeRunner = ChargeSlots & {
  /** Charges in flight (order ids). */
  inFlight(): string[];
  /** One recovery round: resumes stale processing rows into free slots; returns how many. */
  recover(): Promise<number>;
  /** Takes no more charges, stops recovering; waits up to `graceMs` for the charges in flight, abandons the rest (left processing, resumed by another instance once the lease lapses). */
  stop(graceMs?: number): Promise<void>;
};

type Waiter = { resolve: () => void; reject: (err: Error) => void };

/**
 * How many times one payment may be sent (first send, resumes, provider-error retries) before it is
 * left to the payment-deadline sweeper: a provider that always errs must end, as a timeout.
 */
export function chargeAttemptLimit(maxAttempts: number): number {
  return Math.max(10, maxAttempts * 4);
}

export function createChargeRunner(deps: PaymentDeps, opts: ChargeRunnerOptions): ChargeRunner {
  const stopping = new AbortController();
  const inFlight = new Map<string, Promise<void>>();
  const waiters: Waiter[] = [];
  const retryDelayMs = opts.retryDelayMs ?? 200;
  const maxRecoveries = opts.maxRecoveries ?? chargeAttemptLimit(deps.maxAttempts);
  let used = 0;
  let closed = false;

  const release = (): void => {
    const next = waiters.shift();
    if (next !== undefined) next.resolve(); // the slot passes straight to the next waiter
    else used--;
  };
  const tryAcquire = (): boolean => {
    if (used >= opts.concurrency) return false;
    used++;
    return true;
  };
  const acquire = (): Promise<void> => {
    if (closed) return Promise.reject(new ChargeStopped("the payment worker is stopping"));
    return tryAcquire() ? Promise.resolve() : new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
  };

  async function run(req: PaymentRequested, started: StartedCharge, cause: Cause): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const done = await finishCharge(deps, req, started, cause, stopping.signal);
        // A time-out ends a paying buyer's order: worth a line (which attempt, and whether it settled).
        if (done.timedOut) opts.logger?.warn({ orderId: req.orderId, attempt: started.attempt, deadlineAt: new Date(started.deadlineAt).toISOString(), settled: done.settled }, "charge timed out: no answer from the payment provider by its deadline");
        return;
      } catch (err) {
        if (err instanceof ChargeStopped || stopping.signal.aborted) return; // left processing: recovered elsewhere
        if (attempt >= deps.maxAttempts || deps.now() >= started.deadlineAt) {
          opts.logger?.warn({ err, orderId: req.orderId, attempt }, "charge failed; left to the recovery round");
          return;
        }
        opts.logger?.warn({ err, orderId: req.orderId, attempt }, "charge failed, retrying");
        await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** (attempt - 1)));
        if (stopping.signal.aborted) return;
        // The row may have been settled meanwhile by another attempt: begin again (a no-op then).
        const again = await beginCharge(deps, req, cause).catch(() => undefined);
        if (again === null) return;
        if (again !== undefined) started = again;
      }
    }
  }

  function finish(req: PaymentRequested, started: StartedCharge, cause: Cause): void {
    if (inFlight.has(req.orderId) || closed) {
      release(); // already being charged here (a redelivery), or stopping: the row stays processing
      return;
    }
    const task = run(req, started, cause)
      .catch((err: unknown) => opts.logger?.warn({ err, orderId: req.orderId }, "charge failed; left to the recovery round"))
      .finally(() => {
        inFlight.delete(req.orderId);
        release();
      });
    inFlight.set(req.orderId, task);
  }

  async function recover(): Promise<number> {
    if (closed) return 0;
    const free = opts.concurrency - used;
    if (free <= 0) return 0;
    const now = deps.now();
    const stale = await claimStaleCharges(deps.pool, { now, staleBefore: now - opts.leaseMs, exclude: [...inFlight.keys()], limit: free, maxAttempts: maxRecoveries });
    let resumed = 0;
    for (const req of stale) {
      if (!tryAcquire()) break; // its lease was renewed by the claim: recovered again after it lapses
      const started = await beginCharge(deps, req, null).catch((err: unknown) => {
        opts.logger?.warn({ err, orderId: req.orderId }, "recovered charge could not begin");
        return null;
      });
      if (started === null) release();
      else {
        finish(req, started, null);
        resumed++;
      }
    }
    return resumed;
  }

  const renew = async (): Promise<void> => {
    if (inFlight.size > 0) await renewChargeLeases(deps.pool, [...inFlight.keys()], deps.now());
  };
  const renewal: Loop = startLoop("charge lease renewal", { idleMs: Math.max(50, Math.floor(opts.leaseMs / 3)), logger: opts.logger, round: async () => (await renew(), false) });
  const recovery: Loop = startLoop("charge recovery", { idleMs: Math.max(50, Math.floor(opts.leaseMs / 2)), logger: opts.logger, round: async () => (await recover()) > 0 && used < opts.concurrency });

  return {
    acquire,
    release,
    finish,
    isInFlight: (orderId) => inFlight.has(orderId),
    inFlight: () => [...inFlight.keys()],
    recover,
    stop: async (graceMs = 1_000) => {
      closed = true;
      // A consumer waiting for a slot gives up: its message is not committed, so it is delivered again.
      for (const w of waiters.splice(0)) w.reject(new ChargeStopped("the payment worker is stopping"));
      await recovery.stop();
      const all = Promise.allSettled([...inFlight.values()]);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
      clearTimeout(timer);
      stopping.abort();
      if (timedOut) await all;
      await renewal.stop();
    },
  };
}
