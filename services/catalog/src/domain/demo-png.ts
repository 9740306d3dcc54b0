/**
 * Small, pleasant PNG pictures drawn in code, for the demo products of scripts/seed.ts (no binary
 * files in the repository): a diagonal two-colour gradient, a soft light disc and a shape (circle,
 * diamond, stripes or a tag) in the middle, anti-aliased. RGB, 8 bits, deflated with node:zlib. Pure.
 */
import { crc32, deflateSync } from "node:zlib";

export type Shape = "disc" | "diamond" | "stripes" | "tag";
export type Picture = { width: number; height: number; from: string; to: string; shape: Shape };

type Rgb = [number, number, number];

function rgb(hex: string): Rgb {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** How much of the shape covers pixel (x, y), 0..1, from a signed distance (negative inside), one pixel of smoothing. */
const cover = (distance: number) => clamp01(0.5 - distance);

function shapeDistance(shape: Shape, x: number, y: number, cx: number, cy: number, r: number): number {
  const dx = x - cx;
  const dy = y - cy;
  switch (shape) {
    case "disc":
      return Math.hypot(dx, dy) - r;
    case "diamond":
      return (Math.abs(dx) + Math.abs(dy) - r * 1.25) / Math.SQRT2;
    case "stripes": {
      // three rounded bars
      let best = Number.POSITIVE_INFINITY;
      for (const k of [-1, 0, 1]) {
        const qx = Math.abs(dx - k * r * 0.75) - r * 0.18;
        const qy = Math.abs(dy) - r * 0.9;
        best = Math.min(best, Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - 6);
      }
      return best;
    }
    case "tag": {
      // a rounded rectangle with a hole
      const qx = Math.abs(dx) - r * 1.1;
      const qy = Math.abs(dy) - r * 0.7;
      const box = Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r * 0.15;
      const hole = r * 0.16 - Math.hypot(dx + r * 0.75, dy);
      return Math.max(box, hole);
    }
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** The picture as PNG bytes (the same picture always gives the same bytes). */
export function drawPng(p: Picture): Buffer {
  const { width, height } = p;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 8 || height < 8 || width > 2048 || height > 2048) throw new Error("8..2048 pixels a side");
  const from = rgb(p.from);
  const to = rgb(p.to);
  const white: Rgb = [255, 255, 255];
  const cx = width / 2;
  const cy = height / 2;
  const r = Math.min(width, height) * 0.26;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let o = 0;
  for (let y = 0; y < height; y++) {
    raw[o++] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      let c = mix(from, to, clamp01((x / width + y / height) / 2));
      // a soft glow behind the shape
      const glow = clamp01(1 - Math.hypot(x - cx, y - cy) / (r * 2.2));
      c = mix(c, white, glow * glow * 0.35);
      // the shape's shadow, then the shape (white, slightly see-through)
      c = mix(c, [0, 0, 0], cover(shapeDistance(p.shape, x - 4, y - 6, cx, cy, r) / 3) * 0.18);
      c = mix(c, white, cover(shapeDistance(p.shape, x, y, cx, cy, r)) * 0.9);
      raw[o++] = Math.round(c[0]);
      raw[o++] = Math.round(c[1]);
      raw[o++] = Math.round(c[2]);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}
