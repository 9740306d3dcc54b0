/**
 * Cost follows live drops, not history (issue 14): the relay, the sweeper and the archiver run on a
 * Redis of the test's own, with production periods; Redis' own counters (INFO commands processed,
 * used_memory, DBSIZE) are read over an idle window with no drop, with 1,000 ended drops still hot, and
 * with the same 1,000 archived. Archived, the idle load and the keyspace are those of no drop (plus one
 * compact meta hash per archived drop).
 */
import t from "tap";
import { setTimeout as sleep } from "node:timers/promises";
import { createRedis } from "@drops/redis";
import { eventually } from "@drops/testing";
import type { DropsEvent } from "@drops/events";
import { testKafka, testPublisher, testTopics } from "@drops/kafka/testing";
import { dbFixture } from "../db-fixture.ts";
import { lockerFactory } from "../lock-fixture.ts";
import { scratchRedis } from "../scratch-redis.ts";
import { createStockRelay } from "../../src/workers/relay.ts";
import { createSweeper } from "../../src/workers/sweeper.ts";
import { createArchiver } from "../../src/workers/archiver.ts";
import { createDueIndex } from "../../src/store/stock/due-index.ts";
import { createStockStore } from "../../src/store/stock/stock-store.ts";
import { dropIndexKey, dueIndexKey } from "../../src/store/stock/keys.ts";
import { ledgerSink } from "../../src/store/ledger.ts";

t.setTimeout(600_000);

const DROPS = 1_000;
const WINDOW_MS = 4_000;

type Figures = { commandsPerSecond: number; usedMemory: number; dataset: number; keys: number };

function field(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, "m").exec(info);
  if (!m) throw new Error(`INFO has no ${name}`);
  return Number(m[1]);
}

