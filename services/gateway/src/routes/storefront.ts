import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** The storefront's files: `index.html` (a template: `%ASSETS%` is the versioned asset prefix) and `assets/`. */
export const PUBLIC_DIR = fileURLToPath(new URL("../../public/", import.meta.url));

/**
 * The page's own URLs (history API routing): each answers `index.html`, so a deep link or a reload
 * loads directly. Anything else keeps the JSON 404 (`/api/*`, `/docs*`, `/health`, `/ready` are
 * never pages).
 */
export const PAGE_PATHS = [
  "/", "/drops", "/drops/:dropId", "/products/:productId", "/cart", "/orders", "/notifications",
  "/signup", "/login", "/seller", "/admin",
] as const;

/**
 * Only the page's own origin: no inline scripts or styles, no other host for scripts, styles,
 * images, fonts, fetch/SSE or frames. Set on the page (HTML) answers; the assets are not documents.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "font-src 'self'", "connect-src 'self'",
  "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
].join("; ");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

/** A short content hash of every asset (names and bytes): the version in the asset URLs, new whenever any asset changes. */
export function assetVersion(assetsDir: string): string {
  const hash = createHash("sha256");
  for (const file of filesUnder(assetsDir)) hash.update(relative(assetsDir, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 12);
}

/**
 * The storefront: static files, no server-side rendering. The assets are served by @fastify/static
 * under `/assets/<content hash>/` with `Cache-Control: public, max-age=31536000, immutable` (a new
 * deploy is a new URL, so they may be cached forever); the page itself (`index.html` for every
 * PAGE_PATHS URL) with `Cache-Control: no-cache` and an ETag (revalidated on every load: a deploy is
 * seen at once), the Content-Security-Policy above, `nosniff` and a same-origin referrer policy.
 * Read once at start.
 */
export async function storefrontRoutes(app: FastifyInstance, opts: { dir?: string } = {}): Promise<void> {
  const dir = opts.dir ?? PUBLIC_DIR;
  const assetsDir = join(dir, "assets");
  const version = assetVersion(assetsDir);
  const prefix = `/assets/${version}/`;
  const html = readFileSync(join(dir, "index.html"), "utf8").replaceAll("%ASSETS%", prefix.slice(0, -1));
  const etag = `"${createHash("sha256").update(html).digest("hex").slice(0, 20)}"`;

  await app.register(fastifyStatic, {
    root: assetsDir,
    prefix,
    decorateReply: false,
    index: false,
    list: false,
    dotfiles: "deny",
    etag: true,
    lastModified: false,
    cacheControl: true,
    maxAge: "365d",
    immutable: true,
    setHeaders: (reply) => void reply.header("x-content-type-options", "nosniff"),
    schemaHide: true,
    logLevel: "warn",
  });

  const page = async (request: FastifyRequest, reply: FastifyReply): Promise<string | FastifyReply> => {
    reply
      .header("content-type", "text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .header("etag", etag)
      .header("content-security-policy", CONTENT_SECURITY_POLICY)
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "same-origin");
    if (request.headers["if-none-match"] === etag) return reply.code(304).send();
    return html;
  };
  for (const url of PAGE_PATHS) app.get(url, { schema: { hide: true }, logLevel: "warn" }, page);
}
