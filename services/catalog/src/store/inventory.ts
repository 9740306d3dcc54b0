import type { FastifyBaseLogger } from "fastify";
import { conflict, unavailable } from "@drops/http";
import type { DropView } from "../domain/drops.ts";

/**
 * Hands a new drop's schedule to the inventory, which owns stock and loads it into Redis at opening.
 * Runs inside the transaction that creates the drop: when it throws, the drop is not created.
 */
export type DropScheduler = (drop: DropView) => Promise<void>;

/**
 * The inventory's internal `PUT /internal/drops/:dropId` {total, startsAt, perBuyerLimit, holdSeconds}
 * (idempotent: the same values again are 200). Unreachable, slow or failing -> 503 UNAVAILABLE;
 * 409 (stock already loaded with other values) -> 409 DROP_ALREADY_LOADED.
 */
export function httpDropScheduler(baseUrl: string, timeoutMs: number, log?: FastifyBaseLogger): DropScheduler {
  const base = baseUrl.replace(/\/+$/, "");
  return async (drop) => {
    const url = `${base}/internal/drops/${encodeURIComponent(drop.dropId)}`;
    const body = { total: drop.units, startsAt: drop.startsAt, perBuyerLimit: drop.perBuyerLimit, holdSeconds: drop.holdSeconds };
    let res: Response;
    try {
      res = await fetch(url, {
        method: "PUT",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer();
    } catch (err) {
      log?.warn({ err, dropId: drop.dropId }, "inventory unreachable while scheduling a drop");
      throw unavailable("the inventory is unavailable; the drop was not created, retry shortly");
    }
    if (res.ok) return;
    if (res.status === 409) throw conflict("the inventory already loaded this drop with other values", "DROP_ALREADY_LOADED");
    log?.error({ status: res.status, dropId: drop.dropId }, "inventory refused a drop schedule");
    throw unavailable("the inventory refused the drop schedule; the drop was not created");
  };
}
