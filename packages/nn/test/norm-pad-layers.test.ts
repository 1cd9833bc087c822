// Dropout1d/2d/3d, RMSNorm, InstanceNorm1d/2d/3d, PixelShuffle, PixelUnshuffle, the padding layers
// and Unflatten: state-dict names, reprs, training behaviour and refusals. Their values and
// gradients against PyTorch are in layers.test.ts (fixtures from scripts/fixtures_nn_norm_pad.py).
import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, ones, randn, scope, tensor, type Tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import * as nn from '../src/index.js';

const nums = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);

describe('state dicts carry PyTorch’s names', () => {
  it('RMSNorm: weight; InstanceNorm: weight, bias, running_mean, running_var, num_batches_tracked when asked for', () => {
    expect([...new nn.RMSNorm([3, 4]).stateDict()].map(([k, v]) => [k, v.shape])).toEqual([['weight', [3, 4]]]);
    expect([...new nn.RMSNorm(4, { elementwiseAffine: false }).stateDict().keys()]).toEqual([]);
    expect([...new nn.InstanceNorm2d(3).stateDict().keys()]).toEqual([]); // PyTorch's defaults: affine false, no running statistics
    const full = new nn.InstanceNorm1d(3, { affine: true, trackRunningStats: true });
    expect([...full.stateDict()].map(([k, v]) => [k, v.shape, v.dtype])).toEqual([
      ['weight', [3], 'float32'],
      ['bias', [3], 'float32'],
      ['running_mean', [3], 'float32'],
      ['running_var', [3], 'float32'],
      ['num_batches_tracked', [], 'int64'],
    ]);
    expect([...full.namedParameters()].map(([k]) => k)).toEqual(['weight', 'bias']);
    // A PyTorch state dict without num_batches_tracked loads, as BatchNorm's does.
    const sd = full.stateDict();
    sd.delete('num_batches_tracked');
    expect(new nn.InstanceNorm1d(3, { affine: true, trackRunningStats: true }).loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const m of [new nn.Dropout2d(), new nn.PixelShuffle(2), new nn.ZeroPad2d(1), new nn.ReflectionPad1d(2), new nn.Unflatten(1, [2, 2])]) {
      expect([...m.stateDict().keys()]).toEqual([]);
    }
  });
});

describe('reprs', () => {
  it('as the existing layers print theirs', () => {
    expect(String(new nn.Dropout1d())).toBe('Dropout1d(p=0.5)');
    expect(String(new nn.Dropout2d(0.2))).toBe('Dropout2d(p=0.2)');
    expect(String(new nn.Dropout3d(0))).toBe('Dropout3d(p=0)');
    expect(String(new nn.RMSNorm([3, 4]))).toBe('RMSNorm([3, 4], eps=null, elementwiseAffine=true)');
    expect(String(new nn.RMSNorm(8, { eps: 1e-6, elementwiseAffine: false }))).toBe('RMSNorm([8], eps=0.000001, elementwiseAffine=false)');
    expect(String(new nn.InstanceNorm2d(3))).toBe('InstanceNorm2d(3, eps=0.00001, momentum=0.1, affine=false, trackRunningStats=false)');
    expect(String(new nn.InstanceNorm1d(4, { affine: true, trackRunningStats: true, momentum: 0.3 }))).toBe('InstanceNorm1d(4, eps=0.00001, momentum=0.3, affine=true, trackRunningStats=true)');
    expect(String(new nn.PixelShuffle(3))).toBe('PixelShuffle(upscaleFactor=3)');
    expect(String(new nn.PixelUnshuffle(2))).toBe('PixelUnshuffle(downscaleFactor=2)');
    expect(String(new nn.ZeroPad2d([1, 1, 2, 0]))).toBe('ZeroPad2d([1, 1, 2, 0])');
    expect(String(new nn.ZeroPad1d(2))).toBe('ZeroPad1d([2, 2])');
    expect(String(new nn.ConstantPad1d([2, 2], 3.5))).toBe('ConstantPad1d(padding=[2, 2], value=3.5)');
    expect(String(new nn.ConstantPad3d(1, 0))).toBe('ConstantPad3d(padding=[1, 1, 1, 1, 1, 1], value=0)');
    expect(String(new nn.ReflectionPad1d([3, 1]))).toBe('ReflectionPad1d([3, 1])');
    expect(String(new nn.ReplicationPad2d(1))).toBe('ReplicationPad2d([1, 1, 1, 1])');
    expect(String(new nn.Unflatten(1, [2, 5]))).toBe('Unflatten(dim=1, unflattenedSize=[2, 5])');
    expect(String(new nn.Sequential(new nn.ReflectionPad2d(1), new nn.Conv2d(3, 8, 3), new nn.InstanceNorm2d(8), new nn.Dropout2d(0.1)))).toBe(
      [
        'Sequential(',
        '  (0): ReflectionPad2d([1, 1, 1, 1])',
        '  (1): Conv2d(3, 8, kernelSize=[3,3])',
        '  (2): InstanceNorm2d(8, eps=0.00001, momentum=0.1, affine=false, trackRunningStats=false)',
        '  (3): Dropout2d(p=0.1)',
        ')',
      ].join('\n'),
    );
  });
});

