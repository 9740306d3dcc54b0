import { createHash } from "node:crypto";

/**
 * RFC 9562 version-5 (SHA-1, name-based) UUID of `name` in `namespace` (a UUID). The same name always
 * gives the same id: how a producer makes the id of an event it may publish twice (a relay after a
 * crash, a retried checkout) so that consumers drop the duplicate.
 */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (ns.length !== 16) throw new Error(`bad namespace UUID ${namespace}`);
  const h = createHash("sha1").update(ns).update(name, "utf8").digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
