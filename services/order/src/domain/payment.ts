/**
 * What the simulated payment provider answers, as a pure function of the payment method and a
 * random number (passed in). Test tokens in the style of Stripe's test cards.
 */
import type { PaymentFailReason } from "@drops/events";

export const TEST_METHODS = {
  ok: "pm_card_ok",
  declined: "pm_card_declined",
  timeout: "pm_card_timeout",
  /** Approves the charge; every refund of it fails (exercises the saga's `failed` state). */
  refundFails: "pm_card_refund_fails",
} as const;

export type SimulatedCharge =
  | { kind: "approve" }
  | { kind: "decline"; reason: PaymentFailReason; detail: string }
  /** Never answers: the caller's deadline decides. */
  | { kind: "hang" };

/** `random` in [0, 1); `declineRate` in [0, 1] applies to every method that would approve. */
export function simulateCharge(paymentMethod: string | null, random: number, declineRate: number): SimulatedCharge {
  if (paymentMethod === null || paymentMethod === "") return { kind: "decline", reason: "ERROR", detail: "no payment method given" };
  if (paymentMethod === TEST_METHODS.declined) return { kind: "decline", reason: "DECLINED", detail: "card declined" };
  if (paymentMethod === TEST_METHODS.timeout) return { kind: "hang" };
  if (!paymentMethod.startsWith("pm_")) return { kind: "decline", reason: "ERROR", detail: `unknown payment method ${paymentMethod.slice(0, 40)}` };
  if (random < declineRate) return { kind: "decline", reason: "DECLINED", detail: "card declined (simulated random decline)" };
  return { kind: "approve" };
}

const REFUND_FAILS_PREFIX = "payrf_";

/** Provider payment ids are derived from the order id, so a repeated charge is the same payment. */
export function simulatedPaymentId(orderId: string, paymentMethod: string | null): string {
  return `${paymentMethod === TEST_METHODS.refundFails ? REFUND_FAILS_PREFIX : "pay_"}${orderId}`;
}

export function simulatedRefundFails(paymentId: string): boolean {
  return paymentId.startsWith(REFUND_FAILS_PREFIX);
}
