// Notifications: the list, new ones live over SSE, mark as read.
import { h, show, when } from "../lib/dom.js";
import { call, getSession } from "../lib/api.js";
import { explain } from "../lib/words.js";
import { stream } from "../lib/sse.js";

export default async function notificationsPage(ctx) {
  ctx.title("Notifications");
  if (!getSession()) {
    show(ctx.root, h("h1", {}, "Notifications"), h("p", {}, h("a", { href: "/login?next=/notifications" }, "Log in"), " to see your notifications."));
    return;
  }
  const list = h("ul", { class: "cards", "aria-live": "polite" });
  const body = h("div", {}, h("p", { class: "loading" }, "Loading…"));
  show(ctx.root, h("h1", {}, "Notifications"), body);
  const r = await call("GET", "/api/notifications?pageSize=50", { signal: ctx.signal });
  if (r.aborted || !ctx.isCurrent()) return;
  if (!r.ok) {
    show(body, h("p", { class: r.status === 404 ? "notice" : "error" }, r.status === 404 ? "Notifications are not available yet." : explain(r.body, r.status)));
    return;
  }
  const seen = new Set();
  const item = (n) => {
    seen.add(n.id);
    const read = h("button", { type: "button", class: "secondary", hidden: Boolean(n.readAt) }, "Mark as read");
    const li = h("li", { class: "card", dataset: { kind: n.kind } }, h("h2", {}, n.title), h("p", {}, n.body), h("p", { class: "muted" }, when(n.createdAt), n.readAt ? " · read" : ""), read);
    read.addEventListener("click", async () => {
      const res = await call("POST", `/api/notifications/${n.id}/read`);
      if (res.ok) read.hidden = true;
    });
    return li;
  };
  const empty = h("p", { hidden: r.body.items.length > 0 }, "Nothing yet. Watch a drop to hear when it opens.");
  show(list, r.body.items.map(item));
  show(body, empty, list);
  const sse = stream("/api/notifications/stream", {
    auth: true,
    onEvent: (type, n) => {
      if (type !== "notification" || !n || seen.has(n.id)) return;
      empty.hidden = true;
      list.prepend(item(n));
    },
  });
  ctx.onCleanup(() => sse.close());
}
