/**
 * Prisma CLI configuration for the catalog. Only `prisma generate` is used on this machine
 * (migrations are SQL files applied by scripts/migrate.ts); the URL matters only where the
 * schema engine exists (`prisma migrate status`).
 */
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env["DATABASE_URL"] ?? "postgresql://postgres@127.0.0.1:5432/drops?schema=catalog" },
});
