import t from "tap";
import { serviceAppTests } from "@drops/http/testing";
import { buildApp } from "../src/app.ts";
import { readConfig } from "../src/config.ts";

serviceAppTests(t, {
  buildApp,
  readConfig,
  port: 3004,
  name: "cart",
  checks: ["kafka", "redis"],
  broken: { check: "redis", label: "Redis", env: { REDIS_URL: "redis://127.0.0.1:1" } },
  identity: { route: { method: "GET", url: "/cart" } },
});
