/**
 * GET /api/admin/metrics/summary (admin): the key figures of the platform live, from the metrics
 * (the gateway's own, and GET /metrics of the inventory and order services): purchases by outcome,
 * purchase and reserve p99, stock / holds / waiting per drop, saga outcomes, p99 and compensations,
 * backlogs, Kafka lag and dead letters, SSE streams. Counters are totals since each process started
 * (the storefront's admin page shows rates from two reads). A service that does not answer is named in
 * `sources` and its figures are left empty (never a 5xx for a missing source).
 */
import type { FastifyInstance } from "fastify";
import { metricsText } from "@drops/telemetry";
import { authorize } from "./authenticate.ts";
import type { TokenSigner } from "../domain/jwt.ts";
import { parsePrometheus, summarize, type Sample } from "../domain/metrics-summary.ts";
import { bearer, errors } from "./schemas.ts";

const counts = { type: "object", additionalProperties: { type: "number" } } as const;
const seconds = { type: ["number", "null"] } as const;

export const metricsSummaryAnswer = {
  type: "object",
  required: ["at", "sources", "purchases", "sagas", "drops", "holdsActive", "backlog", "kafka", "sseConnections", "queueAdmitted"],
  properties: {
    at: { type: "string", format: "date-time" },
    sources: { type: "object", additionalProperties: { type: "string" }, description: '"ok" or why a service\'s metrics could not be read' },
    purchases: {
      type: "object",
      properties: { total: { type: "number" }, byOutcome: counts, answeredByFlag: { type: "number" }, p99Seconds: seconds, reserveP99Seconds: seconds },
    },
    sagas: { type: "object", properties: { byOutcome: counts, p99Seconds: seconds, compensations: counts } },
    drops: {
      type: "array",
      items: { type: "object", properties: { dropId: { type: "string" }, available: { type: "number" }, held: { type: "number" }, sold: { type: "number" }, waiting: { type: "number" } } },
    },
    holdsActive: { type: "number" },
    backlog: { type: "object", properties: { outbox: { type: "number" }, stockStream: { type: "number" } } },
    kafka: {
      type: "object",
      properties: {
        lag: { type: "array", items: { type: "object", properties: { group: { type: "string" }, topic: { type: "string" }, lag: { type: "number" } } } },
        deadLetters: { type: "array", items: { type: "object", properties: { topic: { type: "string" }, count: { type: "number" } } } },
      },
    },
    sseConnections: { type: "number" },
    queueAdmitted: { type: "number" },
  },
} as const;

export type MetricsSourceUrls = { inventory: string; order: string; timeoutMs: number };

async function scrape(url: string, timeoutMs: number): Promise<Sample[]> {
  const res = await fetch(`${url.replace(/\/$/, "")}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  return parsePrometheus(await res.text());
}

export async function adminMetricsRoutes(app: FastifyInstance, { tokens, sources }: { tokens: TokenSigner; sources: MetricsSourceUrls }): Promise<void> {
  app.get(
    "/api/admin/metrics/summary",
    { schema: { tags: ["admin"], summary: "Key figures live from the metrics (purchases, stock, sagas, lag, dead letters)", security: bearer, response: { 200: metricsSummaryAnswer, ...errors(401, 403) } } },
    async (request) => {
      authorize(request, tokens, "admin");
      const status: Record<string, string> = {};
      const read = async (name: string, get: () => Promise<Sample[]>): Promise<Sample[]> => {
        try {
          const samples = await get();
          status[name] = "ok";
          return samples;
        } catch (err) {
          status[name] = (err as Error).message || "unavailable";
          return [];
        }
      };
      const [gateway, inventory, order] = await Promise.all([
        read("gateway", async () => parsePrometheus(await metricsText())),
        read("inventory", () => scrape(sources.inventory, sources.timeoutMs)),
        read("order", () => scrape(sources.order, sources.timeoutMs)),
      ]);
      return { at: new Date().toISOString(), sources: status, ...summarize({ gateway, inventory, order }) };
    },
  );
}
