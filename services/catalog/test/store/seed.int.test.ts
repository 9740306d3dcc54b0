import { execFile } from "node:child_process";
import { promisify } from "node:util";
import t from "tap";
import { createPool } from "@drops/db";
import { withTestSchema } from "@drops/db/testing";
import { createDb } from "../../src/store/prisma.ts";
import { migrationsDir } from "../helpers.ts";

const run = promisify(execFile);
const inventoryMigrations = new URL("../../../inventory/prisma/migrations", import.meta.url).pathname;
const seedScript = new URL("../../../../scripts/seed.ts", import.meta.url).pathname;

t.test("scripts/seed.ts: admin, approved demo seller, stocked cart products, a drop product and an upcoming drop, idempotently", async (t) => {
  const schema = await withTestSchema(migrationsDir, { prefix: "seed" });
  t.teardown(schema.cleanup);
  const inventory = await withTestSchema(inventoryMigrations, { prefix: "seedinv" });
  t.teardown(inventory.cleanup);
  const env = { PATH: process.env["PATH"] ?? "", DATABASE_URL: schema.url, DB_SCHEMA: schema.schema, INVENTORY_DB_SCHEMA: inventory.schema, DEMO_DROP_DELAY_SECONDS: "30" };
  const first = await run(process.execPath, [seedScript], { env });
  const id = /DEMO_DROP_ID=([0-9a-f-]{36})/.exec(first.stdout)?.[1];
  t.ok(id, first.stdout);
  t.match(first.stdout, /admin admin@drops\.local created/);
  const second = await run(process.execPath, [seedScript], { env });
  t.match(second.stdout, `DEMO_DROP_ID=${id}`, "an upcoming demo drop is reused");
  const productIds = /DEMO_PRODUCT_IDS=([0-9a-f,-]+)/.exec(first.stdout)?.[1]?.split(",") ?? [];
  t.equal(productIds.length, 3, "three cart products");
  t.match(second.stdout, `DEMO_PRODUCT_IDS=${productIds.join(",")}`, "the cart products are reused");

  const db = createDb(schema.url, schema.schema);
  t.teardown(() => db.$disconnect());
  t.equal(await db.user.count(), 2);
  t.same((await db.user.findUnique({ where: { email: "admin@drops.local" } }))?.roles, ["buyer", "admin"]);
  t.equal((await db.seller.findFirst())?.status, "approved");
  t.equal(await db.product.count(), 4, "the drop's product and the three cart products");
  const drop = await db.drop.findUniqueOrThrow({ where: { id: id! } });
  t.match(drop, { units: 100, available: 100, perBuyerLimit: 2, holdSeconds: 120, status: "scheduled" });
  t.ok(drop.startsAt.getTime() > Date.now(), "starts shortly after seeding");

  const pool = createPool(schema.url, { schema: inventory.schema, max: 1 });
  t.teardown(() => pool.end());
  const { rows } = await pool.query<{ id: string; kind: string; total: number; per_buyer_limit: number; hold_ms: number; starts_at: Date }>("select * from drops where kind = 'drop'");
  t.equal(rows.length, 1, "the inventory has the schedule once");
  t.match(rows[0], { id: id!, total: 100, per_buyer_limit: 2, hold_ms: 120_000 });
  const products = await pool.query<{ id: string; total: number; per_buyer_limit: number }>("select * from drops where kind = 'product' order by id");
  t.same(products.rows.map((r) => [r.id, r.total, r.per_buyer_limit]), [...productIds].sort().map((p) => [p, 50, 0]), "each cart product's stock handed to the inventory once");
  t.equal(rows[0]!.starts_at.getTime(), drop.startsAt.getTime());
});
