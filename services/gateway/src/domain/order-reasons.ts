/**
 * What a buyer reads about why an order ended: a short sentence, never the payment provider's or a
 * service's raw message. The order service stores `cancelReason` / `failureReason` as a code with
 * detail after a colon (`PAYMENT_FAILED:DECLINED`, `REFUND_FAILED: <provider message>`); the buyer
 * sees the code alone (stable, for programs) and `reason`, the sentence. Admins see the raw values. Pure.
 */
export type WithReasons = { cancelReason?: string | null; failureReason?: string | null; [k: string]: unknown };

const codeOf = (raw: string): string => raw.split(":", 1)[0]!.trim();

/** The sentence for a stored reason (its code and detail), or null for none. */
export function plainReason(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw === "") return null;
  const code = codeOf(raw);
  const detail = raw.slice(code.length + 1).trim().toUpperCase();
  switch (code) {
    case "BUYER_CANCELLED":
      return "You cancelled this order.";
    case "HOLD_EXPIRED":
      return "Your hold expired before the payment was completed.";
    case "PAYMENT_FAILED":
      return detail === "TIMEOUT" ? "The payment did not go through in time; you were not charged." : "The payment was declined; you were not charged.";
    case "CONFIRM_FAILED":
      return "We could not confirm your units; your payment was refunded.";
    case "REFUND_FAILED":
      return "Your refund is delayed; our team is on it.";
    default:
      return "This order could not be completed.";
  }
}

/** The buyer's view of an order's reasons: codes without their detail, and `reason` (failure first). */
export function buyerReasons<T extends WithReasons>(o: T): T & { reason: string | null } {
  const cancel = o.cancelReason ? codeOf(o.cancelReason) : (o.cancelReason ?? null);
  const failure = o.failureReason ? codeOf(o.failureReason) : (o.failureReason ?? null);
  return { ...o, cancelReason: cancel, failureReason: failure, reason: plainReason(o.failureReason) ?? plainReason(o.cancelReason) };
}

/** The saga statuses behind a public order status (`held` is also the saga's payment steps). */
const INTERNAL_STATUSES: Readonly<Record<string, readonly string[]>> = { held: ["held", "payment_pending", "paid"] };

/** The order service's `?status=` for a public status filter (comma-separated saga statuses). */
export function internalStatusFilter(status: string): string {
  return (INTERNAL_STATUSES[status] ?? [status]).join(",");
}
