import { Cluster, Redis, type RedisOptions } from "ioredis";

export type CreateRedisOptions = Pick<RedisOptions, "keyPrefix" | "lazyConnect" | "maxRetriesPerRequest" | "enableOfflineQueue" | "connectionName" | "commandTimeout" | "autoResendUnfulfilledCommands">;

/**
 * The stock Redis: one Redis, or a Redis Cluster (ioredis' `Cluster` client). Both take the same
 * commands and `defineCommand` scripts; a command or a script on a cluster must keep its keys in one
 * slot (the stock keys carry the hash tag `{drop:<id>}`), and a key scan must visit every master
 * (`mastersOf`).
 */
export type StockRedis = Redis | Cluster;

/** Where the stock lives: `url` (REDIS_URL) unless `clusterNodes` (STOCK_REDIS_CLUSTER_NODES, host:port) lists a cluster's nodes. */
export type StockRedisTarget = { url: string; clusterNodes?: readonly string[] };

/** One ioredis connection to `url`. Callers own it and must `quit()` it. */
export function createRedis(url: string, opts: CreateRedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, ...opts });
}

/** `host:port` -> ioredis' startup node; throws on anything else (the config layer checked it already). */
function startupNode(node: string): { host: string; port: number } {
  const m = /^([^\s:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(node.trim());
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) throw new TypeError(`Redis Cluster node ${JSON.stringify(node)} is not host:port`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

/**
 * The stock Redis of `target`: a `Cluster` client over `clusterNodes` when it lists any (the same
 * options per node connection; the offline queue and lazy connect are the cluster client's), else
 * `createRedis(url)`. Reads and writes go to the masters. Callers own it and must `quit()` it.
 */
export function createStockRedis(target: StockRedisTarget, opts: CreateRedisOptions = {}): StockRedis {
  const nodes = target.clusterNodes ?? [];
  if (nodes.length === 0) return createRedis(target.url, opts);
  const { enableOfflineQueue, lazyConnect, ...perNode } = opts;
  return new Cluster(nodes.map(startupNode), {
    scaleReads: "master",
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    // a loaded box answers CLUSTER SLOTS slowly at start; the default second makes the first refresh fail
    slotsRefreshTimeout: 5_000,
    redisOptions: { maxRetriesPerRequest: 2, ...perNode },
  });
}

/** True when `redis` is a Redis Cluster client. */
export function isCluster(redis: StockRedis): redis is Cluster {
  return redis instanceof Cluster;
}

/** The connections a key scan must visit: every master of a cluster, or the one Redis. */
export function mastersOf(redis: StockRedis): Redis[] {
  return isCluster(redis) ? redis.nodes("master") : [redis];
}

/** Readiness probe: resolves when Redis (on a cluster: the node it asks) answers PING. */
export async function checkRedis(redis: StockRedis): Promise<void> {
  const pong: string = await redis.ping();
  if (pong !== "PONG") throw new Error(`unexpected PING reply ${pong}`);
}

/**
 * Deletes every key starting with `prefix` (SCAN in pages of 1,000, then UNLINK), on every master of
 * a cluster: how a test, a benchmark or the e2e stack removes the keys of its own namespace. Never
 * call it with "".
 */
export async function deleteKeysWithPrefix(redis: StockRedis, prefix: string): Promise<number> {
  if (prefix === "") throw new Error("deleteKeysWithPrefix: an empty prefix would delete every key");
  let deleted = 0;
  for (const node of mastersOf(redis)) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) deleted += await unlinkOn(node, keys, isCluster(redis));
      cursor = next;
    } while (cursor !== "0");
  }
  return deleted;
}

/** One UNLINK of all `keys`; on a cluster node one per key (the keys of one node span slots). */
async function unlinkOn(node: Redis, keys: string[], cluster: boolean): Promise<number> {
  if (!cluster) return node.unlink(...keys);
  const pipe = node.pipeline();
  for (const k of keys) pipe.unlink(k);
  const res = (await pipe.exec()) ?? [];
  return res.reduce((n, [err, v]) => n + (err ? 0 : Number(v)), 0);
}
