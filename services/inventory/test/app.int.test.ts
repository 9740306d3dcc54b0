import t from "tap";
import { serviceAppTests } from "@drops/http/testing";
import { buildApp } from "../src/app.ts";
import { readConfig } from "../src/config.ts";

serviceAppTests(t, {
  buildApp,
  readConfig,
  port: 3002,
  name: "inventory",
  checks: ["kafka", "postgres", "redis"],
  broken: { check: "redis", label: "Redis", env: { REDIS_URL: "redis://127.0.0.1:1" } },
});
