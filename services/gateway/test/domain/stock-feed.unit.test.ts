import t from "tap";
import { createStockFeed } from "../../src/domain/stock-feed.ts";

const DROP = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

t.test("a listener that throws is reported and does not stop the others", async (t) => {
  const errors: string[] = [];
  const feed = createStockFeed((err, c) => errors.push(`${c.dropId}: ${(err as Error).message}`));
  const seen: number[] = [];
  feed.subscribe(DROP, () => {
    throw new Error("boom");
  });
  const off = feed.subscribe(DROP, (c) => seen.push(c.seq));
  feed.deliver({ dropId: DROP, available: 1, held: 0, sold: 0, total: 1, status: "OPEN", seq: 1 });
  off();
  feed.deliver({ dropId: DROP, available: 1, held: 0, sold: 0, total: 1, status: "OPEN", seq: 2 });
  t.same(seen, [1]);
  t.same(errors, [`${DROP}: boom`, `${DROP}: boom`]);
});
