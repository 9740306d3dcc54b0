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
import { createPool } from "@drops/db";
import {
  createDb, ensureAdmin, ensureApprovedSeller, ensureUpcomingDrop, getDrop, readConfig, type DropScheduler,
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
  const db = createDb(config.DATABASE_URL, config.DB_SCHEMA);
  const inventory = createPool(config.DATABASE_URL, { schema: env["INVENTORY_DB_SCHEMA"] || "inventory", max: 1, applicationName: "seed" });
  try {
    const admin = await ensureAdmin(db, config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
    console.log(`seed: admin ${config.ADMIN_EMAIL} ${admin.created ? "created" : "present"}`);
    const userId = await ensureApprovedSeller(db, seller, (message) => console.log(`seed: note: ${message}`));
    console.log(`seed: demo seller ${seller.email} approved`);
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
