export { createPool, checkPostgres, quoteIdent, type CreatePoolOptions } from "./pool.ts";
export { ensureDatabase, databaseName, maintenanceUrl, redactUrl } from "./database.ts";
export { readMigrations, migrationChecksum, checksumMatches, type Migration } from "./migrations.ts";
export { migrate, MigrationError, type MigrateOptions } from "./migrate.ts";
export { dropSchema, serviceSchema } from "./schema.ts";
export { prismaAdapter } from "./prisma.ts";
export { inTransaction, type Tx } from "./tx.ts";
