/** The JSON shape of an order in the order service's API. */
export type OrderView = {
  orderId: string;
  dropId: string;
  buyerId: string;
  quantity: number;
  amountCents: number;
  currency: string;
  status: string;
  holdExpiresAt: string;
  cancelReason: string | null;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
};

export type OrderRecord = {
  id: string;
  dropId: string;
  buyerId: string;
  quantity: number;
  amountCents: bigint | number;
  currency: string;
  status: string;
  holdExpiresAt: Date | number;
  cancelReason: string | null;
  failureReason: string | null;
  createdAt: Date | number;
  updatedAt: Date | number;
};

const iso = (d: Date | number): string => new Date(d).toISOString();

export function orderView(o: OrderRecord): OrderView {
  return {
    orderId: o.id,
    dropId: o.dropId,
    buyerId: o.buyerId,
    quantity: o.quantity,
    amountCents: Number(o.amountCents),
    currency: o.currency,
    status: o.status,
    holdExpiresAt: iso(o.holdExpiresAt),
    cancelReason: o.cancelReason,
    failureReason: o.failureReason,
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
  };
}
