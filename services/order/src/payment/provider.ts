/** The payment-provider port the payment worker calls. Adapters: simulated-provider.ts. */
import type { PaymentFailReason } from "@drops/events";

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
