/**
 * The buyer-facing status of an order is the BRIEF's (held, confirmed, cancelled, expired, refunded,
 * and the operator-visible failed): the saga's payment steps in progress are still "held" to the
 * buyer. `stage` keeps the saga's own step for support and the curious. Pure.
 */
export type OrderBody = { status: string; [k: string]: unknown };

const PUBLIC_STATUS: Readonly<Record<string, string>> = { payment_pending: "held", paid: "held" };

export function publicOrder<T extends OrderBody>(o: T): T & { stage: string } {
  return { ...o, status: PUBLIC_STATUS[o.status] ?? o.status, stage: o.status };
}

/** The answer for an order this buyer holds in the moment before the saga wrote its row. */
export function placingOrder(p: { orderId: string; dropId: string; quantity: number; holdExpiresAtMs: number }) {
  return { orderId: p.orderId, dropId: p.dropId, quantity: p.quantity, status: "held", stage: "placing", holdExpiresAt: new Date(p.holdExpiresAtMs).toISOString() };
}
