// The drops list: upcoming, open and sold out; keyword search with the API's filters and sort;
// pagination. The search lives in the URL (?q=&status=&sort=&minPrice=&maxPrice=&page=), so the
// back button and a shared link show the same list.
import { badge, field, h, money, show, toCents, when } from "../lib/dom.js";
import { call } from "../lib/api.js";
import { explain } from "../lib/words.js";

const PAGE_SIZE = 12;
const SORTS = [["startsAt", "Opening soonest"], ["-startsAt", "Opening latest"], ["available", "Fewest left"], ["-available", "Most left"], ["price", "Price: low to high"], ["-price", "Price: high to low"]];
const STATUSES = [["", "Any"], ["upcoming", "Upcoming"], ["open", "Open"], ["sold_out", "Sold out"], ["ended", "Ended"]];

export default async function dropsList(ctx) {
  ctx.title("Drops");
  const q = ctx.query;
  const page = Math.max(1, Number(q.get("page")) || 1);

  const input = (name, attrs) => h("input", { name, value: q.get(name) ?? "", ...attrs });
  const select = (name, options) => {
    const s = h("select", { name }, options.map(([v, t]) => h("option", { value: v }, t)));
    s.value = q.get(name) ?? options[0][0];
    return s;
  };
  const form = h(
    "form",
    { class: "search", role: "search", onsubmit: (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const next = new URLSearchParams();
      for (const [k, v] of data) if (String(v).trim() !== "") next.set(k, String(v).trim());
      ctx.navigate(`/${next.size ? `?${next}` : ""}`);
    } },
    h("div", { class: "row" },
      field("Search drops", input("q", { type: "search", placeholder: "e.g. blue print", maxlength: 200 })),
      field("Status", select("status", STATUSES)),
      field("Sort by", select("sort", SORTS)),
      field("Min price (€)", input("minPrice", { inputmode: "decimal", pattern: "\\d+([.,]\\d{1,2})?", size: 6 })),
      field("Max price (€)", input("maxPrice", { inputmode: "decimal", pattern: "\\d+([.,]\\d{1,2})?", size: 6 })),
      h("button", { type: "submit" }, "Search"),
    ),
  );
  const results = h("section", { "aria-labelledby": "results-h", "aria-busy": "true" }, h("h2", { id: "results-h", class: "visually-hidden" }, "Results"), h("p", { class: "loading" }, "Loading drops…"));
  const products = h("section", { "aria-labelledby": "products-h", hidden: true });
  show(ctx.root, h("h1", {}, "Drops"), form, results, products);

  const params = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  for (const k of ["q", "status", "sort"]) if (q.get(k)) params.set(k, q.get(k));
  for (const [k, api] of [["minPrice", "minPriceCents"], ["maxPrice", "maxPriceCents"]]) {
    const c = toCents(q.get(k) ?? "");
    if (!Number.isNaN(c)) params.set(api, String(c));
  }
  const r = await call("GET", `/api/drops?${params}`, { signal: ctx.signal });
  if (r.aborted || !ctx.isCurrent()) return;
  results.setAttribute("aria-busy", "false");
  if (!r.ok) {
    show(results, h("h2", { id: "results-h" }, "Results"), h("p", { class: "error", role: "alert" }, explain(r.body, r.status)));
    return;
  }
  const { items, total } = r.body;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const pageLink = (n, text) => {
    const p = new URLSearchParams(location.search);
    p.set("page", String(n));
    return h("a", { href: `/?${p}`, rel: n < page ? "prev" : "next" }, text);
  };
  show(
    results,
    h("h2", { id: "results-h" }, total === 1 ? "1 drop" : `${total} drops`),
    items.length === 0 ? h("p", {}, "No drops match. Try fewer words or another status.") : h("ul", { class: "cards" }, items.map(dropCard)),
    pages > 1 ? h("nav", { class: "pager", "aria-label": "Pages" }, page > 1 ? pageLink(page - 1, "‹ Previous") : null, h("span", {}, `Page ${page} of ${pages}`), page < pages ? pageLink(page + 1, "Next ›") : null) : null,
  );

  // Products on sale from stock (for carts), when the API has the product search.
  const pr = await call("GET", `/api/products?pageSize=24${q.get("q") ? `&q=${encodeURIComponent(q.get("q"))}` : ""}`, { signal: ctx.signal });
  if (!pr.ok || !ctx.isCurrent() || !Array.isArray(pr.body.items)) return;
  const inStock = pr.body.items.filter((p) => (p.stock?.available ?? 0) > 0).slice(0, 8);
  if (inStock.length === 0) return;
  show(products, h("h2", { id: "products-h" }, "In stock now"), h("ul", { class: "cards" }, inStock.map((p) =>
    h("li", { class: "card product-card" },
      picture(p.imageUrl, p.name),
      h("h3", {}, h("a", { class: "title", href: `/products/${p.productId}` }, p.name)),
      h("p", { class: "price" }, money(p.priceCents)),
      h("p", { class: "stock" }, `${p.stock.available} in stock`)))));
  products.hidden = false;
}

const PLACEHOLDER = new URL("../placeholder.svg", import.meta.url).pathname;

/** A card's picture: the product's first image (or the placeholder), 4:3, loaded lazily. */
function picture(url, name) {
  return h("img", { class: "thumb", src: url || PLACEHOLDER, alt: url ? `Picture of ${name}` : "", width: 480, height: 360, loading: "lazy", decoding: "async" });
}

function dropCard(d) {
  const upcoming = d.status === "scheduled";
  const left = d.units > 0 ? Math.max(0, Math.min(1, d.available / d.units)) : 0;
  return h(
    "li",
    { class: "card drop-card", dataset: { dropId: d.dropId, status: d.status } },
    h("a", { href: `/drops/${d.dropId}`, tabindex: "-1", "aria-hidden": "true", class: "thumb-link" }, picture(d.imageUrl, d.name)),
    h("h3", {}, h("a", { class: "title", href: `/drops/${d.dropId}` }, d.name)),
    h("p", { class: "card-line" }, badge(d.status === "open" && d.available <= 0 ? "sold_out" : d.status), typeof d.priceCents === "number" ? h("strong", { class: "card-price" }, money(d.priceCents)) : null),
    h("p", { class: "muted" }, upcoming ? `Opens ${when(d.startsAt)}` : `Opened ${when(d.startsAt)}`),
    h("p", { class: "stock" }, d.available > 0 ? `${d.available} of ${d.units} left` : `All ${d.units} sold`),
    upcoming ? null : h("meter", { class: "left", min: 0, max: 100, low: 20, high: 50, optimum: 100, value: Math.round(left * 100), "aria-label": `${Math.round(left * 100)}% left` }),
  );
}
