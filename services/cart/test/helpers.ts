/**
 * The cart service on the real Redis (unique CART_KEY_PREFIX and STOCK_KEY_PREFIX) and the real
 * Kafka (a unique checkouts topic), with a stand-in catalog (an HTTP stub answering GET
 * /products/:id from `products`). The test plays the inventory: it sets a product's stock with the
 * inventory's own scripts (openDrop, kind product) and reads it back with them, so every reserve
 * and release of the checkout runs the real Lua.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createStockStore, type StockStore } from "@drops/inventory-service/stock";
import { createPurchaseStock, type StockSnapshot } from "@drops/inventory-service/purchase";
import { createRedis, deleteKeysWithPrefix } from "@drops/redis";
import { createTestTopics, testKafka } from "@drops/kafka/testing";
import { testEnv, uniqueName } from "@drops/testing";
import type { BuiltService } from "@drops/http";
import { asUser } from "@drops/http/testing";
import { buildApp } from "../src/app.ts";
import { readConfig } from "../src/config.ts";

type Teardown = { teardown: (fn: () => unknown) => void };
/** What app.inject answers (fastify is not a dependency of the cart package: the shell's app type is used). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LightMyRequestResponse = { statusCode: number; body: string; headers: Record<string, unknown>; json: <T = any>() => T };
export type Product = { productId: string; name: string; priceCents: number };
type Redis = ReturnType<typeof createRedis>;

export type CartStack = {
  app: BuiltService["app"];
  redis: Redis;
  cartPrefix: string;
  stockPrefix: string;
  topic: string;
  kafka: ReturnType<typeof testKafka>;
  /** The inventory's stock store on the test's prefix. */
  store: StockStore;
  /** A product in the stand-in catalog; with `stock`, its stock set (open at once, no buyer limit). */
  product(opts?: { name?: string; priceCents?: number; stock?: number | null; holdMs?: number }): Promise<Product>;
  snapshot(productId: string): Promise<StockSnapshot | null>;
  buyer(): string;
  call(method: "GET" | "PUT" | "DELETE" | "POST", url: string, opts?: { buyer?: string | null; roles?: string; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  put(buyer: string, productId: string, quantity: number): Promise<LightMyRequestResponse>;
  checkout(buyer: string, key: string, paymentMethod?: string): Promise<LightMyRequestResponse>;
};

/** A stand-in catalog: GET /products/:id from the map, 404 PRODUCT_NOT_FOUND otherwise. */
async function stubCatalog(t: Teardown, products: Map<string, Product>): Promise<string> {
  const server = createServer((req, res) => {
    const m = /^\/products\/([^/?]+)$/.exec(req.url ?? "");
    const p = m && req.method === "GET" ? products.get(m[1]!) : undefined;
    const [status, body] = p ? [200, { ...p, sellerId: randomUUID(), description: "", createdAt: "x", updatedAt: "y" }] : [404, { code: "PRODUCT_NOT_FOUND", message: "product not found" }];
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function cartStack(t: Teardown, env: Record<string, string> = {}, opts: { createTopic?: boolean } = {}): Promise<CartStack> {
  const products = new Map<string, Product>();
  const catalogUrl = await stubCatalog(t, products);
  const base = uniqueName("cart");
  const cartPrefix = `${base}:cart:`;
  const stockPrefix = `${base}:stock:`;
  const redis = createRedis(testEnv.redisUrl);
  t.teardown(async () => {
    await deleteKeysWithPrefix(redis, `${base}:`);
    await redis.quit();
  });
  const kafka = testKafka("cart_test");
  const topic = `${base}.checkouts`;
  if (opts.createTopic !== false) await createTestTopics(t, kafka, [topic], { dlq: false });
  const config = readConfig({
    LOG_LEVEL: "silent", REDIS_URL: testEnv.redisUrl, KAFKA_BROKERS: testEnv.kafkaBrokers.join(","), CATALOG_URL: catalogUrl,
    CART_KEY_PREFIX: cartPrefix, STOCK_KEY_PREFIX: stockPrefix, CHECKOUTS_TOPIC: topic, ...env,
  });
  const { app } = await buildApp(config);
  t.teardown(() => app.close());
  const store = createStockStore(redis, { prefix: stockPrefix });
  const purchase = createPurchaseStock(redis, { prefix: stockPrefix });

  const product: CartStack["product"] = async (o = {}) => {
    const p = { productId: randomUUID(), name: o.name ?? "Tee", priceCents: o.priceCents ?? 2500 };
    products.set(p.productId, p);
    if (o.stock !== null) {
      await store.openDrop({ dropId: p.productId, total: o.stock ?? 10, startsAtMs: Date.now() - 1000, perBuyerLimit: 0, holdMs: o.holdMs ?? 900_000, kind: "product" });
    }
    return p;
  };
  const call: CartStack["call"] = (method, url, o = {}) => {
    const buyer = o.buyer === undefined ? randomUUID() : o.buyer;
    return app.inject({
      method, url,
      headers: { ...(buyer !== null ? asUser("cart", buyer, o.roles ?? "buyer") : {}), ...o.headers },
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    });
  };
  return {
    app, redis, cartPrefix, stockPrefix, topic, kafka, store, product,
    snapshot: (productId) => purchase.snapshot(productId),
    buyer: () => randomUUID(),
    call,
    put: (buyer, productId, quantity) => call("PUT", `/cart/lines/${productId}`, { buyer, body: { quantity } }),
    checkout: (buyer, key, paymentMethod = "pm_card_ok") => call("POST", "/cart/checkout", { buyer, headers: { "idempotency-key": key }, body: { paymentMethod } }),
  };
}
