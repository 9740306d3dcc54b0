import t from "tap";
import { collectEvents, createTestTopics } from "@drops/kafka/testing";
import { pendingPurchaseKey } from "@drops/inventory-service/purchase";
import type { EventEnvelope } from "@drops/events";
import { checkoutEventId, checkoutOrderId } from "../../src/domain/checkout.ts";
import { cartStack, type CartStack } from "../helpers.ts";

type Held = { orderId: string; status: string; holdExpiresAt: string; lines: { productId: string; quantity: number; priceCents: number }[]; amountCents: number; currency: string };
type Refusal = { code: string; message: string; productId?: string; available?: number };

const held = async (s: CartStack, productId: string) => (await s.snapshot(productId))!;

t.test("checkout: every line held, CartCheckedOut on the topic, 201, the cart emptied; the same key replays", async (t) => {
  const s = await cartStack(t);
  const events = await collectEvents(t, s.kafka, s.topic);
  const [a, b, c] = [await s.product({ priceCents: 1000, stock: 5 }), await s.product({ priceCents: 250, stock: 5 }), await s.product({ priceCents: 99, stock: 5 })];
  const ann = s.buyer();
  await s.put(ann, a.productId, 2);
  await s.put(ann, b.productId, 1);
  await s.put(ann, c.productId, 3);

  const res = await s.checkout(ann, "key-1");
  t.equal(res.statusCode, 201, res.body);
  const answer = res.json<Held>();
  const orderId = checkoutOrderId(ann, "key-1");
  t.match(answer, { orderId, status: "held", amountCents: 2 * 1000 + 250 + 3 * 99, currency: "EUR" });
  t.same(answer.lines, [
    { productId: a.productId, quantity: 2, priceCents: 1000 },
    { productId: b.productId, quantity: 1, priceCents: 250 },
    { productId: c.productId, quantity: 3, priceCents: 99 },
  ]);
  t.ok(Date.parse(answer.holdExpiresAt) > Date.now() + 800_000, "held for the product hold time");
  for (const [p, q] of [[a, 2], [b, 1], [c, 3]] as const) t.match(await held(s, p.productId), { available: 5 - q, held: q, sold: 0 });

  const [event] = await events.waitFor(1);
  t.match(event, { type: "CartCheckedOut", eventId: checkoutEventId(orderId), correlationId: orderId });
  t.same((event as EventEnvelope<"CartCheckedOut">).payload, {
    orderId, buyerId: ann, amountCents: answer.amountCents, currency: "EUR", paymentMethod: "pm_card_ok", holdExpiresAt: Date.parse(answer.holdExpiresAt),
    lines: [{ productId: a.productId, quantity: 2, unitPriceCents: 1000 }, { productId: b.productId, quantity: 1, unitPriceCents: 250 }, { productId: c.productId, quantity: 3, unitPriceCents: 99 }],
  });
  t.same(JSON.parse((await s.redis.get(pendingPurchaseKey(s.stockPrefix, orderId)))!), ["", ann, 6, Date.parse(answer.holdExpiresAt), answer.lines], "the gateway's pending-order record");
  t.same((await s.call("GET", "/cart", { buyer: ann })).json(), { lines: [], totalCents: 0, expiresAt: null }, "the cart is emptied");

  const again = await s.checkout(ann, "key-1");
  t.same([again.statusCode, again.json()], [201, answer], "the same key: the same answer");
  const reused = await s.checkout(ann, "key-1", "pm_card_declined");
  t.same([reused.statusCode, reused.json<Refusal>().code], [422, "IDEMPOTENCY_KEY_REUSED"]);
  const empty = await s.checkout(ann, "key-2");
  t.same([empty.statusCode, empty.json<Refusal>().code], [409, "CART_EMPTY"], "a new key on the emptied cart");
  t.match(await held(s, a.productId), { available: 3, held: 2 }, "replays held nothing more");
});

