/**
 * Ids are lower-case UUIDs everywhere: Redis keys and stream names are case-sensitive, so an id must
 * have exactly one spelling. Every service app rewrites the UUIDs in a request's URL to lower case
 * before routing (`canonicalUrl`, installed by createServiceApp), so `/drops/<ID IN UPPER CASE>` is
 * the same drop as `/drops/<id>`; bodies and headers carrying ids go through `canonicalId`.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_IN_URL = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const HAS_UPPER_HEX = /[A-F]/;

/** A UUID in any case. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The canonical (lower-case) spelling of an id. */
export function canonicalId(value: string): string {
  return value.toLowerCase();
}

/** `url` with every UUID in it lower-cased (cheap: the common case, already canonical, is one test). */
export function canonicalUrl(url: string): string {
  if (!HAS_UPPER_HEX.test(url)) return url;
  return url.replace(UUID_IN_URL, (m) => m.toLowerCase());
}

/** JSON schema of a UUID path parameter or field (any case: the URL is canonical by then). */
export const UUID_SCHEMA = {
  type: "string",
  pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
} as const;
