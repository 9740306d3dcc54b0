import t from "tap";
import { singleFlight } from "../src/single-flight.ts";

function deferred<V>() {
  let resolve!: (v: V) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<V>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

t.test("concurrent calls for one key share one call and its result; other keys get their own", async (t) => {
  const calls: [string, string][] = [];
  const pending = new Map<string, ReturnType<typeof deferred<string>>>();
  const get = singleFlight((key: string, who: string) => {
    calls.push([key, who]);
    const d = deferred<string>();
    pending.set(key, d);
    return d.promise;
  });
  const a1 = get("a", "first");
  const a2 = get("a", "second");
  const b = get("b", "third");
  t.same(calls, [["a", "first"], ["b", "third"]], "one call per key, with the first caller's arguments");
  pending.get("a")!.resolve("A");
  pending.get("b")!.resolve("B");
  t.same(await Promise.all([a1, a2, b]), ["A", "A", "B"]);
});

t.test("a settled call is not cached: the next call starts afresh, also after an error", async (t) => {
  let n = 0;
  const get = singleFlight(async (_key: string) => {
    n++;
    if (n === 1) throw new Error("down");
    return n;
  });
  const [e1, e2] = await Promise.allSettled([get("k"), get("k")]);
  t.equal(e1.status, "rejected", "the shared error reaches every caller");
  t.equal(e2.status, "rejected");
  t.equal(await get("k"), 2, "after the error, a new call");
  t.equal(await get("k"), 3, "after a result, a new call (no cache)");
});

t.test("a call that throws synchronously rejects every caller and is forgotten", async (t) => {
  let n = 0;
  const get = singleFlight((_key: number): Promise<number> => {
    n++;
    if (n === 1) throw new Error("sync");
    return Promise.resolve(n);
  });
  await t.rejects(get(1), /sync/);
  t.equal(await get(1), 2);
});
