// Spellings user trials brought. int64 reads give bigints, so comparing a tensor with one read back is natural JavaScript (a
// user trial's `mask.eq(1n)` was refused as "expected a Tensor, got bigint").
import { describe, expect, it } from 'vitest';
import { tensor, where, zeros } from '../src/index.js';

const values = async (t: { data(): Promise<ArrayLike<number | bigint>> }) => Array.from(await t.data(), Number);

describe('bigint scalar operands act as numbers', () => {
  const t = tensor([1, 2, 3], { dtype: 'int64' });
  it('in comparisons, arithmetic, where and in-place ops', async () => {
    expect(await values(t.eq(2n))).toEqual([0, 1, 0]);
    expect(await values(t.ge(2n))).toEqual([0, 1, 1]);
    const sum = t.add(1n);
    expect([sum.dtype, await values(sum)]).toEqual(['int64', [2, 3, 4]]);
    expect(await values(tensor([1.5, 2]).mul(2n))).toEqual([3, 4]);
    expect(await values(t.pow(2n))).toEqual([1, 4, 9]);
    const picked = where(t.gt(1n), 7n, 0n);
    expect([picked.dtype, await values(picked)]).toEqual(['int64', [0, 7, 7]]);
    const z = zeros([2], { dtype: 'int64' });
    z.add_(5n);
    expect(await values(z)).toEqual([5, 5]);
  });
  it('refused past 2^53, where a number would not hold it exactly', () => {
    expect(() => t.eq(2n ** 60n)).toThrow(/^eq: the bigint 1152921504606846976n is beyond 2\^53 and would not be exact as a scalar; put it in an int64 tensor instead$/);
  });
});

describe('spellings a PyTorch user brings (RL trial)', () => {
  it("flip takes PyTorch's keyword dims as an options object", async () => {
    const { flip, arange } = await import('../src/index.js');
    expect(await values(flip(arange(3), { dims: [0] }))).toEqual([2, 1, 0]);
    expect(() => flip(arange(3), { dim: 0 } as never)).toThrow(/^flip: unknown option 'dim'/);
  });
  it('std of one value warns that there are no degrees of freedom, as PyTorch does', async () => {
    const { std, DEGREES_OF_FREEDOM_WARNING } = await import('../src/index.js');
    const seen: string[] = [];
    const listen = (w: Error & { code?: string }) => { if (w.code === DEGREES_OF_FREEDOM_WARNING) seen.push(w.message); };
    process.on('warning', listen);
    try {
      expect(Number.isNaN((await std(tensor([5])).data())[0])).toBe(true);
      await new Promise((r) => setImmediate(r));
      expect(seen).toEqual(['std: degrees of freedom is <= 0 (1 values per result, correction 1), so the result is NaN or infinite; pass { correction: 0 } for the population deviation']);
    } finally {
      process.off('warning', listen);
    }
  });
});
