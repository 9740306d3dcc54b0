/**
 * Restock / adjust a loaded drop: under the Redlock `drop:<id>:adjust`, the adjust script changes
 * available and adjustments and appends an "adjusted" entry, which the relay writes to the ledger
 * (kind adjusted, signed qty) and announces as a StockChanged snapshot. The fencing token goes into
 * the script, which refuses a token older than the last adjustment's.
 */
import type { Locker } from "@drops/redis";
import { LockNotAcquiredError } from "@drops/redis";
import type { AdjustOutcome, StockStore } from "../stock/stock-store.ts";

export const adjustLockName = (dropId: string): string => `drop:${dropId}:adjust`;

export async function adjustDrop(
  deps: { store: Pick<StockStore, "adjust">; locker: Pick<Locker, "withLock"> },
  dropId: string,
  delta: number,
): Promise<AdjustOutcome | { status: "BUSY" }> {
  try {
    return await deps.locker.withLock(adjustLockName(dropId), 5_000, (fence) => deps.store.adjust({ dropId, delta, fence }), { retryCount: 3 });
  } catch (err) {
    if (err instanceof LockNotAcquiredError) return { status: "BUSY" };
    throw err;
  }
}
