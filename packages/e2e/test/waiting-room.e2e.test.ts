/**
 * The waiting room and the order stream through the public gateway, on the whole platform (every
 * service a process, two gateway and two inventory instances, so two admitters): the early joiners'
 * order is the seeded permutation anyone can recompute from /fairness, later joiners are FIFO behind
 * them; admissions come at the configured rate, not twice it; admission tokens are required, single
 * use, bound to buyer and drop, and expire; admitting stops at sold out and resumes when a declined
 * payment returns the unit; leaving frees the place at once; the order stream shows held then the
 * final status.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import t from "tap";
import { openSse, type SseStream } from "@drops/testing/sse";
import { eventually } from "@drops/testing";
import { api, createProduct, mintBuyer, purchase, setUpDrop, setUpSeller, sleepUntil, startStack } from "../src/index.ts";
import type { Api, SellerSetup, Stack } from "../src/index.ts";

const TTL_SECONDS = 4;
const RATE = 4;

type Place = { status: string; position: number | null; etaSeconds: number | null; receipt: string; admissionToken?: string; admissionExpiresAt?: string; orderId?: string };
type Buyer = { userId: string; token: string };

let stack: Stack;
let gw: [Api, Api];
let seller: SellerSetup;

t.before(async () => {
  stack = await startStack({
    instances: { gateway: 2, inventory: 2 },
    env: {
      inventory: { ADMISSION_TTL_SECONDS: String(TTL_SECONDS), ADMITTER_INTERVAL_MS: "25" },
      gateway: { QUEUE_ABANDON_GRACE_SECONDS: "1", QUEUE_REFRESH_MS: "1000", ORDER_STREAM_POLL_MS: "300" },
      // slow enough that a purchase is seen held before its payment answers
      order: { PAYMENT_LATENCY_MS: "700" },
    },
  });
  gw = [api(stack.instance("gateway", 0).url), api(stack.instance("gateway", 1).url)];
  seller = await setUpSeller(gw[0]);
});

t.teardown(async () => {
  await stack?.stop();
});

/** An SSE client (what EventSource does): every frame, until the server ends the stream. */
const openStream = (base: string, path: string): Promise<SseStream> => openSse(`${base}${path}`);

async function queuedDrop(opts: { units: number; startsInMs: number; rate?: number }): Promise<{ dropId: string; startsAt: string; seedHash: string }> {
  const productId = await createProduct(gw[0], seller);
  const startsAt = new Date(Date.now() + opts.startsInMs).toISOString();
  const created = await gw[0].call<{ dropId: string }>("POST", "/api/drops", {
    token: seller.sellerToken,
    body: { productId, startsAt, units: opts.units, perBuyerLimit: 1, holdSeconds: 60, queue: { admitPerSecond: opts.rate ?? RATE } },
  });
  if (created.status !== 201) throw new Error(`queued drop: ${created.status} ${JSON.stringify(created.body)}`);
  const drop = await gw[1].call<{ queue?: { admitPerSecond: number; seedHash: string } }>("GET", `/api/drops/${created.body.dropId}`);
  if (!drop.body.queue) throw new Error(`no queue on the drop: ${JSON.stringify(drop.body)}`);
  return { dropId: created.body.dropId, startsAt, seedHash: drop.body.queue.seedHash };
}

const join = (g: Api, dropId: string, b: Buyer) => g.call<Place>("POST", `/api/drops/${dropId}/queue`, { token: b.token });
const me = (g: Api, dropId: string, b: Buyer) => g.call<Place & { code?: string }>("GET", `/api/drops/${dropId}/queue/me`, { token: b.token });
const buy = (dropId: string, b: Buyer, token: string | undefined, opts: { key?: string; paymentMethod?: string; g?: Api } = {}) =>
  (opts.g ?? gw[0]).call<{ orderId?: string; status?: string; code?: string }>("POST", `/api/drops/${dropId}/purchases`, {
    token: b.token,
    headers: { "idempotency-key": opts.key ?? randomUUID(), ...(token === undefined ? {} : { "admission-token": token }) },
    body: { quantity: 1, paymentMethod: opts.paymentMethod ?? "pm_card_ok" },
  });
const admittedAt = (p: Place): number => Date.parse(p.admissionExpiresAt!) - TTL_SECONDS * 1000;
const hmac = (seed: string, receipt: string) => createHmac("sha256", seed).update(receipt).digest("hex");

