/**
 * The inventory's internal product stock routes (issue 8; the catalog and the gateway call them): a
 * regular product's stock for carts is a stock item like a drop's (the same keys, scripts, stream,
 * ledger and reconciliation; kind product, id = the productId), opened at once when its stock is
 * first set (startsAt now, no per-buyer limit, PRODUCT_HOLD_SECONDS). "Stock ever set" == the stock
 * item exists.
 * - PUT  /internal/products/:productId/stock {total}: sets up the stock if never set (schedule row
 *   kind product, loaded into Redis before answering by the opener's `open`, under Redlock
 *   `drop:<id>:open`) -> 201 {productId, stock, available}; already set -> 200 with the current
 *   values, unchanged (restock changes them). 409 CONFLICT when the id is a drop.
 * - POST /internal/products/:productId/restock {units}: never set -> as PUT with total = units;
 *   set -> the drops' adjust path (+units, Redlock `drop:<id>:adjust`, fenced, ledgered) -> 200
 *   {productId, stock (total after), available}. 409 CONFLICT for a drop (drops use adjust).
 * - GET  /internal/products/:productId/stock -> 200 {productId, stock, available, held, sold};
 *   409 NOT_FOR_SALE when the stock was never set (the catalogue gives NOT_FOR_SALE status 409).
 */
import type { FastifyInstance } from "fastify";
import type { Locker } from "@drops/redis";
import { conflict, unavailable } from "@drops/http";
import { DROP_ID_PATTERN } from "../domain/stock.ts";
import type { Pool } from "../store/db.ts";
import { findDrop, scheduleDrop, type DropRow } from "../store/drops.ts";
import { adjustDrop } from "../store/stock-admin.ts";
import type { StockStore } from "../store/stock/stock-store.ts";
import type { Opener } from "../workers/opener.ts";

export type ProductRouteDeps = {
  pool: Pool;
  store: Pick<StockStore, "snapshot" | "adjust">;
  locker: Pick<Locker, "withLock">;
  opener: Pick<Opener, "open">;
  /** Hold time of a product's lines (PRODUCT_HOLD_SECONDS * 1000). */
  holdMs: number;
  now?: () => number;
};

type Params = { Params: { productId: string } };

const params = { type: "object", required: ["productId"], properties: { productId: { type: "string", pattern: DROP_ID_PATTERN } } } as const;
const MAX_UNITS = 10_000_000;
/** Attempts more to take `drop:<id>:open` when a concurrent set-up holds it (200 ms apart). */
const OPEN_RETRIES = 10;

const body = (name: string, minimum: number) =>
  ({ type: "object", required: [name], additionalProperties: false, properties: { [name]: { type: "integer", minimum, maximum: MAX_UNITS } } }) as const;

export async function productRoutes(app: FastifyInstance, deps: ProductRouteDeps): Promise<void> {
  const now = deps.now ?? Date.now;

  const notADrop = (row: DropRow | null, productId: string, hint: string): void => {
    if (row?.kind === "drop") throw conflict(`${productId} is a drop, not a product's stock${hint}`, "CONFLICT");
  };

  /** The live figures; a product set up whose stock Redis lost answers 503 until an admin resyncs it. */
  async function current(productId: string) {
    const s = await deps.store.snapshot(productId);
    if (!s) throw unavailable(`the stock of product ${productId} is not in Redis; resync it from the ledger`);
    return { productId, stock: s.total + s.adjustments, available: s.available, held: s.held, sold: s.sold };
  }

  /** Sets the stock up if it never was: "SET_UP" when this call loaded it, "ALREADY" when it was there. */
  async function setUp(productId: string, total: number, row: DropRow | null): Promise<"SET_UP" | "ALREADY"> {
    if (row?.status === "loaded") return "ALREADY";
    const r = await scheduleDrop(deps.pool, { dropId: productId, kind: "product", total, startsAtMs: now(), perBuyerLimit: 0, holdMs: deps.holdMs });
    if (r.status === "OTHER_KIND") notADrop(r.drop, productId, "");
    if (r.status === "ALREADY_LOADED" || r.status === "OTHER_KIND") return "ALREADY";
    const opened = await deps.opener.open(r.drop, { retryCount: OPEN_RETRIES });
    if (opened === "BUSY") throw unavailable(`the stock of product ${productId} is being set up; try again`);
    // STALE_FENCE: a newer holder of the open lock loaded it.
    return opened === "LOADED" ? "SET_UP" : "ALREADY";
  }

  app.put<Params & { Body: { total: number } }>("/internal/products/:productId/stock", { schema: { params, body: body("total", 0) } }, async (req, reply) => {
    const { productId } = req.params;
    const row = await findDrop(deps.pool, productId);
    notADrop(row, productId, "");
    const r = await setUp(productId, req.body.total, row);
    const { stock, available } = await current(productId);
    return reply.code(r === "SET_UP" ? 201 : 200).send({ productId, stock, available });
  });

  app.post<Params & { Body: { units: number } }>("/internal/products/:productId/restock", { schema: { params, body: body("units", 1) } }, async (req) => {
    const { productId } = req.params;
    const { units } = req.body;
    const row = await findDrop(deps.pool, productId);
    notADrop(row, productId, " (drops use POST /internal/drops/:dropId/adjust)");
    if (row?.status !== "loaded" && (await setUp(productId, units, row)) === "SET_UP") {
      const { stock, available } = await current(productId);
      return { productId, stock, available };
    }
    const r = await adjustDrop(deps, productId, units);
    if (r.status === "BUSY") throw conflict(`a restock of product ${productId} is already running`, "ADJUST_BUSY");
    if (r.status === "STALE_FENCE") throw conflict("a newer restock overtook this one", "ADJUST_STALE");
    // NOT_LOADED: Redis lost it (current answers 503); INSUFFICIENT cannot happen for units >= 1.
    const { stock, available } = await current(productId);
    return { productId, stock, available };
  });

  app.get<Params>("/internal/products/:productId/stock", { schema: { params } }, async (req) => {
    const { productId } = req.params;
    const row = await findDrop(deps.pool, productId);
    if (row?.kind !== "product" || row.status !== "loaded") throw conflict(`product ${productId} has no stock set: not for sale`, "NOT_FOR_SALE");
    return current(productId);
  });
}
