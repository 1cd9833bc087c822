// Note [cpu scalars on other devices] (ops/apply.ts): a 0-dim cpu tensor takes part in an op on
// cuda tensors as PyTorch's does; anything else on two devices is still refused. Runs where a
// GPU (or the emulator build) is present and skips with the reason elsewhere.
import { describe, expect, it } from 'vitest';
import { backends, distributions as D, memory, scope, tensor } from '../src/index.js';
import * as T from '../src/index.js';
import { nums } from './golden-cases.js';

const cuda = backends().cuda;
const noGpu = cuda.available ? '' : `cuda unavailable: ${cuda.reason}`;
const gpuIt = (name: string, fn: () => void) => it.skipIf(!cuda.available)(`${name}${noGpu ? ` (skipped: ${noGpu})` : ''}`, fn);

describe('0-dim cpu tensors with cuda tensors', () => {
  gpuIt('are read as numbers: the result is on cuda, whichever side the scalar is', () => {
    scope(() => {
      const x = tensor([1, 2, 3], { device: 'cuda' });
      const half = tensor(0.5);
      for (const y of [T.mul(x, half), T.mul(half, x), T.where(T.gt(x, tensor(1.5)), x, tensor(-1))]) expect(y.device.type).toBe('cuda');
      expect(nums(T.mul(half, x))).toEqual([0.5, 1, 1.5]);
      expect(nums(T.where(T.gt(x, tensor(1.5)), x, tensor(-1)))).toEqual([-1, 2, 3]);
    });
  });

  gpuIt('leave no copies behind', () => {
    scope(() => {
      const x = tensor([1, 2, 3], { device: 'cuda' });
      const half = tensor(0.5);
      T.mul(x, half).dispose();
      const before = memory().tensors;
      for (let i = 0; i < 50; i++) T.mul(x, half).dispose();
      expect(memory().tensors).toBe(before);
    });
  });

  gpuIt('a distribution made from numbers scores a cuda value on cuda', () => {
    scope(() => {
      const x = tensor([0.5, -1], { device: 'cuda' });
      const lp = new D.Normal(0, 2).logProb(x);
      expect(lp.device.type).toBe('cuda');
      const want = new D.Normal(0, 2).logProb(x.cpu());
      expect(nums(lp)).toEqual(nums(want));
    });
  });

  gpuIt('are still refused where they require grad, are written in place, or are not 0-dim', () => {
    scope(() => {
      const x = tensor([1, 2, 3], { device: 'cuda' });
      expect(() => T.mul(x, tensor(0.5, { requiresGrad: true }))).toThrow(/^mul: argument 'other' is on cpu but 'input' is on cuda:0; move them with \.to\(\)$/);
      expect(() => T.mul(x, tensor([0.5]))).toThrow(/^mul: argument 'other' is on cpu but 'input' is on cuda:0/);
      expect(() => tensor(1).add_(tensor(2, { device: 'cuda' }))).toThrow(/is on cuda:0 but '\w+' is on cpu/);
    });
  });
});