describe('channel dropout layers', () => {
  it('drop whole channels while training, from the default generator; identity in eval', () => {
    scope(() => {
      const layer = new nn.Dropout2d(0.5);
      const x = ones([4, 6, 3, 3]);
      manualSeed(1);
      const a = layer.forward(x);
      manualSeed(1);
      const b = layer.forward(x);
      expect(nums(a)).toEqual(nums(b));
      const perChannel = nums(a.sum([2, 3]));
      expect(perChannel.every((v) => v === 0 || v === 18)).toBe(true);
      expect(perChannel.some((v) => v === 0) && perChannel.some((v) => v === 18)).toBe(true);
      layer.eval();
      expect(layer.forward(x)).toBe(x);
      const unbatched = new nn.Dropout1d(0.5).forward(ones([8, 5]));
      expect(nums(unbatched.sum(1)).every((v) => v === 0 || v === 10)).toBe(true);
      expect(new nn.Dropout3d(1).forward(ones([2, 2, 2, 2])).shape).toEqual([2, 2, 2, 2]);
    });
  });

  it('refuse a bad p and, through the function, a 3-D input to Dropout2d', () => {
    expect(() => new nn.Dropout2d(1.5)).toThrow(/^Dropout2d: p expected a probability in \[0, 1\], got 1.5$/);
    expect(() => new nn.Dropout1d(-0.1)).toThrow(/^Dropout1d: p expected a probability in \[0, 1\], got -0.1$/);
    scope(() => {
      expect(() => new nn.Dropout2d().forward(ones([2, 3, 4]))).toThrow(/^dropout2d: a 3-D input \[2,3,4\] is ambiguous/);
      expect(() => new nn.Dropout3d().forward(ones([2, 3, 4]))).toThrow(/^dropout3d: input expected \[N, C, D, H, W\] or \[C, D, H, W\] \(4-D or 5-D\), got \[2,3,4\]$/);
    });
  });
});

