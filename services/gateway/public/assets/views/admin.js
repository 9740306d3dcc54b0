// The admin console: pending sellers (approve / reject), per drop Redis vs ledger with resync and
// pause / resume, dead letters with replay, rankings, and the key figures live from the metrics
// (GET /api/admin/metrics/summary, read every 2 s). Sections whose API is missing say so.
import { badge, field, h, liveLine, say, show, when } from "../lib/dom.js";
import { call, hasRole } from "../lib/api.js";
import { explain } from "../lib/words.js";

const missing = (r) => r.status === 404 && (!r.body.code || r.body.code === "NOT_FOUND");

export default async function adminPage(ctx) {
  ctx.title("Admin");
  if (!hasRole("admin")) {
    show(ctx.root, h("h1", {}, "Admin"), h("p", {}, "This page is for admins. ", h("a", { href: "/login?next=/admin" }, "Log in as an admin")));
    return;
  }
  const sellersEl = h("div", {});
  const stockEl = h("div", {});
  const deadEl = h("div", {});
  const rankEl = h("div", { class: "grid2" });
  const liveEl = h("div", { "aria-live": "polite" });
  show(ctx.root, h("h1", {}, "Admin"),
    h("section", { "aria-labelledby": "m-h" }, h("h2", { id: "m-h" }, "Live figures"), liveEl),
    h("section", { "aria-labelledby": "s-h" }, h("h2", { id: "s-h" }, "Pending sellers"), sellersEl),
    h("section", { "aria-labelledby": "k-h" }, h("h2", { id: "k-h" }, "Drop stock: Redis vs ledger"), stockEl),
    h("section", { "aria-labelledby": "dl-h" }, h("h2", { id: "dl-h" }, "Dead letters"), deadEl),
    h("section", { "aria-labelledby": "r-h" }, h("h2", { id: "r-h" }, "Rankings"), rankEl));
  await Promise.all([sellers(ctx, sellersEl), stock(ctx, stockEl), deadLetters(ctx, deadEl), rankings(ctx, rankEl), liveFigures(ctx, liveEl)]);
}

const ms = (s) => (s === null || s === undefined ? "–" : `${(s * 1000).toFixed(s < 0.01 ? 2 : 0)} ms`);
const pairs = (o) => Object.entries(o ?? {}).map(([k, v]) => `${k} ${v}`).join(", ") || "none";

/** The key figures from the metrics, read every 2 s while the page is shown; rates from two reads. */
async function liveFigures(ctx, el) {
  let last;
  const read = async () => {
    const r = await call("GET", "/api/admin/metrics/summary", { signal: ctx.signal });
    if (r.aborted || !ctx.isCurrent()) return false;
    if (!r.ok) {
      show(el, h("p", { class: missing(r) ? "muted" : "error" }, missing(r) ? "Live figures are not available on this gateway." : explain(r.body, r.status)));
      return !missing(r);
    }
    const m = r.body;
    const rate = last ? Math.max(0, (m.purchases.total - last.purchases.total) / ((Date.parse(m.at) - Date.parse(last.at)) / 1000 || 1)) : null;
    last = m;
    const down = Object.entries(m.sources).filter(([, v]) => v !== "ok").map(([k, v]) => `${k}: ${v}`);
    show(el,
      h("dl", { class: "figures" },
        h("dt", {}, "Purchase attempts"), h("dd", {}, `${m.purchases.total}${rate === null ? "" : ` (${rate.toFixed(1)}/s now)`}: ${pairs(m.purchases.byOutcome)}`),
        h("dt", {}, "Purchase p99 / reserve p99"), h("dd", {}, `${ms(m.purchases.p99Seconds)} / ${ms(m.purchases.reserveP99Seconds)}`),
        h("dt", {}, "Holds open"), h("dd", {}, String(m.holdsActive)),
        h("dt", {}, "Sagas"), h("dd", {}, `${pairs(m.sagas.byOutcome)}; p99 ${ms(m.sagas.p99Seconds)}; compensations: ${pairs(m.sagas.compensations)}`),
        h("dt", {}, "Backlog"), h("dd", {}, `outbox ${m.backlog.outbox}, stock stream ${m.backlog.stockStream}`),
        h("dt", {}, "Kafka lag"), h("dd", {}, String(m.kafka.lag.reduce((a, l) => a + l.lag, 0))),
        h("dt", {}, "Dead letters"), h("dd", {}, String(m.kafka.deadLetters.reduce((a, d) => a + d.count, 0))),
        h("dt", {}, "Live streams (SSE)"), h("dd", {}, String(m.sseConnections))),
      m.drops.length === 0 ? h("p", { class: "muted" }, "No drop loaded in the stock yet.") : h("table", {},
        h("thead", {}, h("tr", {}, h("th", {}, "Drop"), h("th", {}, "Available"), h("th", {}, "Held"), h("th", {}, "Sold"), h("th", {}, "Waiting"))),
        h("tbody", {}, m.drops.map((d) => h("tr", { dataset: { dropId: d.dropId } }, h("td", {}, d.dropId), h("td", {}, String(d.available)), h("td", {}, String(d.held)), h("td", {}, String(d.sold)), h("td", {}, String(d.waiting)))))),
      down.length ? h("p", { class: "error" }, `Not read: ${down.join("; ")}`) : null);
    return true;
  };
  if (!(await read())) return;
  const timer = setInterval(async () => {
    if (!ctx.isCurrent()) return clearInterval(timer);
    if (!(await read())) clearInterval(timer);
  }, 2000);
  ctx.signal?.addEventListener("abort", () => clearInterval(timer));
}

