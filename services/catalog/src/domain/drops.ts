export type DropStatus = "scheduled" | "open" | "paused" | "closed";

export type DropView = {
  dropId: string;
  productId: string;
  sellerId: string;
  name: string;
  description: string;
  priceCents: number;
  startsAt: string;
  units: number;
  available: number;
  perBuyerLimit: number;
  holdSeconds: number;
  status: DropStatus;
  createdAt: string;
};

export type DropRow = {
  id: string; productId: string; startsAt: Date; units: number; available: number; perBuyerLimit: number; holdSeconds: number;
  status: DropStatus; createdAt: Date;
  product: { sellerId: string; name: string; description: string; priceCents: number };
};

/** A scheduled drop whose start time has passed is open for buyers (the inventory opens its stock then). */
export function effectiveStatus(status: DropStatus, startsAt: Date, nowMs = Date.now()): DropStatus {
  return status === "scheduled" && startsAt.getTime() <= nowMs ? "open" : status;
}

export function dropView(d: DropRow, nowMs = Date.now()): DropView {
  return {
    dropId: d.id, productId: d.productId, sellerId: d.product.sellerId, name: d.product.name, description: d.product.description,
    priceCents: d.product.priceCents, startsAt: d.startsAt.toISOString(), units: d.units, available: d.available,
    perBuyerLimit: d.perBuyerLimit, holdSeconds: d.holdSeconds, status: effectiveStatus(d.status, d.startsAt, nowMs),
    createdAt: d.createdAt.toISOString(),
  };
}

export const productForView = { select: { sellerId: true, name: true, description: true, priceCents: true } } as const;
