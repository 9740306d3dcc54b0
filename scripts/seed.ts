/**
 * Seeds the catalog (idempotently) straight through the catalog's own code, so it runs before any
 * service is up (scripts/up.sh: migrate -> seed -> start services):
 *   - the admin from ADMIN_EMAIL / ADMIN_PASSWORD (defaults admin@drops.local / admin-password-change-me);
 *   - a demo seller (DEMO_SELLER_EMAIL / DEMO_SELLER_PASSWORD, defaults seller@drops.local /
 *     seller-password-change-me), approved, with a demo product;
 *   - a demo drop of that product starting DEMO_DROP_DELAY_SECONDS (default 20) from now with
 *     100 units, limit 2 per buyer, 120 s holds. A demo drop that has not started yet is reused.
 *     Its schedule is written to the inventory's table (schema INVENTORY_DB_SCHEMA, default
 *     `inventory`) through the inventory's own code, as the catalog would over HTTP;
 *   - three demo products on sale for carts (DEMO_PRODUCT_STOCK units each, default 50), their
 *     stock handed to the inventory the same way (loaded into Redis when the inventory starts).
 * Prints the products' ids (DEMO_PRODUCT_IDS=<uuid>,<uuid>,<uuid>) and the drop id (last line: DEMO_DROP_ID=<uuid>).
 *
 *   node scripts/seed.ts
 */
import { createPool } from "@drops/db";
import {
  createDb, ensureAdmin, ensureApprovedSeller, ensureStockedProduct, ensureUpcomingDrop, getDrop, readConfig, type DropScheduler,
} from "@drops/catalog-service/seed";
import { scheduleDrop, type Pool } from "@drops/inventory-service/schedule";

const env = process.env;
const config = readConfig(env);
const seller = {
  email: env["DEMO_SELLER_EMAIL"] || "seller@drops.local",
  password: env["DEMO_SELLER_PASSWORD"] || "seller-password-change-me",
  displayName: "Demo Seller",
  businessName: "Demo Drops Ltd",
};
const delaySeconds = Number(env["DEMO_DROP_DELAY_SECONDS"] || 20);
const PRODUCT = {
  name: "Demo Sneaker",
  description: "Limited edition demo sneaker, numbered pair in a collector box",
  priceCents: 12_000,
};
const DROP = { units: 100, perBuyerLimit: 2, holdSeconds: 120 };
const CART_PRODUCTS = [
  { name: "Demo Tote Bag", description: "Canvas tote bag with the drop's print, regular stock", priceCents: 2_500 },
  { name: "Demo Cap", description: "Embroidered cap, one size, regular stock", priceCents: 1_800 },
  { name: "Demo Sticker Pack", description: "Five vinyl stickers, regular stock", priceCents: 500 },
];
const productStock = Number(env["DEMO_PRODUCT_STOCK"] || 50);
/** The inventory's hold of a cart line (its PRODUCT_HOLD_SECONDS default). */
const PRODUCT_HOLD_MS = 900_000;

/** A product's stock, straight into the inventory's table, opened at once (the opener loads it when the inventory starts). */
function inventoryProductStock(pool: Pool): (productId: string, units: number) => Promise<void> {
  return async (productId, units) => {
    const r = await scheduleDrop(pool, { dropId: productId, kind: "product", total: units, startsAtMs: Date.now(), perBuyerLimit: 0, holdMs: PRODUCT_HOLD_MS });
    if (r.status === "OTHER_KIND") throw new Error(`the inventory has ${productId} as a drop, not a product`);
  };
}

/** The inventory's schedule of a drop, straight into its table (the services are not running yet). */
function inventoryScheduler(pool: Pool): DropScheduler {
  return async (drop) => {
    const r = await scheduleDrop(pool, {
      dropId: drop.dropId, total: drop.units, startsAtMs: Date.parse(drop.startsAt), perBuyerLimit: drop.perBuyerLimit, holdMs: drop.holdSeconds * 1000,
    });
    if (r.status === "ALREADY_LOADED") throw new Error(`the inventory already loaded drop ${drop.dropId} with other values`);
  };
}

async function main(): Promise<void> {
  if (!Number.isFinite(delaySeconds) || delaySeconds < 0) throw new Error("DEMO_DROP_DELAY_SECONDS must be a number >= 0");
  if (!Number.isSafeInteger(productStock) || productStock < 0) throw new Error("DEMO_PRODUCT_STOCK must be an integer >= 0");
  const db = createDb(config.DATABASE_URL, config.DB_SCHEMA);
  const inventory = createPool(config.DATABASE_URL, { schema: env["INVENTORY_DB_SCHEMA"] || "inventory", max: 1, applicationName: "seed" });
  try {
    const admin = await ensureAdmin(db, config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
    console.log(`seed: admin ${config.ADMIN_EMAIL} ${admin.created ? "created" : "present"}`);
    const userId = await ensureApprovedSeller(db, seller, (message) => console.log(`seed: note: ${message}`));
    console.log(`seed: demo seller ${seller.email} approved`);
    const productIds: string[] = [];
    for (const product of CART_PRODUCTS) {
      const p = await ensureStockedProduct(db, userId, product, { stock: productStock, setStock: inventoryProductStock(inventory) });
      console.log(`seed: demo product "${product.name}" ${p.created ? "created" : "present"} (stock ${productStock} when first set)`);
      productIds.push(p.productId);
    }
    console.log(`DEMO_PRODUCT_IDS=${productIds.join(",")}`);
    const drop = await ensureUpcomingDrop(db, userId, PRODUCT, DROP, { delaySeconds, schedule: inventoryScheduler(inventory) });
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
