import t from "tap";
import { readConfig } from "../src/config.ts";

const secret = "s".repeat(32);
const internal = { INTERNAL_AUTH_SECRET: "i".repeat(32) };

t.test("JWT_SECRET: dev default, minimum length, required in production", async (t) => {
  t.ok(readConfig({}).JWT_SECRET.length >= 32);
  t.equal(readConfig({}).CATALOG_URL, "http://127.0.0.1:3001");
  t.throws(() => readConfig({ JWT_SECRET: "short" }), /at least 32/);
  t.throws(() => readConfig({ NODE_ENV: "production" }), /JWT_SECRET is a value committed in the repository/);
  t.equal(readConfig({ NODE_ENV: "production", JWT_SECRET: secret, ADMISSION_SECRET: "a".repeat(32), ...internal }).JWT_SECRET, secret);
});

t.test("ADMISSION_SECRET: dev default, minimum length, required in production", async (t) => {
  t.ok(readConfig({}).ADMISSION_SECRET.length >= 32);
  t.throws(() => readConfig({ ADMISSION_SECRET: "short" }), /ADMISSION_SECRET must be at least 32/);
  t.throws(() => readConfig({ NODE_ENV: "production", JWT_SECRET: secret, ...internal }), /ADMISSION_SECRET is a value committed in the repository/);
  const a = "a".repeat(32);
  t.equal(readConfig({ NODE_ENV: "production", JWT_SECRET: secret, ADMISSION_SECRET: a, ...internal }).ADMISSION_SECRET, a);
});

t.test("SUMMARY_*_METRICS_URLS: empty by default, comma-separated http(s) URLs, every bad one named", async (t) => {
  t.same(readConfig({}).SUMMARY_GATEWAY_METRICS_URLS, []);
  t.same(readConfig({}).SUMMARY_INVENTORY_METRICS_URLS, []);
  t.same(readConfig({ SUMMARY_ORDER_METRICS_URLS: " http://127.0.0.1:3103/metrics, https://o2:3203/metrics ," }).SUMMARY_ORDER_METRICS_URLS, ["http://127.0.0.1:3103/metrics", "https://o2:3203/metrics"]);
  t.throws(() => readConfig({ SUMMARY_GATEWAY_METRICS_URLS: "http://127.0.0.1:9464/metrics,127.0.0.1:9465,ftp://x/metrics" }), /SUMMARY_GATEWAY_METRICS_URLS=.* is invalid: not an http\(s\) URL: "127\.0\.0\.1:9465", "ftp:\/\/x\/metrics"/);
});
