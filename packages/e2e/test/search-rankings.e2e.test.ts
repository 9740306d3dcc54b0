/**
 * Search and rankings through the public gateway on the whole platform (every service a process,
 * real Kafka, Redis and PostgreSQL): multi-word keyword search with pages, order and totals; the
 * catalog's stock figures follow the inventory's StockChanged events (a sold-out drop leaves
 * ?status=open, sort=available is live); price filters; rankings by units sold after confirmed
 * purchases, drops and cart orders alike, a declined payment not counted.
 */
import { randomUUID } from "node:crypto";
import t from "tap";
import { eventually } from "@drops/testing";
import { api, checkout, mintBuyer, purchase, setCartLine, setUpSeller, sleepUntil, startStack } from "../src/index.ts";
import type { Api, SellerSetup, Stack } from "../src/index.ts";

type Drop = { dropId: string; name: string; status: string; available: number; priceCents: number; startsAt: string };
type List<T> = { items: T[]; total: number };
type Ranking = { items: { dropId?: string; productId?: string; name: string; score: number }[] };

let stack: Stack;
let client: Api;
let seller: SellerSetup;
/** A word only this run's products carry, so every search here sees this run's drops only. */
const tag = `zq${randomUUID().slice(0, 8)}`;

t.before(async () => {
  stack = await startStack();
  client = api(stack.gatewayUrl);
  seller = await setUpSeller(client);
});

t.teardown(async () => {
  await stack?.stop();
});

