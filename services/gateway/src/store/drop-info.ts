/**
 * What the purchase path needs from the catalog's drop (its price, fixed when the drop was scheduled,
 * which the saga charges; its seller's user id, since a seller cannot buy in its own drop), cached per drop
 * for `ttlMs` and loaded once for all concurrent misses, so a spike hits the catalog about once per
 * drop and period per instance, not once per attempt. Failures are not cached. When the catalog
 * cannot be reached (a 5xx or no answer) and the drop was loaded before, the last known info is
 * served: everything the purchase path takes from it is fixed when the drop is scheduled (price,
 * seller, waiting room), and the reservation itself needs only Redis, so a catalog or PostgreSQL
 * outage does not stop a drop from selling (docs/reliability.md).
 */
import { AppError, type ServiceClient } from "@drops/http";

export type DropInfo = {
  dropId: string; priceCents: number; startsAt: string; status: string; available: number;
  /** The drop's seller and its user (a purchase by that user is 403 OWN_DROP). */
  sellerId?: string; sellerUserId?: string;
  /** A queued drop's waiting room: a purchase needs an admission (routes/purchase-path.ts). */
  queue?: { admitPerSecond: number; seedHash: string };
  /** The drop's rules (the row-lock comparison loads its stock row from them). */
  units?: number; perBuyerLimit?: number; holdSeconds?: number;
};

export type DropInfoCache = { get(dropId: string): Promise<DropInfo> };

const MAX_ENTRIES = 10_000;

/** A failure that says nothing about the drop itself: the catalog is down, slow or failing. */
function catalogUnreachable(err: unknown): boolean {
  return !(err instanceof AppError) || err.statusCode >= 500;
}

export function createDropInfoCache(load: (dropId: string) => Promise<DropInfo>, ttlMs: number, now: () => number = Date.now): DropInfoCache {
  const cached = new Map<string, { info: DropInfo; until: number }>();
  const loading = new Map<string, Promise<DropInfo>>();
  return {
    get(dropId) {
      const hit = cached.get(dropId);
      if (hit && now() < hit.until) return Promise.resolve(hit.info);
      const pending = loading.get(dropId);
      if (pending) return pending;
      const p = load(dropId)
        .then((info) => {
          if (ttlMs > 0) {
            if (cached.size >= MAX_ENTRIES) cached.clear();
            cached.set(dropId, { info, until: now() + ttlMs });
          }
          return info;
        })
        .catch((err: unknown) => {
          if (hit && catalogUnreachable(err)) return hit.info;
          throw err;
        })
        .finally(() => loading.delete(dropId));
      loading.set(dropId, p);
      return p;
    },
  };
}

/** The cache over the catalog's `GET /drops/:dropId` and its seller's `GET /internal/sellers/:sellerId` (whose user it is). */
export function catalogDropInfo(catalog: ServiceClient, ttlMs: number): DropInfoCache {
  return createDropInfoCache(async (dropId) => {
    const drop = await catalog.call<DropInfo>({ method: "GET", path: `/drops/${dropId}` });
    if (drop.sellerId === undefined) return drop;
    const seller = await catalog.call<{ userId: string }>({ method: "GET", path: `/internal/sellers/${drop.sellerId}` });
    return { ...drop, sellerUserId: seller.userId };
  }, ttlMs);
}
