/** Seller onboarding: who may apply, who may sell, what a decision changes. No storage. */
import { conflict, forbidden, type Role } from "@drops/http";

export type SellerStatus = "pending" | "approved" | "rejected";
export type SellerView = {
  sellerId: string; userId: string; businessName: string; contactEmail: string; status: SellerStatus;
  /** Why an admin rejected (or, after approval, suspended) the seller; null otherwise. */
  reason: string | null;
  createdAt: string;
};
export type ApplyInput = { businessName: string; contactEmail: string };
export type SellerDecision = "approved" | "rejected";

/** What is stored of an application: trimmed, the contact e-mail lower-cased. */
export function applicationData(input: ApplyInput): ApplyInput {
  return { businessName: input.businessName.trim(), contactEmail: input.contactEmail.trim().toLowerCase() };
}

/**
 * One seller per user: a pending or approved application is 409 SELLER_EXISTS; a rejected one may
 * apply again ("reapply": back to pending with the new details); none yet is "create".
 */
export function applicationKind(existing: { id: string; status: SellerStatus } | null): "create" | "reapply" {
  if (!existing) return "create";
  if (existing.status === "rejected") return "reapply";
  throw conflict(`this user already has a ${existing.status} seller application`, "SELLER_EXISTS", { sellerId: existing.id, status: existing.status });
}

/** Only an approved seller sells: 403 NOT_A_SELLER / SELLER_NOT_APPROVED otherwise. */
export function mustSell(seller: SellerView | undefined): SellerView {
  if (!seller) throw forbidden("apply as a seller first", "NOT_A_SELLER");
  if (seller.status !== "approved") throw forbidden(`seller application is ${seller.status}`, "SELLER_NOT_APPROVED");
  return seller;
}

/** An admin's decision is idempotent: the same status again changes nothing. */
export function decisionChanges(current: SellerStatus, decision: SellerDecision): boolean {
  return current !== decision;
}

/** The reason stored with a decision: a rejection's (trimmed; null when none given); approving clears it. */
export function decisionReason(decision: SellerDecision, reason: string | undefined): string | null {
  return decision === "rejected" ? reason?.trim() || null : null;
}

/**
 * A rejection stops everything the seller has on sale (its drops and its products' stock are paused
 * in the inventory), every time it is decided: a rejection whose pausing failed part-way is finished
 * by deciding it again. A pending seller has nothing on sale, so this is a no-op for it.
 */
export function stopsSelling(decision: SellerDecision): boolean {
  return decision === "rejected";
}

/** The role a decision grants the seller's user: approving makes them a `seller`. */
export function roleGrantedBy(decision: SellerDecision): Role | undefined {
  return decision === "approved" ? "seller" : undefined;
}
