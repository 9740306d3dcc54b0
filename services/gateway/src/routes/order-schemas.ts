/** JSON schemas of the purchase, order and stock routes (validation + OpenAPI). */
import { strictObject, uuid, page, pageSize } from "./schemas.ts";

export const IDEMPOTENCY_KEY = "idempotency-key";
/** The waiting room's admission, for a purchase in a queued drop. */
export const ADMISSION_TOKEN = "admission-token";

export const purchaseHeaders = {
  type: "object",
  required: [IDEMPOTENCY_KEY],
  properties: {
    [IDEMPOTENCY_KEY]: {
      type: "string", minLength: 1, maxLength: 200, pattern: "^[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?$",
      description: "1-200 printable ASCII characters, unique per purchase; the same key (same drop, same body) replays the same answer",
    },
    [ADMISSION_TOKEN]: {
      type: "string", minLength: 1, maxLength: 512,
      description: "a queued drop only: the admission token from the waiting room (GET /api/drops/:dropId/queue/me once admitted); single use, bound to the buyer and drop",
    },
  },
} as const;

export const purchaseBody = strictObject(
  {
    quantity: { type: "integer", minimum: 1, maximum: 100 },
    paymentMethod: { type: "string", minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9_.:/-]+$", description: "a payment token, e.g. pm_card_ok" },
  },
  ["quantity", "paymentMethod"],
);

const orderStatus = { type: "string", enum: ["held", "confirmed", "cancelled", "expired", "refunded", "failed"] } as const;
const orderStage = {
  type: "string",
  enum: ["placing", "held", "payment_pending", "paid", "confirmed", "cancelled", "expired", "refunded", "failed"],
  description: "the saga's own step (payment_pending and paid show as status held)",
} as const;

export const purchaseAnswer = {
  type: "object",
  required: ["orderId", "status", "holdExpiresAt"],
  properties: {
    orderId: uuid, status: { type: "string", enum: ["held", "confirmed", "cancelled", "expired", "refunded"], description: "held for a new purchase; a replay answers the order's current status" },
    holdExpiresAt: { type: "string", format: "date-time" },
    priceCents: { type: "integer", description: "the drop's unit price, fixed when the drop was scheduled (a later product price change is not the drop's)" },
    amountCents: { type: "integer", description: "what the order is charged: priceCents x quantity" },
  },
} as const;

export const orderLine = {
  type: "object",
  required: ["productId", "quantity", "priceCents"],
  properties: { productId: uuid, quantity: { type: "integer" }, priceCents: { type: "integer", description: "unit price at the checkout" } },
} as const;
/** A buyer's order line, with what it is called (the product's current name; null when the catalog cannot say). */
const namedOrderLine = { ...orderLine, properties: { ...orderLine.properties, name: { type: ["string", "null"], description: "the product's name" } } } as const;

export const orderAnswer = {
  type: "object",
  additionalProperties: true,
  required: ["orderId", "dropId", "quantity", "status"],
  properties: {
    orderId: { type: "string" },
    dropId: { type: ["string", "null"], description: "the drop of a drop order; null for a cart order (see lines)" },
    lines: { type: "array", items: namedOrderLine, description: "a cart order's lines, each with its product's name (absent for a drop order)" },
    name: { type: ["string", "null"], description: "a drop order: the drop's product name; a cart order: null (see lines[].name); null too when the catalog cannot say" },
    imageUrl: { type: ["string", "null"], description: "a picture of what was bought: the drop's product's first image, or a cart order's first line's" },
    buyerId: { type: "string" }, quantity: { type: "integer", description: "units: a drop order's, or the sum of a cart order's lines" },
    amountCents: { type: "integer" }, currency: { type: "string" }, status: orderStatus, stage: orderStage,
    holdExpiresAt: { type: ["string", "null"] },
    cancelReason: { type: ["string", "null"], description: "why it was cancelled: a code (e.g. PAYMENT_FAILED, HOLD_EXPIRED, BUYER_CANCELLED)" },
    failureReason: { type: ["string", "null"], description: "why it failed: a code (REFUND_FAILED)" },
    reason: { type: ["string", "null"], description: "a short sentence for the buyer about why the order ended (null while it lives)" },
    createdAt: { type: "string" }, updatedAt: { type: "string" },
  },
} as const;

export const orderListQuery = strictObject({ page, pageSize, status: { ...orderStatus, description: "a public status (held also matches orders in payment)" } }, []);

/** An order as operators see it: the saga's own status and the raw reasons (provider messages included). */
export const adminOrderAnswer = {
  type: "object",
  additionalProperties: true,
  required: ["orderId", "status"],
  properties: {
    orderId: { type: "string" }, dropId: { type: ["string", "null"] }, buyerId: { type: "string" }, quantity: { type: "integer" },
    amountCents: { type: "integer" }, currency: { type: "string" }, status: { type: "string", enum: [...orderStage.enum.filter((s) => s !== "placing")] },
    holdExpiresAt: { type: ["string", "null"] }, cancelReason: { type: ["string", "null"] }, failureReason: { type: ["string", "null"] },
    lines: { type: "array", items: orderLine }, createdAt: { type: "string" }, updatedAt: { type: "string" },
  },
} as const;

const SAGA_STATUSES = ["held", "payment_pending", "paid", "confirmed", "cancelled", "expired", "refunded", "failed"] as const;
export const adminOrderListQuery = strictObject(
  { page, pageSize, status: { type: "string", enum: SAGA_STATUSES, description: "the saga's status (failed: what needs an operator)" } },
  [],
);
export const retryRefundAnswer = { type: "object", required: ["orderId", "status"], properties: { orderId: { type: "string" }, status: { type: "string" } } } as const;

export const cancelAnswer = { type: "object", required: ["orderId", "status"], properties: { orderId: { type: "string" }, status: orderStatus } } as const;

export const adminStockAnswer = {
  type: "object",
  additionalProperties: true,
  required: ["available", "held", "sold", "total", "consistent"],
  properties: {
    available: { type: "integer" }, held: { type: "integer" }, sold: { type: "integer" }, total: { type: "integer" },
    consistent: { type: "boolean", description: "Redis agrees with the ledger and available + held + sold == total" },
    dropId: { type: "string" }, loaded: { type: "boolean" }, status: { type: ["string", "null"] },
    unrelayed: { type: "integer" }, problems: { type: "array", items: { type: "string" } },
  },
} as const;
