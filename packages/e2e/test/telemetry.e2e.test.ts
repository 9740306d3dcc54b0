/**
 * Issue 13's "Done when", with every service as its own process (so each has its own resource
 * `service.name`, its own SDK and its own Kafka clients, as in production): the services export
 * their spans over OTLP/HTTP (JSON) to a tiny receiver this test runs, which keeps them in memory;
 * then one purchase is one trace id across gateway, inventory, order and notification, and a
 * declined card's compensation spans carry the purchase's trace id. The same stack's /metrics are
 * scraped after the purchases: purchase counters, saga histogram, compensations, stock, HTTP
 * histogram by route pattern.
 */
import { createServer, type Server } from "node:http";
import t from "tap";
import { eventually, freePort } from "@drops/testing";
import { api, mintBuyer, purchase, setUpDrop, sleepUntil, startStack, type Api, type ServiceName, type Stack } from "../src/index.ts";

type Span = { service: string; traceId: string; spanId: string; parentSpanId: string; name: string; attributes: Record<string, unknown> };

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: { key: string; value: OtlpValue }[] };
type OtlpBody = { resourceSpans?: { resource?: { attributes?: { key: string; value: OtlpValue }[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[] };

const valueOf = (v: OtlpValue): unknown => v.stringValue ?? v.boolValue ?? v.doubleValue ?? (v.intValue === undefined ? undefined : Number(v.intValue));

/** An OTLP/HTTP JSON trace receiver: POST /v1/traces, spans kept in memory. */
async function startReceiver(): Promise<{ url: string; spans: Span[]; server: Server }> {
  const spans: Span[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url !== "/v1/traces" || !String(req.headers["content-type"]).includes("json")) {
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as OtlpBody;
      for (const rs of body.resourceSpans ?? []) {
        const service = String(valueOf(rs.resource?.attributes?.find((a) => a.key === "service.name")?.value ?? {}));
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? "", name: s.name,
              attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
            });
          }
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, spans, server };
}

let stack: Stack;
let client: Api;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let gatewayMetricsPort: number;

t.before(async () => {
  receiver = await startReceiver();
  gatewayMetricsPort = await freePort();
  const tracing = { OTEL_ENABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SAMPLE_RATIO: "1" };
  const services: ServiceName[] = ["gateway", "catalog", "inventory", "order", "cart", "notification"];
  const env = Object.fromEntries(services.map((s) => [s, { ...tracing }])) as unknown as Record<ServiceName, Record<string, string>>;
  env.gateway.METRICS_PORT = String(gatewayMetricsPort);
  env.order = { ...env.order, PAYMENT_LATENCY_MS: "10", PAYMENT_DECLINE_RATE: "0" };
  stack = await startStack({ env });
  client = api(stack.gatewayUrl);
});

t.teardown(async () => {
  if (process.env["TELEMETRY_DUMP"]) (await import("node:fs")).writeFileSync(process.env["TELEMETRY_DUMP"], JSON.stringify(receiver.spans, null, 1));
  await stack?.stop();
  receiver?.server.close();
});

async function orderStatus(token: string, orderId: string): Promise<string | undefined> {
  const r = await client.call<{ status: string }>("GET", `/api/orders/${orderId}`, { token });
  return r.status === 200 ? r.body.status : undefined;
}

const servicesOf = (traceId: string) => new Set(receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.service));

let confirmedOrder = "";
let declinedOrder = "";
let dropId = "";
let adminToken = "";

