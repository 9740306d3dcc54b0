import { int, str, url, type ConfigOf } from "@drops/config";
import { topics } from "@drops/events";
import { configReaders, serviceSpec, stockRedisSpec } from "@drops/http/config";

/** Every variable the cart service reads (see README.md). Imports nothing instrumented. */
export const spec = {
  ...serviceSpec("cart", 3004),
  ...stockRedisSpec,
  CART_KEY_PREFIX: str("", "namespace of the cart's own Redis keys (carts, checkout records, locks; tests use a unique one)"),
  CART_TTL_SECONDS: int(604_800, { min: 1, max: 366 * 24 * 3600 }, "a cart expires this many seconds after its last change (default 7 days)"),
  CART_MAX_LINES: int(50, { min: 1, max: 1000 }, "most distinct products in one cart (409 CART_FULL above)"),
  STOCK_KEY_PREFIX: str("", "namespace of the inventory's stock keys in Redis (the gateway's and inventory's value)"),
  REDIS_COMMAND_TIMEOUT_MS: int(1000, { min: 10, max: 60_000 }, "a Redis command not answered in this time fails (503; the buyer retries)"),
  CATALOG_URL: url("http://127.0.0.1:3001", ["http", "https"], "base URL of the catalog service (products, prices)"),
  CATALOG_TIMEOUT_MS: int(5000, { min: 50, max: 60_000 }, "timeout of one call to the catalog in milliseconds"),
  CHECKOUTS_TOPIC: str(topics.checkouts.name, "topic of the CartCheckedOut events (the order saga reads it)"),
  PUBLISH_TIMEOUT_MS: int(5000, { min: 100, max: 60_000 }, "a CartCheckedOut not acked by Kafka in this time answers 503"),
  CHECKOUT_LOCK_MS: int(30_000, { min: 1000, max: 600_000 }, "how long one checkout attempt holds its order's lock (a concurrent one: 409 CHECKOUT_IN_PROGRESS)"),
  CHECKOUT_RECORD_SECONDS: int(86_400, { min: 60, max: 30 * 24 * 3600 }, "how long a checkout's answer is kept for replays of its Idempotency-Key"),
  CURRENCY: str("EUR", "currency of cart orders (ISO 4217)"),
};

export type Config = ConfigOf<typeof spec>;

function checked(config: Config): Config {
  if (!/^[A-Z]{3}$/.test(config.CURRENCY)) throw new Error("CURRENCY must be three capital letters (ISO 4217)");
  if (config.CHECKOUT_LOCK_MS < config.CATALOG_TIMEOUT_MS + config.PUBLISH_TIMEOUT_MS) {
    throw new Error("CHECKOUT_LOCK_MS must outlast one attempt: at least CATALOG_TIMEOUT_MS + PUBLISH_TIMEOUT_MS");
  }
  return config;
}

export const { readConfig, readConfigOrExit } = configReaders(spec, "cart", checked);
