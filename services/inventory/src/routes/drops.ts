/**
 * The inventory's internal drop routes (for the other services: the catalog schedules drops, the
 * gateway's admin routes proxy stock / resync / status; the gateway does not expose them as such):
 * - PUT  /internal/drops/:dropId {total, startsAt, perBuyerLimit, holdSeconds, queue?: {admitPerSecond,
 *   seed}}: registers (or changes, while not yet loaded) a drop's schedule; the opener loads it into
 *   Redis just before startsAt. A drop with `queue` is a queued drop: its waiting room is configured
 *   on the stock Redis at once (buyers may join before the opening), and the admitter runs it. 201 created, 200 updated / unchanged, 409 DROP_ALREADY_LOADED when the stock is in
 *   Redis and the values differ, 409 CONFLICT when the id is a product's stock (routes/products.ts).
 * - GET  /internal/drops/:dropId/stock  -> {available, held, sold, total, consistent, ...} Redis vs ledger
 * - POST /internal/drops/:dropId/resync -> rebuild Redis from the ledger (Redlock drop:<id>:resync, fenced)
 * - POST /internal/drops/:dropId/adjust {delta} -> restock (> 0) / withdraw (< 0) (Redlock drop:<id>:adjust, fenced)
 * - PUT  /internal/drops/:dropId/status {status: open | paused | closed}: pause, resume or close a
 *   loaded drop. The change is a stream entry, so a StockChanged snapshot follows on Kafka.
 *   Pausing a drop that is scheduled but not loaded yet loads it now, paused (the opener's load under
 *   the same `drop:<id>:open` Redlock, with its fence), so it cannot open by itself later (a rejected
 *   seller's coming drop); resuming it then still answers NOT_OPEN until its start time.
 *   200 {dropId, status, previous | null}; 404 DROP_NOT_LOADED.
 */
import type { FastifyInstance } from "fastify";
import { badRequest, conflict, notFound, unavailable } from "@drops/http";
import { LockNotAcquiredError } from "@drops/redis";
import { DROP_ID_PATTERN, type DropStatus } from "../domain/stock.ts";
import type { Pool } from "../store/db.ts";
import { findDrop, markLoaded, scheduleDrop } from "../store/drops.ts";
import { adjustDrop, checkDropStock, resyncDrop, type ResyncDeps } from "../store/stock-admin.ts";
import type { Redis } from "../store/stock/scripts.ts";
import type { StockStore } from "../store/stock/stock-store.ts";
import type { AdmitterStore } from "../store/queue/queue-store.ts";
import { openLockName } from "../workers/opener.ts";

export type DropRouteDeps = ResyncDeps & {
  redis: Redis; pool: Pool; store: Pick<StockStore, "resync" | "adjust" | "setStatus" | "openDrop">;
  /** Configures a queued drop's waiting room on the stock Redis. */
  queues: Pick<AdmitterStore, "configure">;
};

type Params = { Params: { dropId: string } };
type ScheduleBody = { total: number; startsAt: string | number; perBuyerLimit?: number; holdSeconds: number; queue?: { admitPerSecond: number; seed: string } };

const params = { type: "object", required: ["dropId"], properties: { dropId: { type: "string", pattern: DROP_ID_PATTERN } } } as const;
const MAX_UNITS = 10_000_000;