describe('RMSNorm', () => {
  it("uses float32's machine epsilon when eps is null, as PyTorch", () => {
    scope(() => {
      // One tiny row: mean square 1e-14, so eps (2^-23 ≈ 1.19e-7) decides the scale.
      const x = tensor([[1e-7, -1e-7]]);
      const y = new nn.RMSNorm(2).forward(x);
      const scale = 1 / Math.sqrt(1e-14 + 2 ** -23);
      expectClose(nums(y), [1e-7 * scale, -1e-7 * scale], 1e-9, 1e-5);
      expectClose(nums(new nn.RMSNorm(2, { eps: 0 }).forward(x)), [1, -1], 1e-6, 1e-5);
    });
  });

  it('refuses bad shapes and options', () => {
    expect(() => new nn.RMSNorm([])).toThrow(/^RMSNorm: normalizedShape expected a positive integer or a non-empty list of them, got \[\]$/);
    expect(() => new nn.RMSNorm(0)).toThrow(/^RMSNorm: normalizedShape expected a positive integer or a non-empty list of them, got 0$/);
    expect(() => new nn.RMSNorm(4, { eps: -1 })).toThrow(/^RMSNorm: eps expected a number >= 0 or null, got -1$/);
    expect(() => new nn.RMSNorm(4, { elementwise_affine: false } as never)).toThrow(/^RMSNorm: unknown option 'elementwise_affine' \(it takes 'eps', 'elementwiseAffine'\); did you mean 'elementwiseAffine'\?$/);
    expect(() => new nn.RMSNorm(4, { bias: false } as never)).toThrow(/^RMSNorm: unknown option 'bias'/);
    scope(() => {
      expect(() => new nn.RMSNorm(4).forward(ones([2, 3]))).toThrow(/^rmsNorm: normalizedShape \[4\] expected the input to end in it, got input \[2,3\]$/);
    });
  });
});

