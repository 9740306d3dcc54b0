// The public API (same origin), the session (token in sessionStorage), and the server's clock.

const KEY = "drops.session";
const listeners = new Set();

function load() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? "null");
    return s && typeof s.token === "string" ? s : null;
  } catch {
    return null;
  }
}
let session = load();

/** `{token, userId, email, displayName, roles}` or null. */
export function getSession() {
  return session;
}
export function hasRole(role) {
  return Boolean(session?.roles?.includes(role));
}
export function setSession(s) {
  session = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
  for (const f of listeners) f(s);
}
export function onSession(f) {
  listeners.add(f);
  return () => listeners.delete(f);
}

// The server's clock from the `Date` header of every answer. Each answer says the server's time was
// in [date, date + 1 s) at some moment between sending and receiving, so the offset (server - local)
// lies in [date - received, date + 1000 - sent]; intersecting these narrows it. serverNow() uses
// the lower bound, so it is never ahead of the server: a countdown never reaches zero early.
let lo = Number.NEGATIVE_INFINITY;
let hi = Number.POSITIVE_INFINITY;
export function observeDate(header, sentMs, receivedMs) {
  const d = Date.parse(header ?? "");
  if (Number.isNaN(d)) return;
  const nlo = d - receivedMs;
  const nhi = d + 1000 - sentMs;
  if (nlo > hi || nhi < lo) {
    lo = nlo; // the local clock jumped: start over
    hi = nhi;
  } else {
    lo = Math.max(lo, nlo);
    hi = Math.min(hi, nhi);
  }
}
export function serverNow() {
  return Date.now() + (Number.isFinite(lo) ? lo : 0);
}
/** How sure the clock is, in ms (the width of the offset's interval). */
export function clockUncertainty() {
  return Number.isFinite(lo) ? hi - lo : Number.POSITIVE_INFINITY;
}
/** A few cheap requests at different moments of a second, to narrow the clock to ~ a quarter second. */
export async function syncClock(samples = 4) {
  for (let i = 0; i < samples && clockUncertainty() > 250; i++) {
    const sent = Date.now();
    try {
      const res = await fetch("/health", { cache: "no-store" });
      observeDate(res.headers.get("date"), sent, Date.now());
      await res.arrayBuffer();
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 1000 / samples + 7));
  }
}

/**
 * call("POST", "/api/...", { body, headers, form, signal }) -> { ok, status, body }. Never throws:
 * a network failure is `{ ok: false, status: 0, body: { code: "NETWORK" } }`. Sends the session's
 * token; a token the API calls expired or invalid ends the session.
 */
export async function call(method, path, opts = {}) {
  const headers = { accept: "application/json", ...(opts.headers ?? {}) };
  if (session?.token) headers.authorization = `Bearer ${session.token}`;
  let body;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  const sent = Date.now();
  let res;
  try {
    res = await fetch(path, { method, headers, body, signal: opts.signal, cache: "no-store" });
  } catch (err) {
    if (err?.name === "AbortError") return { ok: false, status: 0, aborted: true, body: { code: "ABORTED" } };
    return { ok: false, status: 0, body: { code: "NETWORK", message: String(err) } };
  }
  observeDate(res.headers.get("date"), sent, Date.now());
  let data = {};
  try {
    const text = await res.text();
    data = text ? JSON.parse(text) : {};
  } catch (err) {
    if (err?.name === "AbortError") return { ok: false, status: 0, aborted: true, body: { code: "ABORTED" } };
    data = { code: "BAD_ANSWER" };
  }
  if (res.status === 401 && session && (data.code === "TOKEN_EXPIRED" || data.code === "INVALID_TOKEN")) setSession(null);
  return { ok: res.ok, status: res.status, body: data };
}

/** After signup or login: keep the token, then read who this is (roles decide the admin page). */
export async function signIn(answer) {
  setSession({ token: answer.accessToken, userId: answer.userId, roles: [] });
  const me = await call("GET", "/api/me");
  if (me.ok) setSession({ token: answer.accessToken, userId: answer.userId, email: me.body.email, displayName: me.body.displayName, roles: me.body.roles ?? [] });
  return me;
}
