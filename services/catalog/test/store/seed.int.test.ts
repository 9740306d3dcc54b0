import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import t from "tap";
import { createPool } from "@drops/db";
import { withTestSchema } from "@drops/db/testing";
import { createDb } from "../../src/store/prisma.ts";
import { migrationsDir } from "../helpers.ts";

const run = promisify(execFile);
const inventoryMigrations = new URL("../../../inventory/prisma/migrations", import.meta.url).pathname;
const seedScript = new URL("../../../../scripts/seed.ts", import.meta.url).pathname;

t.test("scripts/seed.ts: admin, approved demo seller, stocked cart products, the demo drops (upcoming, later, open, to sell out) with pictures, idempotently", async (t) => {
  const schema = await withTestSchema(migrationsDir, { prefix: "seed" });
  t.teardown(schema.cleanup);
  const inventory = await withTestSchema(inventoryMigrations, { prefix: "seedinv" });
  t.teardown(inventory.cleanup);
  const imageDir = await mkdtemp(join(tmpdir(), "drops-seed-images-"));
  t.teardown(() => rm(imageDir, { recursive: true, force: true }));
  const env = {
    PATH: process.env["PATH"] ?? "", DATABASE_URL: schema.url, DB_SCHEMA: schema.schema, INVENTORY_DB_SCHEMA: inventory.schema, DEMO_DROP_DELAY_SECONDS: "30", IMAGE_DIR: imageDir,
  };
  const first = await run(process.execPath, [seedScript], { env });
  const id = /DEMO_DROP_ID=([0-9a-f-]{36})/.exec(first.stdout)?.[1];
  t.ok(id, first.stdout);
  t.match(first.stdout, /admin admin@drops\.local created/);
  const extraDrops = (out: string): Record<string, { id: string; state: string }> =>
    Object.fromEntries([...out.matchAll(/demo drop (upcoming|open|to sell out) (created|reused): ([0-9a-f-]{36})/g)].map((m) => [m[1]!, { id: m[3]!, state: m[2]! }]));
  const firstExtra = extraDrops(first.stdout);
  t.same(Object.values(firstExtra).map((d) => d.state), ["created", "created", "created"], "three more demo drops created");
  t.equal((first.stdout.match(/picture of "[^"]+" stored/g) ?? []).length, 7, "a picture for each demo product");

  const second = await run(process.execPath, [seedScript], { env });
  t.match(second.stdout, `DEMO_DROP_ID=${id}`, "an upcoming demo drop is reused");
  const secondExtra = extraDrops(second.stdout);
  t.same(Object.keys(secondExtra).sort(), Object.keys(firstExtra).sort());
  for (const [what, d] of Object.entries(firstExtra)) t.same(secondExtra[what], { id: d.id, state: "reused" }, `the ${what} demo drop is reused`);
  t.notMatch(second.stdout, /picture of .* stored/, "a product that has a picture keeps it");
  const productIds = /DEMO_PRODUCT_IDS=([0-9a-f,-]+)/.exec(first.stdout)?.[1]?.split(",") ?? [];
  t.equal(productIds.length, 3, "three cart products");
  t.match(second.stdout, `DEMO_PRODUCT_IDS=${productIds.join(",")}`, "the cart products are reused");

  const db = createDb(schema.url, schema.schema);
  t.teardown(() => db.$disconnect());
  t.equal(await db.user.count(), 2);
  t.same((await db.user.findUnique({ where: { email: "admin@drops.local" } }))?.roles, ["buyer", "admin"]);
  t.equal((await db.seller.findFirst())?.status, "approved");
  t.equal(await db.product.count(), 7, "the four drops' products and the three cart products, once");
  t.equal(await db.drop.count(), 4, "the demo drop and three more, once");
  t.equal(await db.image.count(), 7, "one picture per product, once");
  t.equal((await readdir(imageDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length, 7, "the pictures are in the image storage, once");
  const drop = await db.drop.findUniqueOrThrow({ where: { id: id! } });
  t.match(drop, { units: 100, available: 100, perBuyerLimit: 2, holdSeconds: 120, status: "scheduled" });
  t.ok(drop.startsAt.getTime() > Date.now(), "starts shortly after seeding");
  const later = await db.drop.findUniqueOrThrow({ where: { id: firstExtra["upcoming"]!.id } });
  t.match(later, { units: 50, perBuyerLimit: 1, holdSeconds: 300 });
  t.ok(later.startsAt.getTime() > Date.now() + 2 * 86_400_000, "the later one starts in days");
  for (const what of ["open", "to sell out"]) t.ok((await db.drop.findUniqueOrThrow({ where: { id: firstExtra[what]!.id } })).startsAt.getTime() < Date.now(), `the ${what} one has started`);
  t.match(await db.drop.findUniqueOrThrow({ where: { id: firstExtra["to sell out"]!.id } }), { units: 3, perBuyerLimit: 3 });

  const pool = createPool(schema.url, { schema: inventory.schema, max: 1 });
  t.teardown(() => pool.end());
  const { rows } = await pool.query<{ id: string; kind: string; total: number; per_buyer_limit: number; hold_ms: number; starts_at: Date }>("select * from drops where kind = 'drop'");
  t.same(rows.map((r) => r.id).sort(), [id!, ...Object.values(firstExtra).map((d) => d.id)].sort(), "the inventory has each drop's schedule once");
  const demo = rows.find((r) => r.id === id);
  t.match(demo, { id: id!, total: 100, per_buyer_limit: 2, hold_ms: 120_000 });
  t.equal(demo?.starts_at.getTime(), drop.startsAt.getTime());
  t.match(rows.find((r) => r.id === firstExtra["upcoming"]!.id), { total: 50, per_buyer_limit: 1, hold_ms: 300_000 });
  const products = await pool.query<{ id: string; total: number; per_buyer_limit: number }>("select * from drops where kind = 'product' order by id");
  t.same(products.rows.map((r) => [r.id, r.total, r.per_buyer_limit]), [...productIds].sort().map((p) => [p, 50, 0]), "each cart product's stock handed to the inventory once");
});
