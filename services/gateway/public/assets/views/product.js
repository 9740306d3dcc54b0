// A product page: pictures, price, stock, and "add to cart".
import { field, h, liveLine, money, say, show } from "../lib/dom.js";
import { call, getSession } from "../lib/api.js";
import { explain } from "../lib/words.js";

export default async function productPage(ctx) {
  const [productId] = ctx.params;
  ctx.title("Product");
  const r = await call("GET", `/api/products/${encodeURIComponent(productId)}`, { signal: ctx.signal });
  if (r.aborted || !ctx.isCurrent()) return;
  if (!r.ok) {
    show(ctx.root, h("h1", {}, "Product not found"), h("p", { class: "error", role: "alert" }, explain(r.body, r.status)), h("p", {}, h("a", { href: "/" }, "See all drops")));
    return;
  }
  const p = r.body;
  ctx.title(p.name);
  const available = p.stock?.available ?? 0;
  const images = Array.isArray(p.images) ? p.images : [];
  const qty = h("input", { type: "number", name: "quantity", min: 1, max: Math.max(1, Math.min(99, available)), value: "1", inputmode: "numeric", required: true });
  const answer = liveLine();
  const add = h("button", { type: "submit", disabled: available <= 0 }, available > 0 ? "Add to cart" : "Out of stock");
  const form = h("form", { "aria-label": "Add to cart", onsubmit: async (e) => {
    e.preventDefault();
    if (!getSession()) return say(answer, "Please log in to use the cart.", "bad");
    add.disabled = true;
    // PUT sets the line's quantity: what is already in the cart plus this many.
    const cart = await call("GET", "/api/cart");
    const have = cart.ok ? (cart.body.lines.find((l) => l.productId === p.productId)?.quantity ?? 0) : 0;
    const res = await call("PUT", `/api/cart/lines/${p.productId}`, { body: { quantity: Math.min(99, have + (Number(qty.value) || 1)) } });
    add.disabled = false;
    if (res.ok) {
      const line = res.body.lines.find((l) => l.productId === p.productId);
      show(answer, `Added: ${line?.quantity ?? ""} in your cart. `, h("a", { href: "/cart" }, "Go to cart"));
      answer.classList.add("ok");
    } else say(answer, explain(res.body, res.status), "bad");
  } }, h("div", { class: "row" }, field("Quantity", qty), add), answer);

  show(
    ctx.root,
    h("article", { class: "drop" },
      h("figure", {}, h("img", { src: images[0]?.url ?? new URL("../placeholder.svg", import.meta.url).pathname, alt: images[0] ? `Picture of ${p.name}` : "", width: 800, height: 600 })),
      h("div", {},
        h("h1", {}, p.name),
        h("p", { class: "price" }, money(p.priceCents)),
        h("p", { class: "stock" }, available > 0 ? `${available} in stock` : "Out of stock"),
        form,
        h("h2", {}, "About"),
        h("p", {}, p.description ?? ""),
        images.length > 1 ? h("ul", { class: "cards" }, images.slice(1).map((i) => h("li", {}, h("img", { src: i.url, alt: `Another picture of ${p.name}`, loading: "lazy", width: 400, height: 300 })))) : null,
      ),
    ),
  );
}
