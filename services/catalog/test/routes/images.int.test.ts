/**
 * The catalog's image routes directly (the gateway's test drives them end to end): the per-product
 * cap under concurrent uploads, and the configuration of the storages.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { withTestSchema } from "@drops/db/testing";
import { asUser } from "@drops/http/testing";
import { buildApp } from "../../src/app.ts";
import { openClients } from "../../src/clients.ts";
import { readConfig } from "../../src/config.ts";
import { ensureAdmin } from "../../src/store/users.ts";
import { migrationsDir } from "../helpers.ts";

const png = (fill: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(4000, fill)]);

function multipart(file: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `b${Math.random().toString(36).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

t.test("IMAGES_PER_PRODUCT_MAX holds when uploads race; the refused ones leave no bytes", async (t) => {
  const schema = await withTestSchema(migrationsDir, { prefix: "catalog" });
  t.teardown(schema.cleanup);
  const imageDir = await mkdtemp(join(tmpdir(), "catalog-images-"));
  t.teardown(() => rm(imageDir, { recursive: true, force: true }));
  const config = readConfig({ LOG_LEVEL: "silent", DATABASE_URL: schema.url, DB_SCHEMA: schema.schema, IMAGE_DIR: imageDir, IMAGES_PER_PRODUCT_MAX: "2" });
  const clients = openClients(config);
  const { app } = await buildApp(config, clients, { stock: { set: async () => ({ productId: "", stock: 0, available: 0 }), restock: async () => ({ productId: "", stock: 0, available: 0 }) } });
  t.teardown(() => app.close());
  const admin = asUser("catalog", (await ensureAdmin(clients.db, "admin@test.local", "admin-password")).userId, "buyer,admin");
  const user = (await app.inject({ method: "POST", url: "/users", payload: { email: "s@test.local", password: "password-123", displayName: "s" } })).json<{ userId: string }>();
  const who = asUser("catalog", user.userId, "buyer,seller");
  const { sellerId } = (await app.inject({ method: "POST", url: "/sellers", headers: who, payload: { businessName: "S", contactEmail: "s@test.local" } })).json<{ sellerId: string }>();
  await app.inject({ method: "POST", url: `/admin/sellers/${sellerId}/approve`, headers: admin });
  const { productId } = (await app.inject({ method: "POST", url: "/products", headers: who, payload: { name: "P", description: "d", priceCents: 100 } })).json<{ productId: string }>();

  const answers = await Promise.all(
    [1, 2, 3, 4, 5, 6].map((n) => {
      const { payload, headers } = multipart(png(n));
      return app.inject({ method: "POST", url: `/products/${productId}/images`, headers: { ...who, ...headers }, payload });
    }),
  );
  const codes = answers.map((a) => (a.statusCode === 201 ? 201 : `${a.statusCode} ${a.json<{ code: string }>().code}`)).sort();
  t.same(codes, [201, 201, "409 TOO_MANY_IMAGES", "409 TOO_MANY_IMAGES", "409 TOO_MANY_IMAGES", "409 TOO_MANY_IMAGES"], "exactly two");
  const files = (await readdir(imageDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  t.equal(files.length, 2, "only the two recorded images' bytes are kept");
  const check = await app.inject({ method: "GET", url: `/products/${productId}/images/upload-check`, headers: who });
  t.same([check.statusCode, check.json<{ code: string }>().code], [409, "TOO_MANY_IMAGES"], "the gateway's check says so before any upload");
  const product = await app.inject({ method: "GET", url: `/products/${productId}` });
  t.equal(product.json<{ images: unknown[] }>().images.length, 2);
});

t.test("configuration: S3 needs a bucket; the URL prefix has no trailing slash; a folder that cannot be written stops the start", async (t) => {
  t.throws(() => readConfig({ IMAGE_STORAGE: "s3" }), /S3_BUCKET is required/);
  t.throws(() => readConfig({ IMAGE_STORAGE: "s3", S3_BUCKET: "b", S3_ENDPOINT: "minio:9000" }), /S3_ENDPOINT must be an http/);
  t.throws(() => readConfig({ IMAGE_URL_PREFIX: "/api/images/" }), /IMAGE_URL_PREFIX/);
  t.throws(() => readConfig({ IMAGE_STORAGE: "ftp" }));
  t.equal(readConfig({ IMAGE_URL_PREFIX: "https://cdn.example.com/img" }).IMAGE_URL_PREFIX, "https://cdn.example.com/img");
  t.match(readConfig({}).IMAGE_DIR, /\/\.run\/images$/, "default: .run/images at the repository root");
  const config = readConfig({ LOG_LEVEL: "silent", IMAGE_DIR: "/dev/null/images" });
  await t.rejects(buildApp(config, openClients(config)), /IMAGE_DIR \/dev\/null\/images is not a writable folder/);
});