describe('InstanceNorm', () => {
  it('updates its running statistics while training (not num_batches_tracked, as PyTorch) and uses them in eval', () => {
    scope(() => {
      const layer = new nn.InstanceNorm1d(2, { trackRunningStats: true, momentum: 0.5 });
      const x = tensor([[[1, 2, 3, 4], [0, 0, 2, 2]], [[3, 3, 3, 5], [-1, 1, -1, 1]]]);
      const mean0 = layer.running_mean!;
      layer.forward(x);
      expect(layer.running_mean).toBe(mean0); // the same buffer, new values
      // Sample means [2.5, 1] and [3.5, 0]; unbiased variances [5/3, 4/3] and [1, 4/3].
      expectClose(nums(layer.running_mean!), [0.5 * 3, 0.5 * 0.5], 1e-6, 1e-6, 'running_mean');
      expectClose(nums(layer.running_var!), [0.5 + 0.5 * (5 / 3 + 1) / 2, 0.5 + 0.5 * (4 / 3)], 1e-6, 1e-6, 'running_var');
      expect(nums(layer.num_batches_tracked!)).toEqual([0]);
      layer.eval();
      const [m, v] = [nums(layer.running_mean!), nums(layer.running_var!)];
      const y = layer.forward(x);
      expectClose(nums(y).slice(0, 4), [1, 2, 3, 4].map((e) => (e - m[0]) / Math.sqrt(v[0] + 1e-5)), 1e-5, 1e-5, 'eval output');
      // Without running statistics eval normalises by the input's own, as PyTorch.
      const plain = new nn.InstanceNorm1d(2).eval();
      expectClose(nums(plain.forward(x)).slice(0, 4), [-1.3416, -0.4472, 0.4472, 1.3416], 1e-4, 1e-4, 'own statistics');
    });
  });

  it('takes unbatched input; a channel count that differs is refused when affine or tracking, as PyTorch', () => {
    scope(() => {
      const x = randn([3, 4, 4]);
      expect(new nn.InstanceNorm2d(3, { affine: true }).forward(x).shape).toEqual([3, 4, 4]);
      expect(new nn.InstanceNorm2d(5).forward(randn([2, 3, 4, 4])).shape).toEqual([2, 3, 4, 4]); // PyTorch warns and normalises
      expect(() => new nn.InstanceNorm2d(5, { affine: true }).forward(randn([2, 3, 4, 4]))).toThrow(/^InstanceNorm2d: input has 3 channels \(dim 1 of \[2,3,4,4\]\) but the layer normalises 5 \(numFeatures\)$/);
      expect(() => new nn.InstanceNorm1d(4, { trackRunningStats: true }).forward(x.select(2, 0))).toThrow(/^InstanceNorm1d: input has 3 channels \(dim 0 of \[3,4\]\) but the layer normalises 4 \(numFeatures\)$/);
      expect(() => new nn.InstanceNorm2d(3).forward(randn([2, 3]))).toThrow(/^InstanceNorm2d: input expected \[N, C, H, W\] or unbatched \[C, H, W\] \(4-D or 3-D\), got \[2,3\]$/);
      expect(() => new nn.InstanceNorm1d(3).forward(randn([3, 1]))).toThrow(/^instanceNorm: expected more than 1 spatial element per channel when using input statistics, got input \[1,3,1\]$/);
    });
  });

  it('refuses bad options', () => {
    expect(() => new nn.InstanceNorm2d(3, { track_running_stats: true } as never)).toThrow(/^InstanceNorm2d: unknown option 'track_running_stats' .*; did you mean 'trackRunningStats'\?$/);
    expect(() => new nn.InstanceNorm1d(0)).toThrow(/^InstanceNorm1d: numFeatures expected a positive integer, got 0$/);
    expect(() => new nn.InstanceNorm1d(2, { momentum: null } as never)).toThrow(/^InstanceNorm1d: momentum null \(PyTorch's cumulative average\) is not supported; give a number in \[0, 1\]$/);
    expect(() => new nn.InstanceNorm3d(2, { momentum: 1.5 })).toThrow(/^InstanceNorm3d: momentum expected a number in \[0, 1\], got 1.5$/);
    expect(() => new nn.InstanceNorm3d(2, { eps: -1 })).toThrow(/^InstanceNorm3d: eps expected a number >= 0, got -1$/);
  });
});

describe('PixelShuffle, PixelUnshuffle, Unflatten', () => {
  it('PixelUnshuffle undoes PixelShuffle', () => {
    scope(() => {
      const x = randn([2, 12, 3, 5], { generator: new Generator(4) });
      const y = new nn.PixelShuffle(2).forward(x);
      expect(y.shape).toEqual([2, 3, 6, 10]);
      expect(nums(new nn.PixelUnshuffle(2).forward(y))).toEqual(nums(x));
      expect(new nn.Unflatten(-1, [3, -1]).forward(ones([2, 12])).shape).toEqual([2, 3, 4]);
    });
  });

  it('refuse bad factors and sizes', () => {
    expect(() => new nn.PixelShuffle(0)).toThrow(/^PixelShuffle: upscaleFactor expected a positive integer, got 0$/);
    expect(() => new nn.PixelUnshuffle(2.5)).toThrow(/^PixelUnshuffle: downscaleFactor expected a positive integer, got 2.5$/);
    expect(() => new nn.Unflatten(1.5, [2])).toThrow(/^Unflatten: dim expected an integer, got 1.5$/);
    expect(() => new nn.Unflatten(1, [])).toThrow(/^Unflatten: unflattenedSize expected a non-empty array of sizes \(one may be -1\), got \[\]$/);
    expect(() => new nn.Unflatten(1, 4 as never)).toThrow(/^Unflatten: unflattenedSize expected a non-empty array of sizes \(one may be -1\), got 4$/);
    scope(() => {
      expect(() => new nn.PixelShuffle(2).forward(ones([1, 6, 2, 2]))).toThrow(/^pixelShuffle: input's channels \(dim -3\) expected a multiple of upscaleFactor² = 4, got 6/);
      expect(() => new nn.Unflatten(1, [4, 4]).forward(ones([2, 12]))).toThrow(/^unflatten: sizes \[4,4\] do not multiply to dim 1's size 12/);
    });
  });
});

describe('padding layers', () => {
  it('pad as F.pad does in each mode', () => {
    scope(() => {
      const x = tensor([[[1, 2, 3]]]);
      expect(nums(new nn.ZeroPad1d([1, 2]).forward(x))).toEqual([0, 1, 2, 3, 0, 0]);
      expect(nums(new nn.ConstantPad1d(1, -1).forward(x))).toEqual([-1, 1, 2, 3, -1]);
      expect(nums(new nn.ReflectionPad1d(2).forward(x))).toEqual([3, 2, 1, 2, 3, 2, 1]);
      expect(nums(new nn.ReplicationPad1d([2, 1]).forward(x))).toEqual([1, 1, 1, 2, 3, 3]);
      expect(new nn.ZeroPad2d(1).forward(ones([3, 3])).shape).toEqual([5, 5]); // constant padding takes any rank, as PyTorch
    });
  });

  it('refuse bad padding, values and ranks', () => {
    expect(() => new nn.ZeroPad2d([1, 2])).toThrow(/^ZeroPad2d: padding expected an integer or 4 integers \(left, right, top, bottom\), got \[1, 2\]$/);
    expect(() => new nn.ReflectionPad1d(1.5)).toThrow(/^ReflectionPad1d: padding expected an integer or 2 integers \(left, right\), got 1.5$/);
    expect(() => new nn.ReplicationPad3d('1' as never)).toThrow(/^ReplicationPad3d: padding expected an integer or 6 integers \(left, right, top, bottom, front, back\), got string$/);
    expect(() => new (nn.ConstantPad2d as unknown as new (p: number) => nn.Module)(1)).toThrow(/^ConstantPad2d: value expected a number, got none$/);
    scope(() => {
      expect(() => new nn.ReflectionPad2d(1).forward(ones([2, 3, 4, 4, 4]))).toThrow(/^ReflectionPad2d: input expected \[N, C, H, W\] or \[C, H, W\] \(3-D or 4-D\), got \[2,3,4,4,4\]$/);
      expect(() => new nn.ReplicationPad1d(1).forward(ones([4]))).toThrow(/^ReplicationPad1d: input expected \[N, C, L\] or \[C, L\] \(2-D or 3-D\), got \[4\]$/);
      expect(() => new nn.ReflectionPad1d(3).forward(ones([1, 2, 3]))).toThrow(/^pad: reflect padding \(3, 3\) of dimension 2 must be smaller than its size 3/);
    });
  });
});

describe('forward refuses extra arguments (Note [arity guard])', () => {
  it('on every new layer, naming the class', () => {
    scope(() => {
      const x = ones([1, 4, 2, 2]);
      for (const m of [new nn.Dropout2d(), new nn.RMSNorm(2), new nn.InstanceNorm2d(4), new nn.PixelShuffle(2), new nn.Unflatten(1, [2, 2]), new nn.ZeroPad2d(1), new nn.ConstantPad1d(1, 0), new nn.ReflectionPad2d(1)]) {
        expect(() => m.forward(x, true as never), m.constructor.name).toThrow(new RegExp(`^${m.constructor.name}\\.forward: takes at most 1 argument, got 2`));
      }
    });
  });
});

describe('CircularPad', () => {
  it("wraps around as PyTorch's CircularPad1d/2d (values from PyTorch 2.13)", () => {
    scope(() => {
      const x2 = tensor([0, 1, 2, 3, 4, 5], { shape: [1, 1, 2, 3] });
      expect(Array.from(new nn.CircularPad2d(1).forward(x2).dataSync())).toEqual([5, 3, 4, 5, 3, 2, 0, 1, 2, 0, 5, 3, 4, 5, 3, 2, 0, 1, 2, 0]);
      const x1 = tensor([0, 1, 2, 3], { shape: [1, 1, 4] });
      expect(Array.from(new nn.CircularPad1d([2, 1]).forward(x1).dataSync())).toEqual([2, 3, 0, 1, 2, 3, 0]);
      expect(String(new nn.CircularPad3d(1))).toBe('CircularPad3d([1, 1, 1, 1, 1, 1])');
    });
  });
});
