// MaxPool2d({ returnIndices }) and MaxUnpool2d (MaxPool3d and MaxUnpool3d) against the functional
// maxPool2d / maxUnpool2d (maxPool3d / maxUnpool3d)
// (whose PyTorch goldens are in the tensor package's test/composed-unpool.test.ts), their
// printed form, and their refusals.
import { describe, expect, it } from 'vitest';
import { maxPool2d, maxPool3d, maxUnpool2d, maxUnpool3d, randn, scope, sum, type Tensor } from '@nutshell/tensor';
import * as nn from '../src/index.js';

const nums = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);

describe('MaxPool2d with returnIndices and MaxUnpool2d', () => {
  it('match the functional results, forward and backward', () => {
    scope(() => {
      const pool = new nn.MaxPool2d(3, { stride: 2, padding: 1, returnIndices: true });
      const unpool = new nn.MaxUnpool2d(3, { stride: 2, padding: 1 });
      const x = randn([2, 3, 7, 7], { requiresGrad: true });
      const { output, indices } = pool.forward(x);
      const [o2, i2] = pool.forward(x);
      const f = maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
      expect(nums(output)).toEqual(nums(f.output));
      expect(nums(indices)).toEqual(nums(f.indices));
      expect(nums(o2)).toEqual(nums(output));
      expect(nums(i2)).toEqual(nums(indices));
      const y = unpool.forward(output, indices, { outputSize: [7, 7] });
      expect(y.shape).toEqual([2, 3, 7, 7]);
      expect(nums(y)).toEqual(nums(maxUnpool2d(f.output, f.indices, 3, { stride: 2, padding: 1, outputSize: [7, 7] })));
      // Without outputSize: (4 − 1)·2 − 2 + 3 = 7 as well; then the gradient of the round trip.
      expect(unpool.forward(output, indices).shape).toEqual([2, 3, 7, 7]);
      sum(y).backward();
      const g = nums(x.grad!);
      // Every pooled maximum gets 1 per window it won (the round trip is the identity there).
      expect(g.every((v) => v === 0 || v >= 1)).toBe(true);
      expect(g.reduce((a, b) => a + b, 0)).toBe(2 * 3 * 4 * 4);
    });
  });

  it('without returnIndices MaxPool2d returns a tensor, as before', () => {
    scope(() => {
      const x = randn([1, 2, 4, 4]);
      const y = new nn.MaxPool2d(2).forward(x);
      expect(y.isTensor).toBe(true);
      expect(nums(y)).toEqual(nums(maxPool2d(x, 2)));
      expect(new nn.MaxPool2d(2, { returnIndices: false }).forward(x).isTensor).toBe(true);
    });
  });

  it("print their options (PyTorch's names in camelCase; returnIndices when set)", () => {
    expect(new nn.MaxPool2d(2, { returnIndices: true }).toString()).toBe('MaxPool2d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false, returnIndices=true)');
    expect(new nn.MaxPool2d(2).toString()).toBe('MaxPool2d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false)');
    expect(new nn.MaxUnpool2d(2).toString()).toBe('MaxUnpool2d(kernelSize=2, stride=2, padding=0)');
    expect(new nn.MaxUnpool2d([3, 2], { stride: 2, padding: [1, 0] }).toString()).toBe('MaxUnpool2d(kernelSize=[3, 2], stride=2, padding=[1, 0])');
  });

  it('refuse unknown options and misplaced arguments', () => {
    expect(() => new nn.MaxPool2d(2, { return_indices: true } as never)).toThrow(/^MaxPool2d: unknown option 'return_indices' .*did you mean 'returnIndices'\?/);
    expect(() => new nn.MaxPool2d(2, { returnIndices: 'yes' } as never)).toThrow(/^MaxPool2d: option 'returnIndices' expected a boolean, got "yes"$/);
    expect(() => new nn.MaxUnpool2d(2, { outputSize: [4, 4] } as never)).toThrow(/^MaxUnpool2d: unknown option 'outputSize'/);
    expect(() => new nn.MaxUnpool2d({ kernelSize: 2 } as never)).toThrow(/^MaxUnpool2d: kernelSize is positional/);
    const unpool = new nn.MaxUnpool2d(2);
    const { output, indices } = maxPool2d(randn([1, 1, 4, 4]), 2, { returnIndices: true });
    expect(() => unpool.forward(output, indices, { output_size: [4, 4] } as never)).toThrow(/^MaxUnpool2d.forward: unknown option 'output_size' .*did you mean 'outputSize'\?/);
    expect(() => unpool.forward(output, indices, { outputSize: [9, 4] })).toThrow(/^maxUnpool2d: option 'outputSize' \[9,4\] is invalid: dim 0 must be between 2 and 6/);
    expect(() => (unpool.forward as (...a: unknown[]) => Tensor)(output, indices, {}, 1)).toThrow(/MaxUnpool2d/);
  });

  it('MaxPool3d with returnIndices and MaxUnpool3d match the functional results, forward and backward', () => {
    scope(() => {
      const pool = new nn.MaxPool3d(3, { stride: 2, padding: 1, returnIndices: true });
      const unpool = new nn.MaxUnpool3d(3, { stride: 2, padding: 1 });
      const x = randn([2, 2, 5, 7, 7], { requiresGrad: true });
      const { output, indices } = pool.forward(x);
      const f = maxPool3d(x, 3, { stride: 2, padding: 1, returnIndices: true });
      expect(nums(output)).toEqual(nums(f.output));
      expect(nums(indices)).toEqual(nums(f.indices));
      expect(nums(output)).toEqual(nums(new nn.MaxPool3d(3, { stride: 2, padding: 1 }).forward(x)));
      const y = unpool.forward(output, indices, { outputSize: [5, 7, 7] });
      expect(nums(y)).toEqual(nums(maxUnpool3d(f.output, f.indices, 3, { stride: 2, padding: 1, outputSize: [5, 7, 7] })));
      sum(y).backward();
      const g = nums(x.grad!);
      expect(g.every((v) => v === 0 || v >= 1)).toBe(true);
      expect(g.reduce((a, b) => a + b, 0)).toBe(2 * 2 * 3 * 4 * 4);
    });
    expect(new nn.MaxPool3d(2, { returnIndices: true }).toString()).toBe('MaxPool3d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false, returnIndices=true)');
    expect(new nn.MaxUnpool3d([2, 2, 1]).toString()).toBe('MaxUnpool3d(kernelSize=[2, 2, 1], stride=[2, 2, 1], padding=0)');
    expect(() => new nn.MaxPool3d(2, { returnIndices: 'yes' } as never)).toThrow(/^MaxPool3d: option 'returnIndices' expected a boolean, got "yes"$/);
    expect(() => new nn.MaxUnpool3d(0)).toThrow(/^MaxUnpool3d: kernelSize expected an integer >= 1 or \[d, h, w\] of them, got 0$/);
    expect(() => new nn.MaxUnpool3d(2, { outputSize: [4, 4, 4] } as never)).toThrow(/^MaxUnpool3d: unknown option 'outputSize'/);
  });
});
