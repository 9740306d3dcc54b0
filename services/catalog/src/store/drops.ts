import { notFound } from "@drops/http";
import type { Db } from "./prisma.ts";
import { ownedProduct } from "./products.ts";
import type { DropScheduler } from "./inventory.ts";
import { randomBytes } from "node:crypto";
import { dropStartMs, effectiveStatus, seedHash, type DropInput, type DropQueueSecret, type DropStatus, type DropView } from "../domain/drops.ts";

export type DropRow = {
  id: string; productId: string; startsAt: Date; units: number; available: number; perBuyerLimit: number; holdSeconds: number;
  priceCents: number; status: DropStatus; createdAt: Date;
  product: { sellerId: string; name: string; description: string };
  /** A queued drop's waiting room (both set, or both null). */
  queueAdmitPerSecond?: number | null; queueSeed?: string | null;
};

/** A queued drop's waiting room as the inventory gets it (with the seed); undefined for the others. */
export function queueOf(d: Pick<DropRow, "queueAdmitPerSecond" | "queueSeed">): DropQueueSecret | undefined {
  return d.queueAdmitPerSecond && d.queueSeed ? { admitPerSecond: d.queueAdmitPerSecond, seed: d.queueSeed } : undefined;
}

/** The product fields a drop is shown with (`include: { product: productForView }`); its price is the drop's own. */
export const productForView = { select: { sellerId: true, name: true, description: true } } as const;

export function dropView(d: DropRow, nowMs = Date.now()): DropView {
  return {
    dropId: d.id, productId: d.productId, sellerId: d.product.sellerId, name: d.product.name, description: d.product.description,
    priceCents: d.priceCents, startsAt: d.startsAt.toISOString(), units: d.units, available: d.available,
    perBuyerLimit: d.perBuyerLimit, holdSeconds: d.holdSeconds, status: effectiveStatus(d.status, d.startsAt, nowMs),
    createdAt: d.createdAt.toISOString(),
    ...(d.queueAdmitPerSecond && d.queueSeed ? { queue: { admitPerSecond: d.queueAdmitPerSecond, seedHash: seedHash(d.queueSeed) } } : {}),
  };
}

/** Longest a drop's creation may hold its transaction open (the inventory call included). */
const CREATE_TX_TIMEOUT_MS = 65_000;

/**
 * The product's approved owner schedules a drop; `startsAt` now or later (units, limit, hold bounds by
 * schema). The drop row and the inventory's schedule go together: the row is inserted, `schedule`
 * hands it to the inventory, then the transaction commits; if the inventory call fails nothing is created.
 * A queued drop (`queue`) gets its seed here: 32 random bytes (hex), committed by showing its hash.
 */
export async function createDrop(db: Db, userId: string, input: DropInput, schedule: DropScheduler, nowMs = Date.now()): Promise<DropView> {
  const startsAt = new Date(dropStartMs(input.startsAt, nowMs));
  // The drop's price is the product's now, fixed for the drop's life (a later product price change is not the drop's).
  const product = await ownedProduct(db, userId, input.productId);
  return db.$transaction(
    async (tx) => {
      const drop = await tx.drop.create({
        data: {
          productId: input.productId, startsAt, units: input.units, available: input.units,
          perBuyerLimit: input.perBuyerLimit, holdSeconds: input.holdSeconds, priceCents: product.priceCents,
          ...(input.queue ? { queueAdmitPerSecond: input.queue.admitPerSecond, queueSeed: randomBytes(32).toString("hex") } : {}),
        },
        include: { product: productForView },
      });
      const view = dropView(drop, nowMs);
      await schedule(view, queueOf(drop));
      return view;
    },
    { maxWait: 5_000, timeout: CREATE_TX_TIMEOUT_MS },
  );
}

export async function getDrop(db: Db, dropId: string): Promise<DropView> {
  const drop = await db.drop.findUnique({ where: { id: dropId }, include: { product: productForView } });
  if (!drop) throw notFound("drop not found", "DROP_NOT_FOUND");
  return dropView(drop);
}

/**
 * The seam for live stock: the catalog's last known `available` (and status) of a drop, meant to be
 * called by a consumer of the inventory's StockChanged events. Until then `available` stays `units`.
 */
export async function recordStock(db: Db, dropId: string, available: number, status?: DropStatus): Promise<void> {
  await db.drop.updateMany({
    where: { id: dropId },
    data: { available: { set: Math.max(0, available) }, ...(status ? { status } : {}) },
  });
}
