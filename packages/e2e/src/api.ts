/**
 * A small client of the public HTTP API (the gateway), the way a storefront would call it.
 */
import { randomUUID } from "node:crypto";
import { createTokenSigner } from "@drops/gateway-service/auth";
import { JWT_SECRET } from "./stack.ts";

export type Reply<T = Record<string, unknown>> = { status: number; body: T };

export type Api = {
  call: <T = Record<string, unknown>>(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }) => Promise<Reply<T>>;
};

export function api(baseUrl: string): Api {
  return {
    call: async (method, path, opts = {}) => {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers["authorization"] = `Bearer ${opts.token}`;
      if (opts.body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: body as never };
    },
  };
}

/**
 * A signed-in buyer without a signup round trip: a token the gateway accepts, minted with the
 * stack's JWT secret (crowds of thousands of buyers would otherwise spend the run hashing passwords).
 */
export function mintBuyer(): { userId: string; token: string } {
  const userId = randomUUID();
  return { userId, token: createTokenSigner(JWT_SECRET, 3600, Date.now).sign({ userId, roles: ["buyer"] }) };
}

export type DropSetup = { dropId: string; startsAt: string; sellerToken: string; adminToken: string; productId: string };

const ADMIN = { email: "admin@drops.local", password: "admin-password-change-me" };

function expect<T>(reply: Reply<T>, status: number, what: string): T {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export type SellerSetup = { sellerToken: string; adminToken: string };

/** A real seller, approved by the real admin, through the public API. */
export async function setUpSeller(client: Api): Promise<SellerSetup> {
  const admin = expect(await client.call<{ accessToken: string }>("POST", "/api/auth/login", { body: ADMIN }), 200, "admin login");
  const email = `seller-${randomUUID()}@e2e.test`;
  const seller = expect(
    await client.call<{ userId: string; accessToken: string }>("POST", "/api/auth/signup", { body: { email, password: "seller-password-1", displayName: "E2E Seller" } }),
    201,
    "seller signup",
  );
  const applied = expect(
    await client.call<{ sellerId: string }>("POST", "/api/sellers", { token: seller.accessToken, body: { businessName: "E2E Prints", contactEmail: email } }),
    201,
    "seller apply",
  );
  expect(await client.call("POST", `/api/admin/sellers/${applied.sellerId}/approve`, { token: admin.accessToken }), 200, "approve");
  return { sellerToken: seller.accessToken, adminToken: admin.accessToken };
}

/** A product of the seller; with `stock`, on sale for carts at once. */
export async function createProduct(client: Api, seller: SellerSetup, product: { priceCents?: number; stock?: number } = {}): Promise<string> {
  const created = expect(
    await client.call<{ productId: string }>("POST", "/api/products", {
      token: seller.sellerToken,
      body: {
        name: `E2E print ${randomUUID().slice(0, 8)}`,
        description: "numbered edition",
        priceCents: product.priceCents ?? 2500,
        ...(product.stock !== undefined ? { stock: product.stock } : {}),
      },
    }),
    201,
    "product",
  );
  return created.productId;
}

/** A real seller, approved by the real admin, with a product and a drop, all through the public API. */
export async function setUpDrop(client: Api, drop: { units: number; perBuyerLimit: number; holdSeconds: number; startsInMs: number; priceCents?: number }): Promise<DropSetup> {
  const seller = await setUpSeller(client);
  const productId = await createProduct(client, seller, { ...(drop.priceCents !== undefined ? { priceCents: drop.priceCents } : {}) });
  const startsAt = new Date(Date.now() + drop.startsInMs).toISOString();
  const created = expect(
    await client.call<{ dropId: string }>("POST", "/api/drops", {
      token: seller.sellerToken,
      body: { productId, startsAt, units: drop.units, perBuyerLimit: drop.perBuyerLimit, holdSeconds: drop.holdSeconds },
    }),
    201,
    "drop",
  );
  return { dropId: created.dropId, startsAt, ...seller, productId };
}

export type PurchaseReply = Reply<{ orderId?: string; status?: string; holdExpiresAt?: string; code?: string }>;

export async function purchase(client: Api, dropId: string, buyer: { token: string }, opts: { key?: string; quantity?: number; paymentMethod?: string } = {}): Promise<PurchaseReply> {
  return client.call("POST", `/api/drops/${dropId}/purchases`, {
    token: buyer.token,
    headers: { "idempotency-key": opts.key ?? randomUUID() },
    body: { quantity: opts.quantity ?? 1, paymentMethod: opts.paymentMethod ?? "pm_card_ok" },
  });
}

/** Puts `quantity` of a product in the buyer's cart (PUT /api/cart/lines/:productId). */
export async function setCartLine(client: Api, buyer: { token: string }, productId: string, quantity: number): Promise<Reply> {
  return client.call("PUT", `/api/cart/lines/${productId}`, { token: buyer.token, body: { quantity } });
}

export type CheckoutReply = Reply<{ orderId?: string; status?: string; holdExpiresAt?: string; code?: string; productId?: string; available?: number }>;

/** POST /api/cart/checkout with a fresh Idempotency-Key unless one is given. */
export async function checkout(client: Api, buyer: { token: string }, opts: { key?: string; paymentMethod?: string } = {}): Promise<CheckoutReply> {
  return client.call("POST", "/api/cart/checkout", {
    token: buyer.token,
    headers: { "idempotency-key": opts.key ?? randomUUID() },
    body: { paymentMethod: opts.paymentMethod ?? "pm_card_ok" },
  });
}

/** A product's live available units as the public API shows them. */
export async function availableOf(client: Api, productId: string): Promise<number> {
  const r = await client.call<{ stock?: { available: number } }>("GET", `/api/products/${productId}`);
  if (r.status !== 200 || r.body.stock === undefined) throw new Error(`GET /api/products/${productId}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.stock.available;
}

export async function sleepUntil(iso: string, extraMs = 50): Promise<void> {
  const ms = Date.parse(iso) - Date.now() + extraMs;
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
