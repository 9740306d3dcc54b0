/** Deterministic ids of a purchase attempt (ARCHITECTURE.md "The purchase path", point 4). Pure. */
import { createHash } from "node:crypto";

/** Namespace of the gateway's purchase order ids (a fixed random UUID). */
const NAMESPACE = Buffer.from("6f1c1d3e2b7a4c59a0d4e8b1f2c3a4b5", "hex");

/**
 * The order id of a purchase: a name-based UUID (RFC 9562 version 5, SHA-1) of buyer, drop and
 * Idempotency-Key. The same buyer sending the same key for the same drop always gets the same order,
 * so a replay finds the same hold in the reserve script without any extra Redis round trip.
 * The drop is part of the name so that a key reused on another drop can never make two holds (in two
 * drops' keys, where the script cannot see each other) that share one order id and confuse the saga.
 */
export function purchaseOrderId(buyerId: string, dropId: string, idempotencyKey: string): string {
  const hash = createHash("sha1").update(NAMESPACE).update(JSON.stringify([buyerId, dropId, idempotencyKey])).digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type PurchaseRequest = { quantity: number; paymentMethod: string };

/** What the request asked for, hashed ([A-Za-z0-9_-], 32 chars): stored with the hold, compared on replay. */
export function purchaseFingerprint(dropId: string, body: PurchaseRequest): string {
  return createHash("sha256").update(JSON.stringify([dropId, body.quantity, body.paymentMethod])).digest("base64url").slice(0, 32);
}
