import { describe, expect, it } from 'vitest';
import { crc32, encodePng, PlotError } from '../src/index.js';
import { decodePng, testCrc32 } from './decode-png.js';

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
  it('continues across pieces', () => {
    const bytes = randomBytes(1000, 1);
    expect(crc32(bytes.subarray(300), crc32(bytes.subarray(0, 300)))).toBe(crc32(bytes));
    expect(crc32(bytes)).toBe(testCrc32(bytes));
  });
});

describe('encodePng', () => {
  for (const channels of [1, 2, 3, 4] as const) {
    it(`round-trips ${channels}-channel pixels exactly`, () => {
      const width = 37;
      const height = 23;
      // Half noise, half smooth gradient, so several filter types get chosen.
      const data = randomBytes(width * height * channels, channels);
      for (let i = data.length / 2; i < data.length; i++) data[Math.floor(i)] = Math.floor(i / 7) & 0xff;
      const png = decodePng(encodePng({ width, height, channels, data }));
      expect(png.width).toBe(width);
      expect(png.height).toBe(height);
      expect(png.colorType).toBe({ 1: 0, 2: 4, 3: 2, 4: 6 }[channels]);
      expect(png.bitDepth).toBe(8);
      expect(png.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
      expect(png.filters.every((f) => f >= 0 && f <= 4)).toBe(true);
      expect(Buffer.from(png.pixels).equals(Buffer.from(data))).toBe(true);
    });
  }

  it('filters flat images down to a small file', () => {
    const data = new Uint8Array(200 * 100 * 3).fill(255);
    const file = encodePng({ width: 200, height: 100, channels: 3, data });
    expect(file.length).toBeLessThan(500);
    expect(decodePng(file).pixels.every((v) => v === 255)).toBe(true);
  });

  it('a flipped byte is caught by the chunk CRC', () => {
    const file = encodePng({ width: 4, height: 4, channels: 3, data: randomBytes(48, 9) });
    file[20] ^= 0x01; // inside IHDR's body
    expect(() => decodePng(file)).toThrow(/bad CRC in IHDR/);
  });

  it('refuses bad sizes and data with a message naming the argument', () => {
    expect(() => encodePng({ width: 0, height: 1, channels: 3, data: new Uint8Array(0) })).toThrow(PlotError);
    expect(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) })).toThrow(/12 bytes, got 11/);
    expect(() => encodePng({ width: 2, height: 2, channels: 5 as 3, data: new Uint8Array(20) })).toThrow(/channels/);
  });
});
