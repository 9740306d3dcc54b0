import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** One folder of a Prisma migrations directory: `<yyyymmddhhmmss>_<name>/migration.sql`. */
export type Migration = { name: string; sql: string; checksum: string };

/** Prisma's checksum: sha256 hex of migration.sql, with CRLF normalized to LF (Prisma also accepts the raw bytes). */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

/** True when `checksum` matches `sql` as written or with normalized line endings (what Prisma accepts). */
export function checksumMatches(sql: string, checksum: string): boolean {
  return checksum === migrationChecksum(sql) || checksum === createHash("sha256").update(sql).digest("hex");
}

/** The migration folders of `dir`, sorted by name. A folder without migration.sql is an error. */
export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new Error(`migrations directory ${dir} does not exist`);
  const names = readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory())
    .sort();
  return names.map((name) => {
    const file = join(dir, name, "migration.sql");
    if (!existsSync(file)) throw new Error(`migration ${name} has no migration.sql (${file})`);
    const sql = readFileSync(file, "utf8");
    return { name, sql, checksum: migrationChecksum(sql) };
  });
}
