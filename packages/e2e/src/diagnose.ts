/**
 * Where stuck orders stopped, for a failing fault test: every hop of the saga an order goes
 * through, read from the stores themselves (not the public API). For each order: the gateway's
 * pending purchase and the hold in Redis, the drop stream's entries for it and the relay's group
 * (last delivered, pending), the order service's row, payment and outbox rows, the ledger rows, and
 * every event on the saga topics that carries the order id (with whether each consumer group's
 * committed offset has passed it). The consumer groups' committed offsets against the topics' end
 * offsets close the report.
 */
import { randomUUID } from "node:crypto";
import { createPool } from "@drops/db";
import { decodeEvent } from "@drops/events";
import { createKafka } from "@drops/kafka";
import { createStockRedis } from "@drops/redis";
import type { Stack } from "./stack.ts";

/** The saga topics of a stack (its prefix in front of each). */
const SAGA_TOPICS = ["drops.inventory", "drops.inventory-commands", "drops.payments", "drops.orders", "drops.checkouts"] as const;

type Found = { topic: string; partition: number; offset: string; type: string; eventId: string; time: string };

type GroupOffsets = Record<string, Record<string, { committed: string; end: string }>>;

/** A JSON report of where each of `orderIds` (orders of drop `dropId`) is in the saga. */
export async function diagnoseOrders(stack: Stack, dropId: string, orderIds: readonly string[]): Promise<string> {
  const parts = await Promise.all([
    section("redis", () => redisView(stack, dropId, orderIds)),
    section("postgres", () => postgresView(stack, orderIds)),
    section("kafka", () => kafkaView(stack, orderIds)),
  ]);
  return JSON.stringify(Object.assign({}, ...parts), null, 1);
}

async function section(name: string, read: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    return { [name]: await read() };
  } catch (err) {
    return { [name]: `could not read: ${String(err)}` };
  }
}

async function redisView(stack: Stack, dropId: string, orderIds: readonly string[]): Promise<unknown> {
  const redis = createStockRedis({ url: stack.infra.redisUrl, clusterNodes: stack.infra.stockRedisClusterNodes ?? [] });
  try {
    const p = `${stack.id}:`;
    const tag = `${p}{drop:${dropId}}`;
    const stream = `${tag}:events`;
    const entries = (await redis.xrange(stream, "-", "+")) as [string, string[]][];
    const groups = await redis.xinfo("GROUPS", stream).catch((e: unknown) => String(e));
    const pending = await redis.xpending(stream, "inventory-relay", "-", "+", 100).catch((e: unknown) => String(e));
    const orders: Record<string, unknown> = {};
    for (const id of orderIds) {
      orders[id] = {
        pendingPurchase: await redis.get(`${p}purchase:${id}`),
        hold: await redis.hget(`${tag}:holds`, id),
        expiryScore: await redis.zscore(`${tag}:expiry`, id),
        streamEntries: entries.filter(([, f]) => f.includes(id)),
      };
    }
    return {
      meta: await redis.hgetall(`${tag}:meta`),
      streamLength: entries.length,
      streamFirst: entries[0]?.[0] ?? null,
      streamLast: entries.at(-1)?.[0] ?? null,
      groups,
      pending,
      relayLease: await redis.get(`${tag}:relay`),
      orders,
    };
  } finally {
    redis.disconnect();
  }
}

