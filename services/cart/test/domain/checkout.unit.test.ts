import t from "tap";
import {
  amountOf, cartCheckedOut, checkoutEventId, checkoutFingerprint, checkoutLines, checkoutOrderId, heldAnswer, parseRecord, resumption, uuidV5,
  type CheckoutRecord,
} from "../../src/domain/checkout.ts";
import type { ProductInfo } from "../../src/domain/cart.ts";

const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";
const BUYER = "dddddddd-0000-4000-8000-000000000004";
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const record: CheckoutRecord = {
  fingerprint: checkoutFingerprint({ paymentMethod: "pm_card_ok" }), buyerId: BUYER, paymentMethod: "pm_card_ok", currency: "EUR",
  lines: [{ productId: A, quantity: 2, unitPriceCents: 2500 }, { productId: B, quantity: 1, unitPriceCents: 999 }],
};

t.test("ids: the order id is deterministic per buyer and key, a v5 UUID; the event id per order", async (t) => {
  const id = checkoutOrderId(BUYER, "key-1");
  t.match(id, UUID_V5);
  t.equal(checkoutOrderId(BUYER, "key-1"), id, "same buyer, same key: same order");
  t.not(checkoutOrderId(BUYER, "key-2"), id);
  t.not(checkoutOrderId(A, "key-1"), id, "another buyer's same key is another order");
  t.equal(checkoutEventId(id), checkoutEventId(id));
  t.not(checkoutEventId(id), id);
  t.equal(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "2ed6657d-e927-568b-95e1-2665a8aea6a2", "RFC 9562 test vector (DNS namespace)");
  t.throws(() => uuidV5("x", "nope"));
});

t.test("fingerprint: the body decides", async (t) => {
  t.equal(checkoutFingerprint({ paymentMethod: "pm_card_ok" }), record.fingerprint);
  t.not(checkoutFingerprint({ paymentMethod: "pm_card_declined" }), record.fingerprint);
  t.match(record.fingerprint, /^[A-Za-z0-9_-]{32}$/);
});

t.test("resumption: new, resume a pending attempt, replay an answer, refuse another body", async (t) => {
  t.same(resumption(null, record.fingerprint), { kind: "new" });
  t.same(resumption(record, record.fingerprint), { kind: "resume", record });
  const answered = { ...record, answer: { kind: "unavailable" as const, productId: A, available: 1 } };
  t.same(resumption(answered, record.fingerprint), { kind: "answered", answer: answered.answer });
  t.same(resumption(answered, "other"), { kind: "reused" });
  t.same(resumption(record, "other"), { kind: "reused" });
});

t.test("checkoutLines: the catalog's prices; a product gone is reported", async (t) => {
  const products = new Map<string, ProductInfo>([[A, { productId: A, name: "Tee", priceCents: 2500 }], [B, { productId: B, name: "Cap", priceCents: 999 }]]);
  const stored = [{ productId: A, quantity: 2, addedAtMs: 1 }, { productId: B, quantity: 1, addedAtMs: 2 }];
  t.same(checkoutLines(stored, products), { lines: record.lines, missing: null });
  t.same(checkoutLines(stored, new Map([[A, products.get(A)!]])), { lines: [], missing: B });
});

t.test("answers: the 201 body and the CartCheckedOut payload", async (t) => {
  const at = Date.UTC(2030, 0, 1, 12);
  t.equal(amountOf(record.lines), 5999);
  t.same(heldAnswer("o1", record, at), {
    orderId: "o1", status: "held", holdExpiresAt: "2030-01-01T12:00:00.000Z",
    lines: [{ productId: A, quantity: 2, priceCents: 2500 }, { productId: B, quantity: 1, priceCents: 999 }], amountCents: 5999, currency: "EUR",
  });
  t.same(cartCheckedOut("o1", record, at), { orderId: "o1", buyerId: BUYER, lines: record.lines, amountCents: 5999, currency: "EUR", paymentMethod: "pm_card_ok", holdExpiresAt: at });
});

t.test("parseRecord: round trip; anything else is null", async (t) => {
  t.same(parseRecord(JSON.stringify(record)), record);
  t.equal(parseRecord(null), null);
  t.equal(parseRecord("{"), null);
  t.equal(parseRecord("42"), null);
  t.equal(parseRecord(JSON.stringify({ ...record, lines: "x" })), null);
});
