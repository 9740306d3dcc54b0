/** A fresh migrated `inventory` schema per test (dropped afterwards) and a pool on it. */
import { fileURLToPath } from "node:url";
import type { Test } from "tap";
import { createPool } from "@drops/db";
import { withTestSchema } from "@drops/db/testing";
import { testEnv } from "@drops/testing";
import { readConfig, type Config } from "../src/config.ts";
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

/** The service's config on a test schema and the local Redis, Redlock and Kafka (silent logs). */
export function configFor(db: { url: string; schema: string }, extra: NodeJS.ProcessEnv = {}): Config {
  return readConfig({
    LOG_LEVEL: "silent",
    DATABASE_URL: db.url,
    DB_SCHEMA: db.schema,
    REDIS_URL: testEnv.redisUrl,
    REDLOCK_URLS: testEnv.redisUrl,
    KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
    ...extra,
  });
}
