/**
 * A service's infrastructure clients, declared once each: `const infra = createInfra(name)`, then
 * `infra.postgres(...)`, `infra.redis(...)`, `infra.kafka(...)`, `infra.producer(...)`. Each client
 * registers its readiness check (so /ready checks exactly what the service opened), logs its
 * connection errors through the app's logger, and closes, last-opened first, when the app closes.
 * `infra.shell` is what `createServiceApp({ clients })` takes.
 */
import type { FastifyBaseLogger } from "fastify";
import { checkPostgres, createPool, type CreatePoolOptions } from "@drops/db";
import type { ReadinessChecks, ServiceClients } from "@drops/http";
import { checkKafka, createKafka, createProducer, type EventProducer, type ProducerOptions } from "@drops/kafka";
import { checkRedis, createRedis, createStockRedis, type CreateRedisOptions, type StockRedis, type StockRedisTarget } from "@drops/redis";

export type Pool = ReturnType<typeof createPool>;
export type RedisClient = ReturnType<typeof createRedis>;
/** The stock Redis: one Redis, or a Redis Cluster client (STOCK_REDIS_CLUSTER_NODES). */
export type StockRedisClient = StockRedis;
export type KafkaClient = ReturnType<typeof createKafka>;

/** Anything with ioredis's status/quit/disconnect/on (a connection or a Cluster client). */
type RedisLike = { status: string; quit(): Promise<unknown>; disconnect(): void; on(event: "error", listener: (err: Error) => void): unknown };

export type Infra = {
  /** A pg pool (connections open on first use); checked as `postgres` unless `check: false`. */
  postgres(url: string, opts?: CreatePoolOptions & { check?: boolean }): Pool;
  /** An ioredis connection to `url` (lazy unless `lazyConnect: false`); checked as `redis` (or `opts.check`). */
  redis(url: string, opts?: CreateRedisOptions & { check?: string | false }): RedisClient;
  /**
   * The stock Redis of `target` (lazy unless `lazyConnect: false`): a Cluster client when
   * `target.clusterNodes` lists nodes, else a connection to `target.url`; checked as `redis` (or `opts.check`).
   */
  stockRedis(target: StockRedisTarget, opts?: CreateRedisOptions & { check?: string | false }): StockRedis;
  /** Adopts a Redis connection made elsewhere (e.g. with fail-fast settings): logged, checked as `check`, closed. */
  adoptRedis<R extends RedisLike>(redis: R, check: string | false, ping?: () => Promise<void>): R;
  /** A kafkajs client (no connection until used); checked as `kafka`. */
  kafka(brokers: string[]): KafkaClient;
  /** An event producer on `kafka`, closed with the app. */
  producer(kafka: KafkaClient, opts?: ProducerOptions): EventProducer;
  /** Anything else to close with the app (a Prisma client, a pub/sub hub), closed in reverse order. */
  onClose(close: () => Promise<unknown>): void;
  /** The logger connection errors go to (set by the app). */
  readonly log: () => FastifyBaseLogger | undefined;
  /** What createServiceApp takes: the checks, setLogger and close. */
  readonly shell: ServiceClients;
};

export function createInfra(serviceName: string): Infra {
  let log: FastifyBaseLogger | undefined;
  const checks: ReadinessChecks = {};
  const closers: (() => Promise<unknown>)[] = [];
  const warn = (client: string) => (err: Error) => log?.warn({ err, client }, `${client} connection error`);
  const closeRedis = async (r: RedisLike): Promise<void> => {
    if (r.status === "ready") await r.quit().catch(() => r.disconnect());
    else r.disconnect();
  };
  let closing: Promise<void> | undefined;

  const infra: Infra = {
    postgres(url, opts = {}) {
      const { check = true, ...poolOpts } = opts;
      const pool = createPool(url, { applicationName: serviceName, ...poolOpts });
      pool.on("error", warn("postgres"));
      if (check) checks["postgres"] = () => checkPostgres(pool);
      closers.push(() => pool.end());
      return pool;
    },
    redis(url, opts = {}) {
      const { check = "redis", ...redisOpts } = opts;
      const redis = createRedis(url, { lazyConnect: true, connectionName: serviceName, ...redisOpts });
      return infra.adoptRedis(redis, check, () => checkRedis(redis));
    },
    stockRedis(target, opts = {}) {
      const { check = "redis", ...redisOpts } = opts;
      const redis = createStockRedis(target, { lazyConnect: true, connectionName: serviceName, ...redisOpts });
      return infra.adoptRedis(redis, check, () => checkRedis(redis));
    },
    adoptRedis(redis, check, ping) {
      redis.on("error", warn(check || "redis"));
      if (check && ping) checks[check] = ping;
      closers.push(() => closeRedis(redis));
      return redis;
    },
    kafka(brokers) {
      const kafka = createKafka({ clientId: serviceName, brokers });
      checks["kafka"] = () => checkKafka(kafka);
      return kafka;
    },
    producer(kafka, opts) {
      const producer = createProducer(kafka, opts);
      closers.push(() => producer.close().catch(() => {}));
      return producer;
    },
    onClose(close) {
      closers.push(() => close().catch((err: unknown) => log?.warn({ err }, "error while closing a client")));
    },
    log: () => log,
    shell: {
      checks,
      setLogger: (logger) => {
        log = logger;
      },
      close: () =>
        (closing ??= (async () => {
          for (const close of [...closers].reverse()) await close();
        })()),
    },
  };
  return infra;
}