t.test("one purchase is one trace: gateway, inventory, order, notification", async (t) => {
  const drop = await setUpDrop(client, { units: 5, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 1200 });
  dropId = drop.dropId;
  adminToken = drop.adminToken;
  await sleepUntil(drop.startsAt);
  const spansBefore = receiver.spans.length;
  const buyer = mintBuyer();
  const r = await purchase(client, drop.dropId, buyer);
  t.equal(r.status, 201, JSON.stringify(r.body));
  confirmedOrder = r.body.orderId!;
  await eventually(async () => ((await orderStatus(buyer.token, confirmedOrder)) === "confirmed" ? true : undefined), 20_000, 100);

  const gatewaySpan = await eventually(async () => receiver.spans.slice(spansBefore).find((s) => s.service === "gateway" && s.attributes["http.route"] === "/api/drops/:dropId/purchases"), 10_000, 100);
  const traceId = gatewaySpan.traceId;
  t.match(traceId, /^[0-9a-f]{32}$/);
  // the last hop: the notification service handling OrderConfirmed (after StockConfirmed, relayed from the confirm script's entry)
  const eventTypes = (service: string) => receiver.spans.filter((s) => s.traceId === traceId && s.service === service).map((s) => s.attributes["drops.event.type"]).filter(Boolean);
  // every process exports in its own batches (1 s): wait for the last of them
  const complete = () =>
    eventTypes("notification").includes("OrderConfirmed") && eventTypes("inventory").includes("StockConfirmRequested") &&
    ["PaymentRequested", "PaymentSucceeded", "StockConfirmed", "StockReserved"].every((e) => eventTypes("order").includes(e));
  await eventually(async () => (complete() ? true : undefined), 15_000, 200).catch(() => undefined);
  const seen = servicesOf(traceId);
  t.same([...seen].filter((s) => ["gateway", "inventory", "order", "notification"].includes(s)).sort(), ["gateway", "inventory", "notification", "order"], "the purchase's trace id on every service's spans");
  t.equal(gatewaySpan.name, "POST /api/drops/:dropId/purchases", "the server span is named after the route pattern");
  const names = receiver.spans.filter((s) => s.traceId === traceId).map((s) => `${s.service}: ${s.name}`);
  t.ok(names.some((n) => n === "gateway: evalsha"), `the reserve script's Redis span is in the trace (${names.join(", ")})`);
  t.ok(names.some((n) => /^order: .*process/.test(n)), "the order's consumer spans are in the trace");
  t.same(eventTypes("order").sort(), ["PaymentRequested", "PaymentSucceeded", "StockConfirmed", "StockReserved"], "the order's consumer spans of every saga step (StockReserved relayed from the reserve script's entry)");
  t.same(eventTypes("inventory"), ["StockConfirmRequested"], "the inventory's command consumer");
  t.ok(eventTypes("notification").includes("OrderConfirmed"), "the notification's consumer span of OrderConfirmed");
  t.ok(receiver.spans.some((s) => s.traceId === traceId && s.service === "order" && s.name.startsWith("pg.query:")), "PostgreSQL spans in the order service");
});

t.test("a declined card: the compensation spans carry the purchase's trace id", async (t) => {
  const buyer = mintBuyer();
  const spansBefore = receiver.spans.length;
  const r = await purchase(client, dropId, buyer, { paymentMethod: "pm_card_declined" });
  t.equal(r.status, 201, JSON.stringify(r.body));
  declinedOrder = r.body.orderId!;
  await eventually(async () => ((await orderStatus(buyer.token, declinedOrder)) === "cancelled" ? true : undefined), 20_000, 100);
  const gatewaySpan = await eventually(async () => receiver.spans.slice(spansBefore).find((s) => s.service === "gateway" && s.attributes["http.route"] === "/api/drops/:dropId/purchases"), 10_000, 100);
  const traceId = gatewaySpan.traceId;
  const compensation = await eventually(async () => receiver.spans.find((s) => s.traceId === traceId && s.name === "saga compensate PaymentFailed"), 15_000, 200);
  t.equal(compensation.service, "order");
  t.equal(compensation.attributes["drops.sampling.force"], true, "forced into the sample");
  t.equal(compensation.attributes["drops.saga.compensation"], "payment_declined");
  t.equal(compensation.attributes["drops.saga.outcome"], "cancelled");
  // downstream of the compensation: the inventory releases the hold, the notification tells the buyer
  const below = await eventually(async () => {
    const s = servicesOf(traceId);
    return ["gateway", "order", "inventory", "notification"].every((n) => s.has(n)) ? s : undefined;
  }, 15_000, 200);
  t.ok(below.has("gateway") && below.has("order"), "gateway and order in the same trace");
  const children = receiver.spans.filter((s) => s.traceId === traceId && s.parentSpanId === compensation.spanId);
  t.ok(children.length > 0, "the compensation's own work (its transaction) is under its span");
});

