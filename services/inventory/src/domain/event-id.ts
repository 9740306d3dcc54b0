import { createHash } from "node:crypto";

/** Namespace of the inventory relay's name-based event ids (a fixed random UUID). */
export const RELAY_NAMESPACE = "5b0c4f3e-8d7a-4c1e-9f2b-6a3d1e0c7b95";

/**
 * RFC 9562 version-5 (SHA-1, name-based) UUID of `name` in `namespace`. The same stream entry always
 * gives the same event id, so a re-publish after a crash is deduped by the consumers.
 */
export function uuidV5(name: string, namespace = RELAY_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (ns.length !== 16) throw new Error(`bad namespace UUID ${namespace}`);
  const h = createHash("sha1").update(ns).update(name, "utf8").digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Event id of the event of `type` relayed from stream entry `streamId` of drop `dropId`. */
export function relayEventId(dropId: string, streamId: string, type: string): string {
  return uuidV5(`${dropId}/${streamId}/${type}`);
}
