import { bool, int, list, str, type ConfigOf } from "@drops/config";
import { configReaders, serviceSpec, stockRedisSpec } from "@drops/http/config";

/** Every variable the inventory service reads (see README.md). Imports nothing instrumented. */
export const spec = {
  ...serviceSpec("inventory", 3002),
  ...stockRedisSpec,
  REDLOCK_URLS: list(["redis://127.0.0.1:6379"], "comma-separated Redis URLs of the Redlock quorum: independent nodes, never the stock's Redis Cluster"),
  DB_SCHEMA: str("inventory", "PostgreSQL schema holding the inventory's tables"),
  STOCK_KEY_PREFIX: str("", "prefix of every stock, lock and fence key in Redis (the gateway must use the same)"),
  WORKERS_ENABLED: bool(true),
  OPENER_LEAD_MS: int(5_000, { min: 0, max: 3_600_000 }, "load a drop's stock this long before its start"),
  OPENER_INTERVAL_MS: int(200, { min: 10, max: 60_000 }, "drop opener period"),
  SWEEPER_INTERVAL_MS: int(250, { min: 10, max: 60_000 }, "hold-expiry sweeper period"),
  SWEEPER_AUDIT_MS: int(30_000, { min: 100, max: 3_600_000 }, "period of the sweeper's due-index audit (every hot item's earliest hold)"),
  ARCHIVER_INTERVAL_MS: int(5_000, { min: 10, max: 600_000 }, "archiver period (ended, settled drops leave the hot set)"),
  ARCHIVE_QUIET_MS: int(600_000, { min: 0, max: 604_800_000 }, "a drop is archived once ended, settled and unwritten for this long"),
  RELAY_BLOCK_MS: int(200, { min: 1, max: 10_000 }, "stock stream relay XREADGROUP BLOCK"),
  ADMISSION_TTL_SECONDS: int(60, { min: 1, max: 3600 }, "lifetime of a waiting-room admission: an admitted buyer who has not bought by then frees the slot"),
  ADMITTER_INTERVAL_MS: int(200, { min: 10, max: 60_000 }, "waiting-room admitter period (each tick admits what the rate allows since the last)"),
  PRODUCT_HOLD_SECONDS: int(900, { min: 1, max: 86_400 }, "hold time of a cart order's product lines, set when a product's stock is first set"),
};

export type Config = ConfigOf<typeof spec>;

/** host:port of a redis:// URL (the default port 6379), for comparing it with cluster nodes. */
function hostPortOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname === "localhost" ? "127.0.0.1" : u.hostname}:${u.port === "" ? "6379" : u.port}`;
}

/**
 * Redlock's quorum must be independent nodes: a REDLOCK_URLS entry that is one of the stock
 * cluster's nodes is refused (a cluster node answers only for its own slots, and a failover there
 * would take the lock's key with it).
 */
function checked(config: Config): Config {
  const cluster = new Set(config.STOCK_REDIS_CLUSTER_NODES.map((n) => n.replace(/^localhost:/, "127.0.0.1:")));
  const onCluster = config.REDLOCK_URLS.filter((url) => cluster.has(hostPortOf(url)));
  if (onCluster.length > 0) {
    throw new Error(`REDLOCK_URLS must name independent Redis nodes, not nodes of the stock cluster (STOCK_REDIS_CLUSTER_NODES): ${onCluster.join(", ")}`);
  }
  return config;
}

export const { readConfig, readConfigOrExit } = configReaders(spec, "inventory", checked);
