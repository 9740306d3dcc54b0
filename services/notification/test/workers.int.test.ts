import { randomUUID } from "node:crypto";
import t from "tap";
import { testEnvelope } from "@drops/kafka/testing";
import { eventually } from "@drops/testing";
import { countFor, ids, startNotifyEnv } from "./helpers.ts";
import type { NotifyEnv } from "./helpers.ts";
import { asUser, asService } from "@drops/http/testing";

type Page = { items: { id: string; kind: string; orderId: string | null; dropId: string | null; readAt: string | null }[]; total: number };

const list = async (env: NotifyEnv, buyerId: string, query = ""): Promise<Page> => {
  const res = await env.app.inject({ url: `/notifications${query}`, headers: asUser("notification", buyerId) });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json<Page>();
};

t.test("notifications from order events on the real topics", async (t) => {
  const env = await startNotifyEnv(t, { LIVE_PUSH: "memory" });

  t.test("OrderConfirmed delivered twice -> stored once", async (t) => {
    const { orderId, buyerId, dropId } = ids();
    const event = testEnvelope("OrderConfirmed", { orderId, dropId, buyerId, quantity: 1, amountCents: 2500, paymentId: `pay_${orderId}` });
    await env.publish(event);
    await eventually(async () => (await countFor(env, buyerId)) === 1);
    const handled = env.handledAtLeast(1);
    await env.publish(event); // same event id: a redelivery
    await handled;
    t.equal(await countFor(env, buyerId), 1, "the redelivery stored nothing");
    const page = await list(env, buyerId);
    t.equal(page.total, 1);
    t.match(page.items[0], { kind: "order_confirmed", orderId, dropId, readAt: null });
  });

  t.test("OrderCancelled: kind by reason, newest first, each once", async (t) => {
    const { buyerId, dropId } = ids();
    const reasons = [
      ["PAYMENT_FAILED", "order_cancelled"],
      ["HOLD_EXPIRED", "order_expired"],
      ["REFUNDED", "order_refunded"],
    ] as const;
    const orderIds: string[] = [];
    const handled = env.handledAtLeast(2 * reasons.length);
    for (const [reason] of reasons) {
      const { orderId } = ids();
      orderIds.push(orderId);
      const event = testEnvelope("OrderCancelled", { orderId, dropId, buyerId, quantity: 1, reason, detail: null });
      await env.publish(event);
      await env.publish(event);
      const expected = orderIds.length;
      await eventually(async () => (await countFor(env, buyerId)) === expected);
    }
    await handled;
    const page = await list(env, buyerId);
    t.equal(page.total, 3);
    t.same(page.items.map((n) => n.orderId), [...orderIds].reverse(), "newest first");
    t.same(page.items.map((n) => n.kind), reasons.map(([, kind]) => kind).reverse());

    const paged = await list(env, buyerId, "?page=2&pageSize=2");
    t.equal(paged.total, 3);
    t.same(paged.items.map((n) => n.orderId), [orderIds[0]], "page 2 holds the oldest");
  });

  t.test("a cart order's OrderConfirmed and OrderCancelled (dropId \"\") are stored and pushed, with dropId null", async (t) => {
    const { orderId, buyerId } = ids();
    const pushed: unknown[] = [];
    t.teardown(env.clients.hub.subscribe(buyerId, (n) => pushed.push(n)));
    await env.publish(testEnvelope("OrderConfirmed", { orderId, dropId: "", buyerId, quantity: 6, amountCents: 6000, paymentId: `pay_${orderId}` }));
    await env.publish(testEnvelope("OrderCancelled", { orderId, dropId: "", buyerId, quantity: 6, reason: "REFUNDED", detail: "cancelled by the buyer" }));
    await eventually(async () => (await countFor(env, buyerId)) === 2);
    const page = await list(env, buyerId);
    t.same(page.items.map((n) => [n.kind, n.orderId, n.dropId]).sort(), [["order_confirmed", orderId, null], ["order_refunded", orderId, null]]);
    await eventually(() => pushed.length === 2);
    t.match(pushed, [{ orderId, dropId: null }, { orderId, dropId: null }]);
  });

  t.test("another buyer sees none of them and cannot mark them read", async (t) => {
    const { orderId, buyerId, dropId } = ids();
    await env.publish(testEnvelope("OrderConfirmed", { orderId, dropId, buyerId, quantity: 1, amountCents: 100, paymentId: `pay_${orderId}` }));
    await eventually(async () => (await countFor(env, buyerId)) === 1);
    const [mine] = (await list(env, buyerId)).items;
    t.ok(mine);
    const other = randomUUID();
    t.same(await list(env, other), { items: [], total: 0 });
    const steal = await env.app.inject({ method: "POST", url: `/notifications/${mine?.id}/read`, headers: asUser("notification", other) });
    t.equal(steal.statusCode, 404);
    t.equal(steal.json().code, "NOTIFICATION_NOT_FOUND");

    const read = await env.app.inject({ method: "POST", url: `/notifications/${mine?.id}/read`, headers: asUser("notification", buyerId) });
    t.equal(read.statusCode, 200, read.body);
    const readAt = read.json().readAt as string;
    t.ok(readAt);
    const again = await env.app.inject({ method: "POST", url: `/notifications/${mine?.id}/read`, headers: asUser("notification", buyerId) });
    t.equal(again.json().readAt, readAt, "marking read twice keeps the first time");
    t.equal((await list(env, buyerId, "?unread=true")).total, 0);
  });

  t.test("StockChanged 0 -> >0 -> back in stock for the drop's watchers, once per watch", async (t) => {
    const { dropId, buyerId: watcher } = ids();
    const { buyerId: stranger } = ids();
    const put = await env.app.inject({ method: "PUT", url: `/internal/drops/${dropId}/watchers/${watcher}`, headers: asService("notification"), payload: {} });
    t.equal(put.statusCode, 200, put.body);
    t.same(put.json(), { dropId, buyerId: watcher, watching: true, startsAt: null });
    const snap = (available: number, status: "OPEN" | "SOLD_OUT", seq: number) =>
      testEnvelope("StockChanged", { dropId, available, held: 0, sold: 10 - available, total: 10, status, seq });

    // on sale, units dropping: nothing; sold out; a unit back (delivered twice): one notice
    let handled = env.handledAtLeast(2);
    await env.publish(snap(3, "OPEN", 1));
    await env.publish(snap(1, "OPEN", 2));
    await handled;
    t.equal(await countFor(env, watcher), 0, "units never gone: no notice");
    const back = snap(1, "OPEN", 4);
    await env.publish(snap(0, "SOLD_OUT", 3));
    await env.publish(back);
    await env.publish(back);
    await eventually(async () => (await countFor(env, watcher)) === 1);
    const [notice] = (await list(env, watcher)).items;
    t.match(notice, { kind: "back_in_stock", dropId, orderId: null });
    t.equal(await countFor(env, stranger), 0);

    // sold out and back again while the watch is spent: nothing; re-armed: notified again
    handled = env.handledAtLeast(3);
    await env.publish(snap(0, "SOLD_OUT", 5));
    await env.publish(snap(2, "OPEN", 6));
    await env.publish(back); // stale
    await handled;
    t.equal(await countFor(env, watcher), 1, "a spent watch is not notified again");
    await env.app.inject({ method: "PUT", url: `/internal/drops/${dropId}/watchers/${watcher}`, headers: asService("notification"), payload: {} });
    await env.publish(snap(0, "SOLD_OUT", 7));
    await env.publish(snap(1, "OPEN", 8));
    await eventually(async () => (await countFor(env, watcher)) === 2);

    const del = await env.app.inject({ method: "DELETE", url: `/internal/drops/${dropId}/watchers/${watcher}`, headers: asService("notification") });
    t.equal(del.statusCode, 204);
    const delAgain = await env.app.inject({ method: "DELETE", url: `/internal/drops/${dropId}/watchers/${watcher}`, headers: asService("notification") });
    t.equal(delAgain.statusCode, 404);
  });

  t.test("nothing was dead-lettered", async (t) => {
    t.equal(env.workers.consumer.stats().deadLettered, 0);
  });
});