t.test("LINE_UNAVAILABLE names the first line that cannot be held, and nothing stays held", async (t) => {
  const s = await cartStack(t);
  const events = await collectEvents(t, s.kafka, s.topic);
  const [a, b, c] = [await s.product({ stock: 5 }), await s.product({ stock: 1 }), await s.product({ stock: 5 })];
  const ann = s.buyer();
  await s.put(ann, a.productId, 2);
  await s.put(ann, b.productId, 2);
  await s.put(ann, c.productId, 1);
  const res = await s.checkout(ann, "k");
  t.same([res.statusCode, res.json()], [409, { code: "LINE_UNAVAILABLE", message: "a line of the cart could not be reserved; nothing was held", productId: b.productId, available: 1 }]);
  for (const [p, total] of [[a, 5], [b, 1], [c, 5]] as const) t.match(await held(s, p.productId), { available: total, held: 0, sold: 0 }, "every product's stock as it was");
  t.equal((await s.call("GET", "/cart", { buyer: ann })).json<{ lines: unknown[] }>().lines.length, 3, "the cart is kept");
  const again = await s.checkout(ann, "k");
  t.same([again.statusCode, again.json()], [res.statusCode, res.json()], "the same key: the same 409");

  const notForSale = await s.product({ stock: 0 });
  const bob = s.buyer();
  await s.put(bob, a.productId, 1);
  await s.put(bob, notForSale.productId, 1);
  const sold = await s.checkout(bob, "k");
  t.same([sold.statusCode, sold.json<Refusal>().productId, sold.json<Refusal>().available], [409, notForSale.productId, 0]);
  t.match(await held(s, a.productId), { available: 5, held: 0 }, "bob's first line released");

  await s.put(ann, b.productId, 1);
  t.equal((await s.checkout(ann, "k2")).statusCode, 201, "with a new key and what is there: held");
  await events.waitFor(1);
  t.equal(events.items.length, 1, "only the successful checkout was handed on");
});

t.test("a checkout of the same key in progress: 409 CHECKOUT_IN_PROGRESS", async (t) => {
  const s = await cartStack(t);
  const p = await s.product();
  const ann = s.buyer();
  await s.put(ann, p.productId, 1);
  const orderId = checkoutOrderId(ann, "busy");
  await s.redis.set(`${s.cartPrefix}checkout-lock:${orderId}`, "another attempt", "PX", 30_000);
  const res = await s.checkout(ann, "busy");
  t.same([res.statusCode, res.json<Refusal>().code], [409, "CHECKOUT_IN_PROGRESS"]);
  t.match(await held(s, p.productId), { held: 0 }, "nothing reserved");
  await s.redis.del(`${s.cartPrefix}checkout-lock:${orderId}`);
  t.equal((await s.checkout(ann, "busy")).statusCode, 201, "once it is over, the key works");
});

t.test("Kafka cannot take CartCheckedOut: 503, the lines stay held; the same key later hands it on once", async (t) => {
  const s = await cartStack(t, { PUBLISH_TIMEOUT_MS: "1000" }, { createTopic: false });
  const p = await s.product({ stock: 3 });
  const ann = s.buyer();
  await s.put(ann, p.productId, 2);
  const down = await s.checkout(ann, "k");
  t.same([down.statusCode, down.json<Refusal>().code], [503, "UNAVAILABLE"]);
  t.match(await held(s, p.productId), { available: 1, held: 2 }, "held: the event may yet land, and the saga would need the lines");
  t.equal((await s.call("GET", "/cart", { buyer: ann })).json<{ lines: unknown[] }>().lines.length, 1, "the cart is kept");

  await createTestTopics(t, s.kafka, [s.topic], { dlq: false });
  const events = await collectEvents(t, s.kafka, s.topic);
  const res = await s.checkout(ann, "k");
  t.equal(res.statusCode, 201, res.body);
  t.match(await held(s, p.productId), { available: 1, held: 2 }, "the retry re-used the holds (no second reserve)");
  const orderId = checkoutOrderId(ann, "k");
  await events.waitFor((items) => items.some((e) => e.eventId === checkoutEventId(orderId)));
  t.ok(events.items.every((e) => e.eventId === checkoutEventId(orderId)), "one event id, however often it was sent");
});

t.test("bad input: Idempotency-Key required and checked, paymentMethod required, buyers only", async (t) => {
  const s = await cartStack(t);
  const ann = s.buyer();
  const noKey = await s.call("POST", "/cart/checkout", { buyer: ann, body: { paymentMethod: "pm_card_ok" } });
  t.same([noKey.statusCode, noKey.json<Refusal>().code], [400, "VALIDATION_FAILED"]);
  t.equal((await s.checkout(ann, " padded ")).statusCode, 400);
  t.equal((await s.checkout(ann, "x".repeat(201))).statusCode, 400);
  t.equal((await s.call("POST", "/cart/checkout", { buyer: ann, headers: { "idempotency-key": "k" }, body: {} })).statusCode, 400);
  t.equal((await s.call("POST", "/cart/checkout", { buyer: ann, headers: { "idempotency-key": "k" }, body: { paymentMethod: "pm", amountCents: 1 } })).statusCode, 400, "no amount from the client");
  t.equal((await s.call("POST", "/cart/checkout", { buyer: ann, roles: "seller", headers: { "idempotency-key": "k" }, body: { paymentMethod: "pm" } })).statusCode, 403);
});
