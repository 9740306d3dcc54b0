// The drop page: image, price, the countdown from the server's clock, live stock over SSE, the
// one-click buy (one Idempotency-Key per click intent: a double click buys once), the answer in
// words at once, then the order's status live. Queued drops: join the line, live position and
// wait, buy with the admission token.
import { badge, clock, duration, field, h, liveLine, money, say, show, uuid, when } from "../lib/dom.js";
import { call, getSession, serverNow, syncClock } from "../lib/api.js";
import { explain } from "../lib/words.js";
import { stream } from "../lib/sse.js";
import { followOrder } from "../lib/follow.js";

const PAYMENT_METHODS = [["pm_card_ok", "Card (test: approved)"], ["pm_card_declined", "Card (test: declined)"]];
const ORDER_WORDS = { held: "Held: waiting for payment", confirmed: "Confirmed: it is yours", cancelled: "Cancelled", expired: "Expired: the hold ran out", refunded: "Refunded", failed: "Failed: our team is on it" };

export default async function dropPage(ctx) {
  const [dropId] = ctx.params;
  ctx.title("Drop");
  const r = await call("GET", `/api/drops/${encodeURIComponent(dropId)}`, { signal: ctx.signal });
  if (r.aborted || !ctx.isCurrent()) return;
  if (!r.ok) {
    show(ctx.root, h("h1", {}, r.status === 404 || r.status === 400 ? "Drop not found" : "Drop unavailable"), h("p", { class: "error", role: "alert" }, explain(r.body, r.status)), h("p", {}, h("a", { href: "/" }, "See all drops")));
    return;
  }
  const drop = r.body;
  ctx.title(drop.name);
  const startsAt = Date.parse(drop.startsAt);
  let available = drop.available;
  let status = drop.status;

  const img = h("img", { src: drop.imageUrl || placeholder(), alt: drop.imageUrl ? `Picture of ${drop.name}` : "", width: 800, height: 600, decoding: "async", fetchpriority: "high" });
  const statusEl = h("p", { class: "status" }, badge(status));
  const stockEl = h("p", { class: "stock", "aria-live": "polite" });
  const countdown = h("p", { class: "countdown", role: "timer", "aria-live": "off" });
  const answer = liveLine();
  answer.id = "buy-answer";
  const orderLine = liveLine("order-status");
  orderLine.id = "order-status";
  const qty = h("input", { type: "number", name: "quantity", min: 1, max: Math.max(1, Math.min(drop.perBuyerLimit ?? 1, 100)), value: "1", inputmode: "numeric", required: true });
  const pm = h("select", { name: "paymentMethod" }, PAYMENT_METHODS.map(([v, t]) => h("option", { value: v }, t)));
  const buy = h("button", { type: "submit", class: "buy", "aria-describedby": "buy-answer" }, "Buy now");
  const signInHint = h("p", { hidden: Boolean(getSession()) }, h("a", { href: `/login?next=${encodeURIComponent(location.pathname)}` }, "Log in"), " or ", h("a", { href: `/signup?next=${encodeURIComponent(location.pathname)}` }, "sign up"), " to buy.");
  const queuePanel = h("section", { class: "card", "aria-labelledby": "queue-h", hidden: !drop.queue });
  const watchBtn = h("button", { type: "button", class: "secondary watch", hidden: !getSession() || status !== "scheduled" }, "Notify me when it opens");
  const watchLine = liveLine("muted");

  // One click intent = one Idempotency-Key: kept while the answer is unknown (a network error, a
  // 5xx: trying again is the same purchase), dropped once the API has answered.
  let intentKey = null;
  let watching = false; // this buyer watches the drop (GET /watch below)
  let shownStatus = status;
  function showWatch() {
    const what = shownStatus === "sold_out" ? "Notify me if units come back" : "Notify me when it opens";
    watchBtn.textContent = watching ? "Watching: stop notices" : what;
    watchBtn.setAttribute("aria-pressed", watching ? "true" : "false");
    watchBtn.classList.toggle("watching", watching);
  }
  let inFlight = false;
  let admission = null; // {token, expiresAt} in a queued drop
  const spentAdmissions = new Set(); // tokens a purchase has used (single use)
  let stopOrder = null;

  const form = h("form", { class: "buyform", "aria-label": "Buy", onsubmit: (e) => {
    e.preventDefault();
    void purchase();
  } }, h("div", { class: "row" }, field("Quantity", qty), field("Payment", pm)), h("div", { class: "actions" }, buy), answer, orderLine);

  show(
    ctx.root,
    h("article", { class: "drop" },
      h("figure", {}, img),
      h("div", {},
        h("h1", {}, drop.name),
        h("p", { class: "price" }, money(drop.priceCents)),
        statusEl,
        countdown,
        stockEl,
        form,
        signInHint,
        queuePanel,
        h("div", { class: "actions" }, watchBtn),
        watchLine,
        h("h2", {}, "About"),
        h("p", {}, drop.description ?? ""),
        h("dl", { class: "facts" },
          h("dt", {}, "Opens"), h("dd", {}, when(drop.startsAt)),
          h("dt", {}, "Units"), h("dd", {}, String(drop.units)),
          h("dt", {}, "Limit"), h("dd", {}, `${drop.perBuyerLimit ?? "?"} per buyer`),
          h("dt", {}, "Hold"), h("dd", {}, `${drop.holdSeconds ?? "?"} s to pay`),
        ),
        h("p", {}, h("a", { href: `/products/${drop.productId}` }, "About the product")),
      ),
    ),
  );

  const render = () => {
    const now = serverNow();
    let shown = status;
    if (shown === "scheduled" && now >= startsAt) shown = available > 0 ? "open" : "sold_out";
    if (shown === "open" && available <= 0) shown = "sold_out";
    show(statusEl, badge(shown));
    stockEl.textContent = `${Math.max(0, available)} of ${drop.units} left`;
    if (now < startsAt && (status === "scheduled" || status === "open")) {
      countdown.hidden = false;
      countdown.textContent = `Opens in ${duration(startsAt - now)}`;
    } else {
      countdown.hidden = true;
    }
    const needsAdmission = Boolean(drop.queue) && !admission;
    buy.disabled = inFlight || shown !== "open" || !getSession() || needsAdmission;
    buy.textContent = inFlight ? "Buying…" : shown === "sold_out" ? "Sold out" : shown === "open" ? "Buy now" : shown === "scheduled" ? "Not open yet" : "Not on sale";
    watchBtn.hidden = !getSession() || (shown !== "scheduled" && shown !== "sold_out");
    if (shown !== shownStatus) {
      shownStatus = shown;
      showWatch();
    }
  };

  async function purchase() {
    if (inFlight) return; // a second click while the first is on its way: the same intent
    if (!getSession()) {
      say(answer, "Please log in to buy.", "bad");
      return;
    }
    inFlight = true;
    intentKey ??= uuid();
    render();
    const headers = { "idempotency-key": intentKey };
    if (admission) headers["admission-token"] = admission.token;
    const used = admission?.token;
    const res = await call("POST", `/api/drops/${drop.dropId}/purchases`, { headers, body: { quantity: Number(qty.value) || 1, paymentMethod: pm.value } });
    inFlight = false;
    if (res.status === 0 || res.status >= 500) {
      say(answer, explain(res.body, res.status), "bad"); // the same key is kept: trying again is this same purchase
      render();
      return;
    }
    intentKey = null;
    if (used) spentAdmissions.add(used);
    if (res.ok) {
      const o = res.body;
      say(answer, o.status === "held" && o.holdExpiresAt ? `Held until ${clock(o.holdExpiresAt)}` : ORDER_WORDS[o.status] ?? o.status, "ok");
      if (admission) admission = null;
      watchOrder(o.orderId);
    } else {
      const b = res.body;
      if (b.code === "NOT_OPEN" && b.startsAt) say(answer, `Opens in ${duration(Date.parse(b.startsAt) - serverNow())}`, "bad");
      else if (b.code === "SOLD_OUT") {
        available = 0;
        say(answer, "Sold out", "bad");
      } else if (b.code === "ADMISSION_INVALID" || b.code === "ADMISSION_REQUIRED") {
        admission = null;
        say(answer, explain(b, res.status), "bad");
      } else say(answer, explain(b, res.status), "bad");
    }
    render();
  }

  function watchOrder(orderId) {
    stopOrder?.();
    const link = h("a", { href: "/orders" }, "My orders");
    const text = h("span", {}, "Order: placing…");
    show(orderLine, text, " · ", link);
    stopOrder = followOrder(orderId, (o) => {
      text.textContent = `Order: ${ORDER_WORDS[o.status] ?? o.status}`;
      orderLine.dataset.status = o.status;
    });
    ctx.onCleanup(() => stopOrder?.());
  }

  // Live stock: the first event at once, then every change.
  const sse = stream(`/api/drops/${drop.dropId}/stock/stream`, {
    onEvent: (type, data) => {
      if (type !== "stock" || !data) return;
      if (typeof data.available === "number") available = data.available;
      if (typeof data.status === "string") status = data.status;
      render();
    },
  });
  ctx.onCleanup(() => sse.close());
  const tick = setInterval(render, 250);
  ctx.onCleanup(() => clearInterval(tick));
  render();
  if (startsAt > serverNow()) void syncClock().then(render);

  // Watching: "Notify me" shows this buyer's state (after a reload too) and toggles it.
  showWatch();
  if (getSession()) {
    void call("GET", `/api/drops/${drop.dropId}/watch`, { signal: ctx.signal }).then((w) => {
      if (!w.ok || !ctx.isCurrent()) return;
      watching = w.body.watching === true;
      showWatch();
      if (watching) say(watchLine, "You will be told when it opens and when units come back.");
    });
  }
  watchBtn.addEventListener("click", async () => {
    watchBtn.disabled = true;
    const w = await call(watching ? "DELETE" : "POST", `/api/drops/${drop.dropId}/watch`);
    watchBtn.disabled = false;
    if (w.ok) {
      watching = !watching;
      say(watchLine, watching ? "We will tell you when it opens (see Notifications)." : "No more notices for this drop.", "ok");
    } else say(watchLine, explain(w.body, w.status), "bad");
    showWatch();
    render();
  });

  if (drop.queue) queueSection(ctx, drop, queuePanel, (a) => {
    admission = a;
    render();
  }, spentAdmissions);
}

