/** JSON schemas of the cart's internal routes (validation; the public docs are the gateway's). */
import { UUID_SCHEMA } from "@drops/http";
import { MAX_QUANTITY, MIN_QUANTITY } from "../domain/cart.ts";

export const IDEMPOTENCY_KEY = "idempotency-key";

export const productParams = { type: "object", additionalProperties: false, required: ["productId"], properties: { productId: UUID_SCHEMA } } as const;

export const lineBody = {
  type: "object", additionalProperties: false, required: ["quantity"],
  properties: { quantity: { type: "integer", minimum: MIN_QUANTITY, maximum: MAX_QUANTITY } },
} as const;

/** The same rule as the gateway's purchase route: 1-200 printable ASCII characters, no blank ends. */
export const checkoutHeaders = {
  type: "object",
  required: [IDEMPOTENCY_KEY],
  properties: { [IDEMPOTENCY_KEY]: { type: "string", minLength: 1, maxLength: 200, pattern: "^[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?$" } },
} as const;

export const checkoutBody = {
  type: "object", additionalProperties: false, required: ["paymentMethod"],
  properties: { paymentMethod: { type: "string", minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9_.:/-]+$" } },
} as const;
