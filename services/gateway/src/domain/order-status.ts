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

type Line = { productId: string; quantity: number; priceCents: number };

/**
 * The answer for an order this buyer holds in the moment before the saga wrote its row. A cart order
 * (its pending record has lines) answers as the order service will: dropId null and its lines.
 */
export function placingOrder(p: { orderId: string; dropId: string; quantity: number; holdExpiresAtMs: number; lines?: Line[] }) {
  const holdExpiresAt = new Date(p.holdExpiresAtMs).toISOString();
  if (p.lines) return { orderId: p.orderId, dropId: null, quantity: p.quantity, lines: p.lines, status: "held", stage: "placing", holdExpiresAt };
  return { orderId: p.orderId, dropId: p.dropId, quantity: p.quantity, status: "held", stage: "placing", holdExpiresAt };
}