/** The value of the first series of `name` whose labels include every one of `labels`. */
function valueIn(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const got = Object.fromEntries([...(m[1] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[2]);
  }
  return undefined;
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  t.match(res.headers.get("content-type"), /^text\/plain/);
  return res.text();
}

t.test("every service's /metrics after the purchases: counters, saga histogram, compensations, stock, HTTP by route", async (t) => {
  const gateway = await scrape(`http://127.0.0.1:${gatewayMetricsPort}/metrics`);
  t.equal(valueIn(gateway, "drops_purchase_attempts_total", { outcome: "held", path: "redis", service_name: "gateway" }), 2, "two purchases held");
  t.equal(valueIn(gateway, "drops_reserve_duration_seconds_count", { script: "reserve" }), 2, "two reserve round trips");
  t.equal(valueIn(gateway, "drops_http_server_duration_seconds_count", { route: "/api/drops/:dropId/purchases", method: "POST", status_code: "201" }), 2, "HTTP histogram by route pattern");
  t.notMatch(gateway, /route="\/api\/drops\/[0-9a-f-]{36}/, "never a URL as a route");
  t.notMatch(gateway, new RegExp(confirmedOrder), "no order id in any label");
  t.equal((await fetch(`${stack.gatewayUrl}/metrics`)).status, 404, "not on the gateway's public port");

  const order = await eventually(async () => {
    const text = await scrape(`${stack.instance("order").url}/metrics`);
    return valueIn(text, "drops_saga_duration_seconds_count", { outcome: "cancelled" }) === 1 ? text : undefined;
  }, 10_000, 200);
  t.equal(valueIn(order, "drops_saga_duration_seconds_count", { outcome: "confirmed", service_name: "order" }), 1);
  t.equal(valueIn(order, "drops_saga_duration_seconds_count", { outcome: "cancelled" }), 1);
  t.ok((valueIn(order, "drops_saga_duration_seconds_bucket", { outcome: "confirmed", le: "+Inf" }) ?? 0) === 1, "histogram buckets");
  t.equal(valueIn(order, "drops_saga_compensations_total", { reason: "payment_declined" }), 1);
  t.equal(valueIn(order, "drops_outbox_backlog", {}), 0, "outbox drained");

  const inventory = await eventually(async () => {
    const text = await scrape(`${stack.instance("inventory").url}/metrics`);
    return valueIn(text, "drops_stock_sold", { drop_id: dropId }) === 1 ? text : undefined;
  }, 10_000, 200);
  t.equal(valueIn(inventory, "drops_stock_available", { drop_id: dropId }), 4, "5 units: 1 sold, 1 released");
  t.equal(valueIn(inventory, "drops_stock_held", { drop_id: dropId }), 0);
  t.equal(valueIn(inventory, "drops_holds_active", {}), 0);

  for (const service of ["catalog", "cart", "notification"] as const) {
    const text = await scrape(`${stack.instance(service).url}/metrics`);
    t.match(text, new RegExp(`target_info\\{[^}]*service_name="${service}"`), `${service} serves /metrics on its own port`);
  }
  const lag = await eventually(async () => {
    const text = await scrape(`http://127.0.0.1:${gatewayMetricsPort}/metrics`);
    return text.includes("drops_kafka_consumer_lag{") ? text : undefined;
  }, 20_000, 500);
  t.match(lag, /drops_kafka_consumer_lag\{[^}]*group="[^"]+"[^}]*topic="[^"]+"/, "consumer lag per group and topic");
  t.match(lag, /drops_kafka_dead_letters\{[^}]*topic="[^"]+\.dlq"/, "dead letters per topic");
});

t.test("GET /api/admin/metrics/summary: the admin page's key figures from the metrics", async (t) => {
  type Summary = { sources: Record<string, string>; purchases: { byOutcome: Record<string, number> }; sagas: { byOutcome: Record<string, number>; compensations: Record<string, number> }; drops: { dropId: string; available: number; sold: number }[] };
  const r = await client.call<Summary>("GET", "/api/admin/metrics/summary", { token: adminToken });
  t.equal(r.status, 200, JSON.stringify(r.body));
  t.same(r.body.sources, { gateway: "ok", inventory: "ok", order: "ok" });
  t.equal(r.body.purchases.byOutcome["held"], 2);
  t.same(r.body.sagas.byOutcome, { confirmed: 1, cancelled: 1 });
  t.same(r.body.sagas.compensations, { payment_declined: 1 });
  t.match(r.body.drops.find((d) => d.dropId === dropId), { available: 4, sold: 1 });
  const buyer = await client.call<{ code: string }>("GET", "/api/admin/metrics/summary", { token: mintBuyer().token });
  t.equal(buyer.status, 403);
  t.equal((await client.call<{ code: string }>("GET", "/api/admin/metrics/summary", {})).status, 401);
});