t.test("the order stream: held, then confirmed; held, then cancelled for a declined card", async (t) => {
  const drop = await setUpDrop(gw[0], { units: 5, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 1500 });
  await sleepUntil(drop.startsAt);
  for (const [card, final] of [["pm_card_ok", "confirmed"], ["pm_card_declined", "cancelled"]] as const) {
    const buyer = mintBuyer();
    const placed = await eventually(async () => {
      const r = await purchase(gw[0], drop.dropId, buyer, { paymentMethod: card });
      return r.status === 201 ? r.body : undefined;
    }, 10_000, 100);
    const s = await openStream(stack.instance("gateway", 1).url, `/api/orders/${placed.orderId}/stream?access_token=${buyer.token}`);
    t.equal(s.status, 200);
    await s.ended;
    const statuses = s.frames.map((f) => f.data["status"]);
    t.ok(s.frames.every((f) => f.event === "order" && f.data["orderId"] === placed.orderId && typeof f.data["stage"] === "string"), "order events");
    t.equal(statuses[0], "held", `first held (${statuses.join(" > ")})`);
    t.equal(statuses.at(-1), final, `then ${final}; the stream ends at the final status`);
    const again = await openStream(stack.gatewayUrl, `/api/orders/${placed.orderId}/stream?access_token=${buyer.token}`);
    await again.ended;
    t.same(again.frames.map((f) => f.data["status"]), [final], "a final order: one event, then the end");
    const other = await openStream(stack.gatewayUrl, `/api/orders/${placed.orderId}/stream?access_token=${mintBuyer().token}`);
    t.equal(other.status, 404, "another buyer's order: 404");
    other.close();
  }
  const anon = await openStream(stack.gatewayUrl, `/api/orders/${randomUUID()}/stream`);
  t.equal(anon.status, 401, "no token: 401");
  anon.close();
});

