// Every service has the one anatomy (ARCHITECTURE.md "Anatomy of a service"); the checker itself is
// tested first on service trees written to a temporary folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import t, { type Test } from "tap";
import { anatomyProblems } from "./anatomy.ts";

const SERVICES_DIR = fileURLToPath(new URL("../../../services/", import.meta.url));
const SERVICES = ["gateway", "catalog", "inventory", "order", "cart", "notification"];

const MAIN = `import { runService } from "@drops/http";
import { shutdownTelemetry } from "@drops/telemetry";
import { buildApp } from "./app.ts";
import { readConfigOrExit } from "./config.ts";

await runService({ config: readConfigOrExit(), build: buildApp, afterClose: shutdownTelemetry });
`;

function writeTree(t: Test, name: string, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "anatomy-"));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

t.test("the checker: a service with the anatomy has no problems", async (t) => {
  const dir = writeTree(t, "good", {
    "src/main.ts": MAIN,
    "src/instrument.ts": 'import { instrumentService } from "@drops/telemetry";\n',
    "src/app.ts": "export async function buildApp() {}\n",
    "src/config.ts": "export const x = 1;\n",
    "src/workers.ts": "export {};\n",
    "src/workers/retention.ts": "export {};\n",
    "src/generated/client.ts": 'import "@prisma/client";\n',
    "src/store/orders.ts": 'import pg from "pg";\nexport const now = () => Date.now();\n',
    "src/domain/order.ts": [
      'import { randomBytes } from "node:crypto";',
      'import type { DropsEvent } from "@drops/events";',
      'import { conflict } from "@drops/http";',
      'import type { Config } from "../config.ts";',
      'import { rule } from "./rules/limit.ts";',
      "// Date.now() and randomUUID() in a comment, \"new Date()\" in a string: fine",
      "export const at = (ms: number) => new Date(ms).toISOString();",
      "",
    ].join("\n"),
    "src/domain/rules/limit.ts": 'import { at } from "../order.ts";\nexport const rule = at;\n',
  });
  t.same(anatomyProblems(dir), []);
});

t.test("the checker: every departure from the anatomy is listed", async (t) => {
  const dir = writeTree(t, "bad", {
    "src/main.ts": `${MAIN}${Array.from({ length: 8 }, (_, i) => `console.log(${i});`).join("\n")}\n`,
    "src/app.ts": "export async function build() {}\nfunction buildApp() {}\nvoid buildApp;\n",
    "src/config.ts": "export {};\n",
    "src/runtime.ts": "export {};\n",
    "src/consumers/x.ts": "export {};\n",
    "src/domain/order.ts": [
      'import Fastify from "fastify";',
      'import type { Pool } from "pg";',
      'import { readFileSync } from "node:fs/promises";',
      'import { randomUUID } from "node:crypto";',
      'export { createPool } from "@drops/db/testing";',
      'import { save } from "../store/orders.ts";',
      'import { app } from "../app.ts";',
      'import { x } from "../../../packages/y/src/x.ts";',
      "export const id = () => randomUUID();",
      "export const t0 = new Date();",
      "export const clock = { now: Date.now };",
      'export const lazy = () => import("ioredis");',
      "",
    ].join("\n"),
    "src/domain/deep/rule.ts": 'import { route } from "../../routes/drops.ts";\nexport const when = Date.now();\n',
  });
  t.same(anatomyProblems(dir), [
    "bad: src/consumers/ is not part of the anatomy (files: main.ts, instrument.ts, app.ts, config.ts, clients.ts, workers.ts; folders: domain, handlers, routes, store, workers, generated)",
    "bad: src/runtime.ts is not part of the anatomy (files: main.ts, instrument.ts, app.ts, config.ts, clients.ts, workers.ts; folders: domain, handlers, routes, store, workers, generated)",
    "bad: src/instrument.ts is missing",
    "bad: src/app.ts does not export buildApp",
    "bad: src/main.ts has 9 lines besides its imports (at most 8: runService({ config, build: buildApp, afterClose }))",
    "bad: src/domain/deep/rule.ts:1 imports ../../routes/drops.ts (src/routes: domain/ may not reach I/O code)",
    "bad: src/domain/deep/rule.ts:2 calls Date.now() (time and ids are passed in)",
    "bad: src/domain/order.ts:1 imports fastify (domain/ does no I/O)",
    "bad: src/domain/order.ts:2 imports pg (domain/ does no I/O)",
    "bad: src/domain/order.ts:3 imports node:fs/promises (domain/ does no I/O)",
    "bad: src/domain/order.ts:5 imports @drops/db/testing (domain/ does no I/O)",
    "bad: src/domain/order.ts:6 imports ../store/orders.ts (src/store: domain/ may not reach I/O code)",
    "bad: src/domain/order.ts:7 imports ../app.ts (src/app.ts: domain/ may not reach I/O code)",
    "bad: src/domain/order.ts:8 imports ../../../packages/y/src/x.ts, outside the service's src/",
    "bad: src/domain/order.ts:12 imports ioredis (domain/ does no I/O)",
    "bad: src/domain/order.ts:9 calls randomUUID() (time and ids are passed in)",
    "bad: src/domain/order.ts:10 calls new Date() (time and ids are passed in)",
    "bad: src/domain/order.ts:11 calls Date.now() (time and ids are passed in)",
  ]);
});

for (const service of SERVICES) {
  t.test(`services/${service} has the anatomy`, async (t) => {
    t.same(anatomyProblems(join(SERVICES_DIR, service)), []);
  });
}
