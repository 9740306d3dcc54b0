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
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { ImageStorage } from "./image-storage.ts";
import { receiveImage } from "./image-upload.ts";
import { recordImage } from "./images.ts";

export { readConfig, type Config } from "../config.ts";
export { createDb, type Db } from "./prisma.ts";
export { ensureAdmin } from "./users.ts";
export { getDrop } from "./drops.ts";
export type { DropScheduler } from "./inventory.ts";
export type { DropView } from "../domain/drops.ts";
export { openImageStorage } from "./open-image-storage.ts";
export type { ImageStorage } from "./image-storage.ts";
export { drawPng, type Picture, type Shape } from "../domain/demo-png.ts";

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

/** The seller's (the user's) product named `product.name`, the oldest one, created when missing. */
async function ensureProduct(db: Db, userId: string, product: ProductInput): Promise<{ productId: string; created: boolean }> {
  const seller = await db.seller.findUniqueOrThrow({ where: { userId } });
  const existing = await db.product.findFirst({ where: { sellerId: seller.id, name: product.name }, orderBy: { createdAt: "asc" } });
  if (existing) return { productId: existing.id, created: false };
  return { productId: (await createProduct(db, userId, product)).productId, created: true };
}

export type UpcomingDrop = { dropId: string; productId: string; startsAt: string; reused: boolean };

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
  const { productId } = await ensureProduct(db, userId, product);
  const upcoming = await db.drop.findFirst({ where: { productId, startsAt: { gt: new Date(nowMs) } }, orderBy: { startsAt: "asc" } });
  if (upcoming) {
    await opts.schedule(await getDrop(db, upcoming.id));
    return { dropId: upcoming.id, productId, startsAt: upcoming.startsAt.toISOString(), reused: true };
  }
  const startsAt = new Date(nowMs + opts.delaySeconds * 1000).toISOString();
  const created: DropView = await createDrop(db, userId, { productId, startsAt, ...drop }, opts.schedule, nowMs);
  return { dropId: created.dropId, productId, startsAt: created.startsAt, reused: false };
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
  const p = await ensureProduct(db, userId, product);
  await opts.setStock(p.productId, opts.stock);
  return p;
}

/**
 * A picture for a product that has none, stored the way an upload is (the bytes judged and put in
 * the image storage under a fresh image id, then recorded in the images table); a product that
 * already has an image keeps it (idempotent). Returns whether one was added.
 */
export async function ensureProductImage(
  db: Db,
  storage: ImageStorage,
  productId: string,
  png: Buffer,
  opts: { maxBytes: number; maxPerProduct: number; urlPrefix: string },
): Promise<{ added: boolean }> {
  if ((await db.image.count({ where: { productId } })) > 0) return { added: false };
  const imageId = randomUUID();
  const received = await receiveImage(storage, imageId, Readable.from([png]), opts.maxBytes, () => {});
  const { created } = await recordImage(db, { imageId, productId, ...received, createdAt: new Date() }, opts.maxPerProduct, opts.urlPrefix);
  if (!created) await storage.delete(imageId);
  return { added: created };
}

/**
 * The seller's product named `product.name` (created when missing) with a drop that opened
 * `agoSeconds` before `nowMs` and is not over: an existing started, unpaused drop with units left is
 * reused, else one is created as if scheduled at its start (the catalog's rule: a start now or
 * later, at the time of scheduling). The inventory opens it when it loads its schedule.
 */
export async function ensureOpenDrop(
  db: Db,
  userId: string,
  product: ProductInput,
  drop: Omit<DropInput, "productId" | "startsAt">,
  opts: { agoSeconds: number; schedule: DropScheduler; nowMs?: number },
): Promise<UpcomingDrop> {
  const nowMs = opts.nowMs ?? Date.now();
  const { productId } = await ensureProduct(db, userId, product);
  const open = await db.drop.findFirst({
    where: { productId, startsAt: { lte: new Date(nowMs) }, status: { in: ["scheduled", "open"] }, available: { gt: 0 } },
    orderBy: { startsAt: "desc" },
  });
  if (open) {
    await opts.schedule(await getDrop(db, open.id));
    return { dropId: open.id, productId, startsAt: open.startsAt.toISOString(), reused: true };
  }
  const startMs = nowMs - opts.agoSeconds * 1000;
  const created = await createDrop(db, userId, { productId, startsAt: new Date(startMs).toISOString(), ...drop }, opts.schedule, startMs);
  return { dropId: created.dropId, productId, startsAt: created.startsAt, reused: false };
}