t.test(`idle Redis load and memory: 0 drops vs ${DROPS} ended drops, hot and archived`, async (t) => {
  const { url } = await scratchRedis(t);
  const redis = createRedis(url);
  const probe = createRedis(url);
  t.teardown(async () => {
    await redis.quit();
    await probe.quit();
  });
  const prefix = "idle:";
  const { pool } = await dbFixture(t);
  const kafka = testKafka("inv_test");
  const topics = await testTopics(t, kafka, "invidle", ["orders", "changes"]);
  const { producer } = testPublisher(t, kafka, { lingerMs: 5 });
  const publish = (e: DropsEvent) => producer.publish(e.type === "StockChanged" ? topics.changes : topics.orders, null, e);
  const store = createStockStore(redis, { prefix });
  const newLocker = lockerFactory(t, prefix);
  // the service's defaults: relay BLOCK 200 ms and 10 s leases, sweeper every 250 ms, archiver every 5 s
  const relay = createStockRelay({ redis, prefix, publish, sinks: [ledgerSink(pool)] });
  const sweeper = createSweeper({ store, due: createDueIndex(redis, { prefix }), locker: newLocker() });
  const archiver = createArchiver({ redis, pool, store, prefix, locker: newLocker(), quietMs: 0 });
  t.teardown(async () => {
    await Promise.all([relay.stop(), sweeper.stop(), archiver.stop()]);
  });
  relay.start();
  sweeper.start();

  /** Commands Redis processed per second over an idle window (the probe's own two INFO calls taken off). */
  async function measure(): Promise<Figures> {
    await sleep(1_000);
    const a = await probe.info("stats");
    const ca = await probe.info("commandstats");
    const started = performance.now();
    await sleep(WINDOW_MS);
    const b = await probe.info("stats");
    const cb = await probe.info("commandstats");
    const seconds = (performance.now() - started) / 1000;
    const commandsPerSecond = (field(b, "total_commands_processed") - field(a, "total_commands_processed") - 1) / seconds;
    const calls = (info: string) => new Map([...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
    const before = calls(ca);
    const busiest = [...calls(cb)].map(([c, n]) => [c, n - (before.get(c) ?? 0)] as const).filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1]).slice(0, 5);
    t.comment(`busiest commands in the window: ${busiest.map(([c, n]) => `${c} ${n}`).join(", ")}`);
    const memory = await probe.info("memory");
    t.comment(memory.split("\r\n").filter((l) => /^(used_memory|used_memory_dataset|used_memory_overhead|mem_clients_normal|used_memory_scripts|used_memory_lua|mem_allocator|used_memory_startup):/.test(l)).join(" "));
    return {
      commandsPerSecond: Math.round(commandsPerSecond * 10) / 10,
      usedMemory: field(memory, "used_memory"),
      dataset: field(memory, "used_memory_dataset"),
      keys: await probe.dbsize(),
    };
  }

  archiver.start();
  const none = await measure();
  // the ended drops are measured hot first: no archiver round until then
  await archiver.stop();
  t.comment(`no drop: ${JSON.stringify(none)}`);

  await pool.query(
    `INSERT INTO drops (id, total, per_buyer_limit, hold_ms, starts_at, status, loaded_at)
     SELECT 'end' || i, 1, 0, 5000, now(), 'loaded', now() FROM generate_series(1, $1::int) AS i`,
    [DROPS],
  );
  const ids = Array.from({ length: DROPS }, (_, i) => `end${i + 1}`);
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(ids.slice(i, i + 50).map(async (dropId) => {
      await store.openDrop({ dropId, total: 1, startsAtMs: 0, perBuyerLimit: 0, holdMs: 5_000 });
      await store.reserve({ dropId, orderId: `${dropId}-o`, buyerId: "b", qty: 1 });
      await store.confirm({ dropId, orderId: `${dropId}-o` });
    }));
  }
  // every drop sold out and settled: 3 entries each, all relayed to the ledger (and trimmed)
  await eventually(async () => Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM stock_ledger")).rows[0]!.n) === 3 * DROPS, 120_000, 500);
  await eventually(async () => (await Promise.all(ids.map((id) => redis.xlen(`${prefix}{drop:${id}}:events`)))).every((n) => n === 0), 60_000, 500);

  // each reserve left its drop in the due index until its hold's time: the sweeper visits each once then drops it
  await eventually(async () => (await redis.zcard(dueIndexKey(prefix))) === 0, 60_000, 500);
  const hot = await measure();
  t.comment(`${DROPS} ended drops still hot: ${JSON.stringify(hot)}`);
  archiver.start();

  await eventually(async () => Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM drops WHERE archive_state = 'archived'")).rows[0]!.n) === DROPS, 240_000, 1_000);
  t.equal(await redis.scard(dropIndexKey(prefix)), 0, "the hot set is empty");
  const archived = await measure();
  t.comment(`${DROPS} ended drops archived: ${JSON.stringify(archived)}`);

  t.ok(hot.commandsPerSecond > none.commandsPerSecond + DROPS / 10, `hot, the ended drops cost the relay's leases (${hot.commandsPerSecond}/s vs ${none.commandsPerSecond}/s)`);
  t.ok(archived.commandsPerSecond <= none.commandsPerSecond + 2, `archived, idle load is flat: ${archived.commandsPerSecond}/s vs ${none.commandsPerSecond}/s with no drop`);
  t.ok(archived.keys <= none.keys + DROPS + 2, `keyspace: one compact meta hash per archived drop (${archived.keys} keys vs ${none.keys})`);
  const metaBytes = await probe.memory("USAGE", `${prefix}{drop:end1}:meta`);
  t.comment(`one archived drop's meta hash: ${metaBytes} bytes (MEMORY USAGE)`);
  const perDrop = (archived.usedMemory - none.usedMemory) / DROPS;
  // the meta hash itself is ~300 bytes; the rest of the difference is what the allocator and the key
  // tables keep after the other keys were deleted (a fresh Redis with 1,000 such hashes grows ~390 bytes each)
  t.ok(perDrop < 2_048, `memory: ${Math.round(perDrop)} bytes per archived drop (${archived.usedMemory} vs ${none.usedMemory})`);
  t.ok(archived.usedMemory < hot.usedMemory, `archiving gave memory back (${hot.usedMemory} -> ${archived.usedMemory})`);
});
