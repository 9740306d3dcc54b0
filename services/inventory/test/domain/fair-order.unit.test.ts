import t from "tap";
import { createHash, createHmac } from "node:crypto";
import { fairKey, fairOrder, seedHash } from "../../src/domain/fair-order.ts";

t.test("the opening draw: receipts sorted by hex HMAC-SHA256(seed, receipt)", async (t) => {
  const seed = "0f".repeat(32);
  t.equal(fairKey(seed, "r1"), createHmac("sha256", seed).update("r1").digest("hex"), "the documented HMAC, recomputable anywhere");
  t.equal(seedHash(seed), createHash("sha256").update(seed).digest("hex"));
  const joiners = [...Array(50).keys()].map((i) => ({ receipt: `receipt-${i}`, i }));
  const drawn = fairOrder(seed, joiners);
  t.same(drawn.map((j) => j.i).sort((a, b) => a - b), joiners.map((j) => j.i), "a permutation: everyone once");
  const keys = drawn.map((j) => fairKey(seed, j.receipt));
  t.same(keys, [...keys].sort(), "ascending keys");
  t.notSame(drawn.map((j) => j.i), joiners.map((j) => j.i), "not the join order");
  t.same(fairOrder(seed, [...joiners].reverse()), drawn, "the join order does not matter");
  t.notSame(fairOrder("aa".repeat(32), joiners), drawn, "another seed, another order");
  t.same(fairOrder(seed, []), []);
});
