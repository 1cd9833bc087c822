// nonzero, maskedSelect and unique (ops/table/data-dependent.ts) against PyTorch 2.13's results on
// the same inputs (written in the expectations), on cpu and, where available, cuda; they are
// awaited, and maskedSelect is differentiable.
import { describe, expect, it } from 'vitest';
import { backends, maskedSelect, nonzero, scope, tensor, unique, type Tensor } from '../src/index.js';

const devices = ['cpu', ...(backends().cuda.available ? ['cuda'] : [])];
const nums = (t: Tensor | null) => Array.from(t!.dataSync() as ArrayLike<number | bigint>, Number);

for (const device of devices) {
  describe(`values-shaped results (${device})`, () => {
    it('nonzero gives row-major indices [count, rank]', async () => {
      const x = tensor([[0, 1.5, 0], [2, 0, -3]], { device });
      const idx = await nonzero(x);
      expect(idx.shape).toEqual([3, 2]);
      expect(nums(idx)).toEqual([0, 1, 1, 0, 1, 2]);
      expect((await nonzero(tensor([false, true, true], { device }))).shape).toEqual([2, 1]);
      expect((await nonzero(tensor([0, 0], { device }))).shape).toEqual([0, 1]);
      for (const t of [x, idx]) t.dispose();
    });

    it('maskedSelect picks in row-major order, broadcasts the mask, and passes gradients back', async () => {
      const x = tensor([[0, 1.5, 0], [2, 0, -3]], { device, requiresGrad: true });
      const m = tensor([[true, false, true], [false, true, true]], { device });
      const s = await maskedSelect(x, m);
      expect(nums(s)).toEqual([0, 0, 0, -3]);
      scope(() => s.backward(tensor([1, 2, 3, 4], { device })));
      expect(nums(x.grad)).toEqual([1, 0, 2, 0, 3, 4]);
      expect(nums(await maskedSelect(x.detach(), tensor([true, false, true], { device })))).toEqual([0, 0, 2, -3]);
    });

    it('unique sorts, maps every element back and counts; NaNs stay apart, as PyTorch', async () => {
      const u = await unique(tensor([3, 1, 2, 3, 1, 1], { dtype: 'int64', device }));
      expect(nums(u.values)).toEqual([1, 2, 3]);
      expect(u.values.dtype).toBe('int64');
      expect(nums(u.inverse)).toEqual([2, 0, 1, 2, 0, 0]);
      expect(nums(u.counts)).toEqual([3, 1, 2]);
      const f = await unique(tensor([[2, NaN, 1], [2, NaN, 5]], { device }));
      expect(nums(f.values)).toEqual([1, 2, 5, NaN, NaN]);
      expect(f.inverse.shape).toEqual([2, 3]);
      expect(nums(f.counts)).toEqual([1, 2, 1, 1, 1]);
      expect(nums(f.inverse)).toEqual([1, 3, 0, 1, 4, 2]);
      // int64 beyond ±2^53 is searched exactly (as BigInts), not as doubles.
      const big = await unique(tensor(BigInt64Array.of(2n ** 60n + 1n, 2n ** 60n, 2n ** 60n + 1n, -5n), { device }));
      expect(Array.from(big.values.dataSync() as BigInt64Array)).toEqual([-5n, 2n ** 60n, 2n ** 60n + 1n]);
      expect(nums(big.inverse)).toEqual([2, 1, 2, 0]);
      expect(nums(big.counts)).toEqual([1, 1, 2]);
      // bool (sorted as uint8), empty input, and -0 equal to 0 (one value, as PyTorch).
      const b = await unique(tensor([true, false, true], { dtype: 'bool', device }));
      expect(b.values.dtype).toBe('bool');
      expect(nums(b.values)).toEqual([0, 1]);
      expect(nums(b.inverse)).toEqual([1, 0, 1]);
      const e = await unique(tensor([], { shape: [0, 3], device }));
      expect([e.values.shape, e.inverse.shape, e.counts.shape]).toEqual([[0], [0, 3], [0]]);
      const z = await unique(tensor([0, -0, 1], { device }));
      expect(nums(z.counts)).toEqual([2, 1]);
    });
  });
}

describe('refusals', () => {
  it('name the function and the argument', async () => {
    const x = tensor([1, 2, 3]);
    await expect(maskedSelect(x, tensor([1, 0, 1]))).rejects.toThrow(/^maskedSelect: mask expected bool, got float32$/);
    await expect(maskedSelect(x, tensor([true, false]))).rejects.toThrow(/^maskedSelect: mask \[2\] does not broadcast to the input's shape \[3\]$/);
    await expect(unique(x, { return_inverse: true } as never)).rejects.toThrow(/^unique: unknown option 'return_inverse'/);
    await expect(nonzero(null as never)).rejects.toThrow(/^nonzero: input expected a tensor, got null$/);
  });
});
