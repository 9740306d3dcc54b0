/** Prisma CLI configuration (`prisma generate`); migrations are applied by @drops/db, not by the CLI. */
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
