import t from "tap";
import { readConfig } from "../../src/config.ts";
import { metricsSources } from "../../src/routes/admin-metrics.ts";

t.test("metrics sources: today's three by default, every listed instance when configured", async (t) => {
  const def = metricsSources(readConfig({ INVENTORY_URL: "http://inv:3002/", ORDER_URL: "http://ord:3003", SERVICE_TIMEOUT_MS: "700" }));
  t.same(def, {
    gateway: [{ name: "gateway", url: null }],
    inventory: [{ name: "inventory", url: "http://inv:3002/metrics" }],
    order: [{ name: "order", url: "http://ord:3003/metrics" }],
    timeoutMs: 700,
  });
  const listed = metricsSources(readConfig({
    SUMMARY_GATEWAY_METRICS_URLS: "http://127.0.0.1:9464/metrics,http://127.0.0.1:9465/metrics",
    SUMMARY_ORDER_METRICS_URLS: "http://127.0.0.1:3103/metrics",
  }));
  t.same(listed.gateway, [
    { name: "gateway http://127.0.0.1:9464/metrics", url: "http://127.0.0.1:9464/metrics" },
    { name: "gateway http://127.0.0.1:9465/metrics", url: "http://127.0.0.1:9465/metrics" },
  ]);
  t.same(listed.inventory, [{ name: "inventory", url: "http://127.0.0.1:3002/metrics" }]);
  t.same(listed.order, [{ name: "order http://127.0.0.1:3103/metrics", url: "http://127.0.0.1:3103/metrics" }]);
});
