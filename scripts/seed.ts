/**
 * Seeds the catalog (idempotently) straight through the catalog's own code, so it runs before any
 * service is up (scripts/up.sh: migrate -> seed -> start services):
 *   - the admin from ADMIN_EMAIL / ADMIN_PASSWORD (defaults admin@drops.local / admin-password-change-me);
 *   - a demo seller (DEMO_SELLER_EMAIL / DEMO_SELLER_PASSWORD, defaults seller@drops.local /
 *     seller-password-change-me), approved, with demo products, each with a picture drawn in code
 *     (a gradient and a shape, PNG; stored in the catalog's image storage as an upload is; a product
 *     that has a picture keeps it);
 *   - the demo drop: "Demo Sneaker" starting DEMO_DROP_DELAY_SECONDS (default 20) from now with
 *     100 units, limit 2 per buyer, 120 s holds. A demo drop that has not started yet is reused.
 *     Its schedule is written to the inventory's table (schema INVENTORY_DB_SCHEMA, default
 *     `inventory`) through the inventory's own code, as the catalog would over HTTP;
 *   - more drops, so the list shows each kind: "Demo Artist Print" upcoming in three days, "Demo
 *     Hoodie" open (started five minutes before its first seeding), and "Demo Signed Vinyl" (3 units,
 *     open) which the second step below sells out;
 *   - three demo products on sale for carts (DEMO_PRODUCT_STOCK units each, default 50), their
 *     stock handed to the inventory the same way (loaded into Redis when the inventory starts).
 * Prints the products' ids (DEMO_PRODUCT_IDS=<uuid>,<uuid>,<uuid>) and the drop id (last line: DEMO_DROP_ID=<uuid>).
 *
 *   node scripts/seed.ts
 *   node scripts/seed.ts --sell-out http://127.0.0.1:3000   # once the services are up (scripts/up.sh does it):
 *       a demo buyer (demo-buyer@drops.local) buys what is left of "Demo Signed Vinyl" through the
 *       gateway, like any buyer (real orders, confirmed by the saga): the list's sold-out example.
 */
