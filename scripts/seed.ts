/**
 * Seeds the catalog (idempotently) straight through the catalog's own code, so it runs before any
 * service is up (scripts/up.sh: migrate -> seed -> start services):
 *   - the admin from ADMIN_EMAIL / ADMIN_PASSWORD (defaults admin@drops.local / admin-password-change-me);
 *   - a demo seller (DEMO_SELLER_EMAIL / DEMO_SELLER_PASSWORD, defaults seller@drops.local /
 *     seller-password-change-me), approved, with a demo product;
 *   - a demo drop of that product starting DEMO_DROP_DELAY_SECONDS (default 20) from now with
 *     100 units, limit 2 per buyer, 120 s holds. A demo drop that has not started yet is reused.
 *     Its schedule is written to the inventory's table (schema INVENTORY_DB_SCHEMA, default
 *     `inventory`) through the inventory's own code, as the catalog would over HTTP.
 * Prints the drop id (last line: DEMO_DROP_ID=<uuid>).
 *
 *   node scripts/seed.ts
 */
import { createDb, type Db } from "../services/catalog/src/store/prisma.ts";
import { readConfig } from "../services/catalog/src/config.ts";
import { ensureAdmin, login, normalizeEmail, signup } from "../services/catalog/src/store/users.ts";
import { applyAsSeller, decideSeller, sellerOfUser } from "../services/catalog/src/store/sellers.ts";
import { createProduct } from "../services/catalog/src/store/products.ts";
import { createDrop, getDrop } from "../services/catalog/src/store/drops.ts";
import type { DropScheduler } from "../services/catalog/src/store/inventory.ts";
import { createPool } from "../packages/db/src/index.ts";
import { scheduleDrop } from "../services/inventory/src/ledger/drops-repo.ts";

const env = process.env;
const config = readConfig(env);
const seller = {
  email: env["DEMO_SELLER_EMAIL"] || "seller@drops.local",
  password: env["DEMO_SELLER_PASSWORD"] || "seller-password-change-me",
};
const delaySeconds = Number(env["DEMO_DROP_DELAY_SECONDS"] || 20);
const PRODUCT = {
  name: "Demo Sneaker",
  description: "Limited edition demo sneaker, numbered pair in a collector box",
  priceCents: 12_000,
};
const DROP = { units: 100, perBuyerLimit: 2, holdSeconds: 120 };

async function ensureSeller(db: Db): Promise<string> {
  const existing = await db.user.findUnique({ where: { email: normalizeEmail(seller.email) } });
  const userId = existing
    ? existing.id
    : (await signup(db, { email: seller.email, password: seller.password, displayName: "Demo Seller" })).userId;
  if (existing) await login(db, seller).catch(() => console.log(`seed: note: ${seller.email} exists with another password (kept)`));
  const application = (await sellerOfUser(db, userId)) ?? (await applyAsSeller(db, userId, { businessName: "Demo Drops Ltd", contactEmail: seller.email }));
  await decideSeller(db, application.sellerId, "approved");
  return userId;
}

/** The inventory's schedule of a drop, straight into its table (the services are not running yet). */
function inventoryScheduler(pool: ReturnType<typeof createPool>): DropScheduler {
  return async (drop) => {
    const r = await scheduleDrop(pool, {
      dropId: drop.dropId, total: drop.units, startsAtMs: Date.parse(drop.startsAt), perBuyerLimit: drop.perBuyerLimit, holdMs: drop.holdSeconds * 1000,
    });
    if (r.status === "ALREADY_LOADED") throw new Error(`the inventory already loaded drop ${drop.dropId} with other values`);
  };
}

async function ensureDrop(db: Db, userId: string, schedule: DropScheduler): Promise<{ dropId: string; startsAt: string; reused: boolean }> {
  const sellerRow = await db.seller.findUniqueOrThrow({ where: { userId } });
  const product =
    (await db.product.findFirst({ where: { sellerId: sellerRow.id, name: PRODUCT.name }, orderBy: { createdAt: "asc" } })) ??
    (await db.product.findUniqueOrThrow({ where: { id: (await createProduct(db, userId, PRODUCT)).productId } }));
  const upcoming = await db.drop.findFirst({ where: { productId: product.id, startsAt: { gt: new Date() } }, orderBy: { startsAt: "asc" } });
  if (upcoming) {
    await schedule(await getDrop(db, upcoming.id)); // idempotent; repairs a missing schedule
    return { dropId: upcoming.id, startsAt: upcoming.startsAt.toISOString(), reused: true };
  }
  const startsAt = new Date(Date.now() + delaySeconds * 1000).toISOString();
  const drop = await createDrop(db, userId, { productId: product.id, startsAt, ...DROP }, schedule);
  return { dropId: drop.dropId, startsAt: drop.startsAt, reused: false };
}

async function main(): Promise<void> {
  if (!Number.isFinite(delaySeconds) || delaySeconds < 0) throw new Error("DEMO_DROP_DELAY_SECONDS must be a number >= 0");
  const db = createDb(config.DATABASE_URL, config.DB_SCHEMA);
  const inventory = createPool(config.DATABASE_URL, { schema: env["INVENTORY_DB_SCHEMA"] || "inventory", max: 1, applicationName: "seed" });
  try {
    const admin = await ensureAdmin(db, config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
    console.log(`seed: admin ${config.ADMIN_EMAIL} ${admin.created ? "created" : "present"}`);
    const userId = await ensureSeller(db);
    console.log(`seed: demo seller ${seller.email} approved`);
    const drop = await ensureDrop(db, userId, inventoryScheduler(inventory));
    const view = await getDrop(db, drop.dropId);
    console.log(`seed: demo drop "${view.name}" ${drop.reused ? "reused" : "created"}: ${view.units} units, limit ${view.perBuyerLimit}, hold ${view.holdSeconds} s, starts ${drop.startsAt}`);
    console.log(`DEMO_DROP_ID=${drop.dropId}`);
  } finally {
    await db.$disconnect();
    await inventory.end();
  }
}

main().catch((err: unknown) => {
  console.error(`seed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
