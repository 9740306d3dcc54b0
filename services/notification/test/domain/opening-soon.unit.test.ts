import t from "tap";
import { openingSoonSourceId, openingWindow } from "../../src/domain/opening-soon.ts";

t.test("the window: after now, at most the lead ahead", async (t) => {
  const w = openingWindow(1_000_000, 300_000);
  t.equal(w.after.getTime(), 1_000_000);
  t.equal(w.until.getTime(), 1_300_000);
});

t.test("one source id per drop (once per watcher and drop with the unique (source, buyer))", async (t) => {
  t.equal(openingSoonSourceId("d1"), "drop-opening-soon:d1");
  t.not(openingSoonSourceId("d1"), openingSoonSourceId("d2"));
});
