// The IDX reader and writer: round trips of every dtype, gzipped or not, and every kind of bad
// file refused with a DataError that names the file and the field at fault.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError } from '@nutshell/tensor';
import { decodeIdx, encodeIdx, readIdx, writeIdx } from '@nutshell/data';
import { tempDir } from './helpers.js';

const dir = tempDir();

const samples = {
  uint8: new Uint8Array([0, 1, 127, 128, 255, 42]),
  int8: new Int8Array([-128, -1, 0, 1, 127, 5]),
  int16: new Int16Array([-32768, -2, 0, 258, 32767, 7]),
  int32: new Int32Array([-2147483648, -3, 0, 65536, 2147483647, 9]),
  float32: new Float32Array([-1.5, 0, 3.25, 1e-20, Infinity, 7]),
  float64: new Float64Array([-1.5e300, 0, Math.PI, 5e-324, -Infinity, 7]),
} as const;

/** A header (magic + dims) followed by `dataBytes` zero bytes. */
function rawIdx(code: number, dims: number[], dataBytes: number): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + dataBytes);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return out;
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function refusal(fn: () => unknown): DataError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error('expected a DataError, but nothing was thrown');
}

describe('IDX round trips', () => {
  for (const [dtype, data] of Object.entries(samples)) {
    for (const gzip of [false, true]) {
      it(`${dtype}${gzip ? ' gzipped' : ''}`, () => {
        const path = join(dir, `rt-${dtype}${gzip ? '.gz' : ''}`);
        writeIdx(path, { data, shape: [2, 3] });
        const bytes = readFileSync(path);
        expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(gzip);
        const back = readIdx(path);
        expect(back.dtype).toBe(dtype);
        expect(back.shape).toEqual([2, 3]);
        expect(back.data.constructor).toBe(data.constructor);
        expect(Array.from(back.data as ArrayLike<number>)).toEqual(Array.from(data as ArrayLike<number>));
      });
    }
  }

  it('stores values big-endian, as published', () => {
    const bytes = encodeIdx({ data: new Int16Array([0x0102]), shape: [1] });
    expect(Array.from(bytes)).toEqual([0, 0, 0x0b, 1, 0, 0, 0, 1, 0x01, 0x02]);
  });

  it('decodes from memory, and keeps many dims and empty arrays', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i / 3);
    const back = decodeIdx(gzipSync(encodeIdx({ data, shape: [2, 3, 2, 2] })));
    expect(back.shape).toEqual([2, 3, 2, 2]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    const empty = decodeIdx(encodeIdx({ data: new Uint8Array(0), shape: [0, 28, 28] }));
    expect(empty.shape).toEqual([0, 28, 28]);
    expect(empty.data.length).toBe(0);
  });

  it('writes a gzipped file when asked, whatever the name', () => {
    const path = join(dir, 'plain-name');
    writeIdx(path, { data: new Uint8Array([1, 2]), shape: [2] }, { gzip: true });
    expect(readFileSync(path)[0]).toBe(0x1f);
    expect(Array.from(readIdx(path).data)).toEqual([1, 2]);
  });

  it('refuses to write what IDX cannot hold', () => {
    expect(() => encodeIdx({ data: new Uint16Array(2), shape: [2] })).toThrow(/Uint16Array/);
    expect(() => encodeIdx({ data: new Uint8Array(6), shape: [4] })).toThrow(/6 elements but shape \[4\]/);
    expect(() => encodeIdx({ data: new Uint8Array(1), shape: [] })).toThrow(/1 to 255 dimensions/);
  });
});

