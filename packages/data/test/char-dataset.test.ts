// CharDataset: vocabularies, encode/decode, and input/target windows shifted by one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, ValueError } from '@nutshell/tensor';
import { CharDataset, DataLoader } from '@nutshell/data';
import { tempDir } from './helpers.js';

const dir = tempDir();
const ids = (a: { data: BigInt64Array }) => Array.from(a.data, Number);

describe('CharDataset', () => {
  it('builds a sorted character vocabulary and windows shifted by one', () => {
    const ds = new CharDataset({ text: 'hello world', seqLength: 4 });
    expect(ds.vocab).toEqual([' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(ds.length).toBe(7); // 11 tokens: windows start at 0..6
    const [x, y] = ds.get(0);
    expect(x.shape).toEqual([4]);
    expect(x.data).toBeInstanceOf(BigInt64Array);
    expect(ds.decode(x.data)).toBe('hell');
    expect(ds.decode(y.data)).toBe('ello');
    expect(ds.decode(ds.get(6)[1].data)).toBe('orld');
    expect(() => ds.get(7)).toThrow(ValueError);
  });

  it('encodes and decodes, refusing what is not in the vocabulary', () => {
    const ds = new CharDataset({ text: 'abcab', seqLength: 2 });
    expect(ds.encode('cab')).toEqual([2, 0, 1]);
    expect(ds.decode(ds.encode('cab'))).toBe('cab');
    expect(() => ds.encode('z')).toThrow(/"z" is not in the vocabulary/);
    expect(() => ds.decode([3])).toThrow(/id 3 is not in \[0, 3\)/);
  });

  it('treats code points (not UTF-16 halves) as characters', () => {
    const ds = new CharDataset({ text: 'a😀b😀', seqLength: 2 });
    expect(ds.vocabSize).toBe(3);
    expect(ds.decode(ds.get(1)[0].data)).toBe('😀b');
  });

  it('at the byte level uses the 256 byte values of the UTF-8', () => {
    const ds = new CharDataset({ text: 'é!', seqLength: 2, level: 'byte' });
    expect(ds.vocabSize).toBe(256);
    expect(Array.from(ds.tokens)).toEqual([0xc3, 0xa9, 0x21]);
    const [x, y] = ds.get(0);
    expect(ids(x)).toEqual([0xc3, 0xa9]);
    expect(ids(y)).toEqual([0xa9, 0x21]);
    expect(ds.decode(x.data)).toBe('é');
    expect(ds.encode('é')).toEqual([0xc3, 0xa9]);
  });

  it('reads a file, and steps windows by stride', () => {
    const path = join(dir, 'text.txt');
    writeFileSync(path, 'abcdefghij');
    const ds = new CharDataset({ path, seqLength: 3, stride: 3 });
    expect(ds.length).toBe(3); // starts 0, 3, 6 (6+3 < 10)
    expect(ds.decode(ds.get(2)[0].data)).toBe('ghi');
    expect(ds.decode(ds.get(2)[1].data)).toBe('hij');
  });

  it('batches into int64 [B, seqLength] pairs', async () => {
    const ds = new CharDataset({ text: 'abcdefghij', seqLength: 3 });
    for await (const [x, y] of new DataLoader(ds, { batchSize: 4 })) {
      expect(x.shape).toEqual([4, 3]);
      expect(x.dtype).toBe('int64');
      expect(y.dtype).toBe('int64');
      break;
    }
  });

  it('refuses bad options', () => {
    expect(() => new CharDataset({ text: 'abc', seqLength: 3 })).toThrow(/has 3 tokens; windows of seqLength 3 need at least 4/);
    expect(() => new CharDataset({ seqLength: 3 })).toThrow(/exactly one of text or path/);
    expect(() => new CharDataset({ text: 'abcd', seqLength: 0 })).toThrow(/seqLength expected a positive integer/);
    expect(() => new CharDataset({ path: join(dir, 'missing.txt'), seqLength: 2 })).toThrow(DataError);
  });
});
