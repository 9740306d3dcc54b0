/**
 * `PUT /internal/drops/:dropId` {total, startsAt, perBuyerLimit, holdSeconds}: registers (or changes,
 * while not yet loaded) a drop's schedule; the opener loads it into Redis just before startsAt.
 * Called by the catalog when a seller schedules a drop. 201 created, 200 updated / unchanged,
 * 409 DROP_ALREADY_LOADED when the stock is in Redis and the values differ.
 */
import type { FastifyInstance } from "fastify";
import { badRequest, conflict } from "@drops/http";
import type { Pool } from "../db.ts";
import { scheduleDrop } from "../ledger/drops-repo.ts";

export const DROP_ID_PATTERN = "^[A-Za-z0-9_.:-]{1,128}$";

type Body = { total: number; startsAt: string | number; perBuyerLimit?: number; holdSeconds: number };

const MAX_UNITS = 10_000_000;

export async function scheduleRoute(app: FastifyInstance, deps: { pool: Pool }): Promise<void> {
  app.put<{ Params: { dropId: string }; Body: Body }>(
    "/internal/drops/:dropId",
    {
      schema: {
        params: { type: "object", required: ["dropId"], properties: { dropId: { type: "string", pattern: DROP_ID_PATTERN } } },
        body: {
          type: "object",
          additionalProperties: false,
          required: ["total", "startsAt", "holdSeconds"],
          properties: {
            total: { type: "integer", minimum: 0, maximum: MAX_UNITS },
            startsAt: { anyOf: [{ type: "string", format: "date-time" }, { type: "integer", minimum: 0 }] },
            perBuyerLimit: { type: "integer", minimum: 0, maximum: MAX_UNITS },
            holdSeconds: { type: "integer", minimum: 1, maximum: 86_400 },
          },
        },
      },
    },
    async (req, reply) => {
      const { dropId } = req.params;
      const b = req.body;
      const startsAtMs = typeof b.startsAt === "number" ? b.startsAt : Date.parse(b.startsAt);
      if (!Number.isSafeInteger(startsAtMs)) throw badRequest("startsAt is not a valid time", "VALIDATION_FAILED", { field: "startsAt" });
      const r = await scheduleDrop(deps.pool, { dropId, total: b.total, startsAtMs, perBuyerLimit: b.perBuyerLimit ?? 0, holdMs: b.holdSeconds * 1000 });
      if (r.status === "ALREADY_LOADED") {
        throw conflict(`drop ${dropId} is already loaded; its schedule can no longer change`, "DROP_ALREADY_LOADED");
      }
      const d = r.drop;
      return reply.code(r.status === "CREATED" ? 201 : 200).send({
        dropId,
        total: d.total,
        startsAt: new Date(d.startsAtMs).toISOString(),
        perBuyerLimit: d.perBuyerLimit,
        holdSeconds: d.holdMs / 1000,
        status: d.status,
        result: r.status.toLowerCase(),
      });
    },
  );
}