describe('bad IDX files', () => {
  it('a wrong magic number names the file and the magic field', () => {
    const bytes = rawIdx(0x08, [2], 2);
    bytes[0] = 0x12;
    const path = write('bad-magic', bytes);
    const err = refusal(() => readIdx(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/magic number 0x12000801 is not IDX/);
  });

  it('a PNG (or any other format) is not IDX', () => {
    const path = write('image.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(refusal(() => readIdx(path)).message).toMatch(/magic number 0x89504e47 is not IDX/);
  });

  it('an unknown dtype code names the dtype byte and the known codes', () => {
    const path = write('bad-dtype', rawIdx(0x0a, [2], 2));
    const err = refusal(() => readIdx(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/dtype byte 0x0a, which is not an IDX type \(0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64\)/);
  });

  it('zero dimensions are refused', () => {
    const path = write('no-dims', rawIdx(0x08, [], 0));
    expect(refusal(() => readIdx(path)).message).toMatch(/says 0 dimensions/);
  });

  it('a file too short for its magic number or its dims', () => {
    const tiny = write('tiny', new Uint8Array([0, 0]));
    expect(refusal(() => readIdx(tiny)).message).toMatch(/truncated header: the magic number needs 4 bytes but the file has 2/);
    const cut = write('cut-dims', rawIdx(0x08, [2, 3, 4], 24).subarray(0, 10));
    expect(refusal(() => readIdx(cut)).message).toMatch(/truncated header: 3 dims needs 16 bytes but the file has 10/);
  });

  it('truncated data names the dims and both sizes', () => {
    const path = write('truncated', rawIdx(0x0c, [10, 2], 79));
    const err = refusal(() => readIdx(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/dims \[10, 2\] of int32 need 80 bytes of data but the file has only 79/);
  });

  it('bytes the header does not account for are refused too', () => {
    const path = write('trailing', rawIdx(0x08, [3], 5));
    expect(refusal(() => readIdx(path)).message).toMatch(/need 3 bytes of data but the file has 5 \(2 bytes the header does not account for\)/);
  });

  it('a header claiming 2^31 items is refused before anything is allocated', () => {
    const path = write('huge', rawIdx(0x08, [2 ** 31, 28, 28], 100));
    const err = refusal(() => readIdx(path));
    expect(err.message).toMatch(/dims \[2147483648, 28, 28\] of uint8 need 1683627180032 bytes of data but the file has only 100/);
    expect(refusal(() => decodeIdx(rawIdx(0x0e, [2 ** 31, 2 ** 31, 2 ** 31], 8))).message).toMatch(/more than any file can hold/);
  });

  it('a gzipped header claiming 2^31 items is refused by the compressed size', () => {
    const path = write('huge.gz', gzipSync(rawIdx(0x0d, [2 ** 31], 64)));
    const err = refusal(() => readIdx(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/dims \[2147483648\] of float32 need 8589934592 bytes of data but a \d+-byte gzip file inflates to at most \d+/);
  });

  it("a gzip file whose trailer disagrees with its header's dims", () => {
    // Header says 10 bytes, the stream holds 10 MB of zeros: a bomb-ish mismatch.
    const path = write('bomb.gz', gzipSync(rawIdx(0x08, [10], 10_000_000)));
    const err = refusal(() => readIdx(path));
    expect(err.message).toMatch(/dims \[10\] of uint8 make a 18-byte file but the gzip trailer \(ISIZE\) says it inflates to 10000008 bytes/);
  });

  it('a gzip bomb with a forged trailer is stopped at the header’s size', () => {
    const gz = gzipSync(rawIdx(0x08, [10], 10_000_000));
    new DataView(gz.buffer, gz.byteOffset).setUint32(gz.length - 4, 18, true); // ISIZE agrees now
    const path = write('forged.gz', gz);
    const err = refusal(() => readIdx(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/inflates to more than the 18 bytes its header's dims \[10\] call for/);
  });

  it('a gzip stream with too little data for its header', () => {
    const gz = gzipSync(rawIdx(0x08, [100], 50));
    new DataView(gz.buffer, gz.byteOffset).setUint32(gz.length - 4, 108, true);
    // The forged trailer passes our check; zlib's own length check then catches the stream.
    const err = refusal(() => decodeIdx(gz, 'short.gz'));
    expect(err.message).toMatch(/short\.gz: gzip data is corrupt or truncated \(zlib: incorrect length check\)/);
  });

  it('a truncated gzip file', () => {
    const gz = gzipSync(encodeIdx({ data: Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251), shape: [5000] }));
    const path = write('cut.gz', gz.subarray(0, gz.length - 100));
    const err = refusal(() => readIdx(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/truncated|corrupt/);
  });

  it('a missing file', () => {
    expect(refusal(() => readIdx(join(dir, 'nope.idx'))).message).toMatch(/cannot open .*nope\.idx/);
  });
});
