/**
 * The payment provider the payment worker calls: its port, and the adapter in use, a simulated
 * provider that answers per domain/payment.ts after a configurable latency.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { PaymentFailReason } from "@drops/events";
import { simulateCharge, simulatedPaymentId, simulatedRefundFails } from "../domain/payment.ts";
import type { SagaDeps } from "./saga-step.ts";

export type ChargeRequest = { orderId: string; amountCents: number; currency: string; paymentMethod: string | null };

export type ChargeResult = { status: "approved"; paymentId: string } | { status: "declined"; reason: PaymentFailReason; detail: string };

export type RefundRequest = { orderId: string; paymentId: string; amountCents: number };

export type PaymentProvider = {
  /**
   * Charges once per orderId (a repeated call for the same order is the same payment).
   * Rejects with the signal's reason when aborted (the caller's deadline).
   */
  charge(req: ChargeRequest, signal: AbortSignal): Promise<ChargeResult>;
  /** Refunds once per paymentId; resolves with the refund id, rejects when the refund failed. */
  refund(req: RefundRequest, signal: AbortSignal): Promise<{ refundId: string }>;
};

/** What the payment worker's handlers need: the saga's deps plus the provider and its limits. */
export type PaymentDeps = SagaDeps & {
  provider: PaymentProvider;
  /** How long a charge may take (ms); the order's payment deadline is start + this. */
  paymentTimeoutMs: number;
  /** Calls of a handler before runConsumer gives up (its retry.attempts): a refund is then marked failed. */
  maxAttempts: number;
};

export type SimulatedProviderOptions = {
  /** Probability in [0, 1] that an approvable charge is declined. */
  declineRate: number;
  /** Latency of every answer in ms. */
  latencyMs: number;
  random?: () => number;
};

export function createSimulatedProvider(opts: SimulatedProviderOptions): PaymentProvider {
  const random = opts.random ?? Math.random;
  const wait = async (signal: AbortSignal): Promise<void> => {
    if (opts.latencyMs > 0) await sleep(opts.latencyMs, undefined, { signal });
    signal.throwIfAborted();
  };
  return {
    async charge(req, signal) {
      const outcome = simulateCharge(req.paymentMethod, random(), opts.declineRate);
      if (outcome.kind === "hang") {
        // Never answers; only the caller's deadline ends the wait.
        await new Promise<never>((_, reject) => {
          if (signal.aborted) reject(signal.reason as Error);
          signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true });
        });
      }
      await wait(signal);
      if (outcome.kind === "decline") return { status: "declined", reason: outcome.reason, detail: outcome.detail };
      return { status: "approved", paymentId: simulatedPaymentId(req.orderId, req.paymentMethod) };
    },
    async refund(req, signal) {
      await wait(signal);
      if (simulatedRefundFails(req.paymentId)) throw new Error(`simulated provider: refund of ${req.paymentId} failed`);
      return { refundId: `re_${req.orderId}` };
    },
  };
}
