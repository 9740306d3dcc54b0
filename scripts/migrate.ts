/**
 * Applies every service's Prisma migrations (services/<name>/prisma/migrations) to the schema that
 * service owns, in one database (DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/drops).
 * Schema per service: its folder name, except `order` -> `orders` (see serviceSchema in @drops/db).
 * The database is created when missing. Safe to run from several processes at once.
 *
 *   node scripts/migrate.ts            # all services with migrations
 *   node scripts/migrate.ts catalog    # only the named services
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDatabase, migrate, redactUrl, serviceSchema } from "@drops/db";

const servicesDir = fileURLToPath(new URL("../services/", import.meta.url));
const url = process.env["DATABASE_URL"] ?? "postgresql://postgres@127.0.0.1:5432/drops";
const only = process.argv.slice(2);

function servicesWithMigrations(): string[] {
  if (!existsSync(servicesDir)) return [];
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(servicesDir, d.name, "prisma", "migrations")))
    .map((d) => d.name)
    .filter((name) => only.length === 0 || only.includes(name))
    .sort();
}

async function main(): Promise<void> {
  const services = servicesWithMigrations();
  const unknown = only.filter((name) => !services.includes(name));
  if (unknown.length > 0) throw new Error(`no prisma/migrations for: ${unknown.join(", ")}`);
  if (await ensureDatabase(url)) console.log(`migrate: created database at ${redactUrl(url)}`);
  if (services.length === 0) {
    console.log("migrate: no service has prisma/migrations; nothing to migrate");
    return;
  }
  for (const service of services) {
    const schema = serviceSchema(service);
    const applied = await migrate({
      url,
      schema,
      migrationsDir: join(servicesDir, service, "prisma", "migrations"),
      log: (line) => console.log(`migrate: ${line}`),
    });
    console.log(`migrate: ${service} -> schema ${schema}: ${applied.length} applied`);
  }
}

main().catch((err: unknown) => {
  console.error(`migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
