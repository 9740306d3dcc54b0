import t from "tap";
import { keywords } from "../../src/domain/search.ts";

t.test("keywords: split on whitespace, case-insensitive, deduplicated", async (t) => {
  t.same(keywords(undefined), []);
  t.same(keywords("   "), []);
  t.same(keywords(" Red  SHOE\tred "), ["red", "shoe"]);
  t.equal(keywords(Array.from({ length: 30 }, (_, i) => `w${i}`).join(" ")).length, 10);
});
