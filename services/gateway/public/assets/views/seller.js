// The seller console: apply and see the application's status; once approved, products (with image
// upload and restock), drops (schedule, units, limit, hold, waiting room) and sales per drop, live.
import { badge, field, h, liveLine, money, say, show, toCents, when } from "../lib/dom.js";
import { call, getSession } from "../lib/api.js";
import { explain } from "../lib/words.js";

export default async function sellerPage(ctx) {
  ctx.title("Sell");
  if (!getSession()) {
    show(ctx.root, h("h1", {}, "Sell on Drops"), h("p", {}, h("a", { href: "/login?next=/seller" }, "Log in"), " or ", h("a", { href: "/signup?next=/seller" }, "sign up"), " to apply as a seller."));
    return;
  }
  const r = await call("GET", "/api/sellers/me", { signal: ctx.signal });
  if (r.aborted || !ctx.isCurrent()) return;
  if (r.status === 404) return applyForm(ctx);
  if (!r.ok) return show(ctx.root, h("h1", {}, "Sell on Drops"), h("p", { class: "error", role: "alert" }, explain(r.body, r.status)));
  const seller = r.body;
  if (seller.status !== "approved") {
    const refresh = h("button", { type: "button", class: "secondary", onclick: () => ctx.navigate("/seller", { replace: true }) }, "Check again");
    show(ctx.root, h("h1", {}, "Sell on Drops"),
      h("section", { class: "card", "aria-labelledby": "app-h" },
        h("h2", { id: "app-h" }, seller.businessName),
        h("p", { id: "seller-status" }, "Application: ", badge(seller.status)),
        h("p", {}, seller.status === "pending" ? "An admin reviews new sellers. You can sell as soon as you are approved." : `Your application was rejected${seller.reason ? `: ${seller.reason}` : "."}`),
        seller.status === "pending" ? refresh : null));
    return;
  }
  await console_(ctx, seller);
}

function applyForm(ctx) {
  const answer = liveLine();
  const form = h("form", { "aria-label": "Apply to sell", onsubmit: async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const res = await call("POST", "/api/sellers", { body: data });
    if (res.ok || res.body.code === "SELLER_EXISTS") ctx.navigate("/seller", { replace: true });
    else say(answer, explain(res.body, res.status), "bad");
  } },
  field("Business name", h("input", { name: "businessName", required: true, maxlength: 200, autocomplete: "organization" })),
  field("Contact email", h("input", { name: "contactEmail", type: "email", required: true, maxlength: 254, value: getSession()?.email ?? "", autocomplete: "email" })),
  h("div", { class: "actions" }, h("button", { type: "submit" }, "Apply")), answer);
  show(ctx.root, h("h1", {}, "Sell on Drops"), h("p", {}, "Tell us who you are. An admin approves new sellers."), h("div", { class: "card" }, form));
}

