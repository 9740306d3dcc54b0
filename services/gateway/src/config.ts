import { bool, commonSpec, int, oneOf, str, type ConfigOf, type Parser, url } from "@drops/config";
import { topics } from "@drops/events";
import { DEV_ADMISSION_SECRET, DEV_JWT_SECRET, configReaders, serviceSpec, stockRedisSpec } from "@drops/http/config";

/** The development defaults of JWT_SECRET and ADMISSION_SECRET: like every committed secret, refused when NODE_ENV=production (configReaders). */
export { DEV_ADMISSION_SECRET, DEV_JWT_SECRET };

/** The shell's variables; DATABASE_URL is only read by the row-lock comparison (PURCHASE_STRATEGY=rowlock). */
const shell = serviceSpec("gateway", 3000, { portVar: "PORT" });

/** A comma-separated list of http(s) URLs of GET /metrics (empty: none); every bad item is named. */
function metricsUrls(describe: string): Parser<string[]> {
  return {
    describe,
    default: [],
    parse: (raw) => {
      const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
      const bad = items.filter((item) => {
        try {
          return !["http:", "https:"].includes(new URL(item).protocol);
        } catch {
          return true;
        }
      });
      if (bad.length > 0) throw new Error(`not an http(s) URL: ${bad.map((b) => JSON.stringify(b)).join(", ")}`);
      return items;
    },
  };
}

