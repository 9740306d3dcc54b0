/**
 * One saga step in one transaction: (dedupe the cause) -> lock the order -> decide -> write the
 * order and the outgoing events to the outbox. Either all of it happens or none of it. The buyer's
 * cancel and the operator's refund retry are steps too. Every committed step is counted
 * (drops_saga_steps_total{input,changed}; drops_saga_duration_seconds{outcome} when the saga ends;
 * drops_saga_compensations_total{reason} for a compensating step; a compensation runs in a span that
 * is always sampled).
 */
import type pg from "pg";
import type { Counter, Histogram } from "@opentelemetry/api";
import type { DropsEvent } from "@drops/events";
import { inTransaction, type Tx } from "@drops/db";
import { FORCE_SAMPLE, meter, tracer, tracingEnabled } from "@drops/telemetry";
import { TERMINAL, type Order, type OrderStatus } from "../domain/order.ts";
import { decide, evolve, type Decision, type Rejection, type SagaInput } from "../domain/saga.ts";
import type { SagaTopics } from "../domain/topics.ts";
import { insertOrder, lockOrder, markProcessedAndLockOrder, updateOrder } from "./orders.ts";
import { appendOutbox, envelopes, type Cause } from "./outbox.ts";
import { reopenRefund } from "./payments.ts";

/** What the saga's steps need from the outside world: the database, topic names, a clock and ids. */
export type SagaDeps = {
  pool: pg.Pool;
  topics: SagaTopics;
  /** Epoch ms. */
  now: () => number;
  /** A new UUID (event ids). */
  newId: () => string;
  defaultCurrency: string;
};

export type StepResult = { duplicate: boolean; order: Order | null; decision: Decision | null };

/** Applies `input` to the order inside an open transaction. */
export async function applyInTx(tx: Tx, deps: SagaDeps, orderId: string, input: SagaInput, cause: Cause): Promise<StepResult> {
  return applyToLocked(tx, deps, orderId, await lockOrder(tx, orderId), input, cause);
}

/** Applies `input` to `current`, the order as locked in this transaction (null: unknown). */
export async function applyToLocked(tx: Tx, deps: SagaDeps, orderId: string, current: Order | null, input: SagaInput, cause: Cause): Promise<StepResult> {
  const now = deps.now();
  const decision = decide(current, input, now);
  let order = current;
  if (decision.create !== null) {
    order = decision.create;
    await insertOrder(tx, order);
  } else if (decision.change !== null && current !== null) {
    order = evolve(current, decision.change, now);
    await updateOrder(tx, order);
  }
  await appendOutbox(tx, envelopes(deps, orderId, decision.emit, cause, now));
  return { duplicate: false, order, decision };
}

/**
 * Runs a step in its own transaction. With `dedupe`, the cause's event id is recorded for the
 * consumer in the same transaction, so a redelivered event changes nothing.
 */
