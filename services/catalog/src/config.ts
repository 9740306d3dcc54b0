import { int, str, url, type ConfigOf } from "@drops/config";
import { configReaders, serviceSpec } from "@drops/http/config";

/** The documented development defaults of the seeded admin (README); change them in production. */
export const DEFAULT_ADMIN_EMAIL = "admin@drops.local";
export const DEFAULT_ADMIN_PASSWORD = "admin-password-change-me";

/** Every variable the catalog service reads (see README.md). Imports nothing instrumented. */
export const spec = {
  ...serviceSpec("catalog", 3001),
  DB_SCHEMA: str("catalog", "PostgreSQL schema holding the catalog's tables"),
  ADMIN_EMAIL: str(DEFAULT_ADMIN_EMAIL, "e-mail of the admin ensured at start"),
  ADMIN_PASSWORD: str(DEFAULT_ADMIN_PASSWORD, "password of the admin when it is created"),
  INVENTORY_URL: url("http://127.0.0.1:3002", ["http", "https"], "base URL of the inventory (drop schedules)"),
  INVENTORY_TIMEOUT_MS: int(5000, { min: 50, max: 60_000 }, "timeout of the inventory call when a drop is created"),
};

export type Config = ConfigOf<typeof spec>;

export const { readConfig, readConfigOrExit } = configReaders(spec, "catalog");
