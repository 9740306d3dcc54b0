// runByKey: the key-level scheduler of a fetched batch, without Kafka.
import { setTimeout as sleep } from "node:timers/promises";
import t from "tap";
import { runByKey, type ItemOutcome } from "../src/key-scheduler.ts";

type Item = { i: number; key: string | null; ms?: number };

const items = (keys: (string | null)[], ms: (i: number) => number = () => 1): Item[] => keys.map((key, i) => ({ i, key, ms: ms(i) }));

/** Runs `list` recording starts, ends and the watermark reports. */
async function trace(list: Item[], concurrency: number, run?: (it: Item) => Promise<ItemOutcome>) {
  const log: string[] = [];
  const advanced: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const perKey = new Map<string, number>();
  let overlapSameKey = false;
  const result = await runByKey(list, {
    concurrency,
    keyOf: (it) => it.key,
    onAdvance: (it) => advanced.push(it.i),
    run:
      run ??
      (async (it) => {
        const k = it.key ?? "null";
        if ((perKey.get(k) ?? 0) > 0) overlapSameKey = true;
        perKey.set(k, (perKey.get(k) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        log.push(`start ${it.i}`);
        await sleep(it.ms ?? 1);
        log.push(`end ${it.i}`);
        inFlight--;
        perKey.set(k, perKey.get(k)! - 1);
        return "done";
      }),
  });
  return { result, log, advanced, maxInFlight, overlapSameKey };
}

t.test("one key's items run in order, never two at once; different keys run concurrently up to the bound", async (t) => {
  const list = items(["a", "b", "a", "c", "b", "a", "d", "e", "f", "a"], (i) => (i % 3) * 5 + 1);
  const r = await trace(list, 3);
  t.same(r.result, { outcome: "done", finished: 10 });
  t.equal(r.overlapSameKey, false, "never two items of one key at once");
  t.equal(r.maxInFlight, 3, "the bound is used and kept");
  const endsOf = (key: string) => r.log.filter((l) => l.startsWith("end")).map((l) => Number(l.slice(4))).filter((i) => list[i]!.key === key);
  t.same(endsOf("a"), [0, 2, 5, 9], "key a in batch order");
  t.same(endsOf("b"), [1, 4]);
  t.same(r.advanced, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "every item reported once, in batch order");
});

t.test("the watermark never passes an unfinished item: a slow first item holds it while others finish", async (t) => {
  const list = items(["slow", "x", "y", "z"], (i) => (i === 0 ? 60 : 1));
  const seen: { advanced: number; ended: string[] }[] = [];
  const ended: string[] = [];
  await runByKey(list, {
    concurrency: 4,
    keyOf: (it) => it.key,
    run: async (it) => {
      await sleep(it.ms);
      ended.push(it.key!);
      return "done";
    },
    onAdvance: (it) => seen.push({ advanced: it.i, ended: [...ended] }),
  });
  t.same(ended, ["x", "y", "z", "slow"], "the others finished first");
  t.same(seen[0], { advanced: 0, ended: ["x", "y", "z", "slow"] }, "nothing reported before the slow head finished");
  t.same(seen.map((s) => s.advanced), [0, 1, 2, 3]);
});

t.test("concurrency 1 is the batch in order, one at a time", async (t) => {
  const r = await trace(items(["a", "b", "c", "a"]), 1);
  t.same(r.log, ["start 0", "end 0", "start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
});

t.test("null keys share one lane", async (t) => {
  const r = await trace(items([null, null, "k", null]), 4);
  const order = r.log.filter((l) => l.startsWith("end")).map((l) => Number(l.slice(4))).filter((i) => i !== 2);
  t.same(order, [0, 1, 3]);
  t.equal(r.overlapSameKey, false);
});

t.test("a stopped item stops the run: nothing more starts, the running ones finish, the watermark stays below it", async (t) => {
  const list = items(["a", "b", "c", "d", "e", "f"], () => 10);
  const startedI: number[] = [];
  const advanced: number[] = [];
  const result = await runByKey(list, {
    concurrency: 2,
    keyOf: (it) => it.key,
    onAdvance: (it) => advanced.push(it.i),
    run: async (it) => {
      startedI.push(it.i);
      await sleep(it.i === 1 ? 5 : 10);
      return it.i === 1 ? "stopped" : "done";
    },
  });
  t.same(result, { outcome: "stopped", finished: 1 });
  t.same(startedI, [0, 1], "nothing started after the stop");
  t.same(advanced, [0], "item 0 finished; item 1 not, so nothing past it");
});

t.test("shouldStart false halts before the next start", async (t) => {
  let allowed = 3;
  const startedI: number[] = [];
  const result = await runByKey(items(["a", "b", "c", "d", "e"]), {
    concurrency: 1,
    keyOf: (it) => it.key,
    shouldStart: () => allowed-- > 0,
    run: async (it) => (startedI.push(it.i), "done"),
  });
  t.same(startedI, [0, 1, 2]);
  t.same(result, { outcome: "stopped", finished: 3 });
});

t.test("a rejecting item: nothing more starts, the running ones are waited for, then the first error", async (t) => {
  const ended: number[] = [];
  const advanced: number[] = [];
  await t.rejects(
    runByKey(items(["a", "b", "c", "d"]), {
      concurrency: 2,
      keyOf: (it) => it.key,
      onAdvance: (it) => advanced.push(it.i),
      run: async (it) => {
        if (it.i === 0) throw new Error("dlq down");
        await sleep(10);
        ended.push(it.i);
        return "done";
      },
    }),
    /dlq down/,
  );
  t.same(ended, [1], "the running item finished before the run rejected");
  t.same(advanced, [], "nothing past the failed item");
});

t.test("afterItem runs after every finished item; an empty batch is done at once", async (t) => {
  let after = 0;
  await runByKey(items(["a", "b", "a"]), { concurrency: 2, keyOf: (it) => it.key, run: async () => "done", afterItem: async () => void after++ });
  t.equal(after, 3);
  t.same(await runByKey([], { concurrency: 2, keyOf: () => null, run: async () => "done" }), { outcome: "done", finished: 0 });
  t.throws(() => runByKey([], { concurrency: 0, keyOf: () => null, run: async () => "done" }), RangeError);
});
