import t from "tap";
import { AppError } from "@drops/http";
import { containsPattern, dropSearch, keywords, productSearch } from "../../src/domain/search.ts";

t.test("keywords: split on whitespace, case-insensitive, deduplicated", async (t) => {
  t.same(keywords(undefined), []);
  t.same(keywords("   "), []);
  t.same(keywords(" Red  SHOE\tred "), ["red", "shoe"]);
  t.equal(keywords(Array.from({ length: 30 }, (_, i) => `w${i}`).join(" ")).length, 10);
});

t.test("containsPattern: the word anywhere, LIKE's wildcards and escape literal", async (t) => {
  t.equal(containsPattern("red"), "%red%");
  t.equal(containsPattern("100%"), "%100\\%%");
  t.equal(containsPattern("n_p"), "%n\\_p%");
  t.equal(containsPattern("a\\b"), "%a\\\\b%");
});

const page = { page: 3, pageSize: 20 };

t.test("dropSearch: defaults, words, status names, offsets", async (t) => {
  t.same(dropSearch({ ...page }), { words: [], offset: 40, limit: 20, sort: "startsAt" });
  t.same(dropSearch({ q: "Blue  SNEAKER blue", sort: "-price", status: "sold_out", sellerId: "s", minPriceCents: 0, maxPriceCents: 0, page: 1, pageSize: 5 }), {
    words: ["blue", "sneaker"], sellerId: "s", minPriceCents: 0, maxPriceCents: 0, offset: 0, limit: 5, sort: "-price", status: "sold_out",
  });
  t.equal(dropSearch({ ...page, status: "scheduled" }).status, "upcoming", "the older name of upcoming");
  t.equal(dropSearch({ ...page, status: "closed" }).status, "ended", "the older name of ended");
  for (const sort of ["startsAt", "-startsAt", "available", "-available", "price", "-price"] as const) t.equal(dropSearch({ ...page, sort }).sort, sort);
});

t.test("productSearch: newest first unless told", async (t) => {
  t.equal(productSearch({ ...page }).sort, "-createdAt");
  t.equal(productSearch({ ...page, sort: "price" }).sort, "price");
});

t.test("bad parameters: 400 VALIDATION_FAILED naming the field and what is allowed", async (t) => {
  const refused = (fn: () => unknown, field: string, message: RegExp) => {
    try {
      fn();
      t.fail(`${field}: accepted`);
    } catch (err) {
      t.ok(err instanceof AppError, field);
      const e = err as AppError;
      t.equal(e.code, "VALIDATION_FAILED");
      t.equal(e.details?.["field"], field);
      t.match(e.message, message);
    }
  };
  refused(() => dropSearch({ ...page, minPriceCents: 500, maxPriceCents: 499 }), "minPriceCents", /must not be above maxPriceCents/);
  refused(() => productSearch({ ...page, minPriceCents: 1, maxPriceCents: 0 }), "minPriceCents", /must not be above/);
  refused(() => dropSearch({ ...page, sort: "name" as never }), "sort", /startsAt, -startsAt, available, -available, price, -price/);
  refused(() => productSearch({ ...page, sort: "available" as never }), "sort", /createdAt, -createdAt, price, -price/);
  refused(() => dropSearch({ ...page, status: "gone" as never }), "status", /upcoming, open, sold_out/);
  t.same(dropSearch({ ...page, minPriceCents: 7, maxPriceCents: 7 }).minPriceCents, 7, "min = max is one price");
});
