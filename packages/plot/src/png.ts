import { deflateSync } from 'node:zlib';
import { crc32 } from './crc32.js';
import { chooseFilteredRows } from './png-filter.js';
import { PlotError } from './errors.js';

/** Interleaved 8-bit pixels: 1 = grey, 2 = grey+alpha, 3 = RGB, 4 = RGBA. */
export interface PixelBuffer {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
// PNG colour types indexed by channel count (bit depth is always 8 here).
const COLOR_TYPE = [0, 0, 4, 2, 6] as const;

/** Encodes 8-bit pixels as a PNG file (signature, IHDR, one IDAT, IEND). */
export function encodePng(image: PixelBuffer): Buffer {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 2 ** 31 - 1 || height > 2 ** 31 - 1) {
    throw new PlotError(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new PlotError(`encodePng: channels must be 1, 2, 3 or 4, got ${channels}`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
    throw new PlotError(
      `encodePng: data must be a Uint8Array of width*height*channels = ${width * height * channels} bytes, got ${data?.length}`,
    );
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOR_TYPE[channels];
  // bytes 10..12: compression 0 (deflate), filter method 0, no interlace
  const idat = deflateSync(chooseFilteredRows(data, width, height, channels), { level: 9 });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  // The CRC covers the type and the body, not the length.
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}
