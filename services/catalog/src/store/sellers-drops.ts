/**
 * A seller's own drops: the ownership check of the seller routes (sales view, stock adjustment) and
 * the adjustment itself, which is the inventory's once the drop is loaded and the schedule's before.
 */
import type { FastifyBaseLogger } from "fastify";
import { AppError, conflict, createServiceClient, forbidden, unavailable, type InternalAuth } from "@drops/http";
import type { DropView } from "../domain/drops.ts";
import type { Db } from "./prisma.ts";
import { dropView, getDrop, productForView, queueOf } from "./drops.ts";
import type { DropScheduler } from "./inventory.ts";
import { approvedSellerOf, sellerOfUser } from "./sellers.ts";

/** The caller's drop: 404 DROP_NOT_FOUND when there is none, 403 NOT_A_SELLER / NOT_OWNER when it is not the caller's. */
export async function ownDrop(db: Db, userId: string, dropId: string, opts: { approved?: boolean } = {}): Promise<DropView> {
  const seller = opts.approved ? await approvedSellerOf(db, userId) : await sellerOfUser(db, userId);
  if (!seller) throw forbidden("apply as a seller first", "NOT_A_SELLER");
  const drop = await getDrop(db, dropId);
  if (drop.sellerId !== seller.sellerId) throw forbidden("this drop belongs to another seller", "NOT_OWNER");
  return drop;
}

/** The inventory's answer to an adjustment of loaded stock. */
export type AdjustAnswer = { dropId: string; delta: number; available: number; adjustments: number };

/** The inventory's `POST /internal/drops/:id/adjust {delta}`: its answer, or "not_loaded"; its refusals (409) pass through. */
export type StockAdjuster = (dropId: string, delta: number) => Promise<AdjustAnswer | "not_loaded">;

export function httpStockAdjuster(baseUrl: string, timeoutMs: number, auth: InternalAuth, log?: FastifyBaseLogger): StockAdjuster {
  const inventory = createServiceClient({ service: "inventory", audience: "inventory", auth, baseUrl, timeoutMs, ...(log ? { log } : {}) });
  return async (dropId, delta) => {
    try {
      return await inventory.call<AdjustAnswer>({ method: "POST", path: `/internal/drops/${encodeURIComponent(dropId)}/adjust`, body: { delta } });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === "DROP_NOT_LOADED") return "not_loaded";
      if (err.statusCode === 409) throw err; // INSUFFICIENT_AVAILABLE {available}, ADJUST_BUSY, ADJUST_STALE: the seller's to see
      if (err.statusCode !== 503) log?.error({ status: err.statusCode, code: err.code, dropId }, "inventory refused a drop adjustment");
      throw unavailable("the inventory is unavailable; the stock did not change, retry shortly");
    }
  };
}

const MAX_DROP_UNITS = 1_000_000;

/**
 * Restock (+) or withdraw (-) the caller's drop. Loaded: the inventory's fenced, ledgered adjust,
 * never below what is sold or held (409 INSUFFICIENT_AVAILABLE). Not loaded yet: the schedule's
 * units change (1..1,000,000, else 409 INSUFFICIENT_AVAILABLE with the units there are) and go to
 * the inventory in the same transaction; if the opener loaded it meanwhile (409
 * DROP_ALREADY_LOADED), the inventory's adjust is used after all.
 * Answers "loaded" with the inventory's figures, or "scheduled" with the new units.
 */
export async function adjustOwnDrop(
  db: Db, userId: string, dropId: string, delta: number, deps: { adjust: StockAdjuster; schedule: DropScheduler },
): Promise<{ stage: "loaded"; answer: AdjustAnswer } | { stage: "scheduled"; units: number }> {
  await ownDrop(db, userId, dropId, { approved: true });
  const first = await deps.adjust(dropId, delta);
  if (first !== "not_loaded") return { stage: "loaded", answer: first };
  try {
    const units = await db.$transaction(async (tx) => {
      const row = await tx.drop.findUniqueOrThrow({ where: { id: dropId }, include: { product: productForView } });
      const units = row.units + delta;
      if (units < 1) throw conflict(`only ${row.units - 1} units can be withdrawn before the drop opens`, "INSUFFICIENT_AVAILABLE", { available: row.units });
      if (units > MAX_DROP_UNITS) throw conflict(`a drop has at most ${MAX_DROP_UNITS} units`, "CONFLICT");
      const updated = await tx.drop.update({ where: { id: dropId }, data: { units, available: units }, include: { product: productForView } });
      await deps.schedule(dropView(updated), queueOf(updated));
      return units;
    });
    return { stage: "scheduled", units };
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "DROP_ALREADY_LOADED") throw err;
    const again = await deps.adjust(dropId, delta);
    if (again === "not_loaded") throw unavailable("the drop is being opened right now; retry");
    return { stage: "loaded", answer: again };
  }
}
