// My orders: newest first, statuses kept live (the list is read again every 2 s while an order is
// not final), cancel where the order allows it.
import { badge, clock, h, liveLine, money, say, show, when } from "../lib/dom.js";
import { call, getSession } from "../lib/api.js";
import { explain } from "../lib/words.js";
import { FINAL } from "../lib/follow.js";

const PAGE_SIZE = 20;
const PLACEHOLDER = new URL("../placeholder.svg", import.meta.url).pathname;

export default async function ordersPage(ctx) {
  ctx.title("My orders");
  if (!getSession()) {
    show(ctx.root, h("h1", {}, "My orders"), h("p", {}, h("a", { href: "/login?next=/orders" }, "Log in"), " to see your orders."));
    return;
  }
  const page = Math.max(1, Number(ctx.query.get("page")) || 1);
  const list = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, "Loading your orders…"));
  const answer = liveLine();
  show(ctx.root, h("h1", {}, "My orders"), answer, list);
  let timer = null;
  ctx.onCleanup(() => clearTimeout(timer));

  const load = async () => {
    const r = await call("GET", `/api/orders?page=${page}&pageSize=${PAGE_SIZE}`, { signal: ctx.signal });
    if (r.aborted || !ctx.isCurrent()) return;
    if (!r.ok) {
      show(list, h("p", { class: "error", role: "alert" }, explain(r.body, r.status)));
      return;
    }
    const items = [...r.body.items].sort((a, b) => String(b.createdAt ?? "").localeCompare(String(a.createdAt ?? "")));
    if (items.length === 0) show(list, h("p", {}, "No orders yet. ", h("a", { href: "/" }, "See the drops")));
    else {
      const pages = Math.max(1, Math.ceil(r.body.total / PAGE_SIZE));
      show(list, h("ul", { class: "cards order-list" }, items.map(card)),
        pages > 1 ? h("nav", { class: "pager", "aria-label": "Pages" },
          page > 1 ? h("a", { href: `/orders?page=${page - 1}` }, "‹ Newer") : null, h("span", {}, `Page ${page} of ${pages}`),
          page < pages ? h("a", { href: `/orders?page=${page + 1}` }, "Older ›") : null) : null);
    }
    if (items.some((o) => !FINAL.has(o.status))) timer = setTimeout(load, 2000);
  };

  const card = (o) => {
    const cancellable = o.status === "held" || o.status === "confirmed";
    const cancel = h("button", { type: "button", class: "secondary" }, o.status === "confirmed" ? "Cancel and refund" : "Cancel");
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      const r = await call("POST", `/api/orders/${o.orderId}/cancel`);
      if (r.ok) say(answer, r.body.status === "refunded" ? "Order cancelled: you will be refunded." : "Order cancelled.", "ok");
      else say(answer, explain(r.body, r.status), "bad");
      clearTimeout(timer);
      await load();
    });
    // Names come with the order (the gateway asks the catalog once per page).
    const lines = Array.isArray(o.lines) ? o.lines : [];
    const lineNames = lines.map((l) => l.name ?? "An item");
    const what = o.dropId ? (o.name ?? "Drop order") : lineNames.length === 1 ? lineNames[0] : lineNames.length > 1 ? `${lineNames[0]} and ${lineNames.length - 1} more` : "Cart order";
    return h("li", { class: "card order-card", dataset: { orderId: o.orderId, status: o.status } },
      h("img", { class: "order-thumb", src: o.imageUrl || PLACEHOLDER, alt: "", width: 96, height: 72, loading: "lazy", decoding: "async" }),
      h("h2", {}, o.dropId ? h("a", { href: `/drops/${o.dropId}` }, what) : what),
      lines.length > 1 ? h("ul", { class: "lines" }, lines.map((l) => h("li", {}, h("a", { href: `/products/${l.productId}` }, l.name ?? "An item"), ` × ${l.quantity}`))) : null,
      h("p", {}, badge(o.status), " ", h("strong", {}, money(o.amountCents, o.currency || "EUR")), ` · ${o.quantity} unit${o.quantity === 1 ? "" : "s"}`),
      o.createdAt ? h("p", { class: "muted" }, `Ordered ${when(o.createdAt)}`) : null,
      o.status === "held" && o.holdExpiresAt ? h("p", {}, `Held until ${clock(o.holdExpiresAt)}`) : null,
      o.reason ? h("p", { class: "muted" }, o.reason) : null,
      cancellable ? h("div", { class: "actions" }, cancel) : null);
  };
  await load();
}
