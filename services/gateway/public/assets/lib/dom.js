// Tiny DOM helpers: elements are built with h() (text always as text nodes, never as HTML).

/**
 * h("button", { class: "buy", onclick: fn, disabled: true }, "Buy") -> an element.
 * Attributes: `on*` functions become listeners; true/false toggle boolean attributes; null and
 * undefined are skipped; `dataset` takes an object. Children: nodes, strings, numbers, arrays, null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "value") el.value = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the element's content. */
export function show(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let seq = 0;
/** A labelled field: <label for=id>text</label> + the input (given an id when it has none). */
export function field(label, input, hint) {
  if (!input.id) input.id = `f${++seq}`;
  const parts = [h("label", { for: input.id }, label), input];
  if (hint) {
    const hintEl = h("small", { class: "muted", id: `${input.id}-hint` }, hint);
    input.setAttribute("aria-describedby", hintEl.id);
    parts.push(hintEl);
  }
  return h("div", { class: "field" }, parts);
}

/** A status line that screen readers announce (polite). */
export function liveLine(cls = "answer") {
  return h("p", { class: cls, role: "status", "aria-live": "polite" });
}

/** Sets a status line's text and tone ("ok", "bad" or none). */
export function say(el, text, tone) {
  el.textContent = text ?? "";
  el.classList.toggle("ok", tone === "ok");
  el.classList.toggle("bad", tone === "bad");
}

export function money(cents, currency = "EUR") {
  if (typeof cents !== "number") return "";
  return new Intl.NumberFormat("en-IE", { style: "currency", currency }).format(cents / 100);
}

/** "12:03:10" (24-hour clock, local time). */
export function clock(at) {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString("en-GB", { hour12: false });
}

/** "Mon 15 Dec, 12:03" */
export function when(at) {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleString("en-GB", { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

/** 12_000 -> "00:00:12"; a day or more: "2d 03:04:05". Never negative. */
export function duration(ms) {
  let s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const p = (n) => String(n).padStart(2, "0");
  const hms = `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
  return d > 0 ? `${d}d ${hms}` : hms;
}

export const STATUS_WORDS = {
  scheduled: "Upcoming", upcoming: "Upcoming", open: "Open", sold_out: "Sold out", paused: "Paused", closed: "Ended", ended: "Ended",
  held: "Held", confirmed: "Confirmed", cancelled: "Cancelled", expired: "Expired", refunded: "Refunded", failed: "Failed",
  pending: "Pending", approved: "Approved", rejected: "Rejected", waiting: "Waiting", admitted: "Admitted",
};

export function badge(status) {
  return h("span", { class: `badge ${status}` }, STATUS_WORDS[status] ?? status);
}

/** A random v4 UUID (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function uuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** "12.50" -> 1250; bad input -> NaN. */
export function toCents(text) {
  const m = /^\s*(\d+)(?:[.,](\d{1,2}))?\s*$/.exec(String(text));
  if (!m) return Number.NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
}
