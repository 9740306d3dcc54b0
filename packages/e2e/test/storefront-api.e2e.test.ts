/**
 * What the storefront shows beyond the purchase, through the gateway on the whole platform: the
 * product's pictures on a drop, on the drop and product searches; what an order bought, by name
 * (a drop order's product, each line of a cart order); whether a buyer watches a drop.
 */
import { eventually } from "@drops/testing";
import t from "tap";
import { api, checkout, createProduct, mintBuyer, purchase, setCartLine, setUpDrop, setUpSeller, sleepUntil, startStack, type Api, type Stack } from "../src/index.ts";

let stack: Stack;
let client: Api;

t.before(async () => {
  stack = await startStack();
  client = api(stack.gatewayUrl);
});
t.teardown(() => stack?.stop());

/** A 1x1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==", "base64");

async function upload(productId: string, token: string, bytes: Buffer): Promise<{ imageId: string; url: string }> {
  const form = new FormData();
  form.append("file", new Blob([bytes], { type: "image/png" }), "picture.png");
  const res = await fetch(`${stack.gatewayUrl}/api/products/${productId}/images`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return (await res.json()) as { imageId: string; url: string };
}

type Pictured = { images: { imageId: string; url: string }[]; imageUrl: string | null };
type NameOf = (id: string) => Promise<string>;

t.test("pictures: a drop, the drop search and the product search carry the product's images; none: [] and null", async (t) => {
  const drop = await setUpDrop(client, { units: 5, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 60_000 });
  const first = await upload(drop.productId, drop.sellerToken, PNG);
  const second = await upload(drop.productId, drop.sellerToken, Buffer.concat([PNG, Buffer.from([0])])); // other bytes: a second image

  const one = await client.call<Pictured & { dropId: string }>("GET", `/api/drops/${drop.dropId}`);
  t.equal(one.status, 200);
  t.same(one.body.images, [first, second].map(({ imageId, url }) => ({ imageId, url })), "the drop: its product's images, oldest first");
  t.equal(one.body.imageUrl, first.url, "imageUrl: the first one");
  t.match(first.url, /^\/api\/images\//);
  t.equal((await fetch(`${stack.gatewayUrl}${first.url}`)).headers.get("content-type"), "image/png", "and it is served");

  const found = await client.call<{ items: (Pictured & { dropId: string })[]; total: number }>("GET", `/api/drops?productId=${drop.productId}`);
  t.equal(found.status, 200);
  t.equal(found.body.items[0]?.dropId, drop.dropId);
  t.same(found.body.items[0]?.images.map((i) => i.imageId), [first.imageId, second.imageId], "the drop search");
  t.equal(found.body.items[0]?.imageUrl, first.url);

  const name = (await client.call<{ name: string }>("GET", `/api/products/${drop.productId}`)).body.name;
  const products = await client.call<{ items: (Pictured & { productId: string })[] }>("GET", `/api/products?q=${encodeURIComponent(name)}`);
  t.equal(products.status, 200);
  t.same(products.body.items.map((p) => [p.productId, p.imageUrl, p.images.length]), [[drop.productId, first.url, 2]], "the product search");

  const seller = await setUpSeller(client);
  const bare = await createProduct(client, seller);
  const bareName = (await client.call<{ name: string }>("GET", `/api/products/${bare}`)).body.name;
  const none = await client.call<{ items: (Pictured & { productId: string })[] }>("GET", `/api/products?q=${encodeURIComponent(bareName)}`);
  t.same(none.body.items.map((p) => [p.productId, p.images, p.imageUrl]), [[bare, [], null]], "no image: [] and null");
  const product = await client.call<Pictured>("GET", `/api/products/${bare}`);
  t.same([product.body.images, product.body.imageUrl], [[], null], "the product itself too");
});

t.test("order names: a drop order carries its product's name and picture, a cart order each line's name; one order and the list", async (t) => {
  const productName: NameOf = async (id) => (await client.call<{ name: string }>("GET", `/api/products/${id}`)).body.name;
  const drop = await setUpDrop(client, { units: 5, perBuyerLimit: 2, holdSeconds: 60, startsInMs: 1_500 });
  const picture = await upload(drop.productId, drop.sellerToken, PNG);
  const seller = await setUpSeller(client);
  const [a, b] = [await createProduct(client, seller, { stock: 5 }), await createProduct(client, seller, { stock: 5 })];
  const buyer = mintBuyer();

  await sleepUntil(drop.startsAt);
  const bought = await purchase(client, drop.dropId, buyer, { quantity: 1 });
  t.equal(bought.status, 201, "a drop order");
  await setCartLine(client, buyer, a, 1);
  await setCartLine(client, buyer, b, 2);
  const cart = await checkout(client, buyer);
  t.equal(cart.status, 201, "a cart order");

  type NamedOrder = { orderId: string; dropId: string | null; name: string | null; imageUrl: string | null; lines?: { productId: string; name: string | null; quantity: number }[] };
  // Each order is created by its saga after the 201 (a drop's from StockReserved, a cart's from
  // CartCheckedOut): the list shows it once it exists.
  const listed = () => client.call<{ items: NamedOrder[]; total: number }>("GET", "/api/orders", { token: buyer.token });
  await eventually(async () => (await listed()).body.items?.length === 2, 30_000).catch(() => undefined);
  const list = await listed();
  t.equal(list.status, 200);
  t.equal(list.body.total, 2);
  const dropOrder = list.body.items.find((o) => o.orderId === bought.body.orderId);
  const cartOrder = list.body.items.find((o) => o.orderId === cart.body.orderId);
  t.equal(dropOrder?.name, await productName(drop.productId), "the drop order: the drop's product name");
  t.equal(dropOrder?.imageUrl, picture.url, "and its picture");
  t.equal(cartOrder?.name, null, "a cart order: no single name");
  t.same(
    [...(cartOrder?.lines ?? [])].sort((x, y) => x.quantity - y.quantity).map((l) => [l.productId, l.name]),
    [[a, await productName(a)], [b, await productName(b)]],
    "each line named",
  );
  t.equal(cartOrder?.imageUrl, null, "no picture when the first line's product has none");

  const one = await client.call<NamedOrder>("GET", `/api/orders/${bought.body.orderId}`, { token: buyer.token });
  t.equal(one.status, 200);
  t.equal(one.body.name, dropOrder?.name, "one order: named too");
  const other = await client.call("GET", `/api/orders/${bought.body.orderId}`, { token: mintBuyer().token });
  t.equal(other.status, 404, "another buyer's order stays hidden");
});

t.test("watching: GET /api/drops/:dropId/watch says whether this buyer watches, through watch and unwatch; hostile paths are 4xx", async (t) => {
  const drop = await setUpDrop(client, { units: 3, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 120_000 });
  const buyer = mintBuyer();
  const rival = mintBuyer();
  const state = async (who: { token: string }) => client.call<{ dropId: string; watching: boolean; code?: string }>("GET", `/api/drops/${drop.dropId}/watch`, { token: who.token });

  t.same((await state(buyer)).body, { dropId: drop.dropId, watching: false }, "not watching at first");
  t.equal((await client.call("POST", `/api/drops/${drop.dropId}/watch`, { token: buyer.token })).status, 200, "watch");
  t.same((await state(buyer)).body, { dropId: drop.dropId, watching: true }, "watching");
  t.same((await state(rival)).body, { dropId: drop.dropId, watching: false }, "another buyer's watch is not mine");
  t.equal((await client.call("POST", `/api/drops/${drop.dropId}/watch`, { token: buyer.token })).status, 200, "watch again");
  t.equal((await state(buyer)).body.watching, true, "still watching");
  t.equal((await client.call("DELETE", `/api/drops/${drop.dropId}/watch`, { token: buyer.token })).status, 204, "unwatch");
  t.equal((await state(buyer)).body.watching, false, "no longer watching");

  const noToken = await client.call<{ code: string }>("GET", `/api/drops/${drop.dropId}/watch`);
  t.equal(noToken.status, 401);
  t.type(noToken.body.code, "string");
  const forged = await client.call<{ code: string }>("GET", `/api/drops/${drop.dropId}/watch`, { token: `${buyer.token.slice(0, -4)}AAAA` });
  t.equal(forged.status, 401, "a forged token");
  const unknown = await client.call<{ code: string }>("GET", `/api/drops/00000000-0000-4000-8000-000000000000/watch`, { token: buyer.token });
  t.same([unknown.status, unknown.body.code], [404, "DROP_NOT_FOUND"]);
  const bad = await client.call<{ code: string }>("GET", "/api/drops/not-a-uuid/watch", { token: buyer.token });
  t.equal(bad.status, 400);
  t.type(bad.body.code, "string");
});