/** The waiting room: join, live position and estimated wait, admission (then the buy button works). */
function queueSection(ctx, drop, panel, onAdmission, spent) {
  const line = liveLine();
  const detail = h("p", { class: "muted" });
  const join = h("button", { type: "button" }, "Join the line");
  const leave = h("button", { type: "button", class: "secondary", hidden: true }, "Leave the line");
  show(panel,
    h("h2", { id: "queue-h" }, "Waiting room"),
    h("p", {}, `This drop admits ${drop.queue.admitPerSecond} buyers a second, in a shuffled order for everyone who joined before opening.`),
    drop.queue.seedHash ? h("p", { class: "muted" }, "Fairness commitment: ", h("code", {}, drop.queue.seedHash.slice(0, 16) + "…")) : null,
    h("div", { class: "actions" }, join, leave), line, detail);

  let sse = null;
  let poll = null;
  const stop = () => {
    sse?.close();
    sse = null;
    if (poll) clearInterval(poll);
    poll = null;
  };
  ctx.onCleanup(stop);

  const view = (q) => {
    if (!q || typeof q !== "object") return;
    join.hidden = true;
    leave.hidden = q.status !== "waiting";
    if (q.status === "waiting") {
      if (typeof q.position === "number" && q.position > 0) say(line, `You are number ${q.position} in line`);
      else say(line, "You are in line. Everyone who joins before the opening gets a place drawn at random when it opens.");
      detail.textContent = typeof q.etaSeconds === "number" ? `Estimated wait: ${duration(q.etaSeconds * 1000)}` : "";
    } else if (q.status === "admitted") {
      if (q.admissionToken && spent.has(q.admissionToken)) return; // this admission bought already
      say(line, q.admissionExpiresAt ? `It's your turn: buy before ${clock(q.admissionExpiresAt)}` : "It's your turn: buy now", "ok");
      detail.textContent = "";
      if (q.admissionToken) onAdmission({ token: q.admissionToken, expiresAt: q.admissionExpiresAt });
    } else if (q.status === "sold_out") {
      say(line, "Sold out: everything is taken or held. You stay in line in case units come back.", "bad");
      detail.textContent = "";
    } else if (q.status === "expired") {
      say(line, "Your turn has passed. Join again to get a new place.", "bad");
      join.hidden = false;
      onAdmission(null);
      stop();
    }
  };
  const follow = () => {
    stop();
    sse = stream(`/api/drops/${drop.dropId}/queue/stream`, {
      auth: true,
      onEvent: (type, data) => {
        if (type === "queue") view(data);
      },
      onGone: () => {
        poll = setInterval(async () => {
          const me = await call("GET", `/api/drops/${drop.dropId}/queue/me`);
          if (me.ok) view(me.body);
        }, 1000);
      },
    });
  };

  join.addEventListener("click", async () => {
    if (!getSession()) return say(line, "Please log in to join the line.", "bad");
    join.disabled = true;
    const r = await call("POST", `/api/drops/${drop.dropId}/queue`);
    join.disabled = false;
    if (!r.ok) return say(line, r.status === 404 && !r.body.code?.startsWith("DROP") ? "The waiting room is not available yet." : explain(r.body, r.status), "bad");
    view(r.body);
    follow();
  });
  leave.addEventListener("click", async () => {
    const r = await call("DELETE", `/api/drops/${drop.dropId}/queue`);
    if (!r.ok) return say(line, explain(r.body, r.status), "bad");
    stop();
    say(line, "You left the line.");
    detail.textContent = "";
    leave.hidden = true;
    join.hidden = false;
    onAdmission(null);
  });

  // Already in line (a reload): pick the place up again.
  if (getSession()) {
    void call("GET", `/api/drops/${drop.dropId}/queue/me`, { signal: ctx.signal }).then((me) => {
      if (me.ok && me.body.status && me.body.status !== "expired") {
        view(me.body);
        follow();
      }
    });
  }
}

function placeholder() {
  return new URL("../placeholder.svg", import.meta.url).pathname;
}