async function console_(ctx, seller) {
  const productsEl = h("div", {}, h("p", { class: "loading" }, "Loading products…"));
  const dropsEl = h("div", {}, h("p", { class: "loading" }, "Loading drops…"));
  const newAnswer = liveLine();
  const productForm = h("form", { "aria-label": "New product", onsubmit: async (e) => {
    e.preventDefault();
    const d = Object.fromEntries(new FormData(productForm));
    const priceCents = toCents(d.price);
    if (Number.isNaN(priceCents)) return say(newAnswer, "Enter the price like 25 or 25.00.", "bad");
    const body = { name: String(d.name).trim(), description: String(d.description), priceCents };
    if (String(d.stock).trim() !== "") body.stock = Number(d.stock);
    const res = await call("POST", "/api/products", { body });
    if (!res.ok) return say(newAnswer, explain(res.body, res.status), "bad");
    say(newAnswer, `Product “${body.name}” created.`, "ok");
    productForm.reset();
    await loadProducts();
  } },
  h("div", { class: "grid2" },
    field("Name", h("input", { name: "name", required: true, maxlength: 200 })),
    field("Price (€)", h("input", { name: "price", required: true, inputmode: "decimal", pattern: "\\d+([.,]\\d{1,2})?" })),
  ),
  field("Description", h("textarea", { name: "description", maxlength: 5000 })),
  field("Stock for carts (optional)", h("input", { name: "stock", type: "number", min: 0, max: 10000000, inputmode: "numeric" }), "Units on sale from stock at any time. Leave empty for drop-only products."),
  h("div", { class: "actions" }, h("button", { type: "submit" }, "Create product")), newAnswer);

  show(ctx.root,
    h("h1", {}, `Seller console: ${seller.businessName}`),
    h("section", { "aria-labelledby": "np-h" }, h("h2", { id: "np-h" }, "New product"), h("div", { class: "card" }, productForm)),
    h("section", { "aria-labelledby": "p-h" }, h("h2", { id: "p-h" }, "My products"), productsEl),
    h("section", { "aria-labelledby": "d-h" }, h("h2", { id: "d-h" }, "My drops"), dropsEl));

  async function loadProducts() {
    const res = await call("GET", "/api/sellers/me/products?pageSize=50", { signal: ctx.signal });
    if (res.aborted || !ctx.isCurrent()) return;
    if (!res.ok) return show(productsEl, h("p", { class: "error" }, explain(res.body, res.status)));
    if (res.body.items.length === 0) return show(productsEl, h("p", {}, "No products yet."));
    show(productsEl, h("ul", { class: "cards" }, res.body.items.map((p) => productCard(p, loadDrops))));
  }

  const salesTimers = [];
  ctx.onCleanup(() => salesTimers.forEach(clearInterval));
  async function loadDrops() {
    const res = await call("GET", `/api/drops?sellerId=${seller.sellerId}&sort=-startsAt&pageSize=50`, { signal: ctx.signal });
    if (res.aborted || !ctx.isCurrent()) return;
    if (!res.ok) return show(dropsEl, h("p", { class: "error" }, explain(res.body, res.status)));
    salesTimers.splice(0).forEach(clearInterval);
    if (res.body.items.length === 0) return show(dropsEl, h("p", {}, "No drops yet: schedule one from a product above."));
    show(dropsEl, h("ul", { class: "cards" }, res.body.items.map((d) => dropCard(d, salesTimers))));
  }
  await Promise.all([loadProducts(), loadDrops()]);
}

