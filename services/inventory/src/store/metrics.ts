/**
 * The inventory's metrics, read from the stock Redis at scrape time (one pipeline per scrape, one per
 * drop on a Redis Cluster, where a pipeline must stay in one slot; never per purchase; names are the
 * dashboard's contract, infra/grafana):
 * - `drops_stock_available{drop_id}`, `drops_stock_held{drop_id}`, `drops_stock_sold{drop_id}`: units,
 *   per loaded drop (the drop index; at most MAX_DROPS drops, the rest summed under drop_id="other");
 * - `drops_holds_active`: holds not yet confirmed, released or expired (all drops);
 * - `drops_stock_stream_backlog`: entries in the drops' stock streams (relayed ones are trimmed, so
 *   this is what the relay still has to publish, plus the not-yet-trimmed tail);
 * - `drops_queue_length{drop_id}`: buyers waiting in a drop's waiting room (drops with one);
 * - `drops_queue_admitted_total`: buyers admitted by this instance's admitter (rate = admission rate).
 */
import { hotCounter, meter, type BatchObservableResult, type Observable } from "@drops/telemetry";
import { isCluster } from "@drops/redis";
import type { Redis } from "./stock/scripts.ts";
import { dropIndexKey, dropKeys } from "./stock/keys.ts";
import { queueKeys } from "./queue/keys.ts";

export const MAX_DROPS = 200;

/** Incremented by the admitter (workers/admitter.ts) with each tick's admissions. */
export const queueAdmitted = hotCounter("drops_queue_admitted", "buyers admitted from waiting rooms by this instance").series();

export function inventoryGauges(deps: { redis: Redis; prefix: string; onError?: (err: unknown) => void }): { stop: () => void } {
  const m = meter();
  const available = m.createObservableGauge("drops_stock_available", { description: "units available per drop" });
  const held = m.createObservableGauge("drops_stock_held", { description: "units held per drop (reserved, not yet paid)" });
  const sold = m.createObservableGauge("drops_stock_sold", { description: "units sold per drop" });
  const holds = m.createObservableGauge("drops_holds_active", { description: "holds open across all drops" });
  const backlog = m.createObservableGauge("drops_stock_stream_backlog", { description: "entries in the drops' stock streams (not yet relayed or not yet trimmed)" });
  const queue = m.createObservableGauge("drops_queue_length", { description: "buyers waiting in a drop's waiting room" });

  const callback = async (r: BatchObservableResult) => {
    const observe = (g: Observable, v: number, a?: Record<string, string>) => r.observe(g, v, a);
    try {
      const ids = (await deps.redis.smembers(dropIndexKey(deps.prefix))).sort();
      const res = await readFigures(deps.redis, ids, deps.prefix);
      let holdCount = 0;
      let streamed = 0;
      const other = { available: 0, held: 0, sold: 0, queue: 0 };
      ids.forEach((id, i) => {
        const [meta, expiry, xlen, line] = res.slice(i * 4, i * 4 + 4).map(([err, v]) => (err ? null : v));
        const [a, h, s] = ((meta as (string | null)[] | null) ?? []).map((x) => Number(x ?? 0));
        holdCount += Number(expiry ?? 0);
        streamed += Number(xlen ?? 0);
        if (i < MAX_DROPS) {
          const attrs = { drop_id: id };
          observe(available, a ?? 0, attrs);
          observe(held, h ?? 0, attrs);
          observe(sold, s ?? 0, attrs);
          if (Number(line ?? 0) > 0) observe(queue, Number(line), attrs);
        } else {
          other.available += a ?? 0;
          other.held += h ?? 0;
          other.sold += s ?? 0;
          other.queue += Number(line ?? 0);
        }
      });
      if (ids.length > MAX_DROPS) {
        const attrs = { drop_id: "other" };
        observe(available, other.available, attrs);
        observe(held, other.held, attrs);
        observe(sold, other.sold, attrs);
        observe(queue, other.queue, attrs);
      }
      observe(holds, holdCount);
      observe(backlog, streamed);
    } catch (err) {
      deps.onError?.(err);
    }
  };
  const observables = [available, held, sold, holds, backlog, queue];
  m.addBatchObservableCallback(callback, observables);
  return { stop: () => m.removeBatchObservableCallback(callback, observables) };
}

type Pipe = ReturnType<Redis["pipeline"]>;

/** Four replies per drop, in `ids` order: its meta counters, expiry size, stream length, line size. */
async function readFigures(redis: Redis, ids: readonly string[], prefix: string): Promise<[Error | null, unknown][]> {
  const queue = (pipe: Pipe, id: string): Pipe => {
    const k = dropKeys(id, prefix);
    return pipe.hmget(k.meta, "available", "held", "sold").zcard(k.expiry).xlen(k.events).zcard(queueKeys(id, prefix).line);
  };
  if (isCluster(redis)) {
    const each = await Promise.all(ids.map(async (id) => (await queue(redis.pipeline(), id).exec()) ?? []));
    return each.flat();
  }
  const pipe = redis.pipeline();
  for (const id of ids) queue(pipe, id);
  return (await pipe.exec()) ?? [];
}
