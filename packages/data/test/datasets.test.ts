// TensorDataset, Subset, ConcatDataset and randomSplit.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, tensor } from '@nutshell/tensor';
import { ConcatDataset, Subset, TensorDataset, randomSplit, type Dataset } from '@nutshell/data';

const range = (n: number): Dataset<number> => ({ length: n, get: (i) => i });

describe('TensorDataset', () => {
  it('gives rows of tensors and typed arrays that share the first dimension', () => {
    const x = tensor(Float32Array.from({ length: 12 }, (_, i) => i), { shape: [4, 3] });
    const y = new Int32Array([7, 8, 9, 10]);
    const ds = new TensorDataset(x, y, { data: new Uint8Array(8), shape: [4, 2] });
    x.dispose();
    expect(ds.length).toBe(4);
    const [row, label, extra] = ds.get(2);
    expect(row.shape).toEqual([3]);
    expect(Array.from(row.data as Float32Array)).toEqual([6, 7, 8]);
    expect(label.shape).toEqual([]);
    expect(Array.from(label.data as Int32Array)).toEqual([9]);
    expect(extra.shape).toEqual([2]);
  });

  it('refuses columns of different lengths, and bad indices', () => {
    expect(() => new TensorDataset(new Float32Array(4), new Float32Array(5))).toThrow(ShapeError);
    expect(() => new TensorDataset(new Float32Array(4), new Float32Array(5))).toThrow(/columns\[1\] has 5 rows but columns\[0\] has 4 \(shapes \[4\], \[5\]\)/);
    expect(() => new TensorDataset({ data: new Float32Array(5), shape: [2, 2] })).toThrow(/5 elements but shape \[2,2\] needs 4/);
    expect(() => new TensorDataset()).toThrow(ValueError);
    expect(() => new TensorDataset(new Float32Array(2)).get(2)).toThrow(/index expected an integer in \[0, 2\), got 2/);
  });
});

describe('Subset and ConcatDataset', () => {
  it('Subset reads the given indices in order', () => {
    const s = new Subset(range(10), [9, 0, 4]);
    expect(s.length).toBe(3);
    expect([s.get(0), s.get(1), s.get(2)]).toEqual([9, 0, 4]);
    expect(() => new Subset(range(3), [3])).toThrow(/indices\[0\] expected an integer in \[0, 3\), got 3/);
  });

  it('ConcatDataset reads its parts one after another', () => {
    const c = new ConcatDataset([range(2), { length: 0, get: () => -1 }, range(3)]);
    expect(c.length).toBe(5);
    expect(Array.from({ length: 5 }, (_, i) => c.get(i))).toEqual([0, 1, 0, 1, 2]);
    expect(() => c.get(5)).toThrow(ValueError);
    expect(() => new ConcatDataset([])).toThrow(/non-empty/);
  });
});

describe('randomSplit', () => {
  it('splits by counts into disjoint subsets that cover the dataset', () => {
    const [a, b] = randomSplit(range(100), [70, 30], { seed: 1 });
    expect([a.length, b.length]).toEqual([70, 30]);
    const all = [...a.indices, ...b.indices].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('splits by fractions, handing out the remainder from the first', () => {
    const parts = randomSplit(range(10), [1 / 3, 1 / 3, 1 / 3]);
    expect(parts.map((p) => p.length)).toEqual([4, 3, 3]);
  });

  it('is the same for the same seed and differs for another', () => {
    const a = randomSplit(range(50), [0.5, 0.5], { seed: 7 })[0].indices;
    const b = randomSplit(range(50), [0.5, 0.5], { seed: 7 })[0].indices;
    const c = randomSplit(range(50), [0.5, 0.5], { seed: 8 })[0].indices;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('refuses lengths that do not add up', () => {
    expect(() => randomSplit(range(10), [5, 4])).toThrow(/sum to 9 but the dataset has 10 samples/);
    expect(() => randomSplit(range(10), [0.5, 0.4])).toThrow(/sum to 0.9, expected 1/);
    expect(() => randomSplit(range(10), [-1, 11])).toThrow(/lengths\[0\] expected a non-negative number/);
  });
});