async function ok<T>(method: string, path: string, body?: unknown, token = seller.sellerToken): Promise<T> {
  const r = await client.call<T>(method, path, { token, ...(body !== undefined ? { body } : {}) });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function product(name: string, description: string, priceCents: number, stock?: number): Promise<string> {
  return (await ok<{ productId: string }>("POST", "/api/products", { name, description, priceCents, ...(stock !== undefined ? { stock } : {}) })).productId;
}

async function drop(productId: string, startsAt: string, units: number, perBuyerLimit = 5): Promise<string> {
  return (await ok<{ dropId: string }>("POST", "/api/drops", { productId, startsAt, units, perBuyerLimit, holdSeconds: 60 })).dropId;
}

async function search<T = Drop>(path: string): Promise<List<T>> {
  const r = await client.call<List<T>>("GET", path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const ids = (l: List<Drop>) => l.items.map((d) => d.dropId);

async function confirmed(buyer: { token: string }, orderId: string): Promise<void> {
  await eventually(async () => {
    const r = await client.call<{ status: string }>("GET", `/api/orders/${orderId}`, { token: buyer.token });
    return r.status === 200 && r.body.status === "confirmed";
  }, 30_000, 100);
}

t.test("multi-word search: every word in name or description, the right page, order and total", async (t) => {
  const words = `${tag}-kw`;
  const lamp = (n: number, description: string, startIn: number) => product(`Aurora ${words} lamp ${n}`, description, 1_000 * n).then((p) => drop(p, at(startIn), 10));
  const d1 = await lamp(1, "Brass, hand made", 3_600_000);
  const d2 = await lamp(2, "Opal glass shade", 3_000_000);
  const d3 = await lamp(3, "brass and OPAL", 3_300_000);
  const d4 = await lamp(4, "Walnut", 3_900_000);
  await product(`Aurora ${words} lamp 5`, "brass, never dropped", 500); // a product, no drop

  const all = await search(`/api/drops?q=${words}+LAMP&sort=startsAt`);
  t.same([ids(all), all.total], [[d2, d3, d1, d4], 4], "both words, any case; soonest first");
  const brass = await search(`/api/drops?q=${encodeURIComponent(`brass ${words.toUpperCase()} aurora`)}`);
  t.same([ids(brass), brass.total], [[d3, d1], 2], "three words, one of them only in the description");
  const page2 = await search(`/api/drops?q=${words}+lamp&sort=-startsAt&pageSize=3&page=2`);
  t.same([ids(page2), page2.total], [[d2], 4], "second page of three, latest first; the total counts every match");
  const none = await search(`/api/drops?q=${words}+velvet`);
  t.same(none, { items: [], total: 0 }, "a word nothing has: nothing");

  const products = await search<{ productId: string; name: string; priceCents: number }>(`/api/products?q=${words}+brass&sort=price`);
  t.same([products.items.map((p) => p.priceCents), products.total], [[500, 1_000, 3_000], 3], "the same search for products, cheapest first");
  const bad = await client.call<{ code: string; message: string }>("GET", "/api/drops?sort=name");
  t.same([bad.status, bad.body.code], [400, "VALIDATION_FAILED"], `an unknown sort: ${bad.body.message}`);
});

t.test("price filters on drops and products", async (t) => {
  const words = `${tag}-price`;
  const made = [];
  for (const cents of [500, 1_500, 2_500, 3_500]) made.push(await drop(await product(`Print ${words}`, `${cents} cents`, cents), at(3_600_000 + cents), 5));
  t.same(ids(await search(`/api/drops?q=${words}&minPriceCents=1500&maxPriceCents=2500&sort=price`)), [made[1], made[2]], "both bounds inclusive");
  t.same(ids(await search(`/api/drops?q=${words}&minPriceCents=2600&sort=-price`)), [made[3]]);
  t.same(ids(await search(`/api/drops?q=${words}&maxPriceCents=499`)), []);
  t.same((await search(`/api/products?q=${words}&maxPriceCents=1500&sort=-price`)).items.map((p) => (p as unknown as { priceCents: number }).priceCents), [1_500, 500]);
  const upsideDown = await client.call<{ code: string; message: string }>("GET", `/api/products?q=${words}&minPriceCents=10&maxPriceCents=9`);
  t.same([upsideDown.status, upsideDown.body.code], [400, "VALIDATION_FAILED"], upsideDown.body.message);
});

t.test("stock follows the inventory: a sold-out drop leaves ?status=open, sort=available is live; rankings after confirmed purchases", async (t) => {
  const words = `${tag}-live`;
  const startsAt = at(2_500);
  const small = await product(`Vinyl ${words} small`, "two units", 2_000);
  const big = await product(`Vinyl ${words} big`, "ten units", 2_000);
  const mid = await product(`Vinyl ${words} mid`, "five units", 2_000);
  const sticker = await product(`Sticker ${words}`, "cart stock", 300, 20);
  const dSmall = await drop(small, startsAt, 2);
  const dBig = await drop(big, startsAt, 10);
  const dMid = await drop(mid, startsAt, 5);
  await sleepUntil(startsAt);

  const open = () => search(`/api/drops?q=${words}&status=open&sort=available`);
  t.same(ids(await open()), [dBig, dMid, dSmall], "all open, most units first");

  // Buy: small sold out (2), big 3, mid 1, and a declined payment in mid that must not count.
  const buys: [string, number, string][] = [[dSmall, 2, "pm_card_ok"], [dBig, 3, "pm_card_ok"], [dMid, 1, "pm_card_ok"], [dMid, 1, "pm_card_declined"]];
  const waits: Promise<void>[] = [];
  for (const [dropId, quantity, paymentMethod] of buys) {
    const buyer = mintBuyer();
    const r = await purchase(client, dropId, buyer, { quantity, paymentMethod });
    t.equal(r.status, 201, `${quantity} of ${dropId}: ${JSON.stringify(r.body)}`);
    if (paymentMethod === "pm_card_ok") waits.push(confirmed(buyer, r.body.orderId!));
  }
  // And a cart order of 4 stickers.
  const carter = mintBuyer();
  t.equal((await setCartLine(client, carter, sticker, 4)).status, 200);
  const co = await checkout(client, carter);
  t.equal(co.status, 201, JSON.stringify(co.body));
  waits.push(confirmed(carter, co.body.orderId!));
  await Promise.all(waits);

  // The catalog hears the inventory's StockChanged (no fixed sleep: wait for the figures to arrive).
  const settled = await eventually(async () => {
    const l = await search(`/api/drops?q=${words}&sort=available`);
    const byId = new Map(l.items.map((d) => [d.dropId, d]));
    return byId.get(dSmall)?.available === 0 && byId.get(dBig)?.available === 7 && byId.get(dMid)?.available === 4 ? l : undefined;
  }, 30_000, 200);
  t.same(ids(settled), [dBig, dMid, dSmall], "sort=available on the live figures: 7, 4, 0");
  await eventually(async () => !ids(await open()).includes(dSmall), 30_000, 200);
  t.same(ids(await open()), [dBig, dMid], "the sold-out drop is no longer listed as open");
  t.same(ids(await search(`/api/drops?q=${words}&status=sold_out`)), [dSmall], "it is listed as sold out");
  t.equal((await search<{ productId: string; stock: { available: number } }>(`/api/products?q=sticker+${words}`)).items[0]?.stock.available, 16, "a product's cart stock too");

  // Rankings: units sold, most first (this stack's rankings: only this run's sales).
  const drops = await eventually(async () => {
    const r = await ok<Ranking>("GET", "/api/rankings/drops?limit=10");
    return r.items.length === 3 ? r : undefined;
  }, 30_000, 200);
  t.same(drops.items.map((i) => [i.dropId, i.score]), [[dBig, 3], [dSmall, 2], [dMid, 1]], "drops by confirmed units; the declined payment is not a sale");
  t.equal(drops.items[0]?.name, `Vinyl ${words} big`, "with the catalog's name");
  const products = await eventually(async () => {
    const r = await ok<Ranking>("GET", "/api/rankings/products");
    return r.items.length === 4 ? r : undefined;
  }, 30_000, 200);
  t.same(products.items.map((i) => [i.productId, i.score]), [[sticker, 4], [big, 3], [small, 2], [mid, 1]], "products: cart orders' lines count for their products");
  t.same((await ok<Ranking>("GET", "/api/rankings/drops?limit=1")).items.map((i) => i.dropId), [dBig], "limit");
  const badLimit = await client.call<{ code: string }>("GET", "/api/rankings/products?limit=0");
  t.same([badLimit.status, badLimit.body.code], [400, "VALIDATION_FAILED"]);
});
