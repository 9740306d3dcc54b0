/**
 * Search plans and timings (not a test): seeds SEARCH_ROWS products (default 100,000) and as many drops
 * into a scratch schema migrated with the catalog's migrations, runs every query shape of GET /drops
 * and GET /products exactly as the catalog builds it (`@drops/catalog-service/search`), prints each
 * one's EXPLAIN (ANALYZE, BUFFERS) summary and its timings (page and total, median of SEARCH_RUNS
 * warm runs), then drops the schema. The target: every query under 50 ms.
 *
 *   node scripts/bench/search-explain.ts                 # 100,000 products and drops
 *   SEARCH_ROWS=5000 node scripts/bench/search-explain.ts # smoke scale
 *   SEARCH_PLANS=full ...                                # the whole plans, not their summary
 *
 * Uses DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/drops). Exit code 1 when a query's
 * median is above SEARCH_TARGET_MS (default 50).
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createPool, dropSchema, migrate } from "@drops/db";
import { dropSearch, dropSearchSql, migrationsDir, productSearch, productSearchSql, type DropQuery, type ProductQuery } from "@drops/catalog-service/search";

const env = process.env;
const url = env["DATABASE_URL"] || "postgresql://postgres@127.0.0.1:5432/drops";
const rows = Number(env["SEARCH_ROWS"] ?? 100_000);
const runs = Number(env["SEARCH_RUNS"] ?? 7);
const targetMs = Number(env["SEARCH_TARGET_MS"] ?? 50);
const fullPlans = env["SEARCH_PLANS"] === "full";
const schema = `bench_search_${randomUUID().slice(0, 8)}`;

type Sql = { text: string; values: unknown[] };

const ADJECTIVES = ["red", "blue", "green", "black", "white", "golden", "silver", "vintage", "limited", "signed", "classic", "retro", "neon", "matte", "glossy", "tiny", "giant", "rare", "handmade", "numbered"];
const MATERIALS = ["cotton", "leather", "wool", "ceramic", "glass", "brass", "walnut", "oak", "vinyl", "paper", "canvas", "denim", "silk", "steel", "resin"];
const NOUNS = ["sneaker", "hoodie", "poster", "print", "lamp", "mug", "vase", "cap", "jacket", "record", "watch", "bag", "scarf", "figure", "deck", "chair", "shirt", "book", "card", "pin"];
const FILLER = ["edition", "drop", "collab", "artist", "studio", "series", "run", "batch", "tour", "archive", "sample", "proof", "release", "capsule", "season"];

const arr = (words: string[]) => `ARRAY[${words.map((w) => `'${w}'`).join(",")}]`;
const pick = (words: string[]) => `(${arr(words)})[1 + floor(random() * ${words.length})::int]`;

async function main(): Promise<void> {
  const started = performance.now();
  process.stdout.write(`search-explain: ${rows.toLocaleString("en")} products and drops in schema ${schema}\n`);
  await migrate({ url, schema, migrationsDir, log: () => {} });
  const pool = createPool(url, { schema, max: 2 });
  try {
    await seed(pool);
    process.stdout.write(`seeded and analysed in ${((performance.now() - started) / 1000).toFixed(1)} s\n\n`);
    const sellerId = ((await pool.query<{ id: string }>(`SELECT id FROM sellers ORDER BY id LIMIT 1 OFFSET 3`)).rows[0]!).id;
    const results: { name: string; pageMs: number; countMs: number; total: number }[] = [];
    for (const shape of shapes(sellerId)) results.push(await measure(pool, shape));
    printTable(results);
    const slow = results.filter((r) => r.pageMs > targetMs || r.countMs > targetMs);
    process.stdout.write(slow.length ? `\nabove ${targetMs} ms: ${slow.map((r) => r.name).join("; ")}\n` : `\nevery query under ${targetMs} ms\n`);
    process.exitCode = slow.length ? 1 : 0;
  } finally {
    await pool.end();
    await dropSchema(url, schema);
    process.stdout.write(`schema ${schema} dropped\n`);
  }
}

/** Sellers, products (names and descriptions from word lists), one drop per product in every status. */
async function seed(pool: ReturnType<typeof createPool>): Promise<void> {
  const sellers = Math.max(10, Math.round(rows / 500));
  await pool.query(`
    INSERT INTO users (email, password_hash, display_name)
    SELECT 'bench-' || g || '@search.local', 'x', 'Bench ' || g FROM generate_series(1, ${sellers}) g`);
  await pool.query(`INSERT INTO sellers (user_id, business_name, contact_email, status) SELECT id, display_name, email, 'approved' FROM users`);
  await pool.query(`
    INSERT INTO products (seller_id, name, description, price_cents, created_at, available)
    SELECT s.id,
           initcap(${pick(ADJECTIVES)}) || ' ' || ${pick(MATERIALS)} || ' ' || ${pick(NOUNS)} || ' #' || g,
           ${pick(FILLER)} || ' ' || ${pick(ADJECTIVES)} || ' ' || ${pick(MATERIALS)} || ' ' || ${pick(FILLER)} || ', ' || ${pick(NOUNS)} || ' made in small numbers',
           (100 + floor(random() * 50000))::int,
           now() - (random() * interval '365 days'),
           CASE WHEN random() < 0.5 THEN floor(random() * 500)::int END
    FROM generate_series(1, ${rows}) g
    CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM sellers) all_sellers
    CROSS JOIN LATERAL (SELECT all_sellers.ids[1 + g % ${sellers}] AS id) s`);
  await pool.query(`
    INSERT INTO drops (product_id, starts_at, units, available, per_buyer_limit, hold_seconds, price_cents, status)
    SELECT p.id, t.starts_at, t.units, CASE WHEN random() < 0.3 THEN 0 ELSE floor(random() * t.units)::int END, 2, 120, p.price_cents,
           CASE WHEN t.starts_at > now() THEN 'scheduled'::drop_status
                WHEN random() < 0.1 THEN 'paused'::drop_status
                WHEN random() < 0.3 THEN 'closed'::drop_status
                ELSE 'open'::drop_status END
    FROM products p
    JOIN (SELECT id, now() + (random() - 0.5) * interval '60 days' AS starts_at, (1 + floor(random() * 1000))::int AS units FROM products) t ON t.id = p.id`);
  await pool.query("VACUUM ANALYZE users, sellers, products, drops");
}

