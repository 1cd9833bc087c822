// nanToNum and isin against PyTorch 2.13 (torch.nan_to_num, torch.isin; values below printed by it).
import { describe, expect, it } from 'vitest';
import { isin, nanToNum, scope, sum, tensor } from '../src/index.js';

const values = (t: { dataSync(): ArrayLike<number | bigint> }) => Array.from(t.dataSync(), Number);

describe('nanToNum', () => {
  it("replaces NaN and infinities as PyTorch's, with a gradient where the input is finite", () => {
    scope(() => {
      const y = tensor([NaN, Infinity, -Infinity, 1.5], { requiresGrad: true });
      const z = nanToNum(y);
      expect(values(z)).toEqual([0, 3.4028234663852886e38, -3.4028234663852886e38, 1.5]);
      expect(values(y.nanToNum({ nan: 7, posinf: 1, neginf: -1 }))).toEqual([7, 1, -1, 1.5]);
      sum(z).backward();
      expect(values(y.grad!)).toEqual([0, 0, 0, 1]);
      const ints = tensor([1, 2], { dtype: 'int64' });
      expect([nanToNum(ints).dtype, values(nanToNum(ints))]).toEqual(['int64', [1, 2]]);
      expect(() => nanToNum(y, { nan: NaN })).toThrow(/^nanToNum: option 'nan' expected a number, got NaN$/);
      expect(() => nanToNum(y, { posInf: 1 } as never)).toThrow(/^nanToNum: unknown option 'posInf'/);
    });
  });
});

describe('isin', () => {
  it("marks the elements found among the test elements, as PyTorch's (dtypes promoted, numbers allowed, invert)", () => {
    scope(() => {
      const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int64' });
      expect(values(isin(x, tensor([2, 6, 9], { dtype: 'int64' })))).toEqual([0, 1, 0, 0, 0, 1]);
      expect(isin(x, tensor([2, 6, 9], { dtype: 'int64' })).shape).toEqual([2, 3]);
      expect(values(isin(x, tensor([2.0, 6.0])))).toEqual([0, 1, 0, 0, 0, 1]);
      expect(values(isin(x, 5, { invert: true }))).toEqual([1, 1, 1, 1, 0, 1]);
      expect(values(isin(tensor([1.5, 2]), tensor([2, 3])))).toEqual([0, 1]);
      expect(values(isin(tensor([1, 2]), tensor([])))).toEqual([0, 0]);
      expect(() => isin(1, 2)).toThrow(/^isin: expected at least one tensor, got two numbers$/);
      expect(() => isin(x, [1, 2] as never)).toThrow(/^isin: /);
    });
  });
});
