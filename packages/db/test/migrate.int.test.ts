import t, { type Test } from "tap";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { testEnv, uniqueName } from "@drops/testing";
import { migrate, dropSchema, MigrationError, databaseName, maintenanceUrl, serviceSchema, prismaAdapter, quoteIdent } from "../src/index.ts";
import { withTestSchema } from "../src/testing.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/migrations/", import.meta.url));
const NAMES = ["20250101000000_init", "20250102000000_add_stock_ledger"];
const url = testEnv.databaseUrl;

async function query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], on = url): Promise<R[]> {
  const c = new pg.Client({ connectionString: on });
  await c.connect();
  try {
    return (await c.query<R>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

function copyFixtures(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), "drops-migrations-"));
  cpSync(FIXTURES, dir, { recursive: true });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function freshSchema(t: Test): string {
  const schema = uniqueName("db_migrate");
  t.teardown(() => dropSchema(url, schema));
  return schema;
}

t.test("url helpers and schema names", async (t) => {
  t.equal(databaseName("postgresql://postgres@127.0.0.1:5432/drops?sslmode=disable"), "drops");
  t.equal(maintenanceUrl("postgresql://u:p@h:5432/drops?x=1"), "postgresql://u:p@h:5432/postgres?x=1");
  t.throws(() => databaseName("postgresql://h:5432"), /no database name/);
  t.equal(serviceSchema("catalog"), "catalog");
  t.equal(serviceSchema("order"), "orders");
  t.throws(() => serviceSchema("bad-name"), /invalid SQL identifier/);
  t.ok(prismaAdapter(url, "catalog") instanceof PrismaPg);
});

t.test("applies to an empty schema, then nothing; rows match Prisma's", async (t) => {
  const schema = freshSchema(t);
  const lines: string[] = [];
  t.same(await migrate({ url, schema, migrationsDir: FIXTURES, log: (l) => lines.push(l) }), NAMES);
  t.match(lines.filter((l) => l.includes("applied")), [/applied 20250101000000_init/, /applied 20250102000000_add_stock_ledger/]);
  t.same(await migrate({ url, schema, migrationsDir: FIXTURES }), [], "second run applies nothing");

  const tables = await query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = $1 order by table_name", [schema]);
  t.same(tables.map((r) => r.table_name), ["Drop", "StockLedger", "_prisma_migrations"]);

  const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number; logs: string | null; rolled_back_at: Date | null; id: string }>(
    `select * from ${quoteIdent(schema)}."_prisma_migrations" order by migration_name`);
  t.equal(rows.length, 2);
  for (const [i, row] of rows.entries()) {
    const sql = readFileSync(join(FIXTURES, NAMES[i]!, "migration.sql"));
    t.equal(row.migration_name, NAMES[i]);
    t.equal(row.checksum, createHash("sha256").update(sql).digest("hex"), `${row.migration_name} checksum`);
    t.ok(row.finished_at instanceof Date);
    t.equal(row.applied_steps_count, 1);
    t.equal(row.logs, null);
    t.equal(row.rolled_back_at, null);
    t.match(row.id, /^[0-9a-f-]{36}$/);
  }
  const cols = await query<{ column_name: string; data_type: string; character_maximum_length: number | null; is_nullable: string; column_default: string | null }>(
    `select column_name, data_type, character_maximum_length, is_nullable, column_default from information_schema.columns
     where table_schema = $1 and table_name = '_prisma_migrations' order by ordinal_position`, [schema]);
  t.same(cols.map((c) => [c.column_name, c.data_type, c.character_maximum_length, c.is_nullable, c.column_default]), [
    ["id", "character varying", 36, "NO", null],
    ["checksum", "character varying", 64, "NO", null],
    ["finished_at", "timestamp with time zone", null, "YES", null],
    ["migration_name", "character varying", 255, "NO", null],
    ["logs", "text", null, "YES", null],
    ["rolled_back_at", "timestamp with time zone", null, "YES", null],
    ["started_at", "timestamp with time zone", null, "NO", "now()"],
    ["applied_steps_count", "integer", null, "NO", "0"],
  ], "Prisma's exact DDL");
});

t.test("an edited migration is refused", async (t) => {
  const schema = freshSchema(t);
  const dir = copyFixtures(t);
  await migrate({ url, schema, migrationsDir: dir });
  appendFileSync(join(dir, NAMES[0]!, "migration.sql"), "\n-- sneaky edit\n");
  await t.rejects(migrate({ url, schema, migrationsDir: dir }), { name: "MigrationError", message: /20250101000000_init in schema .* was modified after it was applied/ });
});

t.test("concurrent runs apply each migration once", async (t) => {
  const schema = freshSchema(t);
  const results = await Promise.all(Array.from({ length: 5 }, () => migrate({ url, schema, migrationsDir: FIXTURES })));
  t.same(results.flat().sort(), NAMES, "each name applied by exactly one runner");
  const rows = await query<{ n: string }>(`select count(*)::text as n from ${quoteIdent(schema)}."_prisma_migrations"`);
  t.equal(rows[0]!.n, "2");
});

t.test("a failing migration rolls back and is not recorded", async (t) => {
  const schema = freshSchema(t);
  const dir = copyFixtures(t);
  const bad = join(dir, "20250103000000_broken");
  mkdirSync(bad);
  writeFileSync(join(bad, "migration.sql"), 'CREATE TABLE "Half" ("id" INTEGER);\nINSERT INTO "Nope" VALUES (1);\n');
  await t.rejects(migrate({ url, schema, migrationsDir: dir }), MigrationError);
  await t.rejects(migrate({ url, schema, migrationsDir: dir }), /20250103000000_broken failed in schema .* rolled back: relation "Nope" does not exist/);
  const tables = await query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = $1 and table_name = 'Half'", [schema]);
  t.equal(tables.length, 0, "partial DDL rolled back");
  const rows = await query<{ migration_name: string }>(`select migration_name from ${quoteIdent(schema)}."_prisma_migrations" order by 1`);
  t.same(rows.map((r) => r.migration_name), NAMES, "earlier migrations kept, the broken one not recorded");
  writeFileSync(join(bad, "migration.sql"), 'CREATE TABLE "Half" ("id" INTEGER);\n');
  t.same(await migrate({ url, schema, migrationsDir: dir }), ["20250103000000_broken"], "fixed migration applies");
});

t.test("creates a missing database", async (t) => {
  const db = uniqueName("drops_dbtest");
  const u = new URL(url);
  u.pathname = `/${db}`;
  const dbUrl = u.toString();
  t.teardown(() => query(`drop database if exists ${quoteIdent(db)}`, [], maintenanceUrl(url)));
  t.same(await migrate({ url: dbUrl, schema: "catalog", migrationsDir: FIXTURES }), NAMES);
  const rows = await query<{ n: string }>(`select count(*)::text as n from catalog."Drop"`, [], dbUrl);
  t.equal(rows[0]!.n, "0");
});

t.test("withTestSchema", async (t) => {
  const s = await withTestSchema(FIXTURES, { prefix: "db_helper" });
  t.same(s.applied, NAMES);
  t.match(s.schema, /^db_helper_/);
  await query(`insert into ${quoteIdent(s.schema)}."Drop" (id, name, units) values ('d1', 'x', 3)`, [], s.url);
  await s.cleanup();
  const rows = await query("select 1 from information_schema.schemata where schema_name = $1", [s.schema]);
  t.equal(rows.length, 0);
});
