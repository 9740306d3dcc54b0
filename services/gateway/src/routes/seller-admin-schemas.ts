/** JSON schemas of the seller sales / adjust routes and the admin console's routes (validation + OpenAPI). */
import { UUID_SCHEMA } from "@drops/http";

const int = { type: "integer" } as const;
const strict = <P extends Record<string, object>>(properties: P, required: readonly (keyof P & string)[]) =>
  ({ type: "object", additionalProperties: false, properties, required }) as const;
const answer = <P extends Record<string, object>>(properties: P, required: readonly (keyof P & string)[]) =>
  ({ type: "object", properties, required }) as const;

const sellerStatus = { type: "string", enum: ["pending", "approved", "rejected"] } as const;
const reason = { type: "string", minLength: 1, maxLength: 500, pattern: "\\S", description: "why (shown to the seller)" } as const;

export const rejectBody = strict({ reason }, ["reason"]);
export const rejectAnswer = answer({ sellerId: UUID_SCHEMA, status: { type: "string", enum: ["rejected"] }, reason: { type: ["string", "null"] } }, ["sellerId", "status", "reason"]);

/** A seller application as admins and the seller see it (with the rejection's reason). */
export const sellerWithReasonAnswer = answer(
  {
    sellerId: UUID_SCHEMA, userId: UUID_SCHEMA, businessName: { type: "string" }, contactEmail: { type: "string" }, status: sellerStatus,
    reason: { type: ["string", "null"], description: "why it was rejected (or suspended); null otherwise" }, createdAt: { type: "string", format: "date-time" },
  },
  ["sellerId", "userId", "businessName", "contactEmail", "status"],
);

export const salesAnswer = answer(
  {
    dropId: UUID_SCHEMA,
    units: { type: "integer", description: "units on sale in all: the schedule's, plus restocks, minus withdrawals" },
    sold: { type: "integer", description: "units sold (paid and confirmed)" },
    held: { type: "integer", description: "units held for buyers who have not paid yet" },
    available: { type: "integer", description: "units left to buy" },
    cancelled: { type: "integer", description: "orders cancelled or expired (no sale, no money kept)" },
    refunded: { type: "integer", description: "orders refunded (money taken, then given back)" },
    revenueCents: { type: "integer", description: "the sum of the confirmed orders' amounts" },
  },
  ["dropId", "units", "sold", "held", "available", "cancelled", "refunded", "revenueCents"],
);

export const adjustBody = strict(
  { delta: { type: "integer", minimum: -1_000_000, maximum: 1_000_000, not: { const: 0 }, description: "units to add (restock) or, negative, withdraw; never below what is sold or held" } },
  ["delta"],
);
export const stockAnswer = answer(
  { dropId: UUID_SCHEMA, delta: int, units: int, sold: int, held: int, available: int, status: { type: ["string", "null"], description: "open, paused, closed; scheduled before the drop's stock is loaded" } },
  ["dropId", "units", "sold", "held", "available"],
);

export const dropStatusAnswer = answer({ dropId: UUID_SCHEMA, status: { type: "string", enum: ["open", "paused"] } }, ["dropId", "status"]);
