/**
 * TypeScript shapes of the event payloads (the latest schema version of each event type) and of
 * the envelope that carries them. Kept in step with schemas/*.avsc; test/types.test.ts checks
 * that every shape here is valid against its schema.
 */

export type OrderCancelReason = "STOCK_REJECTED" | "PAYMENT_FAILED" | "HOLD_EXPIRED" | "BUYER_CANCELLED" | "REFUNDED" | "OTHER";
export type StockRejectReason = "SOLD_OUT" | "LIMIT_REACHED" | "NOT_OPEN" | "PAUSED" | "OTHER";
export type StockReleaseReason = "ORDER_CANCELLED" | "PAYMENT_FAILED" | "HOLD_EXPIRED" | "REFUNDED" | "OTHER";
export type DropStatus = "SCHEDULED" | "OPEN" | "PAUSED" | "SOLD_OUT" | "CLOSED" | "UNKNOWN";
export type PaymentFailReason = "DECLINED" | "INSUFFICIENT_FUNDS" | "TIMEOUT" | "ERROR" | "OTHER";
export type StockConfirmFailReason = "HOLD_GONE" | "NOT_FOUND" | "OTHER";

/** v2: checkoutId groups the orders of one cart checkout (null for a direct buy). */
export type OrderPlaced = {
  orderId: string;
  dropId: string;
  buyerId: string;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  currency: string;
  checkoutId: string | null;
};

export type OrderConfirmed = { orderId: string; dropId: string; buyerId: string; quantity: number; amountCents: number; paymentId: string };

export type OrderCancelled = { orderId: string; dropId: string; buyerId: string; quantity: number; reason: OrderCancelReason; detail: string | null };

/**
 * holdExpiresAt: epoch milliseconds (Avro long, logicalType timestamp-millis).
 * v2: amountCents, currency, paymentMethod of the purchase (null when the writer does not know them).
 */
export type StockReserved = {
  orderId: string;
  dropId: string;
  buyerId: string;
  quantity: number;
  holdExpiresAt: number;
  amountCents: number | null;
  currency: string | null;
  paymentMethod: string | null;
};

export type StockRejected = { orderId: string; dropId: string; buyerId: string; quantity: number; reason: StockRejectReason };

export type StockReleased = { orderId: string; dropId: string; quantity: number; reason: StockReleaseReason };

export type StockConfirmed = { orderId: string; dropId: string; quantity: number };

/** The inventory could not confirm the hold (gone or never reserved): the saga refunds and cancels. */
export type StockConfirmFailed = { orderId: string; dropId: string; reason: StockConfirmFailReason; detail: string | null };

/** One product line of a cart order in a stock command: its units are held under the order's id. */
export type StockLine = { productId: string; quantity: number };

/**
 * Command (order saga -> inventory): confirm the order's hold as sold.
 * v2: `lines` for a cart order (every line confirmed, dropId ""), null for a drop order.
 */
export type StockConfirmRequested = { orderId: string; dropId: string; quantity: number; lines: StockLine[] | null };

/**
 * Command (order saga -> inventory): put the order's units back on sale (held: release; sold: refund).
 * v2: `lines` for a cart order (every line released, dropId ""), null for a drop order.
 */
export type StockReleaseRequested = { orderId: string; dropId: string; quantity: number; reason: StockReleaseReason; lines: StockLine[] | null };

/** One line of a checked-out cart: the catalog's price at checkout. */
export type CartLine = { productId: string; quantity: number; unitPriceCents: number };

/**
 * The cart service reserved every line of a cart under `orderId` (all held until holdExpiresAt) and
 * hands the order to the saga. amountCents = sum of quantity x unitPriceCents.
 */
export type CartCheckedOut = {
  orderId: string;
  buyerId: string;
  lines: CartLine[];
  amountCents: number;
  currency: string;
  paymentMethod: string | null;
  holdExpiresAt: number;
};

/** A snapshot of a drop's counters; seq grows per drop so a reader can ignore stale snapshots. */
export type StockChanged = { dropId: string; available: number; held: number; sold: number; total: number; status: DropStatus; seq: number };

/** v2: paymentMethod, a provider token (pm_card_ok, ...); null = none given. */
export type PaymentRequested = { orderId: string; buyerId: string; amountCents: number; currency: string; paymentMethod: string | null };

export type PaymentSucceeded = { orderId: string; paymentId: string; amountCents: number };

export type PaymentFailed = { orderId: string; amountCents: number; reason: PaymentFailReason; detail: string | null };

export type RefundRequested = { orderId: string; paymentId: string; amountCents: number };

export type RefundSucceeded = { orderId: string; paymentId: string; refundId: string; amountCents: number };

/** The refund kept failing after every retry; the order is marked failed for an operator. */
export type RefundFailed = { orderId: string; paymentId: string; amountCents: number; attempts: number; detail: string | null };

/** Event type name -> payload shape. */
export type EventPayloads = {
  OrderPlaced: OrderPlaced;
  OrderConfirmed: OrderConfirmed;
  OrderCancelled: OrderCancelled;
  StockReserved: StockReserved;
  StockRejected: StockRejected;
  StockReleased: StockReleased;
  StockConfirmed: StockConfirmed;
  StockConfirmFailed: StockConfirmFailed;
  StockChanged: StockChanged;
  StockConfirmRequested: StockConfirmRequested;
  StockReleaseRequested: StockReleaseRequested;
  CartCheckedOut: CartCheckedOut;
  PaymentRequested: PaymentRequested;
  PaymentSucceeded: PaymentSucceeded;
  PaymentFailed: PaymentFailed;
  RefundRequested: RefundRequested;
  RefundSucceeded: RefundSucceeded;
  RefundFailed: RefundFailed;
};

export type EventType = keyof EventPayloads;

/** One event with its metadata. See README "Wire format" for how each field travels. */
export type EventEnvelope<T extends EventType> = {
  /** UUID; consumers dedupe on it. */
  eventId: string;
  type: T;
  /** Schema version of the payload (when decoding: the reader's version, i.e. the payload's shape). */
  version: number;
  /** Epoch milliseconds. */
  occurredAt: number;
  /** Saga / order id that ties the events of one business flow together. */
  correlationId: string;
  /** eventId of the event that caused this one, null for a flow's first event. */
  causationId: string | null;
  /** W3C trace context of the code that produced the event. */
  traceparent: string | null;
  tracestate: string | null;
  payload: EventPayloads[T];
};

/** Discriminated union of every envelope: switch on `event.type` to narrow `event.payload`. */
export type DropsEvent = { [K in EventType]: EventEnvelope<K> }[EventType];

export const EVENT_TYPES = [
  "OrderPlaced",
  "OrderConfirmed",
  "OrderCancelled",
  "StockReserved",
  "StockRejected",
  "StockReleased",
  "StockConfirmed",
  "StockConfirmFailed",
  "StockChanged",
  "StockConfirmRequested",
  "StockReleaseRequested",
  "CartCheckedOut",
  "PaymentRequested",
  "PaymentSucceeded",
  "PaymentFailed",
  "RefundRequested",
  "RefundSucceeded",
  "RefundFailed",
] as const satisfies readonly EventType[];

export function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s);
}