async function postgresView(stack: Stack, orderIds: readonly string[]): Promise<unknown> {
  const pool = createPool(stack.infra.databaseUrl, { max: 2 });
  const q = async (sql: string, args: unknown[]): Promise<unknown[]> => (await pool.query<Record<string, unknown>>(sql, args)).rows;
  const o = `"${stack.schemas.order}"`;
  const inv = `"${stack.schemas.inventory}"`;
  try {
    return {
      orders: await q(`SELECT * FROM ${o}.orders WHERE id = ANY($1)`, [orderIds]),
      payments: await q(`SELECT * FROM ${o}.payments WHERE order_id = ANY($1)`, [orderIds]),
      outbox: await q(`SELECT id, topic, key, event_type, created_at, published_at, seq FROM ${o}.outbox WHERE key = ANY($1) ORDER BY seq`, [orderIds]),
      unpublishedOutbox: await q(`SELECT count(*)::int AS n FROM ${o}.outbox WHERE published_at IS NULL`, []),
      ledger: await q(`SELECT * FROM ${inv}.stock_ledger WHERE order_id = ANY($1) ORDER BY id`, [orderIds]),
      // A transaction left open (a relay round waiting on Kafka holds its rows' locks and its keys' advisory locks).
      openTransactions: await q(
        `SELECT a.pid, a.application_name, a.state, a.xact_start, a.state_change, left(a.query, 160) AS query,
                (SELECT count(*)::int FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory') AS advisory_locks
         FROM pg_stat_activity a WHERE a.xact_start IS NOT NULL AND a.pid <> pg_backend_pid() AND a.datname = current_database() ORDER BY a.xact_start`,
        [],
      ),
    };
  } finally {
    await pool.end();
  }
}

/** Every saga event carrying one of the order ids, each consumer group's committed offsets, and which events they passed. */
async function kafkaView(stack: Stack, orderIds: readonly string[]): Promise<unknown> {
  const kafka = createKafka({ clientId: "e2e-diagnose", brokers: stack.infra.kafkaBrokers });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = SAGA_TOPICS.map((t) => `${stack.prefix}${t}`);
    const ends: Record<string, Record<string, string>> = {};
    for (const topic of topics) ends[topic] = Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [String(p.partition), p.high]));
    const groups: GroupOffsets = {};
    for (const g of (await admin.listGroups()).groups.filter((x) => x.groupId.startsWith(stack.prefix))) {
      const byTopic = await admin.fetchOffsets({ groupId: g.groupId, topics });
      const view: Record<string, { committed: string; end: string }> = {};
      for (const t of byTopic) {
        for (const p of t.partitions) if (p.offset !== "-1" || ends[t.topic]?.[String(p.partition)] !== "0") view[`${t.topic.slice(stack.prefix.length)}/${p.partition}`] = { committed: p.offset, end: ends[t.topic]?.[String(p.partition)] ?? "?" };
      }
      groups[g.groupId.slice(stack.prefix.length)] = view;
    }
    const found = await scan(kafka, topics, ends, new Set(orderIds));
    const events = found.map((f) => ({
      ...f,
      topic: f.topic.slice(stack.prefix.length),
      passedBy: Object.entries(groups).flatMap(([g, v]) => {
        const c = v[`${f.topic.slice(stack.prefix.length)}/${f.partition}`];
        return c === undefined ? [] : [`${g}:${BigInt(c.committed) > BigInt(f.offset) ? "passed" : "NOT passed"}`];
      }),
    }));
    return { events, groups };
  } finally {
    await admin.disconnect();
  }
}

/** Reads the topics from the beginning to their end offsets; the events whose payload names one of `ids`. */
async function scan(kafka: ReturnType<typeof createKafka>, topics: string[], ends: Record<string, Record<string, string>>, ids: ReadonlySet<string>): Promise<Found[]> {
  const left = new Set<string>();
  for (const [topic, parts] of Object.entries(ends)) for (const [p, high] of Object.entries(parts)) if (high !== "0") left.add(`${topic}/${p}`);
  const found: Found[] = [];
  if (left.size === 0) return found;
  const consumer = kafka.consumer({ groupId: `e2e-diagnose-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => resolve(), 30_000);
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            try {
              const e = decodeEvent(message);
              const orderId = (e.payload as { orderId?: unknown }).orderId;
              if (typeof orderId === "string" && ids.has(orderId)) {
                found.push({ topic, partition, offset: message.offset, type: e.type, eventId: e.eventId, time: new Date(Number(message.timestamp)).toISOString() });
              }
            } catch {
              // not an event of ours
            }
            if (BigInt(message.offset) + 1n >= BigInt(ends[topic]?.[String(partition)] ?? "0")) left.delete(`${topic}/${partition}`);
            if (left.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return found.sort((a, b) => a.time.localeCompare(b.time));
}
