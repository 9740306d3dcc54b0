import t from "tap";
import { createSoldOutFlags, type KnownOrders } from "../../src/domain/sold-out-flags.ts";

const known = (...pairs: [string, string][]): KnownOrders => ({ orderIds: new Set(pairs.map((p) => p[0])), buyerIds: new Set(pairs.map((p) => p[1])) });

t.test("a flag loads its drop's known orders once, lapses with them, and is cleared", async (t) => {
  let now = 0;
  let loads = 0;
  const flags = createSoldOutFlags(1000, () => now);
  const load = async () => {
    loads++;
    return known(["o1", "b1"]);
  };
  flags.set("d", load);
  t.ok(flags.isSoldOut("d"));
  t.equal(flags.flag("d")!.known, undefined, "loading");
  t.same(await flags.flag("d")!.loaded, known(["o1", "b1"]));
  t.same(flags.flag("d")!.known, known(["o1", "b1"]));
  now = 900;
  flags.set("d", load);
  t.equal(loads, 1, "setting a live flag extends it and keeps its set");
  flags.addKnown("d", "o2", "b2");
  t.ok(flags.flag("d")!.known!.orderIds.has("o2"), "a hold made here joins the set");
  now = 1899;
  t.ok(flags.isSoldOut("d"), "extended");
  now = 1900;
  t.notOk(flags.isSoldOut("d"), "lapsed");
  flags.set("d", load);
  await flags.flag("d")!.loaded;
  t.equal(loads, 2, "a new flag loads a fresh set");
  flags.clear("d");
  t.equal(flags.flag("d"), undefined);
  flags.addKnown("d", "o3", "b3");
  t.equal(flags.flag("d"), undefined, "addKnown without a flag does nothing");
});

t.test("a set that cannot be loaded drops the flag; ttl 0 never flags", async (t) => {
  const errors: string[] = [];
  const flags = createSoldOutFlags(1000, () => 0, (_err, dropId) => errors.push(dropId));
  flags.set("d", () => Promise.reject(new Error("redis down")));
  t.ok(flags.isSoldOut("d"), "flagged while loading");
  t.equal(await flags.flag("d")!.loaded, undefined);
  t.notOk(flags.isSoldOut("d"), "gone: attempts ask Redis");
  t.same(errors, ["d"]);
  const off = createSoldOutFlags(0, () => 0);
  off.set("d", async () => known());
  t.notOk(off.isSoldOut("d"));
});
