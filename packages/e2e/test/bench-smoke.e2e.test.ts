/**
 * The flash-drop benchmark (scripts/bench/flash-drop.ts) at smoke scale, so the harness and its JMeter
 * plans cannot silently break: a few hundred purchase attempts through infra/jmeter/plans/flash-drop.jmx
 * against the hello-world ceiling and a whole e2e stack, then the browse/search and order-polling
 * plans. Asserts the outcome, never a timing: nothing oversold, nobody over the limit, every order
 * final, every attempt recorded by JMeter with no 5xx or connection error, the dashboards built.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { ROOT } from "../src/index.ts";
import type { Summary } from "../../../scripts/bench/lib/types.ts";

// Stack start, JMeter's JVM five times (two plans, two small plans, dashboards), signups: minutes on a busy box.
t.setTimeout(15 * 60_000);

const out = mkdtempSync(join(tmpdir(), "bench-smoke-"));
t.teardown(() => rmSync(out, { recursive: true, force: true }));

async function runBench(): Promise<{ code: number | null; log: string }> {
  const logPath = join(out, "bench.log");
  const logFile = createWriteStream(logPath);
  const child = spawn(process.execPath, [join(ROOT, "scripts", "bench", "flash-drop.ts")], {
    cwd: ROOT,
    env: { ...process.env, BENCH_SCALE: "smoke", BENCH_OUT: out, BENCH_DOC: "none", BENCH_MAX_MINUTES: "14" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(logFile, { end: false });
  child.stderr.pipe(logFile, { end: false });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  await new Promise<void>((resolve) => logFile.end(resolve));
  return { code, log: readFileSync(logPath, "utf8") };
}

t.test("flash drop at smoke scale: correct outcome, every attempt answered 201 or 409, plans and dashboards work", async (t) => {
  const { code, log } = await runBench();
  const summaryPath = join(out, "summary.json");
  if (!existsSync(summaryPath)) {
    t.fail(`the runner wrote no summary (exit ${code}):\n${log.split("\n").slice(-60).join("\n")}`);
    return;
  }
  const s = JSON.parse(readFileSync(summaryPath, "utf8")) as Summary;
  const [platform] = s.configs;
  if (!platform) {
    t.fail("no platform configuration in the summary");
    return;
  }
  const attempts = s.settings.attempts;

  t.same(platform.checks.problems, [], "the runner's own outcome checks", { log: log.split("\n").slice(-40).join("\n") });
  t.equal(code, 0, "the runner exits 0 when every check passed");

  t.match(
    platform.checks,
    { oversold: 0, duplicateOrderIds: 0, buyersOverLimit: 0, ordersNotFinal: 0, ordersFailed: 0, heldWithoutOrder: 0, fiveXX: 0, connectionErrors: 0, otherErrors: 0, settled: true, soldMatchesConfirmed: true },
    "nothing oversold, nobody over the limit, every order final",
  );
  t.equal(platform.checks.sold, s.settings.units, "more buyers than units: the drop sold out");
  t.equal(platform.checks.stock.consistent, true, "Redis agrees with the ledger");
  t.equal(platform.checks.confirmed, platform.burst.held201, "every 201 ended confirmed (pm_card_ok, no declines)");

  t.equal(platform.burst.samples, attempts, "JMeter recorded every attempt");
  t.equal(platform.burst.errors, 0, "every attempt answered 201 or 409");
  t.notOk(platform.burst.warmUpPurchases["201"], "no warm-up purchase was held (they all went before the opening)");
  t.ok(platform.burst.held201 >= s.settings.units, "the units were held by 201s");
  t.ok((platform.burst.outcomes["409 SOLD_OUT"] ?? 0) > 0, "the losers were told SOLD_OUT");
  t.equal(platform.saga.confirmed, platform.checks.confirmed, "saga completion measured for every confirmed order");

  t.ok(s.ceiling, "the hello-world ceiling ran");
  t.equal(s.ceiling?.stats.samples, attempts, "the ceiling got the same attempts");
  t.equal(s.ceiling?.stats.errors, 0, "the ceiling answered every attempt");
  t.equal(s.ceiling?.server.requests, attempts + (s.ceiling?.warmUpRequests ?? 0), "hello-world saw every request JMeter recorded");
  t.equal(s.ceiling?.server.connections, s.settings.threads, "one keep-alive connection per JMeter thread");

  t.ok(Object.keys(platform.cpu.wholeDrop.cpuS).includes("gateway"), "CPU of the gateway measured");
  t.ok(platform.files.dashboard && existsSync(join(platform.files.dashboard, "index.html")), "JMeter's HTML dashboard of the platform run");
  t.ok(s.ceiling?.dashboard && existsSync(join(s.ceiling.dashboard, "index.html")), "JMeter's HTML dashboard of the ceiling run");

  const extras = platform.extras ?? {};
  t.same(
    Object.keys(extras).sort(),
    ["browse-search: drop page", "browse-search: search", "cart-checkout: cart line", "cart-checkout: checkout", "order-polling: order"],
    "the browse/search, order-polling and cart-checkout plans ran",
  );
  const checkoutOutcomes = extras["cart-checkout: checkout"]?.outcomes ?? {};
  t.ok(Object.keys(checkoutOutcomes).some((k) => k.startsWith("201")) && (checkoutOutcomes["409 LINE_UNAVAILABLE"] ?? 0) > 0, `cart checkouts both held and refused a sold-out line: ${JSON.stringify(checkoutOutcomes)}`);
  t.same(
    Object.entries(extras).filter(([, v]) => v.samples === 0 || v.errors > 0).map(([k, v]) => `${k}: ${v.samples} samples, ${v.errors} errors ${JSON.stringify(v.outcomes)}`),
    [],
    "every request of those plans answered as expected (200; a checkout 201 or 409)",
  );
  t.ok(existsSync(join(out, "report.md")), "the Markdown report");
});
