/**
 * GET /api/admin/metrics/summary (admin): the key figures of the platform live, from the metrics
 * (the gateway's own, and GET /metrics of the inventory and order services): purchases by outcome,
 * purchase and reserve p99, stock / holds / waiting per drop, saga outcomes, p99 and compensations,
 * backlogs, Kafka lag and dead letters, SSE streams. Counters are totals since each process started
 * (the storefront's admin page shows rates from two reads). With SUMMARY_{GATEWAY,INVENTORY,ORDER}_METRICS_URLS
 * every listed instance is read and merged (domain/metrics-summary.ts mergeInstances: sums, the max of
 * shared gauges). A source that does not answer is named in `sources` ("gateway", "inventory", "order",
 * or "<service> <url>" for a listed instance) and left out (never a 5xx for a missing source).
 */
import type { FastifyInstance } from "fastify";
import { metricsText } from "@drops/telemetry";
import { authorize } from "./authenticate.ts";
import type { TokenSigner } from "../domain/jwt.ts";
import { mergeInstances, parsePrometheus, summarize, type Sample } from "../domain/metrics-summary.ts";
import type { Config } from "../config.ts";
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

/** One source of a service's metrics: its name in `sources` and its GET /metrics URL (null: this process, in-process). */
export type MetricsSource = { name: string; url: string | null };
export type MetricsSources = { gateway: MetricsSource[]; inventory: MetricsSource[]; order: MetricsSource[]; timeoutMs: number };

/** The sources of the configuration: each listed instance, else this gateway in-process and INVENTORY_URL / ORDER_URL + /metrics. */
export function metricsSources(config: Pick<Config, "INVENTORY_URL" | "ORDER_URL" | "SERVICE_TIMEOUT_MS" | "SUMMARY_GATEWAY_METRICS_URLS" | "SUMMARY_INVENTORY_METRICS_URLS" | "SUMMARY_ORDER_METRICS_URLS">): MetricsSources {
  const listed = (service: string, urls: string[], otherwise: MetricsSource): MetricsSource[] => (urls.length > 0 ? urls.map((url) => ({ name: `${service} ${url}`, url })) : [otherwise]);
  const base = (url: string) => `${url.replace(/\/$/, "")}/metrics`;
  return {
    gateway: listed("gateway", config.SUMMARY_GATEWAY_METRICS_URLS, { name: "gateway", url: null }),
    inventory: listed("inventory", config.SUMMARY_INVENTORY_METRICS_URLS, { name: "inventory", url: base(config.INVENTORY_URL) }),
    order: listed("order", config.SUMMARY_ORDER_METRICS_URLS, { name: "order", url: base(config.ORDER_URL) }),
    timeoutMs: config.SERVICE_TIMEOUT_MS,
  };
}

async function scrape(url: string, timeoutMs: number): Promise<Sample[]> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    // fetch's own message is only "fetch failed": the cause (ECONNREFUSED, a timeout) says more
    const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
    throw new Error(typeof cause?.code === "string" ? `${(err as Error).message} (${cause.code})` : (err as Error).message, { cause: err });
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new Error(`GET /metrics answered ${res.status}`);
  }
  return parsePrometheus(await res.text());
}

export async function adminMetricsRoutes(app: FastifyInstance, { tokens, sources }: { tokens: TokenSigner; sources: MetricsSources }): Promise<void> {
  app.get(
    "/api/admin/metrics/summary",
    { schema: { tags: ["admin"], summary: "Key figures live from the metrics (purchases, stock, sagas, lag, dead letters)", security: bearer, response: { 200: metricsSummaryAnswer, ...errors(401, 403) } } },
    async (request) => {
      authorize(request, tokens, "admin");
      const status: Record<string, string> = {};
      const read = async ({ name, url }: MetricsSource): Promise<Sample[]> => {
        try {
          const samples = url === null ? parsePrometheus(await metricsText()) : await scrape(url, sources.timeoutMs);
          status[name] = "ok";
          return samples;
        } catch (err) {
          status[name] = (err as Error).message || "unavailable";
          return [];
        }
      };
      const service = async (list: MetricsSource[]) => mergeInstances(await Promise.all(list.map(read)));
      const [gateway, inventory, order] = await Promise.all([service(sources.gateway), service(sources.inventory), service(sources.order)]);
      return { at: new Date().toISOString(), sources: status, ...summarize({ gateway, inventory, order }) };
    },
  );
}