t.test("early joiners drawn by the seed, later ones FIFO; the rate across two admitters; tokens single use, bound, expiring; leave", async (t) => {
  const drop = await queuedDrop({ units: 3, startsInMs: 4000 });
  const early = [...Array(8).keys()].map(() => mintBuyer());
  const receipts = new Map<string, string>();
  for (const [i, b] of early.entries()) {
    const r = await join(gw[i % 2]!, drop.dropId, b);
    t.equal(r.status, 200, JSON.stringify(r.body));
    t.equal(r.body.position, null, "before the opening: not drawn yet");
    receipts.set(b.userId, r.body.receipt);
  }
  const again = await join(gw[1], drop.dropId, early[0]!);
  t.same([again.body.receipt, again.body.position], [receipts.get(early[0]!.userId), null], "joining again: the same place and receipt");
  t.equal((await gw[0].call<{ code: string }>("GET", `/api/drops/${drop.dropId}/queue/fairness`)).body.code, "NOT_OPEN", "no seed before the opening");
  t.equal((await buy(drop.dropId, early[0]!, undefined)).body.code, "ADMISSION_REQUIRED", "a queued drop needs a token");
  t.equal((await me(gw[0], drop.dropId, mintBuyer())).body.code, "NOT_IN_QUEUE");

  // a stream on each gateway instance
  const watching = [await openStream(stack.instance("gateway", 0).url, `/api/drops/${drop.dropId}/queue/stream?access_token=${early[0]!.token}`),
    await openStream(stack.instance("gateway", 1).url, `/api/drops/${drop.dropId}/queue/stream?access_token=${early[1]!.token}`)];
  t.teardown(() => watching.forEach((s) => s.close()));

  await sleepUntil(drop.startsAt);
  const fairness = await eventually(async () => {
    const r = await gw[1].call<{ seed: string; algorithm: string; joinedBeforeOpening: string[] }>("GET", `/api/drops/${drop.dropId}/queue/fairness`);
    return r.status === 200 ? r.body : undefined;
  }, 10_000, 25);
  t.equal(createHash("sha256").update(fairness.seed).digest("hex"), drop.seedHash, "the published seed is the committed one");
  t.same(fairness.joinedBeforeOpening, early.map((b) => receipts.get(b.userId)), "every early receipt, in join order");
  const drawn = [...fairness.joinedBeforeOpening].sort((a, b) => (hmac(fairness.seed, a) < hmac(fairness.seed, b) ? -1 : 1));
  t.notSame(drawn, fairness.joinedBeforeOpening, "not the arrival order");

  const late = [mintBuyer(), mintBuyer()];
  for (const b of late) t.equal((await join(gw[0], drop.dropId, b)).status, 200);

  // three units: three admitted (stock-aware), at RATE a second from the opening, then the rest see sold_out
  const places = await eventually(async () => {
    const all = await Promise.all(early.map((b) => me(gw[0], drop.dropId, b).then((r) => r.body)));
    return all.filter((p) => p.status === "admitted").length === 3 && all.filter((p) => p.status === "sold_out").length === 5 ? all : undefined;
  }, 10_000, 25);
  const byReceipt = new Map(places.map((p) => [p.receipt, p]));
  const lineOrder = [...places.filter((p) => p.status === "admitted").sort((a, b) => admittedAt(a) - admittedAt(b)),
    ...places.filter((p) => p.status === "sold_out").sort((a, b) => a.position! - b.position!)].map((p) => p.receipt);
  t.same(lineOrder, drawn, "admitted and waiting in the order of HMAC-SHA256(seed, receipt), recomputed from /fairness");
  const opened = Date.parse(drop.startsAt);
  for (const [k, receipt] of drawn.slice(0, 3).entries()) {
    const at = admittedAt(byReceipt.get(receipt)!) - opened;
    t.ok(at >= ((k + 1) * 1000) / RATE - 50, `admission ${k + 1} at +${at} ms: not before ${((k + 1) * 1000) / RATE} ms (${RATE}/s, two admitters)`);
  }
  const lateSeen = await Promise.all(late.map((b) => me(gw[1], drop.dropId, b).then((r) => r.body)));
  t.same(lateSeen.map((p) => p.position), [6, 7], "after the opening: FIFO behind the five early joiners still waiting");
  t.same(lateSeen.map((p) => p.status), ["sold_out", "sold_out"]);
  t.ok(watching.every((s) => s.frames.length >= 2 && s.frames.every((f) => f.event === "queue")), "both gateway instances stream the places");
  t.equal(watching[0]!.frames[0]!.data["position"], null, "the first event at once (before the opening)");

  // tokens
  const buyerOf = (receipt: string) => early.find((b) => receipts.get(b.userId) === receipt)!;
  const [x, y, z] = drawn.slice(0, 3).map(buyerOf) as [Buyer, Buyer, Buyer];
  const tokenX = byReceipt.get(receipts.get(x.userId)!)!.admissionToken!;
  t.equal((await buy(drop.dropId, y, tokenX)).body.code, "ADMISSION_INVALID", "another buyer's token");
  t.equal((await buy(drop.dropId, x, `${tokenX.slice(0, -2)}${tokenX.endsWith("A") ? "B" : "A"}`)).body.code, "ADMISSION_INVALID", "a forged token");
  const other = await queuedDrop({ units: 1, startsInMs: 100 });
  t.equal((await buy(other.dropId, x, tokenX)).body.code, "ADMISSION_INVALID", "a token for another drop");
  const key = randomUUID();
  const bought = await buy(drop.dropId, x, tokenX, { key, g: gw[1] });
  t.equal(bought.status, 201, JSON.stringify(bought.body));
  t.equal((await buy(drop.dropId, x, tokenX, { key })).body.orderId, bought.body.orderId, "the same purchase again: the same order");
  t.equal((await buy(drop.dropId, x, tokenX)).body.code, "ADMISSION_INVALID", "used: a token buys once");
  t.same((await me(gw[0], drop.dropId, x)).body.orderId, bought.body.orderId, "the place shows the order that used it");
  const tokenY = byReceipt.get(receipts.get(y.userId)!)!.admissionToken!;
  t.equal((await buy(drop.dropId, y, tokenY)).status, 201, "the second admitted buyer buys");

  // z does not buy: its admission expires, its unit goes to the next in line
  const tokenZ = byReceipt.get(receipts.get(z.userId)!)!.admissionToken!;
  await eventually(async () => (await me(gw[0], drop.dropId, z)).body.status === "expired", 15_000, 50);
  t.equal((await buy(drop.dropId, z, tokenZ)).body.code, "ADMISSION_INVALID", "an expired token");
  const next = buyerOf(drawn[3]!);
  const admittedNext = await eventually(async () => {
    const p = (await me(gw[1], drop.dropId, next)).body;
    return p.status === "admitted" ? p : undefined;
  }, 10_000, 25);
  t.ok(admittedNext.admissionToken, "the expired admission's unit went to the next in line");

  // leave: the place is freed at once
  const [l1, l2] = late as [Buyer, Buyer];
  const before = (await me(gw[0], drop.dropId, l2)).body.position!;
  t.equal((await gw[1].call("DELETE", `/api/drops/${drop.dropId}/queue`, { token: l1.token })).status, 204);
  t.equal((await me(gw[0], drop.dropId, l1)).body.code, "NOT_IN_QUEUE", "the leaver has no place");
  t.ok((await me(gw[0], drop.dropId, l2)).body.position! <= before - 1, "the one behind moved up at once");
  t.equal((await gw[1].call("DELETE", `/api/drops/${drop.dropId}/queue`, { token: l1.token })).status, 204, "leaving again: 204");
});

