import t from "tap";
import { createRedis } from "@drops/redis";
import { testEnv } from "@drops/testing";
import { createPurchaseStock, checkScriptVersion, pendingPurchaseKey, ScriptVersionError, SCRIPT_VERSION } from "../../../src/store/stock/purchase.ts";
import { recordScriptVersion } from "../../../src/store/stock/scripts.ts";
import { stockFixture, HOUR } from "../../stock-fixture.ts";

t.test("the purchase boundary reserves and reads through the inventory's reserve script only", async (t) => {
  const f = stockFixture(t);
  // A connection of its own, as the gateway has: nothing defined on it yet.
  const redis = createRedis(testEnv.redisUrl);
  t.teardown(() => redis.quit());
  const stock = createPurchaseStock(redis, { prefix: f.prefix });
  const commands = redis as unknown as Record<string, unknown>;
  t.equal(typeof commands["reserve"], "function", "reserve is defined");
  t.equal(commands["confirm"], undefined, "no other stock script is defined on the gateway's connection");

  t.equal(await stock.snapshot("p"), null);
  await f.store.openDrop({ dropId: "p", total: 2, startsAtMs: 0, perBuyerLimit: 1, holdMs: HOUR });
  t.match(await stock.reserve({ dropId: "p", orderId: "o1", buyerId: "b1", qty: 1 }), { status: "HELD", replay: false });
  t.match(await stock.reserve({ dropId: "p", orderId: "o1", buyerId: "b1", qty: 1 }), { status: "HELD", replay: true });
  t.match(await stock.reserve({ dropId: "p", orderId: "o2", buyerId: "b1", qty: 1 }), { status: "LIMIT_REACHED" });
  t.same(await stock.snapshot("p"), { status: "open", total: 2, adjustments: 0, available: 1, held: 1, sold: 0 });
  await f.assertInvariant("p");
});

t.test("script version: absent, ok, a mismatch names both versions", async (t) => {
  const f = stockFixture(t);
  t.match(SCRIPT_VERSION, /^[0-9a-f]{40}$/);
  t.equal(await checkScriptVersion(f.redis, { prefix: f.prefix }), "absent");
  await recordScriptVersion(f.redis, f.prefix);
  t.equal(await f.redis.get(`${f.prefix}stock:script-version`), SCRIPT_VERSION);
  t.equal(await checkScriptVersion(f.redis, { prefix: f.prefix }), "ok");
  await f.redis.set(`${f.prefix}stock:script-version`, "0123abcd");
  const err = await checkScriptVersion(f.redis, { prefix: f.prefix }).catch((e: unknown) => e);
  t.type(err, ScriptVersionError);
  t.match((err as Error).message, new RegExp(`0123abcd[\\s\\S]*${SCRIPT_VERSION}`));
});

t.test("the pending purchase key is the gateway's purchase:<orderId>", async (t) => {
  t.equal(pendingPurchaseKey("", "o-1"), "purchase:o-1");
  t.equal(pendingPurchaseKey("e2e_x:", "o-1"), "e2e_x:purchase:o-1");
});