/** Every variable the gateway service reads (see README.md). Imports nothing instrumented. */
export const spec = {
  ...shell,
  ...stockRedisSpec,
  /** The public entry serves GET /metrics off its public port: 9464 on 127.0.0.1 unless set (METRICS_PORT=0: on PORT, public). */
  METRICS_PORT: { ...commonSpec.METRICS_PORT, default: 9464, describe: "the port of GET /metrics, off the public port (0: on PORT itself)" },
  JWT_SECRET: str(DEV_JWT_SECRET, "HS256 secret signing access tokens (at least 32 characters)"),
  JWT_TTL_SECONDS: int(3600, { min: 60, max: 30 * 24 * 3600 }, "lifetime of an access token in seconds"),
  CATALOG_URL: url("http://127.0.0.1:3001", ["http", "https"], "base URL of the catalog service"),
  CATALOG_TIMEOUT_MS: int(5000, { min: 50, max: 60_000 }, "timeout of one call to the catalog in milliseconds"),
  IMAGE_UPLOAD_TIMEOUT_MS: int(60_000, { min: 1000, max: 600_000 }, "longest an image upload may take, streamed through to the catalog (408 after)"),
  ORDER_URL: url("http://127.0.0.1:3003", ["http", "https"], "base URL of the order service"),
  INVENTORY_URL: url("http://127.0.0.1:3002", ["http", "https"], "base URL of the inventory service"),
  CART_URL: url("http://127.0.0.1:3004", ["http", "https"], "base URL of the cart service"),
  NOTIFICATION_URL: url("http://127.0.0.1:3005", ["http", "https"], "base URL of the notification service"),
  DEAD_LETTER_MEMORY_BYTES: int(64 * 1024 * 1024, { min: 1024, max: 4 * 1024 * 1024 * 1024 }, "bytes of dead letters (read from the .dlq topics) each gateway keeps in memory for the admin list and replay; the oldest leave first"),
  SERVICE_TIMEOUT_MS: int(5000, { min: 50, max: 60_000 }, "timeout of one call to the order, inventory, cart or notification service (and of a dead-letter replay) in milliseconds"),
  // the admin summary (GET /api/admin/metrics/summary) over several instances (README "Metrics summary over instances")
  SUMMARY_GATEWAY_METRICS_URLS: metricsUrls("comma-separated GET /metrics URLs of every gateway instance (this one included) the admin summary adds up; empty: this gateway's own metrics, in-process"),
  SUMMARY_INVENTORY_METRICS_URLS: metricsUrls("comma-separated GET /metrics URLs of every inventory instance the admin summary adds up; empty: INVENTORY_URL + /metrics"),
  SUMMARY_ORDER_METRICS_URLS: metricsUrls("comma-separated GET /metrics URLs of every order instance the admin summary adds up; empty: ORDER_URL + /metrics"),
  STOCK_KEY_PREFIX: str("", "namespace of the inventory's stock keys in Redis (tests use a unique one; production none)"),
  REDIS_COMMAND_TIMEOUT_MS: int(1000, { min: 10, max: 60_000 }, "a Redis command not answered in this time fails (purchase: 503)"),
  SOLD_OUT_FLAG_MS: int(2000, { min: 0, max: 60_000 }, "how long the in-memory sold-out flag of a drop may short-circuit purchases (0: off)"),
  DROP_CACHE_MS: int(5000, { min: 0, max: 600_000 }, "how long the purchase path reuses a drop's catalog data (price) per instance"),
  SCRIPT_VERSION_WAIT_MS: int(30_000, { min: 0, max: 600_000 }, "how long the start waits for the inventory to write its stock script version to Redis"),
  ADMISSION_SECRET: str(DEV_ADMISSION_SECRET, "HMAC secret signing waiting-room admission tokens (at least 32 characters; the same on every gateway instance)"),
  QUEUE_ABANDON_GRACE_SECONDS: int(30, { min: 1, max: 3600 }, "a waiting buyer whose streams all closed loses its place unless it comes back within this many seconds"),
  QUEUE_REFRESH_MS: int(5000, { min: 100, max: 600_000 }, "each waiting-room stream's place is read again at least this often (besides every change announced)"),
  ORDER_STREAM_POLL_MS: int(2000, { min: 100, max: 60_000 }, "an order stream reads its order at least this often (the final status is pushed as soon as it is stored)"),
  LIVE_CHANNEL: str("notification:live", "Redis pub/sub channel of the notification service's live push (the order streams follow it)"),
  SSE_HEARTBEAT_MS: int(15_000, { min: 100, max: 600_000 }, "interval of the SSE heartbeat comment"),
  SSE_TICK_MS: int(100, { min: 0, max: 10_000 }, "the stock stream writes at most one event per drop per this many milliseconds (the latest snapshot wins)"),
  SSE_MAX_BUFFERED_BYTES: int(64 * 1024, { min: 1024, max: 64 * 1024 * 1024 }, "unsent bytes an SSE client may hold in the gateway before it is dropped as too slow"),
  STOCK_TOPIC: str(topics.stockChanges.name, "topic of the StockChanged snapshots the gateway follows"),
  // security (README "Security"; docs/security.md): proxy trust, HSTS, rate limits (0 turns a limit off)
  TRUST_PROXY: bool(false),
  HSTS: bool(false),
  LOGIN_FAILURES_PER_ACCOUNT: int(10, { min: 0, max: 1_000_000 }, "failed logins of one e-mail per LOGIN_WINDOW_SECONDS before 429 (0: off)"),
  LOGINS_PER_IP: int(100, { min: 0, max: 1_000_000 }, "login attempts from one IP per LOGIN_WINDOW_SECONDS before 429 (0: off)"),
  LOGIN_WINDOW_SECONDS: int(900, { min: 1, max: 86_400 }, "window of the login limits"),
  SIGNUPS_PER_IP: int(20, { min: 0, max: 1_000_000 }, "signups from one IP per SIGNUP_WINDOW_SECONDS before 429 (0: off; the benchmark, which signs up its buyers from one host, turns it off)"),
  SIGNUP_WINDOW_SECONDS: int(3600, { min: 1, max: 86_400 }, "window of the signup limit"),
  PURCHASES_PER_USER: int(60, { min: 0, max: 1_000_000 }, "purchase attempts of one buyer per PURCHASE_WINDOW_SECONDS that reach Redis before 429 (sold-out answers are not counted; 0: off)"),
  PURCHASE_WINDOW_SECONDS: int(60, { min: 1, max: 86_400 }, "window of the purchase limit"),
  CHECKOUTS_PER_USER: int(20, { min: 0, max: 1_000_000 }, "cart checkouts of one buyer per CHECKOUT_WINDOW_SECONDS before 429 (0: off)"),
  CHECKOUT_WINDOW_SECONDS: int(60, { min: 1, max: 86_400 }, "window of the checkout limit"),
  /** A benchmark comparison only (README "Row-lock comparison"): never the production path. */
  PURCHASE_STRATEGY: oneOf(["redis", "rowlock"] as const, "redis"),
  DATABASE_URL: commonSpec.DATABASE_URL,
  ROWLOCK_SCHEMA: str("rowlock", "PostgreSQL schema of the row-lock comparison's tables (PURCHASE_STRATEGY=rowlock only)"),
  ROWLOCK_POOL_MAX: int(10, { min: 1, max: 200 }, "connections of the row-lock comparison's pool (PURCHASE_STRATEGY=rowlock only)"),
};

export type Config = ConfigOf<typeof spec>;

function checked(config: Config): Config {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(config.ROWLOCK_SCHEMA)) throw new Error("ROWLOCK_SCHEMA must be a plain SQL identifier");
  if (config.JWT_SECRET.length < 32) throw new Error("JWT_SECRET must be at least 32 characters");
  if (config.ADMISSION_SECRET.length < 32) throw new Error("ADMISSION_SECRET must be at least 32 characters");
  return config;
}

export const { readConfig, readConfigOrExit } = configReaders(spec, "gateway", checked);