export async function runSagaStep(deps: SagaDeps, orderId: string, input: SagaInput, cause: Cause, dedupe?: { consumer: string }): Promise<StepResult> {
  const reason = compensationReason(input);
  if (reason === undefined || !tracingEnabled()) return runStep(deps, orderId, input, cause, dedupe);
  // A compensation: its own span, always sampled (@drops/telemetry's sampler), active while the step
  // writes its events, so their traceparent says sampled and the release, refund and notice
  // downstream are kept too, whatever the purchase's own sampling decided.
  return tracer().startActiveSpan(`saga compensate ${input.type}`, { attributes: { [FORCE_SAMPLE]: true, "drops.saga.input": input.type, "drops.saga.compensation": reason, "drops.order.id": orderId } }, async (span) => {
    try {
      const result = await runStep(deps, orderId, input, cause, dedupe);
      span.setAttribute("drops.saga.outcome", result.order?.status ?? "unknown");
      return result;
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: 2, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * The reason label of a compensating input (the saga undoes a hold or a charge), or undefined for a
 * forward step. Bounded: PaymentFailed's reasons are the events' enum.
 */
export function compensationReason(input: SagaInput): string | undefined {
  switch (input.type) {
    case "PaymentFailed":
      return `payment_${input.reason.toLowerCase()}`;
    case "PaymentTimedOut":
      return "payment_timeout";
    case "StockConfirmFailed":
      return "stock_confirm_failed";
    case "CancelRequested":
      return "buyer_cancel";
    case "RefundFailed":
      return "refund_failed";
    case "StockReleased":
      return input.reason === "HOLD_EXPIRED" ? "hold_expired" : undefined;
    default:
      return undefined;
  }
}

async function runStep(deps: SagaDeps, orderId: string, input: SagaInput, cause: Cause, dedupe?: { consumer: string }): Promise<StepResult> {
  const result = await inTransaction(deps.pool, async (tx) => {
    if (dedupe !== undefined && cause !== null) {
      const { fresh, order } = await markProcessedAndLockOrder(tx, dedupe.consumer, cause.eventId, orderId);
      if (!fresh) return { duplicate: true, order: null, decision: null };
      return applyToLocked(tx, deps, orderId, order, input, cause);
    }
    return applyInTx(tx, deps, orderId, input, cause);
  });
  if (!result.duplicate) observeStep(input.type, result, deps.now(), compensationReason(input));
  return result;
}

/** The cause of a step taken for a consumed event. */
export function causeOf(event: DropsEvent): Cause {
  return { eventId: event.eventId, correlationId: event.correlationId, traceparent: event.traceparent, tracestate: event.tracestate };
}

/** The answer to a buyer's cancel or an operator's refund retry. */
export type CommandResult = { ok: true; orderId: string; status: OrderStatus } | { ok: false; rejection: Rejection };

function answer(orderId: string, { order, decision }: StepResult): CommandResult {
  if (decision?.rejection) return { ok: false, rejection: decision.rejection };
  if (order === null) return { ok: false, rejection: { code: "NOT_FOUND", message: "order not found" } };
  return { ok: true, orderId, status: order.status };
}

/** Buyer cancel (POST /orders/:id/cancel): idempotent (a second cancel answers the same). */
export async function cancelOrder(deps: SagaDeps, orderId: string, buyerId: string): Promise<CommandResult> {
  return answer(orderId, await runSagaStep(deps, orderId, { type: "CancelRequested", buyerId }, null));
}

/**
 * Operator action on a `failed` order (a refund that kept failing): request the refund again. The
 * order goes back to `refunded` and the payment row becomes refundable, in one transaction with the
 * RefundRequested in the outbox; if the refund fails again, the order lands in `failed` again.
 */
export async function retryRefund(deps: SagaDeps, orderId: string): Promise<CommandResult> {
  const result = await inTransaction(deps.pool, async (tx) => {
    const step = await applyInTx(tx, deps, orderId, { type: "RefundRetryRequested" }, null);
    if (step.decision?.change) await reopenRefund(tx, orderId, deps.now());
    return step;
  });
  observeStep("RefundRetryRequested", result, deps.now());
  return answer(orderId, result);
}

let instruments: { duration: Histogram; steps: Counter; compensations: Counter } | undefined;

/** Records a committed step: the input, and the saga's duration when it just ended. No-ops unless telemetry runs. */
export function observeStep(input: string, result: StepResult, now: number, compensation?: string): void {
  // Created on first use, after telemetry started. The names are the dashboard's contract.
  instruments ??= {
    duration: meter().createHistogram("drops_saga_duration_seconds", {
      description: "time from order creation to its terminal status",
      unit: "s",
      advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] },
    }),
    steps: meter().createCounter("drops_saga_steps", { description: "saga inputs applied" }),
    compensations: meter().createCounter("drops_saga_compensations", { description: "compensating saga steps that changed the order, by reason" }),
  };
  const changed = result.decision !== null && (result.decision.change !== null || result.decision.create !== null);
  instruments.steps.add(1, { input, changed: String(changed) });
  if (changed && compensation !== undefined) instruments.compensations.add(1, { reason: compensation });
  const status = result.decision?.change?.status;
  if (status !== undefined && TERMINAL.includes(status) && result.order !== null) {
    instruments.duration.record(Math.max(0, now - result.order.createdAt) / 1000, { outcome: status });
  }
}
