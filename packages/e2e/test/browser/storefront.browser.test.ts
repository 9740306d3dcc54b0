/**
 * The storefront in a real browser (headless Chromium), on the whole platform (every service a
 * process, real Kafka, Redis and PostgreSQL): a buyer waits for a drop to open and buys; a cart
 * checkout names its sold-out line; a seller goes from application to a scheduled drop while an
 * admin approves in a second browser context. No console errors anywhere; screenshots under
 * .tap/screenshots/.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import t, { type Test } from "tap";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { api, checkout, createProduct, mintBuyer, setCartLine, setUpDrop, setUpSeller, startStack, type Api, type Stack } from "../../src/index.ts";
import { imageLoaded, launchChromium, SCREENSHOTS, screenshot, tokenOf, watchErrors } from "./browser.ts";

let stack: Stack;
let client: Api;
let browser: Browser;
const problems: string[] = [];
const shots: string[] = [];
const figures: Record<string, unknown> = {};

t.before(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  client = api(stack.gatewayUrl);
});

t.teardown(async () => {
  writeFileSync(join(SCREENSHOTS, "figures.json"), JSON.stringify({ screenshots: shots, ...figures }, null, 2));
  await browser?.close();
  await stack?.stop();
});

async function newContext(viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: stack.gatewayUrl, viewport });
  watchErrors(context, problems);
  return context;
}

async function shot(page: Page, name: string): Promise<void> {
  shots.push(await screenshot(page, name));
}

async function signUp(page: Page, name: string): Promise<string> {
  const email = `${name.toLowerCase().replaceAll(" ", "-")}-${randomUUID().slice(0, 8)}@browser.test`;
  await page.goto("/signup");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("browser-password-1");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("button", { name: /Log out/ }).waitFor();
  return email;
}

function noErrors(t: Test): void {
  t.same(problems.splice(0), [], "no console errors and no page errors");
}
let openDropId: string | undefined;
/** A 1x1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==", "base64");

t.test("a buyer signs up, waits on the drop page for the countdown, buys with a double click, and sees the order confirmed", async (t) => {
  const drop = await setUpDrop(client, { units: 3, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 9_000, priceCents: 4200 });
  const context = await newContext();
  const page = await context.newPage();
  await signUp(page, "Browser Buyer");

  await page.goto(`/drops/${drop.dropId}`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  // Run in the page (this file is typed without the DOM library, so the page code is a string).
  const paint = await page.evaluate<{ firstPaintMs: number | null; firstContentfulPaintMs: number | null; domContentLoadedMs: number | null; dropShownMs: number }>(`({
    firstPaintMs: performance.getEntriesByName("first-paint")[0]?.startTime ?? null,
    firstContentfulPaintMs: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
    domContentLoadedMs: performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd ?? null,
    dropShownMs: performance.now(),
  })`);
  figures["dropPage"] = paint;
  t.comment(`drop page: first paint ${paint.firstPaintMs?.toFixed(0)} ms, first contentful paint ${paint.firstContentfulPaintMs?.toFixed(0)} ms, DOMContentLoaded ${paint.domContentLoadedMs?.toFixed(0)} ms, drop shown at ${paint.dropShownMs.toFixed(0)} ms`);

  const countdown = page.getByRole("timer");
  await countdown.waitFor();
  t.match(await countdown.textContent(), /^Opens in 00:00:0\d$/, "the countdown to opening");
  const buy = page.getByRole("button", { name: /Buy now|Not open yet/ });
  t.ok(await buy.isDisabled(), "no buying before the opening");
  t.match(await page.locator(".stock").textContent(), "3 of 3 left", "the live stock");
  await shot(page, "drop-before-opening");

  await page.getByRole("button", { name: "Buy now" }).waitFor({ timeout: 20_000 });
  // A locator, not waitForFunction (whose predicate the page's CSP refuses to eval: imageLoaded).
  await page.locator("button.buy:enabled").waitFor({ timeout: 20_000 });
  t.ok(await countdown.isHidden(), "the countdown is gone at zero");
  await shot(page, "drop-after-opening");

  await page.getByRole("button", { name: "Buy now" }).dblclick();
  const answer = page.locator("#buy-answer");
  await answer.filter({ hasText: /Held until \d\d:\d\d:\d\d/ }).waitFor();
  t.match(await answer.textContent(), /^Held until \d\d:\d\d:\d\d$/, "the answer in words at once");
  await page.locator("#order-status[data-status=confirmed]").waitFor({ timeout: 30_000 });
  t.match(await page.locator("#order-status").textContent(), /Confirmed/, "the order's status followed live to confirmed");
  await page.locator(".stock", { hasText: "2 of 3 left" }).waitFor({ timeout: 10_000 });
  await shot(page, "order-confirmed");

  const token = await tokenOf(page);
  const orders = await client.call<{ items: { dropId: string; status: string }[]; total: number }>("GET", "/api/orders", { token });
  t.equal(orders.body.total, 1, "the double click bought once");
  t.equal(orders.body.items[0]?.status, "confirmed");

  await page.reload();
  await page.getByRole("button", { name: /Log out/ }).waitFor();
  t.pass("a reload keeps the buyer signed in");
  await page.getByRole("link", { name: "My orders" }).click();
  await page.locator('[data-status="confirmed"]').first().waitFor();
  t.match(await page.locator("main li.card").first().textContent(), /Confirmed/, "my orders: the order, confirmed");
  t.match(await page.locator("main li.card h2").first().textContent(), /^E2E print /, "named by what was bought (the drop's product)");
  await shot(page, "orders-desktop");
  await page.setViewportSize({ width: 375, height: 812 });
  t.ok(await page.evaluate<boolean>("document.documentElement.scrollWidth <= 375"), "my orders fit 375 px");
  await shot(page, "orders-375px");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goBack();
  await page.getByRole("heading", { level: 1, name: /E2E print/ }).waitFor();
  t.equal(new URL(page.url()).pathname, `/drops/${drop.dropId}`, "the back button returns to the drop");
  t.equal(await page.getByRole("button", { name: "Buy now" }).count() + await page.getByRole("button", { name: "Not on sale" }).count() + await page.getByRole("button", { name: "Sold out" }).count(), 1);

  // The same drop on a phone (375 px): nothing wider than the screen.
  const phone = await newContext({ width: 375, height: 812 });
  const small = await phone.newPage();
  await small.goto(`/drops/${drop.dropId}`);
  await small.locator(".stock", { hasText: "of 3 left" }).waitFor();
  t.ok(await small.evaluate<boolean>("document.documentElement.scrollWidth <= 375"), "no horizontal scrolling at 375 px");
  await shot(small, "drop-375px");
  await small.goto("/");
  await small.getByRole("searchbox", { name: "Search drops" }).waitFor();
  t.ok(await small.evaluate<boolean>("document.documentElement.scrollWidth <= 375"), "the drops list fits 375 px");
  await shot(small, "drops-list-375px");
  await phone.close();
  await context.close();
  openDropId = drop.dropId;
  noErrors(t);
});

t.test("a queued drop: the buyer joins the line before the opening, is admitted, buys with the admission, sees the order confirmed", async (t) => {
  const seller = await setUpSeller(client);
  const productId = await createProduct(client, seller, { priceCents: 3100 });
  const startsAt = new Date(Date.now() + 8_000).toISOString();
  const created = await client.call<{ dropId: string }>("POST", "/api/drops", {
    token: seller.sellerToken,
    body: { productId, startsAt, units: 5, perBuyerLimit: 1, holdSeconds: 60, queue: { admitPerSecond: 5 } },
  });
  t.equal(created.status, 201, "a queued drop");
  const dropId = created.body.dropId;
  const context = await newContext();
  const page = await context.newPage();
  await signUp(page, "Queue Buyer");
  await page.goto(`/drops/${dropId}`);
  await page.getByRole("heading", { name: "Waiting room" }).waitFor();
  t.ok(await page.locator("button.buy").isDisabled(), "no buying without an admission");
  await page.getByRole("button", { name: "Join the line" }).click();
  const line = page.locator("section", { hasText: "Waiting room" }).getByRole("status").first();
  await line.filter({ hasText: /in line/ }).waitFor();
  t.match(await line.textContent(), /in line/, "in line before the opening");
  await shot(page, "queue-waiting");
  await line.filter({ hasText: /It's your turn: buy before \d\d:\d\d:\d\d/ }).waitFor({ timeout: 30_000 });
  t.pass("admitted after the opening, live");
  await page.locator("button.buy:enabled").waitFor({ timeout: 10_000 });
  await shot(page, "queue-admitted");
  await page.getByRole("button", { name: "Buy now" }).click();
  await page.locator("#buy-answer").filter({ hasText: /Held until \d\d:\d\d:\d\d/ }).waitFor();
  await page.locator("#order-status[data-status=confirmed]").waitFor({ timeout: 30_000 });
  t.pass("bought with the admission token; the order confirmed");
  const orders = await client.call<{ items: { dropId: string; status: string }[] }>("GET", "/api/orders", { token: await tokenOf(page) });
  t.same(orders.body.items.map((o) => [o.dropId, o.status]), [[dropId, "confirmed"]]);
  await shot(page, "queue-order-confirmed");
  await context.close();
  noErrors(t);
});

t.test("a cart checkout with a sold-out line names that line, and the cart then checks out", async (t) => {
  const seller = await setUpSeller(client);
  const plenty = await createProduct(client, seller, { priceCents: 1500, stock: 10 });
  const last = await createProduct(client, seller, { priceCents: 900, stock: 1 });
  const names = await Promise.all([plenty, last].map(async (id) => (await client.call<{ name: string }>("GET", `/api/products/${id}`)).body.name));
  const context = await newContext();
  const page = await context.newPage();
  await signUp(page, "Cart Buyer");

  for (const id of [plenty, last]) {
    await page.goto(`/products/${id}`);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText(/Added: 1 in your cart/).waitFor();
  }
  await page.getByRole("link", { name: "Go to cart" }).click();
  await page.getByRole("table").waitFor();
  await page.getByLabel(`Quantity of ${names[0]}`).fill("2");
  await page.getByLabel(`Quantity of ${names[0]}`).press("Tab");
  await page.getByText(`${names[0]}: 2 in your cart.`).waitFor();

  // Someone else takes the last unit of the second line first.
  const rival = mintBuyer();
  await setCartLine(client, rival, last, 1);
  t.equal((await checkout(client, rival)).status, 201, "a rival buys the last unit");

  await page.getByRole("button", { name: "Check out" }).click();
  const answer = page.locator("#checkout-answer");
  await answer.filter({ hasText: "sold out" }).waitFor();
  t.equal(await answer.textContent(), `“${names[1]}” is sold out: remove it to check out. Nothing was reserved.`, "the failing line named in words");
  t.equal(await page.locator("tr.failing").count(), 1, "and marked in the table");
  t.match(await page.locator("tr.failing").textContent(), names[1]!);
  await shot(page, "cart-line-sold-out");

  await page.getByRole("button", { name: `Remove ${names[1]}` }).click();
  await page.getByText(`${names[1]} removed.`).waitFor();
  await page.getByRole("button", { name: "Check out" }).click();
  await answer.filter({ hasText: /Order placed: held until \d\d:\d\d:\d\d/ }).waitFor();
  await page.locator("#order-status[data-status=confirmed]").waitFor({ timeout: 30_000 });
  t.pass("the cart order is confirmed, followed live");
  t.equal((await client.call<{ stock: { available: number } }>("GET", `/api/products/${plenty}`)).body.stock.available, 8, "two units sold");
  await shot(page, "cart-order-confirmed");
  await context.close();
  noErrors(t);
});

t.test("a seller applies, an admin approves in a second browser context, the seller creates a product and schedules a drop", async (t) => {
  const sellerCtx = await newContext();
  const adminCtx = await newContext();
  const seller = await sellerCtx.newPage();
  const admin = await adminCtx.newPage();
  const business = `Browser Prints ${randomUUID().slice(0, 6)}`;

  await signUp(seller, "Browser Seller");
  await seller.getByRole("link", { name: "Sell" }).click();
  await seller.getByLabel("Business name").fill(business);
  await seller.getByRole("button", { name: "Apply" }).click();
  await seller.locator("#seller-status", { hasText: "Pending" }).waitFor();
  t.pass("the application is pending");

  await admin.goto("/login?next=/admin");
  await admin.getByLabel("Email").fill("admin@drops.local");
  await admin.getByLabel("Password").fill("admin-password-change-me");
  await admin.getByRole("button", { name: "Log in" }).click();
  await admin.getByRole("heading", { name: "Pending sellers" }).waitFor();
  const card = admin.locator("li.card", { hasText: business });
  await card.getByRole("button", { name: "Approve" }).click();
  await admin.getByText(`${business}: approved.`).waitFor();
  await card.waitFor({ state: "detached" });
  t.pass("no longer pending");

  await seller.getByRole("button", { name: "Check again" }).click();
  await seller.getByRole("heading", { name: `Seller console: ${business}` }).waitFor();
  await seller.getByLabel("Name", { exact: true }).fill("Browser poster");
  await seller.getByLabel("Price (€)").fill("12.50");
  await seller.getByLabel("Description").fill("A numbered poster, made in a browser test");
  await seller.getByRole("button", { name: "Create product" }).click();
  await seller.getByText("Product “Browser poster” created.").waitFor();
  const product = seller.locator("li.card", { hasText: "Browser poster" });
  await product.getByText("Images and stock").click();
  await product.getByLabel("Image (PNG, JPEG or WebP)").setInputFiles({ name: "poster.png", mimeType: "image/png", buffer: PNG });
  await product.getByRole("button", { name: "Upload" }).click();
  await product.getByText("Image uploaded.").waitFor();
  t.pass("an image uploaded from the product card");
  await product.getByText("Schedule a drop").click();
  await product.getByLabel("Units", { exact: true }).fill("25");
  await product.getByLabel("Limit per buyer").fill("2");
  await product.getByRole("button", { name: "Schedule drop" }).click();
  await product.getByText("Drop scheduled:").waitFor();
  const dropCard = seller.locator("section", { hasText: "My drops" }).locator("li.card", { hasText: "Browser poster" });
  await dropCard.waitFor();
  t.match(await dropCard.textContent(), /25 of 25 left/, "the drop is listed with its units");
  await shot(seller, "seller-console");
  const dropId = await dropCard.getAttribute("data-drop-id");
  t.ok(dropId, "the drop has an id");
  await dropCard.getByRole("link", { name: "Browser poster" }).click();
  await seller.getByRole("timer").waitFor();
  const src = await seller.locator("figure img").getAttribute("src");
  t.match(src, /^\/api\/images\//, "the drop page shows the uploaded image");
  await imageLoaded(seller.locator("figure img"), (w) => w === 1);
  t.pass("and it loads");
  await seller.goBack();
  await seller.getByRole("heading", { name: `Seller console: ${business}` }).waitFor();

  // The admin's stock view of an open drop (the new one is loaded only shortly before it opens): Redis vs the ledger.
  openDropId ??= (await setUpDrop(client, { units: 5, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 1000 })).dropId;
  await admin.goto("/admin");
  await admin.getByLabel("Drop", { exact: true }).selectOption(openDropId);
  await admin.getByRole("button", { name: "Check stock" }).click();
  await admin.locator("#stock-consistent").waitFor();
  t.match(await admin.locator("#stock-consistent").textContent(), /Consistent/, "Redis agrees with the ledger");
  await shot(admin, "admin-stock-view");
  await sellerCtx.close();
  await adminCtx.close();
  noErrors(t);
});

t.test("a buyer sees drops with pictures on the list (desktop and 375 px), watches an upcoming drop, and the watch is still shown after a reload", async (t) => {
  const drop = await setUpDrop(client, { units: 4, perBuyerLimit: 1, holdSeconds: 60, startsInMs: 600_000, priceCents: 5500 });
  const form = new FormData();
  form.append("file", new Blob([PNG], { type: "image/png" }), "print.png");
  const up = await fetch(`${stack.gatewayUrl}/api/products/${drop.productId}/images`, { method: "POST", headers: { authorization: `Bearer ${drop.sellerToken}` }, body: form });
  t.equal(up.status, 201, "the seller's picture");
  const { url } = (await up.json()) as { url: string };
  const name = (await client.call<{ name: string }>("GET", `/api/drops/${drop.dropId}`)).body.name;

  const context = await newContext();
  const page = await context.newPage();
  await signUp(page, "Watch Buyer");
  await page.goto(`/?q=${encodeURIComponent(name)}`);
  const card = page.locator(`li.drop-card[data-drop-id="${drop.dropId}"]`);
  await card.waitFor();
  t.equal(await card.locator("img.thumb").getAttribute("src"), url, "the drop card shows the product's picture");
  await imageLoaded(card.locator("img.thumb"), (w) => w > 0);
  t.pass("the picture loaded");
  t.match(await card.textContent(), /Upcoming/, "with its status");
  await page.goto("/");
  await page.locator("li.drop-card").first().waitFor();
  await shot(page, "drops-list-desktop");

  await page.goto(`/drops/${drop.dropId}`);
  const watch = page.getByRole("button", { name: "Notify me when it opens" });
  await watch.waitFor();
  t.equal(await watch.getAttribute("aria-pressed"), "false", "not watching yet");
  await watch.click();
  await page.getByRole("button", { name: "Watching: stop notices" }).waitFor();
  t.pass("watching, at once");
  await page.reload();
  const watching = page.getByRole("button", { name: "Watching: stop notices" });
  await watching.waitFor();
  t.equal(await watching.getAttribute("aria-pressed"), "true", "still shown as watching after a reload (GET /api/drops/:dropId/watch)");
  await shot(page, "drop-watching");
  await watching.click();
  await page.getByRole("button", { name: "Notify me when it opens" }).waitFor();
  t.pass("and stops");

  const phone = await newContext({ width: 375, height: 812 });
  const small = await phone.newPage();
  await small.goto(`/?q=${encodeURIComponent(name)}`);
  await small.locator("li.drop-card img.thumb").first().waitFor();
  t.ok(await small.evaluate<boolean>("document.documentElement.scrollWidth <= 375"), "the pictured cards fit 375 px");
  await shot(small, "drop-cards-375px");
  await phone.close();
  await context.close();
  noErrors(t);
});
