// The cart: change quantities, remove lines, check out (one Idempotency-Key per checkout intent);
// a line that cannot be reserved is named in words and marked; the order's status follows live.
import { clock, h, liveLine, money, say, show, uuid, when } from "../lib/dom.js";
import { call, getSession } from "../lib/api.js";
import { explain } from "../lib/words.js";
import { followOrder } from "../lib/follow.js";

const ORDER_WORDS = { held: "Held: waiting for payment", confirmed: "Confirmed", cancelled: "Cancelled", expired: "Expired", refunded: "Refunded", failed: "Failed" };

export default async function cartPage(ctx) {
  ctx.title("Cart");
  if (!getSession()) {
    show(ctx.root, h("h1", {}, "Your cart"), h("p", {}, h("a", { href: "/login?next=/cart" }, "Log in"), " to see your cart."));
    return;
  }
  const body = h("div", {}, h("p", { class: "loading" }, "Loading your cart…"));
  const answer = liveLine();
  answer.id = "checkout-answer";
  const orderLine = liveLine("order-status");
  orderLine.id = "order-status";
  show(ctx.root, h("h1", {}, "Your cart"), body, answer, orderLine);

  let failing = null; // productId of the line the last checkout could not reserve
  let intentKey = null;
  let busy = false;
  let stop = null;
  ctx.onCleanup(() => stop?.());

  const draw = (cart) => {
    if (cart.lines.length === 0) {
      show(body, h("p", {}, "Your cart is empty. ", h("a", { href: "/" }, "Browse drops and products")));
      return;
    }
    const rows = cart.lines.map((l) => {
      const q = h("input", { type: "number", min: 1, max: 99, value: String(l.quantity), "aria-label": `Quantity of ${l.name}`, inputmode: "numeric" });
      q.addEventListener("change", async () => {
        const n = Number(q.value);
        if (!Number.isInteger(n) || n < 1 || n > 99) return say(answer, "Quantities are 1 to 99.", "bad");
        const r = await call("PUT", `/api/cart/lines/${l.productId}`, { body: { quantity: n } });
        if (r.ok) {
          if (failing === l.productId) failing = null;
          say(answer, `${l.name}: ${n} in your cart.`);
          draw(r.body);
        } else say(answer, explain(r.body, r.status), "bad");
      });
      const remove = h("button", { type: "button", class: "secondary", "aria-label": `Remove ${l.name}` }, "Remove");
      remove.addEventListener("click", async () => {
        const r = await call("DELETE", `/api/cart/lines/${l.productId}`);
        if (r.ok) {
          if (failing === l.productId) failing = null;
          say(answer, `${l.name} removed.`);
          draw(r.body);
        } else say(answer, explain(r.body, r.status), "bad");
      });
      return h("tr", { class: failing === l.productId ? "failing" : null, dataset: { productId: l.productId } },
        h("th", { scope: "row" }, h("a", { href: `/products/${l.productId}` }, l.name), failing === l.productId ? h("div", { class: "error" }, "Not available in this quantity") : null),
        h("td", { class: "num" }, money(l.priceCents)),
        h("td", {}, q),
        h("td", { class: "num" }, money(l.lineTotalCents)),
        h("td", {}, remove));
    });
    const pm = h("select", { id: "cart-pm", name: "paymentMethod" }, h("option", { value: "pm_card_ok" }, "Card (test: approved)"), h("option", { value: "pm_card_declined" }, "Card (test: declined)"));
    const go = h("button", { type: "submit", disabled: busy, "aria-describedby": "checkout-answer" }, busy ? "Checking out…" : "Check out");
    const form = h("form", { "aria-label": "Checkout", onsubmit: (e) => {
      e.preventDefault();
      void checkout(cart, pm.value);
    } }, h("label", { for: "cart-pm" }, "Payment"), pm, h("div", { class: "actions" }, go));
    show(body,
      h("div", { class: "table-wrap" }, h("table", {},
        h("caption", { class: "visually-hidden" }, "Items in your cart"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Item"), h("th", { scope: "col", class: "num" }, "Price"), h("th", { scope: "col" }, "Quantity"), h("th", { scope: "col", class: "num" }, "Total"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))),
        h("tbody", {}, rows),
        h("tfoot", {}, h("tr", {}, h("th", { scope: "row", colspan: 3 }, "Total"), h("td", { class: "num" }, h("strong", {}, money(cart.totalCents))), h("td", {}))))),
      cart.expiresAt ? h("p", { class: "muted" }, `Kept until ${when(cart.expiresAt)}`) : null,
      form);
  };

  async function checkout(cart, paymentMethod) {
    if (busy) return;
    busy = true;
    intentKey ??= uuid();
    draw(cart);
    const r = await call("POST", "/api/cart/checkout", { headers: { "idempotency-key": intentKey }, body: { paymentMethod } });
    busy = false;
    if (r.status === 0 || r.status >= 500) {
      say(answer, explain(r.body, r.status), "bad"); // same key kept: a retry resumes the same checkout
      draw(cart);
      return;
    }
    intentKey = null;
    if (r.ok) {
      say(answer, r.body.holdExpiresAt ? `Order placed: held until ${clock(r.body.holdExpiresAt)}` : "Order placed", "ok");
      failing = null;
      const text = h("span", {}, "Order: placing…");
      show(orderLine, text, " · ", h("a", { href: "/orders" }, "My orders"));
      stop = followOrder(r.body.orderId, (o) => {
        text.textContent = `Order: ${ORDER_WORDS[o.status] ?? o.status}`;
        orderLine.dataset.status = o.status;
      });
      const fresh = await call("GET", "/api/cart");
      if (fresh.ok && ctx.isCurrent()) draw(fresh.body);
      return;
    }
    if (r.body.code === "LINE_UNAVAILABLE") {
      failing = r.body.productId ?? null;
      const line = cart.lines.find((l) => l.productId === failing);
      const name = line?.name ?? "One item";
      const left = typeof r.body.available === "number" ? r.body.available : 0;
      say(answer, left > 0 ? `“${name}” has only ${left} left: lower its quantity to check out. Nothing was reserved.` : `“${name}” is sold out: remove it to check out. Nothing was reserved.`, "bad");
    } else say(answer, explain(r.body, r.status), "bad");
    draw(cart);
  }

  const r = await call("GET", "/api/cart", { signal: ctx.signal });
  if (r.aborted || !ctx.isCurrent()) return;
  if (!r.ok) return show(body, h("p", { class: "error", role: "alert" }, explain(r.body, r.status)));
  draw(r.body);
}
