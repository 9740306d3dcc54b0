/**
 * `PUT /internal/drops/:dropId/status` {status: open | paused | closed}: pause, resume or close a loaded
 * drop (admin stock control). The change is a stream entry, so a StockChanged snapshot follows on Kafka.
 * 200 {dropId, status, previous | null}; 404 DROP_NOT_LOADED.
 */
import type { FastifyInstance } from "fastify";
import { notFound } from "@drops/http";
import type { DropStatus } from "../domain/stock.ts";
import type { StockStore } from "../stock/stock-store.ts";
import { DROP_ID_PATTERN } from "../opening/schedule-route.ts";

export async function statusRoute(app: FastifyInstance, deps: { store: Pick<StockStore, "setStatus"> }): Promise<void> {
  app.put<{ Params: { dropId: string }; Body: { status: DropStatus } }>(
    "/internal/drops/:dropId/status",
    {
      schema: {
        params: { type: "object", required: ["dropId"], properties: { dropId: { type: "string", pattern: DROP_ID_PATTERN } } },
        body: { type: "object", required: ["status"], additionalProperties: false, properties: { status: { type: "string", enum: ["open", "paused", "closed"] } } },
      },
    },
    async (req) => {
      const { dropId } = req.params;
      const r = await deps.store.setStatus(dropId, req.body.status);
      if (r.status === "NOT_LOADED") throw notFound(`drop ${dropId} is not loaded`, "DROP_NOT_LOADED");
      return { dropId, status: req.body.status, previous: r.status === "CHANGED" ? r.previous : null };
    },
  );
}
