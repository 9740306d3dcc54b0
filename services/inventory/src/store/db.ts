import type { createPool } from "@drops/db";

/** The pg pool type, via @drops/db (the inventory does not depend on pg directly). */
export type Pool = ReturnType<typeof createPool>;