export async function dropRoutes(app: FastifyInstance, deps: DropRouteDeps): Promise<void> {
  /** Loads a scheduled, not yet loaded drop paused (true), or false when the inventory has no such drop. */
  async function loadPaused(dropId: string): Promise<boolean> {
    const drop = await findDrop(deps.pool, dropId);
    if (!drop || drop.status !== "scheduled") return false;
    const r = await deps.locker.withLock(openLockName(dropId), 5_000, async (fence) => {
      const opened = await deps.store.openDrop({
        dropId, total: drop.total, startsAtMs: drop.startsAtMs, perBuyerLimit: drop.perBuyerLimit, holdMs: drop.holdMs, kind: drop.kind, fence, status: "paused",
      });
      if (opened.status !== "STALE_FENCE") await markLoaded(deps.pool, dropId);
      return opened.status;
    }, { retryCount: 10 }).catch((err: unknown) => {
      if (err instanceof LockNotAcquiredError) throw unavailable(`drop ${dropId} is being opened right now; retry`);
      throw err;
    });
    return r !== "STALE_FENCE";
  }

  app.put<Params & { Body: ScheduleBody }>(
    "/internal/drops/:dropId",
    {
      schema: {
        params,
        body: {
          type: "object",
          additionalProperties: false,
          required: ["total", "startsAt", "holdSeconds"],
          properties: {
            total: { type: "integer", minimum: 0, maximum: MAX_UNITS },
            startsAt: { anyOf: [{ type: "string", format: "date-time" }, { type: "integer", minimum: 0 }] },
            perBuyerLimit: { type: "integer", minimum: 0, maximum: MAX_UNITS },
            holdSeconds: { type: "integer", minimum: 1, maximum: 86_400 },
            queue: {
              type: "object",
              additionalProperties: false,
              required: ["admitPerSecond", "seed"],
              properties: { admitPerSecond: { type: "integer", minimum: 1, maximum: 10_000 }, seed: { type: "string", pattern: "^[0-9a-f]{16,128}$" } },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const { dropId } = req.params;
      const b = req.body;
      const startsAtMs = typeof b.startsAt === "number" ? b.startsAt : Date.parse(b.startsAt);
      if (!Number.isSafeInteger(startsAtMs)) throw badRequest("startsAt is not a valid time", "VALIDATION_FAILED", { field: "startsAt" });
      const r = await scheduleDrop(deps.pool, { dropId, total: b.total, startsAtMs, perBuyerLimit: b.perBuyerLimit ?? 0, holdMs: b.holdSeconds * 1000, queue: b.queue ?? null });
      if (r.status === "ALREADY_LOADED") {
        throw conflict(`drop ${dropId} is already loaded; its schedule can no longer change`, "DROP_ALREADY_LOADED");
      }
      if (r.status === "OTHER_KIND") throw conflict(`${dropId} is a product's stock, not a drop`, "CONFLICT");
      const d = r.drop;
      if (d.queue) {
        // before answering, so a buyer may join the moment the drop exists; the same values again are a no-op
        const configured = await deps.queues.configure(dropId, { admitPerSecond: d.queue.admitPerSecond, startsAtMs: d.startsAtMs, seed: d.queue.seed });
        if (configured === "SEED_FIXED") throw conflict(`drop ${dropId}'s waiting room committed another seed`, "CONFLICT");
      }
      return reply.code(r.status === "CREATED" ? 201 : 200).send({
        dropId,
        total: d.total,
        startsAt: new Date(d.startsAtMs).toISOString(),
        perBuyerLimit: d.perBuyerLimit,
        holdSeconds: d.holdMs / 1000,
        ...(d.queue ? { queue: { admitPerSecond: d.queue.admitPerSecond } } : {}),
        status: d.status,
        result: r.status.toLowerCase(),
      });
    },
  );

  app.get<Params>("/internal/drops/:dropId/stock", { schema: { params } }, async (req) => {
    const r = await checkDropStock(deps, req.params.dropId);
    if (!r.loaded && !(await findDrop(deps.pool, req.params.dropId))) {
      throw notFound(`drop ${req.params.dropId} is unknown to the inventory`, "DROP_NOT_FOUND");
    }
    return r;
  });

  app.post<Params>("/internal/drops/:dropId/resync", { schema: { params } }, async (req) => {
    const r = await resyncDrop(deps, req.params.dropId);
    switch (r.status) {
      case "RESYNCED":
        return { dropId: req.params.dropId, ...r };
      case "UNKNOWN_DROP":
        throw notFound(`drop ${req.params.dropId} is unknown to the inventory`, "DROP_NOT_FOUND");
      case "NOT_OPENED":
        throw conflict(`drop ${req.params.dropId} has no ledger yet (not opened)`, "DROP_NOT_OPENED");
      case "BUSY":
        throw conflict(`a resync of drop ${req.params.dropId} is already running`, "RESYNC_BUSY");
      case "STALE_FENCE":
        throw conflict("a newer resync overtook this one", "RESYNC_STALE");
      case "CHANGING":
        throw unavailable("the drop kept changing during the resync; try again", "RESYNC_RETRY");
    }
  });

  app.post<Params & { Body: { delta: number } }>(
    "/internal/drops/:dropId/adjust",
    {
      schema: {
        params,
        body: {
          type: "object",
          required: ["delta"],
          additionalProperties: false,
          properties: { delta: { type: "integer", minimum: -10_000_000, maximum: 10_000_000, not: { const: 0 } } },
        },
      },
    },
    async (req) => {
      const { dropId } = req.params;
      const r = await adjustDrop(deps, dropId, req.body.delta);
      switch (r.status) {
        case "ADJUSTED":
          return { dropId, delta: req.body.delta, available: r.available, adjustments: r.adjustments };
        case "NOT_LOADED":
          throw notFound(`drop ${dropId} is not loaded`, "DROP_NOT_LOADED");
        case "INSUFFICIENT":
          throw conflict(`only ${r.available} units are available to withdraw`, "INSUFFICIENT_AVAILABLE", { available: r.available });
        case "BUSY":
          throw conflict(`an adjustment of drop ${dropId} is already running`, "ADJUST_BUSY");
        case "STALE_FENCE":
          throw conflict("a newer adjustment overtook this one", "ADJUST_STALE");
      }
    },
  );

  app.put<Params & { Body: { status: DropStatus } }>(
    "/internal/drops/:dropId/status",
    {
      schema: {
        params,
        body: { type: "object", required: ["status"], additionalProperties: false, properties: { status: { type: "string", enum: ["open", "paused", "closed"] } } },
      },
    },
    async (req) => {
      const { dropId } = req.params;
      const r = await deps.store.setStatus(dropId, req.body.status);
      if (r.status === "NOT_LOADED" && req.body.status === "paused" && (await loadPaused(dropId))) {
        // loaded paused just now (or the opener won the race and loaded it open: paused here)
        const again = await deps.store.setStatus(dropId, "paused");
        return { dropId, status: "paused", previous: again.status === "CHANGED" ? again.previous : "scheduled" };
      }
      if (r.status === "NOT_LOADED") throw notFound(`drop ${dropId} is not loaded`, "DROP_NOT_LOADED");
      return { dropId, status: req.body.status, previous: r.status === "CHANGED" ? r.previous : null };
    },
  );
}
