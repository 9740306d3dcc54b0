/** The seed's pictures drawn in code: valid PNGs (signature, chunk CRCs, the pixels' size), the same bytes each time. */
import { crc32, inflateSync } from "node:zlib";
import t from "tap";
import { drawPng } from "../../src/domain/demo-png.ts";
import { sniffImageType } from "../../src/domain/image-type.ts";

function chunks(png: Buffer): { type: string; data: Buffer; crcOk: boolean }[] {
  const out = [];
  for (let o = 8; o < png.length; ) {
    const len = png.readUInt32BE(o);
    const type = png.toString("ascii", o + 4, o + 8);
    const data = png.subarray(o + 8, o + 8 + len);
    const crcOk = png.readUInt32BE(o + 8 + len) === crc32(png.subarray(o + 4, o + 8 + len)) >>> 0;
    out.push({ type, data, crcOk });
    o += 12 + len;
  }
  return out;
}

t.test("each shape draws a valid RGB PNG of the asked size, small enough to seed", async (t) => {
  for (const shape of ["disc", "diamond", "stripes", "tag"] as const) {
    const png = drawPng({ width: 480, height: 360, from: "#f97316", to: "#7c3aed", shape });
    t.equal(sniffImageType(png), "image/png", `${shape}: judged a PNG by its bytes, as an upload is`);
    const parts = chunks(png);
    t.same(parts.map((c) => c.type), ["IHDR", "IDAT", "IEND"], `${shape}: chunks`);
    t.ok(parts.every((c) => c.crcOk), `${shape}: every CRC right`);
    const ihdr = parts[0]!.data;
    t.same([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]], [480, 360, 8, 2], `${shape}: 480 x 360, 8-bit RGB`);
    t.equal(inflateSync(parts[1]!.data).length, (480 * 3 + 1) * 360, `${shape}: every row's pixels`);
    t.ok(png.length < 200_000, `${shape}: ${png.length} bytes`);
  }
});

t.test("the same picture gives the same bytes; bad sizes and colours are refused", async (t) => {
  const p = { width: 64, height: 48, from: "#000000", to: "#ffffff", shape: "disc" } as const;
  t.same(drawPng(p), drawPng(p));
  t.throws(() => drawPng({ ...p, width: 4 }), /8\.\.2048/);
  t.throws(() => drawPng({ ...p, from: "red" }), /#rrggbb/);
});
