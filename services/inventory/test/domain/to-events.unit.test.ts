import t from "tap";
import { parseStreamEntry, splitStreamId } from "../../src/domain/stream-entry.ts";
import { orderEvent, releaseReason, snapshotSeq, stockChanged, toEvents } from "../../src/domain/to-events.ts";
import { relayEventId, uuidV5 } from "../../src/domain/event-id.ts";

const fields = (o: Record<string, string | number>): string[] => Object.entries(o).flatMap(([k, v]) => [k, String(v)]);
const base = { v: 1, dropId: "d1", orderId: "o1", buyerId: "b1", qty: 2, available: 8, held: 2, sold: 0, at: 1_000 };

t.test("uuid v5 is deterministic and well-formed", async (t) => {
  // RFC 9562 test vector: DNS namespace, "www.example.com".
  t.equal(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  t.equal(relayEventId("d1", "1-0", "StockReserved"), relayEventId("d1", "1-0", "StockReserved"));
  t.not(relayEventId("d1", "1-0", "StockReserved"), relayEventId("d1", "1-0", "StockChanged"));
  t.not(relayEventId("d1", "1-0", "StockReserved"), relayEventId("d2", "1-0", "StockReserved"));
  t.match(relayEventId("d1", "1-0", "x"), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

t.test("entries map to saga events", async (t) => {
  const reserved = parseStreamEntry("1000-0", fields({ ...base, type: "reserved", expiresAtMs: 61_000, amountCents: 2500, currency: "EUR", paymentMethod: "pm_card_ok" }));
  const ev = orderEvent(reserved);
  t.equal(ev?.type, "StockReserved");
  t.match(ev?.payload, { orderId: "o1", dropId: "d1", buyerId: "b1", quantity: 2, holdExpiresAt: 61_000, amountCents: 2500, currency: "EUR", paymentMethod: "pm_card_ok" });
  t.equal(ev?.eventId, relayEventId("d1", "1000-0", "StockReserved"));
  t.equal(ev?.correlationId, "o1");
  t.equal(ev?.occurredAt, 1_000);
  const plain = orderEvent(parseStreamEntry("1000-1", fields({ ...base, type: "reserved", expiresAtMs: 61_000 })));
  t.match(plain?.payload, { amountCents: null, currency: null, paymentMethod: null });

  t.match(orderEvent(parseStreamEntry("2-0", fields({ ...base, type: "confirmed" }))), { type: "StockConfirmed", payload: { orderId: "o1", quantity: 2 } });
  const rel = (type: string, extra: Record<string, string> = {}) => parseStreamEntry("3-0", fields({ ...base, type, ...extra }));
  t.equal(releaseReason(rel("released")), "ORDER_CANCELLED");
  t.equal(releaseReason(rel("released", { reason: "PAYMENT_FAILED" })), "PAYMENT_FAILED");
  t.equal(releaseReason(rel("released", { reason: "whatever" })), "OTHER");
  t.equal(releaseReason(rel("expired")), "HOLD_EXPIRED");
  t.equal(releaseReason(rel("refunded")), "REFUNDED");
  t.match(orderEvent(rel("expired")), { type: "StockReleased", payload: { reason: "HOLD_EXPIRED", quantity: 2 } });
  t.equal(orderEvent(parseStreamEntry("4-0", fields({ ...base, orderId: "", type: "opened", status: "open" }))), null);
  t.throws(() => parseStreamEntry("5-0", fields({ ...base, type: "weird" })), { name: "StreamEntryError" });
  t.throws(() => parseStreamEntry("5-0", fields({ ...base, v: 2, type: "reserved" })), /unknown version/);
});

t.test("snapshots: one per batch, status and seq", async (t) => {
  const drop = { status: "open", startsAtMs: 500, kind: "drop" } as const;
  const e1 = parseStreamEntry("1000-0", fields({ ...base, type: "reserved", expiresAtMs: 9 }));
  const e2 = parseStreamEntry("1000-1", fields({ ...base, type: "reserved", available: 0, held: 10, expiresAtMs: 9 }));
  const events = toEvents([e1, e2], drop);
  t.same(events.map((e) => e.type), ["StockReserved", "StockReserved", "StockChanged"]);
  t.match(events[2]?.payload, { dropId: "d1", available: 0, held: 10, sold: 0, total: 10, status: "SOLD_OUT", seq: snapshotSeq("1000-1") });
  t.ok(snapshotSeq("1000-1") > snapshotSeq("1000-0") && snapshotSeq("1001-0") > snapshotSeq("1000-2047"));
  t.same(splitStreamId("12-3"), [12, 3]);
  t.match(stockChanged(e1, { status: "open", startsAtMs: 5_000, kind: "drop" }).payload, { status: "SCHEDULED" });
  t.match(stockChanged(e1, { status: "paused", startsAtMs: 0, kind: "drop" }).payload, { status: "PAUSED" });
  const closed = parseStreamEntry("1001-0", fields({ ...base, orderId: "", type: "status", status: "closed" }));
  t.match(toEvents([e1, closed], drop).at(-1)?.payload, { status: "CLOSED" });
});

t.test("toEvents by kind: a drop publishes every saga event, a product only its expiries", async (t) => {
  const entry = (id: string, type: string, extra: Record<string, string | number> = {}) => parseStreamEntry(id, fields({ ...base, dropId: "p1", type, ...extra }));
  const batch = [
    entry("10-0", "reserved", { expiresAtMs: 900_000 }),
    entry("10-1", "confirmed"),
    entry("10-2", "released", { reason: "PAYMENT_FAILED" }),
    entry("10-3", "expired"),
    entry("10-4", "refunded"),
    entry("10-5", "adjusted", { orderId: "", qty: 5, available: 13 }),
  ];
  const asDrop = toEvents(batch, { status: "open", startsAtMs: 0, kind: "drop" });
  t.same(asDrop.map((e) => e.type), ["StockReserved", "StockConfirmed", "StockReleased", "StockReleased", "StockReleased", "StockChanged"]);
  const asProduct = toEvents(batch, { status: "open", startsAtMs: 0, kind: "product" });
  t.same(asProduct.map((e) => e.type), ["StockReleased", "StockChanged"], "only the expiry on drops.inventory, and the snapshot");
  t.match(asProduct[0], {
    eventId: relayEventId("p1", "10-3", "StockReleased"),
    correlationId: "o1",
    payload: { orderId: "o1", dropId: "p1", quantity: 2, reason: "HOLD_EXPIRED" },
  });
  t.match(asProduct[1]?.payload, { dropId: "p1", available: 13, status: "OPEN", seq: snapshotSeq("10-5") });
  t.equal(orderEvent(batch[0]!, "product"), null);
  t.equal(orderEvent(batch[0]!)?.type, "StockReserved", "drop is the default kind");
});
