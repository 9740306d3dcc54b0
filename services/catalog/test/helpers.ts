import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withTestSchema } from "@drops/db/testing";
import { asService, asUser } from "@drops/http/testing";
import { buildApp } from "../src/app.ts";
import type { DropScheduler, ProductStock } from "../src/store/inventory.ts";
import type { StockAdjuster } from "../src/store/sellers-drops.ts";
import type { StockPauser } from "../src/store/sellers-stock.ts";
import type { DropView } from "../src/domain/drops.ts";
import { openClients } from "../src/clients.ts";
import { readConfig } from "../src/config.ts";
import type { Db } from "../src/store/prisma.ts";
import { ensureAdmin } from "../src/store/users.ts";

export const migrationsDir = new URL("../prisma/migrations", import.meta.url).pathname;

type Teardown = { teardown: (fn: () => unknown) => void };
export type Identity = { userId: string; roles: string[] };
export type Catalog = {
  app: FastifyInstance;
  /** The test's own image folder (IMAGE_DIR), removed when the test ends. */
  imageDir: string;
  db: Db;
  schema: string;
  admin: Identity;
  /** Drops handed to the (recording) inventory scheduler, in order. */
  scheduled: DropView[];
  /** Stock set (`set`) and added (`restock`) through the (recording) inventory stand-in, in order; its totals per product. */
  stocked: { productId: string; op: "set" | "restock"; units: number }[];
  /** Stock items paused through the (recording) inventory stand-in, in order (a rejected seller's). */
  paused: string[];
  /** The headers the gateway would set for `who`. */
  as: (who: Identity) => Record<string, string>;
  call: (method: "GET" | "POST" | "PATCH", url: string, opts?: { who?: Identity; body?: unknown }) => Promise<LightMyRequestResponse>;
  /** A signed-up buyer with a unique e-mail. */
  user: (name?: string) => Promise<Identity & { email: string }>;
  /** A user with an approved seller; returns its identity and seller id. */
  seller: (name?: string) => Promise<Identity & { sellerId: string }>;
  product: (seller: Identity, fields?: Partial<{ name: string; description: string; priceCents: number; stock: number }>) => Promise<string>;
};

let counter = 0;

/** A catalog app on a fresh migrated schema, an admin, and helpers; everything torn down with `t`. */
export async function testCatalog(t: Teardown, opts: { scheduler?: DropScheduler; stock?: ProductStock; pause?: StockPauser; adjust?: StockAdjuster } = {}): Promise<Catalog> {
  const schema = await withTestSchema(migrationsDir, { prefix: "catalog" });
  t.teardown(schema.cleanup);
  const config = readConfig({ LOG_LEVEL: "silent", DATABASE_URL: schema.url, DB_SCHEMA: schema.schema });
  const imageDir = await mkdtemp(join(tmpdir(), "catalog-images-"));
  t.teardown(() => rm(imageDir, { recursive: true, force: true }));
  config.IMAGE_DIR = imageDir; // never the repository .run/images
  const clients = openClients(config);
  const scheduled: DropView[] = [];
  const scheduler: DropScheduler = opts.scheduler ?? (async (drop) => void scheduled.push(drop));
  const stocked: Catalog["stocked"] = [];
  const totals = new Map<string, number>();
  const stock: ProductStock = opts.stock ?? {
    set: async (productId, total) => {
      stocked.push({ productId, op: "set", units: total });
      if (!totals.has(productId)) totals.set(productId, total);
      return { productId, stock: totals.get(productId)!, available: totals.get(productId)! };
    },
    restock: async (productId, units) => {
      stocked.push({ productId, op: "restock", units });
      totals.set(productId, (totals.get(productId) ?? 0) + units);
      return { productId, stock: totals.get(productId)!, available: totals.get(productId)! };
    },
  };
  const paused: string[] = [];
  const pause: StockPauser = opts.pause ?? (async (id) => (paused.push(id), "paused"));
  const adjust: StockAdjuster = opts.adjust ?? (async () => "not_loaded");
  const { app } = await buildApp(config, clients, { scheduler, stock, pause, adjust });
  t.teardown(() => app.close());
  const db = clients.db;
  const { userId } = await ensureAdmin(db, "admin@test.local", "admin-password");
  const admin = { userId, roles: ["buyer", "admin"] };
  // The gateway's assertion: for the user `who`, else its own (a public route, an /internal/* one).
  const as = (who: Identity) => asUser("catalog", who.userId, who.roles.join(","));
  const call: Catalog["call"] = (method, url, opts = {}) =>
    app.inject({ method, url, headers: opts.who ? as(opts.who) : asService("catalog"), ...(opts.body !== undefined ? { payload: opts.body as object } : {}) });
  const user: Catalog["user"] = async (name = "user") => {
    const email = `${name}-${++counter}@test.local`;
    const res = await call("POST", "/users", { body: { email, password: "password-123", displayName: name } });
    if (res.statusCode !== 201) throw new Error(`signup failed: ${res.body}`);
    const body = res.json<{ userId: string; roles: string[] }>();
    return { userId: body.userId, roles: body.roles, email };
  };
  const seller: Catalog["seller"] = async (name = "seller") => {
    const u = await user(name);
    const applied = await call("POST", "/sellers", { who: u, body: { businessName: `${name} ltd`, contactEmail: u.email } });
    const { sellerId } = applied.json<{ sellerId: string }>();
    const approved = await call("POST", `/admin/sellers/${sellerId}/approve`, { who: admin });
    if (approved.statusCode !== 200) throw new Error(`approve failed: ${approved.body}`);
    return { userId: u.userId, roles: ["buyer", "seller"], sellerId };
  };
  const product: Catalog["product"] = async (who, fields = {}) => {
    const res = await call("POST", "/products", { who, body: { name: "Sneaker", description: "A shoe", priceCents: 12_000, ...fields } });
    if (res.statusCode !== 201) throw new Error(`product failed: ${res.body}`);
    return res.json<{ productId: string }>().productId;
  };
  return { app, imageDir, db, schema: schema.schema, admin, scheduled, stocked, paused, as, call, user, seller, product };
}

export function inSeconds(s: number): string {
  return new Date(Date.now() + s * 1000).toISOString();
}
