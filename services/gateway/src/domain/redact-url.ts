/**
 * Credentials in URLs never reach the logs. SSE routes take the access token as a query parameter
 * (a browser's EventSource cannot send headers), so every URL the gateway logs goes through
 * `redactUrl` first: the value of any parameter whose decoded name is a secret is replaced.
 * Names are compared decoded and case-insensitively, since the query parser decodes them
 * (`access%5Ftoken=` is `access_token=` to the route).
 */

/** Query parameters whose values are never logged (also redacted from traces: @drops/telemetry). */
export const SECRET_QUERY_PARAMS: readonly string[] = ["access_token"];

export const REDACTED = "[redacted]";

function decodedName(raw: string): string {
  const plus = raw.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plus).toLowerCase();
  } catch {
    return plus.toLowerCase();
  }
}

/** `url` (path and query) with the values of secret parameters replaced; anything else unchanged. */
export function redactUrl(url: string, secrets: readonly string[] = SECRET_QUERY_PARAMS): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const hash = url.indexOf("#", q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  let changed = false;
  const parts = query.split("&").map((part) => {
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    if (!secrets.includes(decodedName(name))) return part;
    changed = true;
    return `${name}=${REDACTED}`;
  });
  if (!changed) return url;
  return `${url.slice(0, q + 1)}${parts.join("&")}${hash < 0 ? "" : url.slice(hash)}`;
}

/** Fastify's request serializer (method, url, host, remote address) with the URL redacted. */
export function safeRequest(req: { method: string; url: string; host?: string; ip?: string; headers?: Record<string, unknown>; socket?: { remotePort?: number } }): Record<string, unknown> {
  return {
    method: req.method,
    url: redactUrl(req.url),
    version: req.headers?.["accept-version"],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