type Shape = { name: string; sql: { page: Sql; count: Sql } };

function drops(name: string, q: Partial<DropQuery>): Shape {
  return { name: `drops ${name}`, sql: dropSearchSql(dropSearch({ page: 1, pageSize: 20, ...q }), new Date()) };
}
function products(name: string, q: Partial<ProductQuery>): Shape {
  return { name: `products ${name}`, sql: productSearchSql(productSearch({ page: 1, pageSize: 20, ...q })) };
}

function shapes(sellerId: string): Shape[] {
  return [
    drops("no filter, startsAt", {}),
    drops("2 keywords", { q: "red sneaker" }),
    drops("3 keywords (name + description)", { q: "vintage leather edition" }),
    drops("1 common keyword, -startsAt", { q: "made", sort: "-startsAt" }),
    drops("1 rare keyword", { q: "#4242" }),
    drops("status=open, startsAt", { status: "open" }),
    drops("status=sold_out", { status: "sold_out" }),
    drops("status=upcoming", { status: "upcoming" }),
    drops("sort=available", { sort: "available" }),
    drops("sort=-available", { sort: "-available" }),
    drops("sort=price", { sort: "price" }),
    drops("sort=-price", { sort: "-price" }),
    drops("price 1000..2000, sort=price", { minPriceCents: 1000, maxPriceCents: 2000, sort: "price" }),
    drops("sellerId, sort=price", { sellerId, sort: "price" }),
    drops("keywords + open + price + available", { q: "blue hoodie", status: "open", minPriceCents: 5000, sort: "available" }),
    drops("deep page 2500 x 20, startsAt", { page: 2500 }),
    drops("deep page 1000 x 100, -price", { page: 1000, pageSize: 100, sort: "-price" }),
    products("no filter, -createdAt", {}),
    products("2 keywords", { q: "golden lamp" }),
    products("3 keywords, price", { q: "signed poster archive", sort: "price" }),
    products("price 100..500, -price", { minPriceCents: 100, maxPriceCents: 500, sort: "-price" }),
    products("sellerId, createdAt", { sellerId, sort: "createdAt" }),
    products("deep page 4000 x 20, price", { page: 4000, sort: "price" }),
  ];
}

/** EXPLAIN (ANALYZE, BUFFERS) once, then `runs` timed executions after a warm-up; the median. */
async function measure(pool: ReturnType<typeof createPool>, shape: Shape): Promise<{ name: string; pageMs: number; countMs: number; total: number }> {
  const explain = async (s: Sql) => (await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values)).rows.map((r) => r["QUERY PLAN"]);
  const time = async (s: Sql): Promise<number> => {
    await pool.query(s.text, s.values);
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await pool.query(s.text, s.values);
      ms.push(performance.now() - t0);
    }
    return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
  };
  const pagePlan = await explain(shape.sql.page);
  const countPlan = await explain(shape.sql.count);
  const pageMs = await time(shape.sql.page);
  const countMs = await time(shape.sql.count);
  const total = (await pool.query<{ total: number }>(shape.sql.count.text, shape.sql.count.values)).rows[0]!.total;
  process.stdout.write(`== ${shape.name}: page ${pageMs.toFixed(1)} ms, total ${countMs.toFixed(1)} ms (${total} matches)\n`);
  process.stdout.write(`   page:  ${summary(pagePlan)}\n   total: ${summary(countPlan)}\n`);
  if (fullPlans) process.stdout.write(`${[...pagePlan, "", ...countPlan].map((l) => `      ${l}`).join("\n")}\n`);
  return { name: shape.name, pageMs, countMs, total };
}

/** The plan's nodes (scan kinds with their index), in order, and the execution time. */
function summary(plan: string[]): string {
  const nodes = plan
    .filter((l) => l.includes("(actual"))
    .map((l) => /(?:->\s+)?((?:Parallel )?(?:Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan|Seq Scan|Nested Loop|Hash Join|Merge Join|Incremental Sort|Sort|Limit|Aggregate|Gather(?: Merge)?|BitmapAnd|BitmapOr)(?: Backward)?)(?: using (\S+)| on (\S+))?/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => (m[2] ? `${m[1]}(${m[2]})` : m[3] ? `${m[1]}(${m[3]})` : m[1]));
  const exec = plan.find((l) => l.startsWith("Execution Time"))?.replace("Execution Time: ", "") ?? "?";
  return `${nodes.join(" > ")} [${exec}]`;
}

function printTable(results: { name: string; pageMs: number; countMs: number; total: number }[]): void {
  const w = Math.max(...results.map((r) => r.name.length));
  process.stdout.write(`\n${"query".padEnd(w)}  page ms  total ms  matches\n`);
  for (const r of results) {
    process.stdout.write(`${r.name.padEnd(w)}  ${r.pageMs.toFixed(1).padStart(7)}  ${r.countMs.toFixed(1).padStart(8)}  ${String(r.total).padStart(7)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`search-explain failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 2;
});