import { createPool } from "@drops/db";
import {
  createDb, drawPng, ensureAdmin, ensureApprovedSeller, ensureOpenDrop, ensureProductImage, ensureStockedProduct, ensureUpcomingDrop, getDrop,
  openImageStorage, readConfig, type Db, type DropScheduler, type ImageStorage, type Picture,
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
/** More drops, one of each kind the list shows: upcoming (later), open, and one to sell out. */
const UPCOMING_LATER = { name: "Demo Artist Print", description: "Giclée print on cotton paper, signed and numbered, 50 x 70 cm", priceCents: 9_000 };
const OPEN_DROP = { name: "Demo Hoodie", description: "Heavyweight hoodie in the season's colour, numbered label", priceCents: 7_500 };
const SOLD_OUT_DROP = { name: "Demo Signed Vinyl", description: "Signed first pressing on coloured vinyl, three copies only", priceCents: 4_900 };
const SOLD_OUT_UNITS = 3;
/** Each demo product's picture (480 x 360), by name. */
const PICTURES: Record<string, Omit<Picture, "width" | "height">> = {
  [PRODUCT.name]: { from: "#f97316", to: "#7c3aed", shape: "disc" },
  [UPCOMING_LATER.name]: { from: "#0ea5e9", to: "#312e81", shape: "diamond" },
  [OPEN_DROP.name]: { from: "#f43f5e", to: "#f59e0b", shape: "stripes" },
  [SOLD_OUT_DROP.name]: { from: "#111827", to: "#db2777", shape: "disc" },
  "Demo Tote Bag": { from: "#84cc16", to: "#0f766e", shape: "tag" },
  "Demo Cap": { from: "#6366f1", to: "#ec4899", shape: "diamond" },
  "Demo Sticker Pack": { from: "#facc15", to: "#ef4444", shape: "stripes" },
};
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

/** Gives the demo product named `name` its picture, unless it has one. */
async function picture(db: Db, storage: ImageStorage, productId: string, name: string): Promise<void> {
  const look = PICTURES[name];
  if (!look) return;
  const r = await ensureProductImage(db, storage, productId, drawPng({ width: 480, height: 360, ...look }), {
    maxBytes: config.IMAGE_MAX_BYTES, maxPerProduct: config.IMAGES_PER_PRODUCT_MAX, urlPrefix: config.IMAGE_URL_PREFIX,
  });
  if (r.added) console.log(`seed: picture of "${name}" stored (${storage.kind})`);
}

async function main(): Promise<void> {
  if (!Number.isFinite(delaySeconds) || delaySeconds < 0) throw new Error("DEMO_DROP_DELAY_SECONDS must be a number >= 0");
  if (!Number.isSafeInteger(productStock) || productStock < 0) throw new Error("DEMO_PRODUCT_STOCK must be an integer >= 0");
  const db = createDb(config.DATABASE_URL, config.DB_SCHEMA);
  const inventory = createPool(config.DATABASE_URL, { schema: env["INVENTORY_DB_SCHEMA"] || "inventory", max: 1, applicationName: "seed" });
  const storage = openImageStorage(config);
  try {
    await storage.init();
    const admin = await ensureAdmin(db, config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
    console.log(`seed: admin ${config.ADMIN_EMAIL} ${admin.created ? "created" : "present"}`);
    const userId = await ensureApprovedSeller(db, seller, (message) => console.log(`seed: note: ${message}`));
    console.log(`seed: demo seller ${seller.email} approved`);
    const productIds: string[] = [];
    for (const product of CART_PRODUCTS) {
      const p = await ensureStockedProduct(db, userId, product, { stock: productStock, setStock: inventoryProductStock(inventory) });
      console.log(`seed: demo product "${product.name}" ${p.created ? "created" : "present"} (stock ${productStock} when first set)`);
      productIds.push(p.productId);
      await picture(db, storage, p.productId, product.name);
    }
    console.log(`DEMO_PRODUCT_IDS=${productIds.join(",")}`);
    const schedule = inventoryScheduler(inventory);
    const later = await ensureUpcomingDrop(db, userId, UPCOMING_LATER, { units: 50, perBuyerLimit: 1, holdSeconds: 300 }, { delaySeconds: 3 * 86_400, schedule });
    await picture(db, storage, later.productId, UPCOMING_LATER.name);
    const open = await ensureOpenDrop(db, userId, OPEN_DROP, { units: 40, perBuyerLimit: 2, holdSeconds: 120 }, { agoSeconds: 300, schedule });
    await picture(db, storage, open.productId, OPEN_DROP.name);
    const vinyl = await ensureOpenDrop(db, userId, SOLD_OUT_DROP, { units: SOLD_OUT_UNITS, perBuyerLimit: SOLD_OUT_UNITS, holdSeconds: 120 }, { agoSeconds: 60, schedule });
    await picture(db, storage, vinyl.productId, SOLD_OUT_DROP.name);
    for (const [what, d] of [["upcoming", later], ["open", open], ["to sell out", vinyl]] as const) console.log(`seed: demo drop ${what} ${d.reused ? "reused" : "created"}: ${d.dropId}`);
    const drop = await ensureUpcomingDrop(db, userId, PRODUCT, DROP, { delaySeconds, schedule });
    await picture(db, storage, drop.productId, PRODUCT.name);
    const view = await getDrop(db, drop.dropId);
    console.log(`seed: demo drop "${view.name}" ${drop.reused ? "reused" : "created"}: ${view.units} units, limit ${view.perBuyerLimit}, hold ${view.holdSeconds} s, starts ${drop.startsAt}`);
    console.log(`DEMO_DROP_ID=${drop.dropId}`);
  } finally {
    await db.$disconnect();
    await inventory.end();
    await storage.close();
  }
}

/** JSON over HTTP to the gateway; throws with the answer's message on a non-2xx. */
async function gateway<T>(base: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { accept: "application/json", ...(opts.body !== undefined ? { "content-type": "application/json" } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** Step two (services up): the demo buyer buys what is left of the sold-out example, through the gateway. Idempotent. */
async function sellOut(base: string): Promise<void> {
  type Found = { items: { dropId: string; name: string; available: number; perBuyerLimit: number; status: string }[] };
  const found = await gateway<Found>(base, "GET", `/api/drops?q=${encodeURIComponent(SOLD_OUT_DROP.name)}&pageSize=20`);
  const drop = found.body.items?.find((d) => d.name === SOLD_OUT_DROP.name && d.status !== "closed");
  if (!drop) throw new Error(`no "${SOLD_OUT_DROP.name}" drop: run node scripts/seed.ts first`);
  if (drop.available <= 0) {
    console.log(`seed: "${SOLD_OUT_DROP.name}" is sold out already`);
    return;
  }
  const buyer = { email: "demo-buyer@drops.local", password: env["DEMO_BUYER_PASSWORD"] || "buyer-password-change-me", displayName: "Demo Buyer" };
  let auth = await gateway<{ accessToken?: string; message?: string }>(base, "POST", "/api/auth/login", { body: { email: buyer.email, password: buyer.password } });
  if (auth.status !== 200) auth = await gateway(base, "POST", "/api/auth/signup", { body: buyer });
  if (!auth.body.accessToken) throw new Error(`the demo buyer cannot sign in: ${auth.body.message ?? auth.status}`);
  const bought = await gateway<{ status?: string; message?: string }>(base, "POST", `/api/drops/${drop.dropId}/purchases`, {
    token: auth.body.accessToken,
    headers: { "idempotency-key": `seed-sell-out-${drop.dropId}` },
    body: { quantity: Math.min(drop.available, drop.perBuyerLimit), paymentMethod: "pm_card_ok" },
  });
  if (bought.status !== 201 && bought.status !== 200) throw new Error(`the demo purchase was refused: ${bought.body.message ?? bought.status}`);
  console.log(`seed: "${SOLD_OUT_DROP.name}" sold out to the demo buyer (${buyer.email}; order ${bought.body.status})`);
}

const sellOutAt = process.argv.indexOf("--sell-out");
(sellOutAt >= 0 ? sellOut(process.argv[sellOutAt + 1] ?? "http://127.0.0.1:3000") : main()).catch((err: unknown) => {
  console.error(`seed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
