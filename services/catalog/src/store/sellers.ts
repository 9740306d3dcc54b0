import { conflict, notFound } from "@drops/http";
import type { Db } from "./prisma.ts";
import { isUniqueViolation } from "./errors.ts";
import { grantRole } from "./users.ts";
import {
  applicationData, applicationKind, decisionChanges, decisionReason, mustSell, roleGrantedBy,
  type ApplyInput, type SellerDecision, type SellerStatus, type SellerView,
} from "../domain/sellers.ts";

type SellerRow = { id: string; userId: string; businessName: string; contactEmail: string; status: SellerStatus; reason: string | null; createdAt: Date };

export function sellerView(s: SellerRow): SellerView {
  return {
    sellerId: s.id, userId: s.userId, businessName: s.businessName, contactEmail: s.contactEmail, status: s.status, reason: s.reason,
    createdAt: s.createdAt.toISOString(),
  };
}

/**
 * A user applies to sell: a pending seller. One seller per user: a pending or approved application
 * is 409 SELLER_EXISTS; a rejected one may apply again (back to pending with the new details).
 */
export async function applyAsSeller(db: Db, userId: string, input: ApplyInput): Promise<SellerView> {
  const data = applicationData(input);
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!user) throw notFound("user not found", "USER_NOT_FOUND");
  const existing = await db.seller.findUnique({ where: { userId } });
  if (existing && applicationKind(existing) === "reapply") {
    const updated = await db.seller.update({ where: { id: existing.id }, data: { ...data, status: "pending", decidedAt: null, reason: null } });
    return sellerView(updated);
  }
  try {
    return sellerView(await db.seller.create({ data: { ...data, userId } }));
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("this user already has a seller application", "SELLER_EXISTS");
    throw err;
  }
}

/**
 * An admin's decision; approving also grants the user the `seller` role. Idempotent (the same decision
 * again keeps its time; a rejection's new reason replaces the old one).
 */
export async function decideSeller(db: Db, sellerId: string, decision: SellerDecision, reason?: string): Promise<SellerView> {
  const seller = await db.seller.findUnique({ where: { id: sellerId } });
  if (!seller) throw notFound("seller not found", "SELLER_NOT_FOUND");
  const stored = decisionReason(decision, reason);
  const updated = decisionChanges(seller.status, decision)
    ? await db.seller.update({ where: { id: sellerId }, data: { status: decision, decidedAt: new Date(), reason: stored } })
    : reason !== undefined && seller.reason !== stored
      ? await db.seller.update({ where: { id: sellerId }, data: { reason: stored } })
      : seller;
  const role = roleGrantedBy(decision);
  if (role) await grantRole(db, updated.userId, role);
  return sellerView(updated);
}

export async function sellerOfUser(db: Db, userId: string): Promise<SellerView | undefined> {
  const seller = await db.seller.findUnique({ where: { userId } });
  return seller ? sellerView(seller) : undefined;
}

/** The caller's seller, which must be approved to sell: 403 NOT_A_SELLER / SELLER_NOT_APPROVED otherwise. */
export async function approvedSellerOf(db: Db, userId: string): Promise<SellerView> {
  return mustSell(await sellerOfUser(db, userId));
}

export async function listSellers(db: Db, opts: { status?: SellerStatus; page: number; pageSize: number }): Promise<{ items: SellerView[]; total: number }> {
  const where = opts.status ? { status: opts.status } : {};
  const [rows, total] = await Promise.all([
    db.seller.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip: (opts.page - 1) * opts.pageSize, take: opts.pageSize }),
    db.seller.count({ where }),
  ]);
  return { items: rows.map(sellerView), total };
}

export async function sellerById(db: Db, sellerId: string): Promise<SellerView> {
  const seller = await db.seller.findUnique({ where: { id: sellerId } });
  if (!seller) throw notFound("seller not found", "SELLER_NOT_FOUND");
  return sellerView(seller);
}

/** Every stock item a seller has in the inventory's keeping: its drops' ids and its products' ids (product stock). */
export async function sellerStockIds(db: Db, sellerId: string): Promise<{ dropIds: string[]; productIds: string[] }> {
  const [drops, products] = await Promise.all([
    db.drop.findMany({ where: { product: { sellerId } }, select: { id: true }, orderBy: { id: "asc" } }),
    db.product.findMany({ where: { sellerId }, select: { id: true }, orderBy: { id: "asc" } }),
  ]);
  return { dropIds: drops.map((d) => d.id), productIds: products.map((p) => p.id) };
}
