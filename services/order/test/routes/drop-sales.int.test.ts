/** The seller's sales figures per drop and the status filters (one status or several), on real PostgreSQL. */
import { randomUUID } from "node:crypto";
import t from "tap";
import pg from "pg";
import { withTestSchema } from "@drops/db/testing";
import { testEnv } from "@drops/testing";
import { buildApp } from "../../src/app.ts";
import { readConfig } from "../../src/config.ts";
import { migrationsDir } from "../helpers.ts";
import { asUser, asService } from "@drops/http/testing";

const env = { LOG_LEVEL: "silent", KAFKA_BROKERS: testEnv.kafkaBrokers.join(",") };

t.test("GET /internal/drops/:dropId/sales counts a drop's orders per status; ?status= takes several", async (t) => {
  const db = await withTestSchema(migrationsDir, { prefix: "sales" });
  t.teardown(db.cleanup);
  const { app } = await buildApp(readConfig({ ...env, DATABASE_URL: db.url, DB_SCHEMA: db.schema }));
  t.teardown(() => app.close());
  const pool = new pg.Pool({ connectionString: db.url, options: `-c search_path=${db.schema}` });
  t.teardown(() => pool.end());

  const dropId = randomUUID();
  const other = randomUUID();
  const buyer = randomUUID();
  let n = 0;
  const insert = async (drop: string, status: string, quantity: number, amountCents: number, who = buyer) => {
    const at = new Date(Date.now() + n++ * 1000);
    await pool.query(
      `INSERT INTO orders (id, drop_id, buyer_id, quantity, amount_cents, currency, status, hold_expires_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'EUR', $6, $7, $7, $7)`,
      [randomUUID(), drop, who, quantity, amountCents, status, at],
    );
  };
  await insert(dropId, "confirmed", 2, 2_000);
  await insert(dropId, "confirmed", 1, 1_000);
  await insert(dropId, "held", 1, 1_000);
  await insert(dropId, "payment_pending", 1, 1_000);
  await insert(dropId, "paid", 1, 1_000);
  await insert(dropId, "cancelled", 1, 1_000);
  await insert(dropId, "expired", 1, 1_000);
  await insert(dropId, "refunded", 1, 1_000);
  await insert(dropId, "failed", 1, 1_000);
  await insert(other, "confirmed", 5, 50_000);

  const res = await app.inject({ url: `/internal/drops/${dropId}/sales`, headers: asService("order") });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { dropId, orders: 9, cancelled: 2, refunded: 1, failed: 1, confirmedUnits: 3, revenueCents: 3_000 });
  t.same((await app.inject({ url: `/internal/drops/${randomUUID()}/sales`, headers: asService("order") })).json().revenueCents, 0, "a drop without orders: zeros");
  t.equal((await app.inject({ url: "/internal/drops/a%20b/sales", headers: asService("order") })).statusCode, 400);

  const mine = (q: string) => app.inject({ url: `/orders?${q}`, headers: asUser("order", buyer) });
  t.equal((await mine("status=held,payment_pending,paid")).json().total, 3, "several statuses: any matches");
  t.equal((await mine("status=held")).json().total, 1);
  t.equal((await mine("status=held,held")).json().total, 1);
  t.equal((await mine("status=held,nope")).statusCode, 400);
  t.equal((await mine("status=")).statusCode, 400);
  t.equal((await mine("status=,held")).statusCode, 400);
  const admin = await app.inject({ url: "/admin/orders?status=failed,refunded", headers: asUser("order", randomUUID(), "admin") });
  t.equal(admin.json().total, 2);
  t.equal((await app.inject({ url: "/admin/orders?status=failed", headers: asUser("order", buyer) })).statusCode, 403);
});
