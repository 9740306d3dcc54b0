/** A drop in the catalog (through the gateway) and its stock loaded into Redis under the test's key prefix. */
import { randomUUID } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { createStockStore, type StockStore } from "@drops/inventory-service/stock";
import { createTokenSigner } from "../../src/domain/jwt.ts";
import { DEV_JWT_SECRET } from "../../src/config.ts";
import { inSeconds, testStack, type Stack } from "../helpers.ts";
import type { GatewayOptions } from "../../src/app.ts";

type Teardown = { teardown: (fn: () => unknown) => void };

/** `startsIn`: seconds to the catalog's start (default 60; Redis opens it at `startsAtMs`, default a second ago). */
export type DropSpec = { startsIn?: number; units: number; perBuyerLimit?: number; holdMs?: number; startsAtMs?: number; priceCents?: number; load?: boolean };

export type PurchaseStack = Stack & {
  /** The inventory's whole stock store (the test plays the inventory: opens drops, releases holds). */
  store: StockStore;
  /** A drop in the catalog, loaded into Redis (open since a second ago unless said otherwise). */
  drop(spec: DropSpec): Promise<string>;
  /** A buyer token for a fresh (or given) user id, signed like the gateway's. */
  buyer(userId?: string): { userId: string; token: string };
  purchase(dropId: string, token: string, opts?: { key?: string | null; quantity?: number; paymentMethod?: string }): Promise<LightMyRequestResponse>;
};

const signer = createTokenSigner(DEV_JWT_SECRET, 3600, Date.now);

export async function purchaseStack(t: Teardown, env: Record<string, string> = {}, opts: GatewayOptions = {}): Promise<PurchaseStack> {
  const s = await testStack(t, opts, env);
  const store = createStockStore(s.redis, { prefix: s.prefix });
  const seller = await s.seller();
  const drop: PurchaseStack["drop"] = async (spec) => {
    const productId = (await s.call("POST", "/api/products", { token: seller.accessToken, body: { name: "Print", description: "signed", priceCents: spec.priceCents ?? 2500 } })).json().productId as string;
    const res = await s.call("POST", "/api/drops", { token: seller.accessToken, body: { productId, startsAt: inSeconds(spec.startsIn ?? 60), units: spec.units, perBuyerLimit: spec.perBuyerLimit ?? 1, holdSeconds: 60 } });
    if (res.statusCode !== 201) throw new Error(`drop: ${res.body}`);
    const dropId = res.json().dropId as string;
    if (spec.load !== false) {
      await store.openDrop({ dropId, total: spec.units, startsAtMs: spec.startsAtMs ?? Date.now() - 1000, perBuyerLimit: spec.perBuyerLimit ?? 1, holdMs: spec.holdMs ?? 60_000 });
    }
    return dropId;
  };
  const buyer: PurchaseStack["buyer"] = (userId = randomUUID()) => ({ userId, token: signer.sign({ userId, roles: ["buyer"] }) });
  const purchase: PurchaseStack["purchase"] = (dropId, token, o = {}) =>
    s.call("POST", `/api/drops/${dropId}/purchases`, {
      token,
      headers: o.key === null ? {} : { "idempotency-key": o.key ?? randomUUID() },
      body: { quantity: o.quantity ?? 1, paymentMethod: o.paymentMethod ?? "pm_card_ok" },
    });
  return { ...s, store, drop, buyer, purchase };
}
