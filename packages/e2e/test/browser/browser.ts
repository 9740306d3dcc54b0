/**
 * The browser tier's helpers: headless Chromium (Debian's /usr/bin/chromium, installed by
 * scripts/test.sh's ensure_chromium) driven by playwright-core; every page watched for console
 * errors and uncaught exceptions; screenshots under .tap/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Locator, type Page } from "playwright-core";
import { eventually } from "@drops/testing";
import { ROOT } from "../../src/index.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const SCREENSHOTS = join(ROOT, ".tap", "screenshots");

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * The browser's own log line for an API answer with a 4xx status ("Failed to load resource: the
 * server responded with a status of 409"): Chromium logs every non-2xx fetch at level error. A 409
 * SOLD_OUT or LINE_UNAVAILABLE is an answer the page shows in words, not a page error; a 5xx, a
 * failed asset, a CSP violation or anything the page itself logs stays an error.
 */
function isAnsweredApiCall(m: ConsoleMessage): boolean {
  const url = m.location().url;
  return /^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) && /^https?:\/\/[^/]+\/api\//.test(url);
}

/** Collects console errors and page errors of every page of the context into `problems`. */
export function watchErrors(context: BrowserContext, problems: string[]): void {
  const watch = (page: Page): void => {
    page.on("console", (m) => {
      if (m.type() === "error" && !isAnsweredApiCall(m)) problems.push(`console.error on ${page.url()}: ${m.text()} (${m.location().url})`);
    });
    page.on("pageerror", (err) => problems.push(`page error on ${page.url()}: ${err.message}`));
  };
  context.pages().forEach(watch);
  context.on("page", watch);
}

/** Saves a full-page screenshot as .tap/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The access token the page keeps in sessionStorage. */
export async function tokenOf(page: Page): Promise<string> {
  const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem("drops.session") ?? "null") as { token?: string } | null)?.token ?? "");
  if (!token) throw new Error("no session in this tab");
  return token;
}

/**
 * Waits until the image at `img` has loaded with a natural width `width` accepts. Polled from the
 * test with a function the driver evaluates: Playwright's waitForFunction re-evaluates its predicate
 * with eval() in the page, which the storefront's CSP (script-src 'self', no 'unsafe-eval') refuses.
 */
export async function imageLoaded(img: Locator, width: (naturalWidth: number) => boolean, timeoutMs = 10_000): Promise<void> {
  await eventually(async () => {
    const w = await img.evaluate((el) => {
      const i = el as unknown as { complete: boolean; naturalWidth: number };
      return i.complete ? i.naturalWidth : -1;
    });
    return w >= 0 && width(w) ? true : undefined;
  }, timeoutMs, 100);
}
