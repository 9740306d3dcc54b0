/** JSON schemas of the cart routes (validation + OpenAPI). */
import { orderLine, purchaseBody, purchaseHeaders } from "./order-schemas.ts";
import { strictObject, uuid } from "./schemas.ts";

const cartLine = {
  type: "object",
  required: ["productId", "name", "quantity", "priceCents", "lineTotalCents"],
  properties: {
    productId: uuid, name: { type: "string" }, quantity: { type: "integer" },
    priceCents: { type: "integer", description: "the catalog's current unit price" }, lineTotalCents: { type: "integer" },
  },
} as const;

export const cartAnswer = {
  type: "object",
  required: ["lines", "totalCents", "expiresAt"],
  properties: {
    lines: { type: "array", items: cartLine, description: "oldest first; an empty cart: []" },
    totalCents: { type: "integer" },
    expiresAt: { type: ["string", "null"], format: "date-time", description: "the cart expires this long after its last change (7 days by default); null when empty" },
  },
} as const;

export const cartLineBody = strictObject({ quantity: { type: "integer", minimum: 1, maximum: 99 } }, ["quantity"]);

/** The same Idempotency-Key rule as a purchase: 1-200 printable ASCII characters. */
export const checkoutHeaders = purchaseHeaders;

export const checkoutBody = strictObject({ paymentMethod: purchaseBody.properties.paymentMethod }, ["paymentMethod"]);

export const checkoutAnswer = {
  type: "object",
  required: ["orderId", "status", "holdExpiresAt", "lines"],
  properties: {
    orderId: uuid,
    status: { type: "string", enum: ["held"], description: "every line held for the order; the saga charges the total next" },
    holdExpiresAt: { type: "string", format: "date-time", description: "the earliest line's hold expiry" },
    lines: { type: "array", items: orderLine },
    amountCents: { type: "integer" },
    currency: { type: "string" },
  },
} as const;
