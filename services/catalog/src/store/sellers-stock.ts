/** The inventory's stock control, as a seller's rejection uses it: pause everything the seller has on sale. */
import type { FastifyBaseLogger } from "fastify";
import { AppError, createServiceClient, unavailable, type InternalAuth } from "@drops/http";

/**
 * Pauses one stock item (a drop, or a product's stock: the same `{drop:<id>}` layout). "paused" when
 * it is paused now (or was), "none" when the inventory has no stock for it (a product never stocked).
 */
export type StockPauser = (stockId: string) => Promise<"paused" | "none">;

/**
 * The inventory's internal `PUT /internal/drops/:id/status {status: "paused"}` (idempotent; a drop
 * scheduled but not loaded yet is loaded paused, so it cannot open by itself). 404 DROP_NOT_LOADED ->
 * "none"; unreachable, slow or any other refusal -> 503 UNAVAILABLE (logged), so the admin's
 * rejection is answered 503 and deciding it again finishes the pausing.
 */
export function httpStockPauser(baseUrl: string, timeoutMs: number, auth: InternalAuth, log?: FastifyBaseLogger): StockPauser {
  const inventory = createServiceClient({ service: "inventory", audience: "inventory", auth, baseUrl, timeoutMs, ...(log ? { log } : {}) });
  return async (stockId) => {
    try {
      await inventory.call<unknown>({ method: "PUT", path: `/internal/drops/${encodeURIComponent(stockId)}/status`, body: { status: "paused" } });
      return "paused";
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.statusCode === 404) return "none";
      if (err.statusCode !== 503) log?.error({ status: err.statusCode, code: err.code, stockId }, "inventory refused to pause a stock item");
      throw unavailable("the inventory is unavailable: the seller is rejected but not all its stock is paused yet; reject again to finish");
    }
  };
}

/** Pauses every item, a few at a time; the first failure is thrown after the others in its batch settled. */
export async function pauseAll(pause: StockPauser, stockIds: readonly string[], concurrency = 8): Promise<{ paused: number; none: number }> {
  const counts = { paused: 0, none: 0 };
  for (let i = 0; i < stockIds.length; i += concurrency) {
    const results = await Promise.allSettled(stockIds.slice(i, i + concurrency).map((id) => pause(id)));
    for (const r of results) {
      if (r.status === "rejected") throw r.reason;
      counts[r.value]++;
    }
  }
  return counts;
}
