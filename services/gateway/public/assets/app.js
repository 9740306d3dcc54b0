// The storefront shell: history API routing (every page has its own URL; the gateway serves this
// page for each), the navigation bar, and one view at a time in <main>.
import { h, show } from "./lib/dom.js";
import { getSession, hasRole, onSession, setSession } from "./lib/api.js";

const ROUTES = [
  [/^\/(?:drops\/?)?$/, "drops"],
  [/^\/drops\/([^/]+)\/?$/, "drop"],
  [/^\/products\/([^/]+)\/?$/, "product"],
  [/^\/cart\/?$/, "cart"],
  [/^\/orders\/?$/, "orders"],
  [/^\/notifications\/?$/, "notifications"],
  [/^\/signup\/?$/, "signup"],
  [/^\/login\/?$/, "login"],
  [/^\/seller\/?$/, "seller"],
  [/^\/admin\/?$/, "admin"],
];
const VIEWS = {
  drops: () => import("./views/drops.js"),
  drop: () => import("./views/drop.js"),
  product: () => import("./views/product.js"),
  cart: () => import("./views/cart.js"),
  orders: () => import("./views/orders.js"),
  notifications: () => import("./views/notifications.js"),
  signup: () => import("./views/auth.js").then((m) => ({ default: m.signup })),
  login: () => import("./views/auth.js").then((m) => ({ default: m.login })),
  seller: () => import("./views/seller.js"),
  admin: () => import("./views/admin.js"),
};

const main = document.getElementById("main");
let cleanups = [];
let renderSeq = 0;

function cleanup() {
  for (const f of cleanups.splice(0)) {
    try {
      f();
    } catch {
      // a view's cleanup failing must not stop the next view
    }
  }
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  void render();
}

async function render() {
  const seq = ++renderSeq;
  cleanup();
  const path = location.pathname;
  let name = "missing";
  let params = [];
  for (const [re, view] of ROUTES) {
    const m = re.exec(path);
    if (m) {
      name = view;
      params = m.slice(1).map(decodeURIComponent);
      break;
    }
  }
  renderNav();
  if (name === "missing") {
    document.title = "Not found · Drops";
    show(main, h("h1", {}, "Page not found"), h("p", {}, h("a", { href: "/" }, "See all drops")));
    return;
  }
  const ctl = new AbortController();
  cleanups.push(() => ctl.abort());
  const ctx = {
    root: main,
    params,
    query: new URLSearchParams(location.search),
    signal: ctl.signal,
    navigate,
    onCleanup: (f) => cleanups.push(f),
    title: (t) => (document.title = `${t} · Drops`),
    isCurrent: () => seq === renderSeq,
  };
  try {
    const mod = await VIEWS[name]();
    if (seq !== renderSeq) return;
    await mod.default(ctx);
  } catch (err) {
    if (seq !== renderSeq) return;
    show(main, h("h1", {}, "Something went wrong"), h("p", { class: "error" }, "This page could not be shown. Please reload."));
    console.warn(err);
  }
  if (seq === renderSeq && focusOnRender) main.focus({ preventScroll: false });
}

let focusOnRender = false;

function renderNav() {
  const s = getSession();
  const here = location.pathname;
  const link = (href, text) => h("li", {}, h("a", { href, "aria-current": (href === "/" ? here === "/" || here === "/drops" : here.startsWith(href)) ? "page" : null }, text));
  const items = [link("/", "Drops"), link("/cart", "Cart"), link("/orders", "My orders")];
  if (s) items.push(link("/notifications", "Notifications"), link("/seller", "Sell"));
  if (hasRole("admin")) items.push(link("/admin", "Admin"));
  if (s) {
    items.push(h("li", {}, h("button", { type: "button", class: "link", onclick: logOut }, `Log out${s.displayName ? ` (${s.displayName})` : ""}`)));
  } else {
    items.push(link("/login", "Log in"), link("/signup", "Sign up"));
  }
  show(document.getElementById("nav"), items);
}

function logOut() {
  setSession(null);
  navigate("/");
}

document.addEventListener("click", (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target instanceof Element ? e.target.closest("a[href]") : null;
  if (!a || a.target || a.hasAttribute("download") || a.hasAttribute("data-external")) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/docs")) return;
  e.preventDefault();
  focusOnRender = true;
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
});
window.addEventListener("popstate", () => {
  focusOnRender = true;
  void render();
});
onSession(() => renderNav());
void render();
