import t from "tap";
import type { DropStatus } from "@drops/events";
import { stockStep, type StockWatchState } from "../../src/domain/stock-watch.ts";

const snap = (available: number, status: DropStatus, seq: number) => ({ available, status, seq });

/** Runs snapshots through stockStep as the handler does (storing what it says) and lists the notices. */
function run(snapshots: ReturnType<typeof snap>[]): { notices: number[]; state: StockWatchState | null } {
  let state: StockWatchState | null = null;
  const notices: number[] = [];
  for (const s of snapshots) {
    const step = stockStep(state, s);
    if (step.backInStock) notices.push(s.seq);
    if (step.next !== null) state = step.next;
  }
  return { notices, state };
}

t.test("0 -> >0 after a sell-out is back in stock, once per sell-out", async (t) => {
  t.same(run([snap(10, "SCHEDULED", 1), snap(10, "OPEN", 2), snap(0, "SOLD_OUT", 3), snap(1, "OPEN", 4), snap(2, "OPEN", 5)]).notices, [4]);
  t.same(run([snap(0, "SOLD_OUT", 3), snap(1, "OPEN", 4), snap(0, "SOLD_OUT", 5), snap(1, "OPEN", 6)]).notices, [4, 6], "sold out again, back again");
});

t.test("units never gone: no notice (a release while units remain is not 'back')", async (t) => {
  t.same(run([snap(10, "OPEN", 1), snap(9, "OPEN", 2), snap(10, "OPEN", 3)]).notices, []);
});

t.test("before opening or after the end, 0 available is not sold out", async (t) => {
  t.same(run([snap(0, "SCHEDULED", 1), snap(5, "OPEN", 2)]).notices, []);
  t.same(run([snap(0, "CLOSED", 1), snap(5, "OPEN", 2)]).notices, []);
  t.same(run([snap(0, "SOLD_OUT", 1), snap(0, "CLOSED", 2), snap(3, "OPEN", 3)]).notices, [], "ended while sold out: forgotten");
});

t.test("paused: waits for the resume, then tells", async (t) => {
  t.same(run([snap(0, "SOLD_OUT", 1), snap(2, "PAUSED", 2), snap(2, "OPEN", 3)]).notices, [3]);
  t.same(run([snap(0, "PAUSED", 1), snap(2, "OPEN", 2)]).notices, [2], "paused at 0 counts as sold out");
});

t.test("a stale or redelivered snapshot changes nothing", async (t) => {
  const soldOut: StockWatchState = { soldOut: true, seq: 7 };
  t.same(stockStep(soldOut, snap(1, "OPEN", 7)), { next: null, backInStock: false }, "same seq (redelivery of the sell-out)");
  t.same(stockStep(soldOut, snap(1, "OPEN", 3)), { next: null, backInStock: false }, "older seq");
  t.same(stockStep(soldOut, snap(1, "OPEN", 8)), { next: { soldOut: false, seq: 8 }, backInStock: true });
  const told: StockWatchState = { soldOut: false, seq: 8 };
  t.same(stockStep(told, snap(1, "OPEN", 8)), { next: null, backInStock: false }, "the notice's own snapshot again");
});

t.test("writes only when the flag flips", async (t) => {
  t.same(stockStep(null, snap(5, "OPEN", 1)), { next: null, backInStock: false });
  t.same(stockStep({ soldOut: true, seq: 2 }, snap(0, "SOLD_OUT", 3)), { next: null, backInStock: false }, "still sold out");
  t.same(stockStep(null, snap(0, "SOLD_OUT", 3)), { next: { soldOut: true, seq: 3 }, backInStock: false });
});
