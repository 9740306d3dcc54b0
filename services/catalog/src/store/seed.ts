/**
 * The catalog's seeding, for scripts/seed.ts (package export `@drops/catalog-service/seed`). The
 * script runs before any service is up, so it works on the catalog's tables directly, through the
 * catalog's own code (the same rules as its routes); everything it needs is exported here.
 */
import type { DropInput, DropView } from "../domain/drops.ts";
import type { ProductInput } from "../domain/products.ts";
import { createDrop, getDrop } from "./drops.ts";
import type { DropScheduler } from "./inventory.ts";
import type { Db } from "./prisma.ts";
import { createProduct } from "./products.ts";
import { applyAsSeller, decideSeller, sellerOfUser } from "./sellers.ts";
import { login, signup, userIdByEmail } from "./users.ts";

export { readConfig, type Config } from "../config.ts";
export { createDb, type Db } from "./prisma.ts";
export { ensureAdmin } from "./users.ts";
export { getDrop } from "./drops.ts";
export type { DropScheduler } from "./inventory.ts";
export type { DropView } from "../domain/drops.ts";

export type SellerAccount = { email: string; password: string; displayName: string; businessName: string };

/**
 * A user with an approved seller (signed up, applied and approved when missing); returns its user
 * id. An existing account keeps its password: `note` says so when `account.password` is not it.
 */
export async function ensureApprovedSeller(db: Db, account: SellerAccount, note: (message: string) => void): Promise<string> {
  const existing = await userIdByEmail(db, account.email);
  const userId = existing ?? (await signup(db, { email: account.email, password: account.password, displayName: account.displayName })).userId;
  if (existing) await login(db, account).catch(() => note(`${account.email} exists with another password (kept)`));
  const application = (await sellerOfUser(db, userId)) ?? (await applyAsSeller(db, userId, { businessName: account.businessName, contactEmail: account.email }));
  await decideSeller(db, application.sellerId, "approved");
  return userId;
}

export type UpcomingDrop = { dropId: string; startsAt: string; reused: boolean };

/**
 * The seller's product named `product.name` (created when missing) with a drop that has not started
 * yet: the earliest upcoming one is reused (and handed to `schedule` again, which is idempotent and
 * repairs a missing schedule), else a new drop starts `delaySeconds` after `nowMs`.
 */
export async function ensureUpcomingDrop(
  db: Db,
  userId: string,
  product: ProductInput,
  drop: Omit<DropInput, "productId" | "startsAt">,
  opts: { delaySeconds: number; schedule: DropScheduler; nowMs?: number },
): Promise<UpcomingDrop> {
  const nowMs = opts.nowMs ?? Date.now();
  const seller = await db.seller.findUniqueOrThrow({ where: { userId } });
  const productId =
    (await db.product.findFirst({ where: { sellerId: seller.id, name: product.name }, orderBy: { createdAt: "asc" } }))?.id ??
    (await createProduct(db, userId, product)).productId;
  const upcoming = await db.drop.findFirst({ where: { productId, startsAt: { gt: new Date(nowMs) } }, orderBy: { startsAt: "asc" } });
  if (upcoming) {
    await opts.schedule(await getDrop(db, upcoming.id));
    return { dropId: upcoming.id, startsAt: upcoming.startsAt.toISOString(), reused: true };
  }
  const startsAt = new Date(nowMs + opts.delaySeconds * 1000).toISOString();
  const created: DropView = await createDrop(db, userId, { productId, startsAt, ...drop }, opts.schedule, nowMs);
  return { dropId: created.dropId, startsAt: created.startsAt, reused: false };
}

/**
 * The seller's product named `product.name` (created when missing) on sale for carts with `stock`
 * units: `setStock` hands the stock to the inventory (idempotent: a product whose stock is already
 * set keeps its live figures). Returns its id.
 */
export async function ensureStockedProduct(
  db: Db,
  userId: string,
  product: ProductInput,
  opts: { stock: number; setStock: (productId: string, units: number) => Promise<void> },
): Promise<{ productId: string; created: boolean }> {
  const seller = await db.seller.findUniqueOrThrow({ where: { userId } });
  const existing = await db.product.findFirst({ where: { sellerId: seller.id, name: product.name }, orderBy: { createdAt: "asc" } });
  const productId = existing?.id ?? (await createProduct(db, userId, product)).productId;
  await opts.setStock(productId, opts.stock);
  return { productId, created: existing === null };
}
