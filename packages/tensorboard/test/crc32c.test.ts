import { describe, expect, it } from 'vitest';
import { crc32c, frameRecord, maskedCrc32c } from '../src/index.js';
import { readRecords, slowCrc32c } from './read-events.js';

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
  it('matches RFC 3720 test vectors', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });
  it('agrees with a bitwise implementation on random data', () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    expect(crc32c(bytes)).toBe(slowCrc32c(bytes));
  });
  it('masks by rotating 15 bits and adding 0xa282ead8', () => {
    const c = crc32c(Buffer.from('abc'));
    expect(maskedCrc32c(Buffer.from('abc'))).toBe((((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0);
  });
});

describe('frameRecord', () => {
  it('frames data so the reader gets it back', () => {
    const data = Buffer.from('hello, tensorboard');
    const framed = frameRecord(data);
    expect(framed.length).toBe(8 + 4 + data.length + 4);
    expect(framed.readBigUInt64LE(0)).toBe(BigInt(data.length));
    expect(Buffer.from(readRecords(framed)[0]).equals(data)).toBe(true);
  });
  it('a flipped byte anywhere is detected', () => {
    const framed = frameRecord(Buffer.from('some event bytes'));
    for (const at of [0, 9, 14, framed.length - 1]) {
      const bad = Buffer.from(framed);
      bad[at] ^= 0x20;
      expect(() => readRecords(bad), `byte ${at}`).toThrow(/CRC mismatch|truncated/);
    }
  });
});
