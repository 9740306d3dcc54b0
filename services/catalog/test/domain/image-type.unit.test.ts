import t from "tap";
import { SNIFF_BYTES, ifNoneMatchHits, imageEtag, sniffImageType } from "../../src/domain/image-type.ts";

const bytes = (...parts: (number[] | string)[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));
const PNG = bytes([0x89], "PNG\r\n\x1a\n", [0, 0, 0, 13], "IHDR");
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], "JFIF\0");
const WEBP = bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 ");

t.test("PNG, JPEG and WebP are told by their first bytes", async (t) => {
  t.equal(sniffImageType(PNG), "image/png");
  t.equal(sniffImageType(JPEG), "image/jpeg");
  t.equal(sniffImageType(bytes([0xff, 0xd8, 0xff, 0xdb])), "image/jpeg", "a JPEG with a quantisation table first");
  t.equal(sniffImageType(WEBP), "image/webp");
  t.equal(sniffImageType(PNG.subarray(0, SNIFF_BYTES)), "image/png", "SNIFF_BYTES are enough");
  t.ok(SNIFF_BYTES >= 12, "WebP needs 12 bytes");
});

t.test("anything else is not an image, whatever it is called", async (t) => {
  const cases: [string, Buffer][] = [
    ["empty", Buffer.alloc(0)],
    ["text", Buffer.from("hello, I am a text file renamed photo.png\n")],
    ["HTML", Buffer.from("<!doctype html><script>alert(1)</script>")],
    ["SVG (script-capable, refused)", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>')],
    ["GIF", Buffer.from("GIF89a\x01\x00\x01\x00", "latin1")],
    ["a PNG signature cut short", PNG.subarray(0, 7)],
    ["a PNG signature one byte off", bytes([0x89], "PNG\r\n\x1a\x0b", "IHDR")],
    ["two bytes of JPEG", bytes([0xff, 0xd8])],
    ["RIFF but WAVE", bytes("RIFF", [0x24, 0, 0, 0], "WAVEfmt ")],
    ["RIFF cut before its form type", bytes("RIFF", [0x24, 0, 0, 0], "WEB")],
    ["the PNG signature later in the file", Buffer.concat([Buffer.from("x"), PNG])],
    ["a PDF", Buffer.from("%PDF-1.7\n")],
  ];
  for (const [name, head] of cases) t.equal(sniffImageType(head), undefined, name);
});

t.test("ETag and If-None-Match (RFC 9110: weak comparison, lists, *)", async (t) => {
  const sha = "a".repeat(64);
  const etag = imageEtag(sha);
  t.equal(etag, `"${sha}"`);
  t.ok(ifNoneMatchHits(etag, etag));
  t.ok(ifNoneMatchHits(`W/${etag}`, etag), "weak comparison");
  t.ok(ifNoneMatchHits(`"other", ${etag}`, etag), "one of a list");
  t.ok(ifNoneMatchHits("*", etag));
  t.notOk(ifNoneMatchHits(undefined, etag));
  t.notOk(ifNoneMatchHits("", etag));
  t.notOk(ifNoneMatchHits(`"${"b".repeat(64)}"`, etag));
  t.notOk(ifNoneMatchHits(sha, etag), "an unquoted tag is not the ETag");
});
