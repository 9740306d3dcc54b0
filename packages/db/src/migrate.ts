import { randomUUID } from "node:crypto";
import pg from "pg";
import { databaseName, ensureDatabase } from "./database.ts";
import { checksumMatches, readMigrations } from "./migrations.ts";
import { quoteIdent } from "./pool.ts";

export type MigrateOptions = {
  url: string;
  schema: string;
  migrationsDir: string;
  log?: (line: string) => void;
};

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Same key space as Prisma's lock id (72707369), second half = the schema, so schemas migrate in parallel. */
const LOCK_CLASS = 72707369;

/** Prisma's own DDL for its bookkeeping table, so `prisma migrate deploy/status` agree with this runner. */
function migrationsTableDdl(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}."_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;
}

type AppliedRow = { migration_name: string; checksum: string; finished_at: Date | null };

/**
 * Applies the not-yet-applied migrations of `migrationsDir` (Prisma layout) to `schema`, in name order,
 * each in its own transaction with search_path = schema, recording them in `_prisma_migrations` as
 * `prisma migrate deploy` would. Creates the database and the schema when missing; concurrent runners
 * serialize on an advisory lock. Refuses when an applied migration was edited or a failed one is recorded.
 * Returns the names applied by this call.
 */
export async function migrate(opts: MigrateOptions): Promise<string[]> {
  const { url, schema, migrationsDir } = opts;
  const log = opts.log ?? (() => undefined);
  const q = quoteIdent(schema);
  const migrations = readMigrations(migrationsDir);
  if (await ensureDatabase(url)) log(`created database ${databaseName(url)}`);

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1, hashtext($2))", [LOCK_CLASS, schema]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
      await client.query(migrationsTableDdl(schema));
      const { rows } = await client.query<AppliedRow>(
        `select migration_name, checksum, finished_at from ${q}."_prisma_migrations" where rolled_back_at is null order by started_at`,
      );
      const applied = new Map(rows.map((r) => [r.migration_name, r]));
      const failed = rows.find((r) => r.finished_at === null);
      if (failed) {
        throw new MigrationError(`migration ${failed.migration_name} in schema ${schema} failed earlier and is not rolled back; resolve it first`);
      }
      const local = new Set(migrations.map((m) => m.name));
      for (const name of applied.keys()) {
        if (!local.has(name)) log(`warning: ${schema}: migration ${name} is applied but missing from ${migrationsDir}`);
      }
      for (const m of migrations) {
        const row = applied.get(m.name);
        if (row && !checksumMatches(m.sql, row.checksum)) {
          throw new MigrationError(
            `migration ${m.name} in schema ${schema} was modified after it was applied (checksum ${row.checksum} in the database, ${m.checksum} on disk); add a new migration instead`,
          );
        }
      }

      const done: string[] = [];
      for (const m of migrations) {
        if (applied.has(m.name)) continue;
        const startedAt = new Date();
        await client.query("BEGIN");
        try {
          await client.query(`SET LOCAL search_path TO ${q}`);
          await client.query(m.sql);
          await client.query(
            `insert into ${q}."_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
             values ($1, $2, now(), $3, null, null, $4, 1)`,
            [randomUUID(), m.checksum, m.name, startedAt],
          );
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK").catch(() => undefined);
          const msg = err instanceof Error ? err.message : String(err);
          throw new MigrationError(`migration ${m.name} failed in schema ${schema} and was rolled back: ${msg}`, { cause: err });
        }
        log(`${schema}: applied ${m.name}`);
        done.push(m.name);
      }
      if (done.length === 0) log(`${schema}: up to date (${migrations.length} migrations)`);
      return done;
    } finally {
      await client.query("select pg_advisory_unlock($1, hashtext($2))", [LOCK_CLASS, schema]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
