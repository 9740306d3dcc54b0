import t from "tap";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { testEnv } from "@drops/testing";
import { stockFixture, HOUR } from "../stock-fixture.ts";
import { dbFixture } from "../db-fixture.ts";
import { reconcile, formatReport } from "../../src/store/reconcile.ts";
import { scheduleDrop } from "../../src/store/drops.ts";
import { appendEntries } from "../../src/store/ledger.ts";
import { parseStreamEntry } from "../../src/domain/stream-entry.ts";
import { dropKeys } from "../../src/store/stock/keys.ts";

t.setTimeout(60_000);

t.test("reconcile passes when Redis and the ledger agree, fails on a difference", async (t) => {
  const f = stockFixture(t);
  const { pool } = await dbFixture(t);
  await scheduleDrop(pool, { dropId: "r1", total: 4, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await scheduleDrop(pool, { dropId: "later", total: 4, startsAtMs: Date.now() + HOUR, perBuyerLimit: 0, holdMs: HOUR });
  await f.store.openDrop({ dropId: "r1", total: 4, startsAtMs: 0, perBuyerLimit: 0, holdMs: HOUR });
  await f.store.reserve({ dropId: "r1", orderId: "o", buyerId: "b", qty: 3 });
  // relay half of it into the ledger by hand
  const [first] = await f.redis.xrange(dropKeys("r1", f.prefix).events, "-", "+", "COUNT", 1);
  await appendEntries(pool, "r1", [parseStreamEntry(first![0], first![1])]);

  const ok = await reconcile({ redis: f.redis, pool, prefix: f.prefix });
  t.equal(ok.ok, true, ok.reports.map(formatReport).join("\n"));
  t.same(ok.reports.map((r) => r.dropId), ["later", "r1"]);
  t.match(formatReport(ok.reports[1]!), /^OK {3}r1: available 1 \+ held 3 \+ sold 0 = 4 \/ total 4 \(status open, 1 entries not relayed yet\)$/);

  await f.redis.hincrby(dropKeys("r1", f.prefix).meta, "sold", 1);
  const bad = await reconcile({ redis: f.redis, pool, prefix: f.prefix }, ["r1"]);
  t.equal(bad.ok, false);
  t.match(formatReport(bad.reports[0]!), /^DIFF r1[\s\S]*sold: Redis 1, ledger 0/);
});

t.test("as a command: exit 0 on an empty, consistent schema; 2 when it cannot run", async (t) => {
  const { schema, url } = await dbFixture(t);
  const script = fileURLToPath(new URL("../../../../scripts/reconcile.ts", import.meta.url));
  const run = (env: Record<string, string>) => spawnSync(process.execPath, [script, "none-such-drop"], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 });
  const r = run({ DATABASE_URL: url, DB_SCHEMA: schema, REDIS_URL: testEnv.redisUrl });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /1 drop\(s\) checked: all consistent/);
  const broken = run({ DATABASE_URL: url, DB_SCHEMA: "no_such_schema_x", REDIS_URL: testEnv.redisUrl });
  t.equal(broken.status, 2);
  t.match(broken.stderr, /reconcile failed/);
});
