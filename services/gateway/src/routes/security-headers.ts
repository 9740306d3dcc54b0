/**
 * Security headers on every answer (@fastify/helmet): `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options: DENY`, `Referrer-Policy: same-origin` (the page's), Cross-Origin-Opener-Policy and
 * Cross-Origin-Resource-Policy same-origin, `X-DNS-Prefetch-Control: off`, no `X-Powered-By`.
 * `Strict-Transport-Security` only with HSTS=true: the gateway speaks plain HTTP itself, so HSTS belongs
 * behind a TLS terminator (TRUST_PROXY=true there, so client IPs and protocol come from X-Forwarded-*).
 *
 * Content-Security-Policy is a document's header: the storefront page sets routes/storefront.ts's
 * CONTENT_SECURITY_POLICY (the one source: default-src 'self', frame-ancestors 'none', ...), so helmet
 * sets none of its own and the two cannot disagree; JSON answers carry none (nothing in them runs, and
 * X-Frame-Options: DENY keeps them out of frames). Swagger UI's page (/docs) gets the page's policy
 * with inline styles and data: images added, which it draws with.
 */
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import { CONTENT_SECURITY_POLICY } from "./storefront.ts";

/** The docs' policy: the page's, with inline styles and data: images (Swagger UI needs both). */
export const DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY
  .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
  .replace("img-src 'self'", "img-src 'self' data:");

export const HSTS_MAX_AGE_SECONDS = 31_536_000;

export async function registerSecurityHeaders(app: FastifyInstance, opts: { hsts: boolean }): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: false,
    hsts: opts.hsts ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true } : false,
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook("onSend", async (request, reply) => {
    const type = reply.getHeader("content-type");
    if ((request.url === "/docs" || request.url.startsWith("/docs/")) && typeof type === "string" && type.startsWith("text/html")) {
      reply.header("content-security-policy", DOCS_CONTENT_SECURITY_POLICY);
    }
  });
}
