import t from "tap";
import { readConfig } from "../src/config.ts";

const secret = "s".repeat(32);

t.test("JWT_SECRET: dev default, minimum length, required in production", async (t) => {
  t.ok(readConfig({}).JWT_SECRET.length >= 32);
  t.equal(readConfig({}).CATALOG_URL, "http://127.0.0.1:3001");
  t.throws(() => readConfig({ JWT_SECRET: "short" }), /at least 32/);
  t.throws(() => readConfig({ NODE_ENV: "production" }), /must be set in production/);
  t.equal(readConfig({ NODE_ENV: "production", JWT_SECRET: secret }).JWT_SECRET, secret);
});
