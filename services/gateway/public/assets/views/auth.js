// Sign up and log in. The token goes to sessionStorage (a reload keeps the buyer signed in; closing
// the tab ends it), never into a URL.
import { field, h, liveLine, say, show } from "../lib/dom.js";
import { call, getSession, signIn } from "../lib/api.js";
import { explain } from "../lib/words.js";

function nextPath(ctx) {
  const n = ctx.query.get("next") ?? "/";
  return n.startsWith("/") && !n.startsWith("//") ? n : "/";
}

function authForm(ctx, { title, submit, fields, path, other }) {
  ctx.title(title);
  const answer = liveLine();
  const button = h("button", { type: "submit" }, submit);
  const form = h("form", { "aria-label": title, onsubmit: async (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    button.disabled = true;
    say(answer, "");
    const data = Object.fromEntries(new FormData(form));
    const r = await call("POST", path, { body: data });
    if (!r.ok) {
      button.disabled = false;
      say(answer, explain(r.body, r.status), "bad");
      return;
    }
    await signIn(r.body);
    ctx.navigate(nextPath(ctx), { replace: true });
  } }, fields, h("div", { class: "actions" }, button), answer);
  show(ctx.root, h("h1", {}, title), getSession() ? h("p", { class: "notice" }, "You are signed in. Signing in again switches account.") : null, h("div", { class: "card" }, form), h("p", {}, other));
}

export function signup(ctx) {
  authForm(ctx, {
    title: "Sign up",
    submit: "Create account",
    path: "/api/auth/signup",
    fields: [
      field("Name", h("input", { name: "displayName", autocomplete: "name", required: true, maxlength: 100 })),
      field("Email", h("input", { name: "email", type: "email", autocomplete: "email", required: true, maxlength: 254 })),
      field("Password", h("input", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 8, maxlength: 128 }), "At least 8 characters."),
    ],
    other: ["Have an account? ", h("a", { href: `/login${location.search}` }, "Log in")],
  });
}

export function login(ctx) {
  authForm(ctx, {
    title: "Log in",
    submit: "Log in",
    path: "/api/auth/login",
    fields: [
      field("Email", h("input", { name: "email", type: "email", autocomplete: "username", required: true, maxlength: 254 })),
      field("Password", h("input", { name: "password", type: "password", autocomplete: "current-password", required: true, maxlength: 128 })),
    ],
    other: ["New here? ", h("a", { href: `/signup${location.search}` }, "Sign up")],
  });
}
