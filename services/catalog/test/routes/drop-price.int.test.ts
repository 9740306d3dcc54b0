import t from "tap";
import { inSeconds, testCatalog } from "../helpers.ts";

t.test("a drop's price is fixed when it is scheduled: a product price change mid-drop is not the drop's", async (t) => {
  const c = await testCatalog(t);
  const s = await c.seller();
  const productId = await c.product(s, { priceCents: 1_000 });
  const created = await c.call("POST", "/drops", { who: s, body: { productId, startsAt: new Date().toISOString(), units: 5, perBuyerLimit: 1, holdSeconds: 60 } });
  t.equal(created.statusCode, 201, created.body);
  const { dropId } = created.json<{ dropId: string }>();
  t.equal(c.scheduled[0]?.priceCents, 1_000);

  const patched = await c.call("PATCH", `/products/${productId}`, { who: s, body: { priceCents: 99_999_999 } });
  t.equal(patched.statusCode, 200, patched.body);
  t.equal(patched.json().priceCents, 99_999_999, "the product's own price changes");
  const drop = (await c.call("GET", `/drops/${dropId}`)).json();
  t.equal(drop.status, "open");
  t.equal(drop.priceCents, 1_000, "the open drop keeps its price");
  t.equal((await c.call("GET", `/drops?productId=${productId}`)).json().items[0].priceCents, 1_000, "in search too");

  const later = await c.call("POST", "/drops", { who: s, body: { productId, startsAt: inSeconds(60), units: 5, perBuyerLimit: 1, holdSeconds: 60 } });
  t.equal(later.json().priceCents, 99_999_999, "a drop scheduled after the change takes the new price");
});
