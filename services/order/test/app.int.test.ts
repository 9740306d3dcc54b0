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
});
