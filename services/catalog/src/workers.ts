import type { FastifyBaseLogger } from "fastify";
import type { Db } from "./store/prisma.ts";
import { DEFAULT_ADMIN_PASSWORD, type Config } from "./config.ts";
import { ensureAdmin } from "./store/users.ts";

/**
 * Ensures the admin from ADMIN_EMAIL / ADMIN_PASSWORD at start. A database that is not reachable
 * yet is logged, not fatal: the service stays up (not ready) and `node scripts/seed.ts` does the same.
 */
export async function seedAdmin(db: Db, config: Config, log: FastifyBaseLogger): Promise<void> {
  if (config.NODE_ENV === "production" && config.ADMIN_PASSWORD === DEFAULT_ADMIN_PASSWORD) {
    log.warn("ADMIN_PASSWORD is the documented development default; set your own in production");
  }
  try {
    const { userId, created } = await ensureAdmin(db, config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
    log.info({ userId, email: config.ADMIN_EMAIL, created }, created ? "admin created" : "admin present");
  } catch (err) {
    log.error({ err }, "could not ensure the admin account; run node scripts/seed.ts once the database is up");
  }
}
