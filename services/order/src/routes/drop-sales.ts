/**
 * Internal (the gateway's seller sales view, after it checked the caller owns the drop):
 *   GET /internal/drops/:dropId/sales -> {dropId, orders, cancelled, refunded, failed, confirmedUnits, revenueCents, byStatus}
 * Orders counted per status in one grouped query on (drop_id, status). `cancelled` counts cancelled and
 * expired orders (no sale, no money kept); `refunded` refunded ones; `revenueCents` is the sum of the
 * confirmed orders' amounts. A drop without orders answers zeros (the order service does not know drops).
 */
import type { FastifyInstance } from "fastify";
import type { OrderQueries } from "../store/order-queries.ts";

const PARAMS = { type: "object", additionalProperties: false, required: ["dropId"], properties: { dropId: { type: "string", minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" } } } as const;

export async function dropSalesRoutes(app: FastifyInstance, opts: { queries: Pick<OrderQueries, "dropSales"> }): Promise<void> {
  app.get<{ Params: { dropId: string } }>("/internal/drops/:dropId/sales", { schema: { params: PARAMS } }, async (req) => {
    const { dropId, byStatus } = await opts.queries.dropSales(req.params.dropId);
    const of = (status: string) => byStatus[status] ?? { orders: 0, units: 0, amountCents: 0 };
    return {
      dropId,
      orders: Object.values(byStatus).reduce((n, g) => n + g.orders, 0),
      cancelled: of("cancelled").orders + of("expired").orders,
      refunded: of("refunded").orders,
      failed: of("failed").orders,
      confirmedUnits: of("confirmed").units,
      revenueCents: of("confirmed").amountCents,
      byStatus,
    };
  });
}
