import type { FastifyBaseLogger } from "fastify";
import type { Workers } from "@drops/http";
import { DEFAULT_ADMIN_PASSWORD, type Config } from "./config.ts";
import type { Db } from "./store/prisma.ts";
import { ensureAdmin } from "./store/users.ts";

/**
 * The catalog's background work: no consumers or loops, one task at start. Before the service
 * listens it ensures the admin from ADMIN_EMAIL / ADMIN_PASSWORD. A database that is not reachable
 * yet is logged, not fatal: the service stays up (not ready) and `node scripts/seed.ts` does the same.
 */
export function createWorkers(deps: { db: Db; config: Config; log: FastifyBaseLogger }): Workers {
  return {
    start: () => seedAdmin(deps),
    stop: async () => {},
  };
}

async function seedAdmin({ db, config, log }: { db: Db; config: Config; log: FastifyBaseLogger }): Promise<void> {
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