async function sellers(ctx, el) {
  const line = liveLine();
  const load = async () => {
    const r = await call("GET", "/api/admin/sellers?status=pending&pageSize=50", { signal: ctx.signal });
    if (r.aborted || !ctx.isCurrent()) return;
    if (!r.ok) return show(el, h("p", { class: "error" }, explain(r.body, r.status)), line);
    if (r.body.items.length === 0) return show(el, h("p", {}, "No sellers waiting."), line);
    show(el, h("ul", { class: "cards" }, r.body.items.map((s) => {
      const reason = h("input", { name: "reason", maxlength: 500, placeholder: "e.g. incomplete details" });
      const approve = h("button", { type: "button" }, "Approve");
      const reject = h("button", { type: "button", class: "secondary" }, "Reject");
      const act = async (action) => {
        approve.disabled = reject.disabled = true;
        const res = await call("POST", `/api/admin/sellers/${s.sellerId}/${action}`, action === "reject" ? { body: { reason: reason.value.trim() || "Not approved" } } : {});
        if (res.ok) say(line, `${s.businessName}: ${action === "approve" ? "approved" : "rejected"}.`, "ok");
        else say(line, explain(res.body, res.status), "bad");
        await load();
      };
      approve.addEventListener("click", () => void act("approve"));
      reject.addEventListener("click", () => void act("reject"));
      return h("li", { class: "card", dataset: { sellerId: s.sellerId } },
        h("h3", {}, s.businessName), h("p", {}, s.contactEmail), s.createdAt ? h("p", { class: "muted" }, `Applied ${when(s.createdAt)}`) : null,
        field(`Reason if rejecting ${s.businessName}`, reason), h("div", { class: "actions" }, approve, reject));
    })), line);
  };
  await load();
}

async function stock(ctx, el) {
  const r = await call("GET", "/api/drops?sort=-startsAt&pageSize=50", { signal: ctx.signal });
  if (r.aborted || !ctx.isCurrent()) return;
  if (!r.ok) return show(el, h("p", { class: "error" }, explain(r.body, r.status)));
  if (r.body.items.length === 0) return show(el, h("p", {}, "No drops yet."));
  const pick = h("select", { name: "dropId" }, r.body.items.map((d) => h("option", { value: d.dropId }, `${d.name} (${when(d.startsAt)})`)));
  const view = h("div", { "aria-live": "polite" });
  const line = liveLine();
  const check = async () => {
    const s = await call("GET", `/api/admin/drops/${pick.value}/stock`);
    if (!s.ok) return show(view, h("p", { class: "error" }, explain(s.body, s.status)));
    show(view, stockTable(s.body));
  };
  const action = (label, path, done) => {
    const b = h("button", { type: "button", class: "secondary" }, label);
    b.addEventListener("click", async () => {
      b.disabled = true;
      const res = await call("POST", `/api/admin/drops/${pick.value}/${path}`);
      b.disabled = false;
      if (res.ok) say(line, done(res.body), "ok");
      else say(line, missing(res) ? `${label} is not available yet.` : explain(res.body, res.status), "bad");
      await check();
    });
    return b;
  };
  const form = h("form", { "aria-label": "Check a drop's stock", onsubmit: (e) => {
    e.preventDefault();
    void check();
  } }, field("Drop", pick), h("div", { class: "actions" }, h("button", { type: "submit" }, "Check stock"),
    action("Resync", "resync", () => "Redis rebuilt from the ledger."),
    action("Pause", "pause", (b) => `Drop ${b.status ?? "paused"}.`),
    action("Resume", "resume", (b) => `Drop ${b.status ?? "resumed"}.`)));
  show(el, form, line, view);
  await check();
}

