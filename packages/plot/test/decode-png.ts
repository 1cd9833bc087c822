// A deliberately small, strict PNG reader for the tests, written apart from the encoder so that
// a bug in one is not mirrored in the other: it checks the signature, every chunk's CRC, the
// IHDR fields, and the filter byte of every row, then undoes the filters.
import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  colorType: number;
  bitDepth: number;
  channels: number;
  chunks: string[];
  filters: number[];
  pixels: Uint8Array;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function testCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function decodePng(file: Uint8Array): DecodedPng {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => buf[i] === b)) throw new Error('bad PNG signature');
  let at = 8;
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let ihdr: Buffer | undefined;
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const body = buf.subarray(at + 8, at + 8 + len);
    const crc = buf.readUInt32BE(at + 8 + len);
    if (testCrc32(buf.subarray(at + 4, at + 8 + len)) !== crc) throw new Error(`bad CRC in ${type} chunk`);
    chunks.push(type);
    if (type === 'IHDR') ihdr = body;
    if (type === 'IDAT') idat.push(body);
    at += 12 + len;
    if (type === 'IEND') break;
  }
  if (at !== buf.length) throw new Error('bytes after IEND');
  if (!ihdr || chunks[0] !== 'IHDR') throw new Error('IHDR is not the first chunk');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8];
  const colorType = ihdr[9];
  if (ihdr[10] !== 0 || ihdr[11] !== 0 || ihdr[12] !== 0) throw new Error('unexpected compression/filter/interlace method');
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (!channels || bitDepth !== 8) throw new Error(`unsupported colour type ${colorType} / depth ${bitDepth}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error(`IDAT holds ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const pixels = new Uint8Array(height * stride);
  const filters: number[] = [];
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    if (f > 4) throw new Error(`row ${y} has filter byte ${f}`);
    filters.push(f);
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= channels ? pixels[y * stride + i - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const c = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][f];
      pixels[y * stride + i] = (x + pred) & 0xff;
    }
  }
  return { width, height, colorType, bitDepth, channels, chunks, filters, pixels };
}

/** The RGB of pixel (x, y) of a decoded RGB image. */
export function rgbAt(png: DecodedPng, x: number, y: number): [number, number, number] {
  const i = (y * png.width + x) * png.channels;
  return [png.pixels[i], png.pixels[i + 1], png.pixels[i + 2]];
}

export const AXIS_GREY = [80, 80, 80];
export const near = (a: readonly number[], b: readonly number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

/**
 * The plot rectangle inside the border: the rows where the border crosses column `probeX` (a
 * column through the plot, clear of an outside legend), and the columns it runs full height.
 */
export function plotRect(png: DecodedPng, probeX = Math.floor(png.width / 2)): { x0: number; x1: number; y0: number; y1: number } {
  const rows: number[] = [];
  for (let y = 0; y < png.height; y++) if (near(rgbAt(png, probeX, y), AXIS_GREY, 0)) rows.push(y);
  const [top, bottom] = [rows[0], rows.at(-1)!];
  const cols: number[] = [];
  for (let x = 0; x < png.width; x++) {
    let all = true;
    for (let y = top; y <= bottom && all; y++) all = near(rgbAt(png, x, y), AXIS_GREY, 0);
    if (all) cols.push(x);
  }
  return { x0: cols[0] + 1, x1: cols.at(-1)!, y0: top + 1, y1: bottom };
}
