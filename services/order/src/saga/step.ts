/**
 * One saga step in one transaction: (dedupe the cause) -> lock the order -> decide -> write the
 * order and the outgoing events to the outbox. Either all of it happens or none of it.
 */
import type { DropsEvent } from "@drops/events";
import { decide, evolve } from "../domain/saga.ts";
import type { Decision, SagaInput } from "../domain/saga.ts";
import type { Order } from "../domain/order.ts";
import { insertOrder, lockOrder, updateOrder } from "../store/orders.ts";
import { appendOutbox } from "../store/outbox.ts";
import { markProcessed } from "../store/processed-events.ts";
import { inTransaction, type Tx } from "@drops/db";
import { observeStep } from "../metrics.ts";
import type { SagaDeps } from "./deps.ts";
import { envelopes } from "./envelopes.ts";
import type { Cause } from "./envelopes.ts";

export type { Cause } from "./envelopes.ts";

export type StepResult = { duplicate: boolean; order: Order | null; decision: Decision | null };

/** Applies `input` to the order inside an open transaction. */
export async function applyInTx(tx: Tx, deps: SagaDeps, orderId: string, input: SagaInput, cause: Cause): Promise<StepResult> {
  const now = deps.now();
  const current = await lockOrder(tx, orderId);
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
  const result = await inTransaction(deps.pool, async (tx) => {
    if (dedupe !== undefined && cause !== null && !(await markProcessed(tx, dedupe.consumer, cause.eventId))) {
      return { duplicate: true, order: null, decision: null };
    }
    return applyInTx(tx, deps, orderId, input, cause);
  });
  if (!result.duplicate) observeStep(input.type, result, deps.now());
  return result;
}

/** The cause of a step taken for a consumed event. */
export function causeOf(event: DropsEvent): Cause {
  return { eventId: event.eventId, correlationId: event.correlationId, traceparent: event.traceparent, tracestate: event.tracestate };
}
