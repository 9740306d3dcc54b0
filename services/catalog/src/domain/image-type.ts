/**
 * What an uploaded image is, judged from its first bytes (its "magic number"), never from the file
 * name or the type the client declared: a text file renamed `photo.png` is not an image. Pure.
 */

/** The image types the catalog accepts, as served in Content-Type. */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** How many leading bytes `sniffImageType` needs to decide (WebP's RIFF header is the longest). */
export const SNIFF_BYTES = 12;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]; // \x89PNG\r\n\x1a\n
const JPEG = [0xff, 0xd8, 0xff]; // SOI marker, then the first segment's marker
const RIFF = [0x52, 0x49, 0x46, 0x46]; // "RIFF" <4-byte little-endian size> "WEBP"
const WEBP = [0x57, 0x45, 0x42, 0x50];

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  return sig.every((b, i) => bytes[at + i] === b);
}

/**
 * The image type of a file whose first bytes are `head` (at least SNIFF_BYTES of them, or the
 * whole file when shorter), or undefined when it is none of PNG, JPEG, WebP.
 */
export function sniffImageType(head: Uint8Array): ImageType | undefined {
  if (startsWith(head, PNG)) return "image/png";
  if (startsWith(head, JPEG)) return "image/jpeg";
  if (startsWith(head, RIFF) && startsWith(head, WEBP, 8)) return "image/webp";
  return undefined;
}

/** The strong ETag of an image: its SHA-256, quoted. */
export function imageEtag(sha256: string): string {
  return `"${sha256}"`;
}

/**
 * True when an `If-None-Match` header matches `etag`, so the answer is 304 Not Modified. RFC 9110
 * 13.1.2: `*` matches anything, otherwise a comma-separated list of entity tags compared weakly
 * (a `W/` prefix is ignored on either side).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  const want = opaque(etag);
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || (t !== "" && opaque(t) === want);
  });
}
