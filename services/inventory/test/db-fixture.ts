/** A fresh migrated `inventory` schema per test (dropped afterwards) and a pool on it. */
import { fileURLToPath } from "node:url";
import type { Test } from "tap";
import { createPool } from "@drops/db";
import { withTestSchema } from "@drops/db/testing";
import type { Pool } from "../src/store/db.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../prisma/migrations/", import.meta.url));

export async function dbFixture(t: Pick<Test, "teardown">): Promise<{ pool: Pool; schema: string; url: string }> {
  const db = await withTestSchema(MIGRATIONS_DIR, { prefix: "inventory_test" });
  const pool = createPool(db.url, { schema: db.schema, max: 5 });
  t.teardown(async () => {
    await pool.end();
    await db.cleanup();
  });
  return { pool, schema: db.schema, url: db.url };
}