function localInput(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function productCard(p, onDrop) {
  const line = liveLine();
  const file = h("input", { type: "file", name: "file", accept: "image/png,image/jpeg,image/webp" });
  const upload = h("form", { "aria-label": `Upload an image of ${p.name}`, onsubmit: async (e) => {
    e.preventDefault();
    if (!file.files?.length) return say(line, "Choose an image first.", "bad");
    const form = new FormData();
    form.append("file", file.files[0]);
    const res = await call("POST", `/api/products/${p.productId}/images`, { form });
    if (res.ok) say(line, "Image uploaded.", "ok");
    else say(line, res.status === 404 && !String(res.body.code).startsWith("PRODUCT") ? "Image uploads are not available yet." : explain(res.body, res.status), "bad");
  } }, field("Image (PNG, JPEG or WebP)", file), h("button", { type: "submit", class: "secondary" }, "Upload"));

  const units = h("input", { type: "number", name: "units", min: 1, max: 10000000, required: true, inputmode: "numeric" });
  const restock = h("form", { "aria-label": `Restock ${p.name}`, class: "row", onsubmit: async (e) => {
    e.preventDefault();
    const res = await call("POST", `/api/products/${p.productId}/restock`, { body: { units: Number(units.value) } });
    if (res.ok) say(line, `Restocked: ${res.body.available} available for carts.`, "ok");
    else say(line, explain(res.body, res.status), "bad");
  } }, field("Add stock (units)", units), h("button", { type: "submit", class: "secondary" }, "Restock"));

  const queued = h("input", { type: "checkbox", name: "queued", id: `q-${p.productId}` });
  const rate = h("input", { type: "number", name: "admitPerSecond", min: 1, max: 100000, value: "10", inputmode: "numeric" });
  const dropForm = h("form", { "aria-label": `Schedule a drop of ${p.name}`, onsubmit: async (e) => {
    e.preventDefault();
    const d = Object.fromEntries(new FormData(dropForm));
    const startsMs = new Date(String(d.startsAt)).getTime();
    if (Number.isNaN(startsMs)) return say(line, "Choose when the drop opens.", "bad");
    const body = { productId: p.productId, startsAt: new Date(startsMs).toISOString(), units: Number(d.units), perBuyerLimit: Number(d.perBuyerLimit), holdSeconds: Number(d.holdSeconds) };
    if (queued.checked) body.queue = { admitPerSecond: Number(d.admitPerSecond) };
    const res = await call("POST", "/api/drops", { body });
    if (!res.ok) return say(line, explain(res.body, res.status), "bad");
    show(line, "Drop scheduled: ", h("a", { href: `/drops/${res.body.dropId}` }, "see its page"));
    line.classList.add("ok");
    await onDrop();
  } },
  h("div", { class: "grid2" },
    field("Opens at", h("input", { type: "datetime-local", name: "startsAt", step: 1, required: true, value: localInput(Date.now() + 5 * 60_000) })),
    field("Units", h("input", { type: "number", name: "units", min: 1, max: 1000000, value: "100", required: true, inputmode: "numeric" })),
    field("Limit per buyer", h("input", { type: "number", name: "perBuyerLimit", min: 1, value: "1", required: true, inputmode: "numeric" })),
    field("Hold (seconds to pay)", h("input", { type: "number", name: "holdSeconds", min: 5, max: 3600, value: "120", required: true, inputmode: "numeric" })),
  ),
  h("p", {}, queued, " ", h("label", { for: queued.id, class: "inline" }, "Waiting room")),
  field("Admit buyers per second", rate),
  h("div", { class: "actions" }, h("button", { type: "submit" }, "Schedule drop")));

  return h("li", { class: "card", dataset: { productId: p.productId } },
    h("h3", {}, h("a", { href: `/products/${p.productId}` }, p.name)),
    h("p", {}, money(p.priceCents)),
    h("details", {}, h("summary", {}, "Images and stock"), upload, restock),
    h("details", {}, h("summary", {}, "Schedule a drop"), dropForm),
    line);
}

function dropCard(d, timers) {
  const sales = h("dl", { class: "facts", "aria-live": "polite" });
  const line = liveLine();
  const delta = h("input", { type: "number", name: "delta", required: true, inputmode: "numeric" });
  const adjust = h("form", { class: "row", "aria-label": `Change the units of ${d.name}`, onsubmit: async (e) => {
    e.preventDefault();
    const res = await call("POST", `/api/sellers/me/drops/${d.dropId}/adjust`, { body: { delta: Number(delta.value) } });
    if (res.ok) say(line, "Units changed.", "ok");
    else say(line, res.status === 404 && !String(res.body.code).startsWith("DROP") ? "Changing units is not available yet." : explain(res.body, res.status), "bad");
    await loadSales();
  } }, field("Add (+) or withdraw (−) units", delta), h("button", { type: "submit", class: "secondary" }, "Apply"));

  let gone = false;
  const loadSales = async () => {
    if (gone) return;
    const res = await call("GET", `/api/sellers/me/drops/${d.dropId}/sales`);
    if (res.status === 404 && !String(res.body.code).startsWith("DROP")) {
      gone = true;
      show(sales, h("dt", {}, "Sales"), h("dd", {}, "Sales figures are not available yet."));
      return;
    }
    if (!res.ok) return;
    const s = res.body;
    show(sales,
      h("dt", {}, "Sold"), h("dd", {}, `${s.sold} of ${s.units}`),
      h("dt", {}, "Held"), h("dd", {}, String(s.held)),
      h("dt", {}, "Available"), h("dd", {}, String(s.available)),
      h("dt", {}, "Cancelled / refunded"), h("dd", {}, `${s.cancelled ?? 0} / ${s.refunded ?? 0}`),
      h("dt", {}, "Revenue"), h("dd", {}, money(s.revenueCents)));
  };
  void loadSales();
  timers.push(setInterval(loadSales, 3000));
  return h("li", { class: "card", dataset: { dropId: d.dropId } },
    h("h3", {}, h("a", { href: `/drops/${d.dropId}` }, d.name)),
    h("p", {}, badge(d.status), ` · opens ${when(d.startsAt)}`),
    h("p", { class: "stock" }, `${d.available} of ${d.units} left`),
    sales, adjust, line);
}
