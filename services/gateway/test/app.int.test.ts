import t from "tap";
import { serviceAppTests } from "@drops/http/testing";
import { testEnv } from "@drops/testing";
import { buildApp } from "../src/app.ts";
import { readConfig } from "../src/config.ts";
import { stockRedis } from "./helpers.ts";

// The inventory's script version recorded under a key prefix of this test, so the gateway starts.
const { prefix } = await stockRedis(t);

serviceAppTests(t, {
  buildApp,
  readConfig,
  port: 3000,
  name: "gateway",
  portVar: "PORT",
  checks: ["kafka", "redis"],
  broken: { check: "redis", label: "Redis", env: { REDIS_URL: "redis://127.0.0.1:1" } },
  env: { LOG_LEVEL: "silent", REDIS_URL: testEnv.redisUrl, KAFKA_BROKERS: testEnv.kafkaBrokers.join(","), STOCK_KEY_PREFIX: prefix },
});
