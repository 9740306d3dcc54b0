/**
 * The saga's payment timeout, the backstop of the charge's own cut-off: orders still payment_pending
 * after their deadline are cancelled and their stock released (PaymentTimedOut), unless their charge
 * has an answer on its way (succeeded / failed) or can still be resumed (`processing` with attempts
 * left: the charge runner of some instance sends it again and restarts the deadline). So no order
 * is timed out while our own side is down, frozen or rebalancing; a charge that kept erring past
 * `maxChargeAttempts` is. Rows are locked with SKIP LOCKED, so any number of instances sweep
 * without doing an order twice, and the step is idempotent anyway.
 */
import { inTransaction } from "@drops/db";
import { startLoop, type Loop, type LoopLogger } from "@drops/http";
import { lockOverduePayments } from "../store/orders.ts";
import { applyInTx, observeStep, type SagaDeps, type StepResult } from "../store/saga-step.ts";

/** One sweep; returns how many orders timed out (their ids to `onTimedOut`). */
export async function sweepPaymentDeadlines(deps: SagaDeps, opts: { maxChargeAttempts: number; limit?: number; onTimedOut?: (orderIds: string[]) => void }): Promise<number> {
  const limit = opts.limit ?? 100;
  const results = await inTransaction(deps.pool, async (tx) => {
    const ids = await lockOverduePayments(tx, deps.now(), limit, opts.maxChargeAttempts);
    const done: StepResult[] = [];
    for (const id of ids) done.push(await applyInTx(tx, deps, id, { type: "PaymentTimedOut" }, null));
    return done;
  });
  const timedOut = results.flatMap((r) => (r.decision?.change != null && r.order !== null ? [r.order.id] : []));
  if (timedOut.length > 0) opts.onTimedOut?.(timedOut);
  for (const r of results) observeStep("PaymentTimedOut", r, deps.now());
  return results.length;
}

export function startPaymentDeadlineSweeper(deps: SagaDeps, opts: { intervalMs: number; maxChargeAttempts: number; limit?: number; logger?: LoopLogger }): Loop {
  const limit = opts.limit ?? 100;
  return startLoop("payment deadline sweeper", {
    idleMs: opts.intervalMs,
    logger: opts.logger,
    round: async () =>
      (await sweepPaymentDeadlines(deps, {
        maxChargeAttempts: opts.maxChargeAttempts,
        limit,
        onTimedOut: (orderIds) => opts.logger?.warn({ orderIds }, "payment deadline passed with no charge that can still answer: orders timed out"),
      })) === limit,
  });
}