t.test("admitting stops at sold out and resumes when a declined payment returns the unit", async (t) => {
  const drop = await queuedDrop({ units: 1, startsInMs: 2500, rate: 10 });
  const [a, b, c] = [mintBuyer(), mintBuyer(), mintBuyer()];
  for (const x of [a, b, c]) await join(gw[0], drop.dropId, x);
  await sleepUntil(drop.startsAt);
  const seen = async () => Promise.all([a, b, c].map((x) => me(gw[1], drop.dropId, x).then((r) => r.body)));
  const first = await eventually(async () => {
    const all = await seen();
    return all.filter((p) => p.status === "admitted").length === 1 && all.filter((p) => p.status === "sold_out").length === 2 ? all : undefined;
  }, 10_000, 25);
  const admittedIndex = first.findIndex((p) => p.status === "admitted");
  const admitted = [a, b, c][admittedIndex]!;
  const waiting = [a, b, c].filter((_, i) => i !== admittedIndex);
  const streams = await Promise.all(waiting.map((w, i) => openStream(stack.instance("gateway", i).url, `/api/drops/${drop.dropId}/queue/stream?access_token=${w.token}`)));
  t.teardown(() => streams.forEach((s) => s.close()));

  const held = await buy(drop.dropId, admitted, first[admittedIndex]!.admissionToken, { paymentMethod: "pm_card_declined" });
  t.equal(held.status, 201, "the one unit held by a card that will be declined");
  t.same((await seen()).filter((p) => p.status === "admitted" && p.admissionToken).length, 0, "no one else admitted while the unit is held");
  // the decline releases the unit: the next in line is admitted, the other still waits (sold out again;
  // between the unit's return and the next tick's admission the line is briefly "waiting" again)
  const resumed = await eventually(async () => {
    const all = await seen();
    return all.filter((p) => p.status === "admitted" && p.admissionToken).length === 1 && all.filter((p) => p.status === "sold_out").length === 1 ? all : undefined;
  }, 20_000, 50);
  const nextIndex = resumed.findIndex((p) => p.status === "admitted" && p.admissionToken);
  t.not(nextIndex, admittedIndex);
  t.equal(resumed.filter((p) => p.status === "sold_out").length, 1, "the last one waits, sold out: one unit, one admission");
  const nextStream = streams[waiting.indexOf([a, b, c][nextIndex]!)]!;
  await eventually(() => nextStream.frames.some((f) => f.data["status"] === "admitted"), 5_000, 25);
  t.same(
    nextStream.frames.map((f) => f.data["status"]).filter((s) => s !== "waiting").filter((s, i, all) => s !== all[i - 1]),
    ["sold_out", "admitted"],
    "its stream: sold_out, then admitted (a moment of waiting between them when the unit returns)",
  );
  const bought = await buy(drop.dropId, [a, b, c][nextIndex]!, resumed[nextIndex]!.admissionToken, { g: gw[1] });
  t.equal(bought.status, 201, JSON.stringify(bought.body));
});

t.test("an abandoned place is dropped after the grace period; coming back in time keeps it", async (t) => {
  const drop = await queuedDrop({ units: 5, startsInMs: 3000, rate: 10 });
  const [gone, back] = [mintBuyer(), mintBuyer()];
  for (const b of [gone, back]) await join(gw[0], drop.dropId, b);
  for (const b of [gone, back]) {
    const s = await openStream(stack.instance("gateway", 1).url, `/api/drops/${drop.dropId}/queue/stream?access_token=${b.token}`);
    await eventually(() => s.frames.length > 0, 5_000, 25);
    s.close();
  }
  // `back` returns within QUEUE_ABANDON_GRACE_SECONDS (1 s); `gone` does not
  const again = await openStream(stack.instance("gateway", 0).url, `/api/drops/${drop.dropId}/queue/stream?access_token=${back.token}`);
  t.teardown(() => again.close());
  await sleepUntil(drop.startsAt);
  const admitted = await eventually(async () => {
    const p = (await me(gw[0], drop.dropId, back)).body;
    return p.status === "admitted" ? p : undefined;
  }, 10_000, 25);
  t.ok(admitted.admissionToken, "the buyer who came back is admitted");
  t.equal((await me(gw[1], drop.dropId, gone)).body.status, "expired", "the abandoned place was dropped, never admitted");
  t.equal((await buy(drop.dropId, gone, undefined)).body.code, "ADMISSION_REQUIRED");
});
