import t from "tap";
import { serviceAppTests } from "@drops/http/testing";
import { buildApp } from "../src/app.ts";
import { readConfig } from "../src/config.ts";

serviceAppTests(t, {
  buildApp,
  readConfig,
  port: 3003,
  name: "order",
  checks: ["kafka", "postgres"],
  broken: { check: "postgres", label: "PostgreSQL", env: { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/drops" } },
  identity: { route: { method: "GET", url: "/orders" }, internal: { method: "GET", url: "/internal/drops/8b0d6a8e-2f7e-4d43-9a57-1d7c2c7b4f10/sales" } },
});
