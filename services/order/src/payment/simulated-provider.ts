/** The default PaymentProvider: answers per simulateCharge after a configurable latency. */
import { setTimeout as sleep } from "node:timers/promises";
import { simulateCharge, simulatedPaymentId, simulatedRefundFails } from "../domain/payment.ts";
import type { PaymentProvider } from "./provider.ts";

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
