import t from "tap";
import type { StockChanged } from "@drops/events";
import { testEnvelope } from "@drops/kafka/testing";
import { createStockFeed } from "../../src/domain/stock-feed.ts";
import { updateStockOnStockChanged } from "../../src/handlers/update-stock-on-stock-changed.ts";

const DROP = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const ctx = { topic: "drops.stock-changes", partition: 0, offset: "0", headers: {}, attempt: 1 };

t.test("StockChanged reaches the drop's listeners under its canonical id; stale snapshots are dropped", async (t) => {
  const feed = createStockFeed(() => {});
  const seen: StockChanged[] = [];
  const any: number[] = [];
  feed.subscribe(DROP, (c) => seen.push(c));
  feed.onAny((c) => any.push(c.seq));
  const handle = updateStockOnStockChanged(feed);
  const change = (seq: number, dropId = DROP): StockChanged => ({ dropId, available: 5 - seq, held: seq, sold: 0, total: 5, status: "OPEN", seq });
  await handle(testEnvelope("StockChanged", change(1, DROP.toUpperCase())), ctx);
  await handle(testEnvelope("StockChanged", change(2)), ctx);
  await handle(testEnvelope("StockChanged", change(2)), ctx);
  await handle(testEnvelope("StockChanged", change(1)), ctx);
  t.same(seen.map((c) => [c.dropId, c.seq]), [[DROP, 1], [DROP, 2]], "upper-case id delivered as the canonical one; replays and older seqs dropped");
  t.same(any, [1, 2]);
});