function stockTable(s) {
  const keys = ["available", "held", "sold", "total"];
  const cell = (src, k) => h("td", { class: "num" }, src && typeof src === "object" && src[k] !== undefined ? String(src[k]) : "–");
  return h("div", {},
    h("p", { id: "stock-consistent" }, s.consistent ? badge("ok") : badge("bad"), " ", s.consistent ? "Consistent: Redis agrees with the ledger." : "Not consistent."),
    h("div", { class: "table-wrap" }, h("table", {},
      h("caption", { class: "visually-hidden" }, "Stock figures"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ""), keys.map((k) => h("th", { scope: "col", class: "num" }, k)))),
      h("tbody", {},
        h("tr", {}, h("th", { scope: "row" }, "Now"), keys.map((k) => cell(s, k))),
        h("tr", {}, h("th", { scope: "row" }, "Redis"), keys.map((k) => cell(s.redis, k))),
        h("tr", {}, h("th", { scope: "row" }, "Ledger"), keys.map((k) => cell(s.ledger, k)))))),
    h("dl", { class: "facts" },
      h("dt", {}, "Status"), h("dd", {}, s.status ?? "not loaded"),
      h("dt", {}, "Loaded in Redis"), h("dd", {}, s.loaded === false ? "no" : "yes"),
      h("dt", {}, "Not yet relayed"), h("dd", {}, String(s.unrelayed ?? 0))),
    Array.isArray(s.problems) && s.problems.length ? h("ul", { class: "error" }, s.problems.map((p) => h("li", {}, p))) : null);
}

async function deadLetters(ctx, el) {
  const line = liveLine();
  const load = async () => {
    const r = await call("GET", "/api/admin/dead-letters?pageSize=50", { signal: ctx.signal });
    if (r.aborted || !ctx.isCurrent()) return;
    if (missing(r)) return show(el, h("p", { class: "notice" }, "Dead letters are not available yet."));
    if (!r.ok) return show(el, h("p", { class: "error" }, explain(r.body, r.status)));
    if (r.body.items.length === 0) return show(el, h("p", {}, "No dead letters."), line);
    show(el, h("div", { class: "table-wrap" }, h("table", {},
      h("caption", { class: "visually-hidden" }, "Dead letters"),
      h("thead", {}, h("tr", {}, ["When", "Topic", "Event", "Reason", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, r.body.items.map((d) => {
        const replay = h("button", { type: "button", class: "secondary", "aria-label": `Replay ${d.eventType ?? "message"} from ${d.topic}` }, "Replay");
        replay.addEventListener("click", async () => {
          replay.disabled = true;
          const res = await call("POST", `/api/admin/dead-letters/${encodeURIComponent(d.id)}/replay`);
          say(line, res.ok ? "Replayed to its topic." : explain(res.body, res.status), res.ok ? "ok" : "bad");
          replay.disabled = false;
        });
        return h("tr", {}, h("td", {}, when(d.at)), h("td", {}, `${d.topic} [${d.partition}] @${d.offset}`), h("td", {}, d.eventType ?? "?"), h("td", {}, d.reason ?? "", d.error ? h("div", { class: "muted" }, d.error) : null), h("td", {}, replay));
      })))), line);
  };
  await load();
}

async function rankings(ctx, el) {
  const one = async (kind, title, href) => {
    const r = await call("GET", `/api/rankings/${kind}?limit=10`, { signal: ctx.signal });
    if (r.aborted) return null;
    if (!r.ok) return h("div", {}, h("h3", {}, title), h("p", { class: missing(r) ? "notice" : "error" }, missing(r) ? "Rankings are not available yet." : explain(r.body, r.status)));
    return h("div", {}, h("h3", {}, title), r.body.items.length === 0 ? h("p", {}, "Nothing sold yet.") : h("ol", {}, r.body.items.map((i) => h("li", {}, h("a", { href: href(i) }, i.name ?? "?"), ` · ${i.score}`))));
  };
  const parts = await Promise.all([one("drops", "Drops", (i) => `/drops/${i.dropId}`), one("products", "Products", (i) => `/products/${i.productId}`)]);
  if (ctx.isCurrent()) show(el, parts.filter(Boolean));
}
