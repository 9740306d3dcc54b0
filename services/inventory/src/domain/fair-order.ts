/**
 * The verifiably fair opening draw of a queued drop (ARCHITECTURE.md "The waiting room"). Pure.
 *
 * When a queued drop is created the catalog draws a secret seed (32 random bytes, hex) and shows
 * only its hash (`seedHash` = hex SHA-256 of the seed string) on the drop. Everyone who joins before
 * the opening gets a receipt (an opaque join id). At the opening the early joiners are placed in the
 * order of `fairOrder`: ascending by hex HMAC-SHA256(key = seed, message = receipt), both as UTF-8
 * strings (ties, which need a HMAC collision, by receipt). After the opening the seed is published
 * with the receipts, so anyone can check the seed against the committed hash and recompute the order;
 * arriving first before the opening gains nothing, and nobody (the platform included, once the hash
 * is shown) can choose an order after seeing who joined.
 */
import { createHash, createHmac } from "node:crypto";

export const FAIR_ORDER_ALGORITHM =
  "places 1..n of the early joiners: their receipts sorted ascending by lowercase hex HMAC-SHA256(key = seed, message = receipt), both UTF-8 strings (ties by receipt); seedHash = lowercase hex SHA-256(seed)";

export function fairKey(seed: string, receipt: string): string {
  return createHmac("sha256", seed).update(receipt).digest("hex");
}

export function seedHash(seed: string): string {
  return createHash("sha256").update(seed).digest("hex");
}

/** The early joiners in drawn order (place 1 first). */
export function fairOrder<T extends { receipt: string }>(seed: string, joiners: readonly T[]): T[] {
  const keyed = joiners.map((j) => ({ j, k: fairKey(seed, j.receipt) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.j.receipt < b.j.receipt ? -1 : a.j.receipt > b.j.receipt ? 1 : 0));
  return keyed.map((x) => x.j);
}
