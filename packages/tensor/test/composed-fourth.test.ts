// The fourth set of composed functions (ops/table/composed-{elementwise,creation,pixel-shuffle,
// dropout,norm}.ts, ops/clamp-bounds.ts) against PyTorch 2.13 — isinf/isposinf/isneginf,
// reciprocal, addcmul, addcdiv, clamp with tensor bounds, clampMin, clampMax, clip, meshgrid,
// pixelShuffle, pixelUnshuffle, rmsNorm, instanceNorm: outputs and every input's gradient, from
// test/fixtures/composed-fourth.safetensors (scripts/fixtures_composed_fourth.py). Then
// finite-difference gradient checks, channel-wise dropout (masks, scaling, seeds), empty, the
// methods and in-place forms, and the refusals. Run on cpu and, where available, on cuda.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { Generator, manualSeed, noGrad, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose, hashString, normal, seededRandom } from '../src/testing/index.js';
import { describeGoldenCases, devices, type GoldenCall, checkGradFn, type GradInput, nums, readGoldenFixture } from './golden-cases.js';

const fx = readGoldenFixture('composed-fourth');

const calls: Record<string, GoldenCall> = {
  isinf: (x) => T.isinf(x),
  isposinf: (x) => x.isposinf(),
  isneginf: (x) => T.isneginf(x),
  isinfInt: (x) => x.isinf(),
  reciprocal: (x) => T.reciprocal(x),
  reciprocalZeros: (x) => x.reciprocal(),
  reciprocalInt: (x) => T.reciprocal(x),
  addcmul: (i, a, b) => T.addcmul(i, a, b, { value: 0.5 }),
  addcmulDefault: (i, a, b) => i.addcmul(a, b),
  addcmulInt: (i, a, b) => T.addcmul(i, a, b, { value: 3 }),
  addcdiv: (i, a, b) => i.addcdiv(a, b, { value: -2 }),
  addcdivDefault: (i, a, b) => T.addcdiv(i, a, b),
  clampTensors: (x, lo, hi) => T.clamp(x, lo, hi),
  clampMinAboveMax: (x, lo, hi) => x.clamp({ min: lo, max: hi }),
  clampTensorMin: (x, lo) => T.clamp(x, { min: lo }),
  clampTensorMax: (x, hi) => x.clamp(null, hi),
  clampNaNBound: (x, lo, hi) => T.clamp(x, lo, hi),
  clampIntTensors: (x, lo, hi) => T.clamp(x, lo, hi),
  clampMinTensor: (x, lo) => x.clampMin(lo),
  clampMaxNumber: (x) => T.clampMax(x, 0.3),
  clipTensors: (x, lo, hi) => x.clip(lo, hi),
  meshgridIJ: (a, b, c) => T.meshgrid([a, b, c]),
  meshgridXY: (a, b, c) => T.meshgrid([a, b, c], { indexing: 'xy' }),
  meshgridScalar: (a, b) => T.meshgrid([a, b], { indexing: 'ij' }),
  meshgridInt: (a, b) => T.meshgrid([a, b], { indexing: 'xy' }),
  pixelShuffle: (x) => T.pixelShuffle(x, 2),
  pixelShuffleBatchDims: (x) => T.pixelShuffle(x, 3),
  pixelShuffleUnbatched: (x) => T.pixelShuffle(x, 2),
  pixelUnshuffle: (x) => T.pixelUnshuffle(x, 2),
  pixelUnshuffleBatchDims: (x) => T.pixelUnshuffle(x, 3),
  rmsNorm: (x, w) => T.rmsNorm(x, [4], w),
  rmsNormTwoDims: (x) => T.rmsNorm(x, [3, 4], null, 1e-3),
  instanceNorm: (x, rm, rv, w, b) => {
    const r = T.instanceNorm(x, rm, rv, w, b, { momentum: 0.2, eps: 1e-5 });
    return [r.output, r.runningMean!, r.runningVar!];
  },
  instanceNorm2d: (x) => T.instanceNorm(x).output,
  instanceNormRunning: (x, rm, rv) => T.instanceNorm(x, rm, rv, null, null, { useInputStats: false, eps: 1e-3 }).output,
};

describeGoldenCases(fx, calls, (device) => `fourth composed functions match PyTorch, forward and backward (${device})`, { output: [1e-5, 1e-5], grad: [1e-5, 1e-4] });

/**
 * Note [gradient check] (src/testing/gradcheck.ts) for a composed function: directional finite
 * differences of L = Σ u ⊙ f(x) against the analytic gradient, every float input at once.
 */
const gradcheckFn = (name: string, f: (...xs: Tensor[]) => Tensor, inputs: GradInput[], device = 'cpu', tolerance = 1e-2, eps = 1e-2): void =>
  checkGradFn(`composed-fourth/${name}`, f, inputs, { device, tolerance, eps });

// Values of `shape` spaced 0.3 apart, shuffled (away from each other's ties), around `offset`.
const spacedValues = (shape: number[], offset = 0.05): { shape: number[]; values: number[] } => {
  const n = shape.reduce((p, d) => p * d, 1);
  return { shape, values: Array.from({ length: n }, (_, i) => (((i * 7) % 11) - 5) * 0.3 + offset) };
};
const awayFromZero = (shape: number[]): { shape: number[]; values: number[] } => {
  const n = shape.reduce((p, d) => p * d, 1);
  return { shape, values: Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (0.6 + 0.13 * ((i * 5) % 7))) };
};

describe('finite-difference gradient checks', () => {
  it('reciprocal, addcmul, addcdiv', () => {
    gradcheckFn('reciprocal', (x) => T.reciprocal(x), [awayFromZero([3, 4])]);
    gradcheckFn('addcmul', (i, a, b) => T.addcmul(i, a, b, { value: -1.5 }), [spacedValues([2, 3]), spacedValues([3]), spacedValues([2, 1])]);
    gradcheckFn('addcdiv', (i, a, b) => T.addcdiv(i, a, b, { value: 0.7 }), [spacedValues([2, 3]), spacedValues([2, 3]), awayFromZero([3])]);
  });

  it('clamp with tensor bounds (min > max in places), clampMin, clampMax', () => {
    // Every |x − bound| and |min − max| ≥ 0.2: no kink within the step.
    const x = { shape: [2, 3], values: [-1.2, 0.3, 1.4, 0.6, -0.4, 2.0] };
    const lo = { shape: [3], values: [-0.5, 0.5, 0.0] };
    const hi = { shape: [2, 1], values: [1.0, 0.2] };
    gradcheckFn('clamp', (a, b, c) => T.clamp(a, b, c), [x, lo, hi]);
    gradcheckFn('clampMin', (a, b) => T.clampMin(a, b), [x, lo]);
    gradcheckFn('clampMax', (a, c) => a.clampMax(c), [x, hi]);
  });

  it('meshgrid, pixelShuffle, pixelUnshuffle', () => {
    gradcheckFn('meshgrid', (a, b) => T.mul(...(T.meshgrid([a, b], { indexing: 'xy' }) as [Tensor, Tensor])), [spacedValues([3]), spacedValues([4])]);
    gradcheckFn('pixelShuffle', (x) => T.pixelShuffle(x, 2), [spacedValues([2, 8, 2, 3])]);
    gradcheckFn('pixelUnshuffle', (x) => T.pixelUnshuffle(x, 2), [spacedValues([1, 3, 4, 2])]);
  });

  it('rmsNorm and instanceNorm (input, weight, bias)', () => {
    gradcheckFn('rmsNorm', (x, w) => T.rmsNorm(x, [2, 3], w), [spacedValues([3, 2, 3]), spacedValues([2, 3], 1)]);
    gradcheckFn('instanceNorm', (x, w, b) => T.instanceNorm(x, null, null, w, b).output, [spacedValues([2, 3, 5]), spacedValues([3], 1), spacedValues([3])], 'cpu', 2e-2);
  });

  it('dropout2d (the same seed each evaluation, so the same mask)', () => {
    gradcheckFn('dropout2d', (x) => T.dropout2d(x, 0.4, { generator: new Generator(11) }), [spacedValues([3, 4, 2, 2])]);
  });
});

// Per channel of a [N, C, …] result of ones: the one value every element of the channel holds.
function channelValues(y: Tensor, batched = true): number[] {
  const v = nums(y);
  const [n, c] = batched ? y.shape.slice(0, 2) : [1, y.shape[0]];
  const per = y.numel / (n * c);
  return Array.from({ length: n * c }, (_, k) => {
    const slice = v.slice(k * per, (k + 1) * per);
    expect(new Set(slice).size, `channel ${k} is one value`).toBe(1);
    return slice[0];
  });
}

for (const device of devices) {
  describe(`channel-wise dropout (${device})`, () => {
    it('zeroes whole channels and scales the rest by 1/(1 − p); the gradient is the same mask', () => {
      scope(() => {
        for (const [fn, shape, batched] of [
          [T.dropout1d, [4, 6, 5], true],
          [T.dropout1d, [6, 5], false],
          [T.dropout2d, [3, 5, 2, 3], true],
          [T.dropout3d, [2, 4, 2, 2, 3], true],
          [T.dropout3d, [4, 2, 2, 3], false],
        ] as const) {
          const x = T.ones([...shape], { device, requiresGrad: true });
          const y = fn(x, 0.25, { generator: new Generator(3) });
          expect(y.shape).toEqual([...shape]);
          const channels = channelValues(y, batched);
          for (const v of channels) expect([0, 4 / 3].some((w) => Math.abs(v - w) < 1e-6), `value ${v}`).toBe(true);
          expect(channels.some((v) => v === 0) && channels.some((v) => v !== 0)).toBe(true);
          y.backward(T.fullLike(y, 2));
          expectClose(nums(x.grad!), nums(y).map((v) => 2 * v), 1e-6, 1e-6, 'gradient');
        }
      });
    });

    it('draws one value per channel from the generator: a seed repeats the masks, on every device', () => {
      scope(() => {
        const x = T.ones([4, 8, 3, 3], { device });
        const a = nums(T.dropout2d(x, 0.5, true, { generator: new Generator(42) }));
        const b = nums(T.dropout2d(x, 0.5, { generator: new Generator(42) }));
        expect(a).toEqual(b);
        expect(nums(T.dropout2d(x, 0.5, { generator: new Generator(43) }))).not.toEqual(a);
        manualSeed(7);
        const c = nums(T.dropout2d(x, 0.5));
        manualSeed(7);
        expect(nums(T.dropout2d(x, 0.5))).toEqual(c);
        // The masks are dropout's own draws for the [N, C] channels.
        const perChannel = nums(T.dropout(T.ones([4, 8], { device }), 0.5, true, { generator: new Generator(42) }));
        expect(channelValues(T.dropout2d(x, 0.5, { generator: new Generator(42) }))).toEqual(perChannel);
        const g = new Generator(5);
        T.dropout3d(T.ones([2, 3, 1, 1, 1], { device }), 0.5, { generator: g });
        expect(g.getState().offset).toBeGreaterThan(0);
      });
    });

    it('keeps about 1 − p of the channels', () => {
      scope(() => {
        const kept = channelValues(T.dropout1d(T.ones([200, 50, 2], { device }), 0.3, { generator: new Generator(9) })).filter((v) => v !== 0).length;
        expect(kept / 10000).toBeGreaterThan(0.67);
        expect(kept / 10000).toBeLessThan(0.73);
      });
    });

    it('is the input itself when not training, for p = 0 and for empty inputs; p = 1 zeroes everything', () => {
      scope(() => {
        const x = T.randn([2, 3, 4, 4], { device });
        expect(T.dropout2d(x, 0.5, false)).toBe(x);
        expect(T.dropout2d(x, 0.5, { training: false })).toBe(x);
        expect(T.dropout2d(x, 0)).toBe(x);
        const none = T.zeros([0, 3, 2, 2], { device });
        expect(T.dropout2d(none, 0.5)).toBe(none);
        expect(nums(T.dropout3d(T.ones([1, 2, 1, 2, 2], { device }), 1)).every((v) => v === 0)).toBe(true);
        const ints = tensor([[1, 2], [3, 4]], { dtype: 'int64', device });
        expect(T.dropout1d(ints, 0.5, false)).toBe(ints);
      });
    });
  });
}

describe('channel-wise dropout refusals', () => {
  it('ranks, p, options, dtypes', () => {
    scope(() => {
      const x3 = T.ones([2, 3, 4]);
      expect(() => T.dropout2d(x3)).toThrow(/^dropout2d: a 3-D input \[2,3,4\] is ambiguous \(PyTorch reads it as \[N, C, L\] and warns that it will read it as unbatched \[C, H, W\]\); use dropout1d for \[N, C, L\], or unsqueeze\(0\) an unbatched \[C, H, W\]$/);
      expect(() => T.dropout2d(T.ones([2, 3]))).toThrow(/^dropout2d: input expected \[N, C, H, W\] \(4-D\), got \[2,3\]$/);
      expect(() => T.dropout1d(T.ones([1, 2, 3, 4]))).toThrow(/^dropout1d: input expected \[N, C, L\] or \[C, L\] \(2-D or 3-D\), got \[1,2,3,4\]$/);
      expect(() => T.dropout3d(x3, 0.5, false)).toThrow(/^dropout3d: input expected \[N, C, D, H, W\] or \[C, D, H, W\] \(4-D or 5-D\), got \[2,3,4\]$/);
      expect(() => T.dropout1d(x3, 1.5)).toThrow(/^dropout1d: p expected a probability in \[0, 1\], got 1.5$/);
      expect(() => T.dropout1d(x3, 0.5, { traning: false } as never)).toThrow(/^dropout1d: unknown option 'traning' \(it takes 'training', 'generator'\); did you mean 'training'\?$/);
      expect(() => T.dropout1d(x3, 0.5, true, { seed: 1 } as never)).toThrow(/^dropout1d: unknown option 'seed' \(it takes 'generator'\)$/);
      expect(() => T.dropout1d(x3, 0.5, 'yes' as never)).toThrow(/^dropout1d: training expected a boolean \(or an options object\), got string$/);
      expect(() => T.dropout1d(x3, 0.5, { generator: 3 } as never)).toThrow(/^dropout1d: option 'generator' expected a Generator, got number$/);
      expect(() => T.dropout1d(tensor([[1, 2]], { dtype: 'int32' }))).toThrow(/^dropout1d: input expected float32, got int32$/);
      expect(() => T.dropout3d([1, 2] as never)).toThrow(/^dropout3d: input expected a tensor, got object$/);
      expect(() => T.dropout2d(T.ones([1, 1, 1, 1]), 0.5, true, {}, 1 as never)).toThrow(/^dropout2d: takes at most 4 arguments, got 5/);
    });
  });
});

describe('empty and emptyLike (zeros: Note [empty is zeros])', () => {
  it('shape, dtype, device, requiresGrad as zeros takes them', () => {
    scope(() => {
      const e = T.empty([2, 3]);
      expect(e.shape).toEqual([2, 3]);
      expect(e.dtype).toBe('float32');
      expect(nums(e)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(T.empty([0, 4], { dtype: 'int64' }).dtype).toBe('int64');
      expect(T.empty([2], { requiresGrad: true }).requiresGrad).toBe(true);
      const like = T.emptyLike(tensor([[1, 2]], { dtype: 'int32' }));
      expect([like.shape, like.dtype, nums(like)]).toEqual([[1, 2], 'int32', [0, 0]]);
      expect(T.emptyLike(T.ones([3]), { dtype: 'bool' }).dtype).toBe('bool');
    });
  });

  it('refusals name empty', () => {
    expect(() => T.empty(2 as never)).toThrow(/^empty: shape expected an array of sizes, got 2 \(sizes go in one array: empty\(\[2, …\]\)\)$/);
    expect(() => T.empty([2, 3], 4 as never)).toThrow(/^empty: options expected an object/);
    expect(() => (T.empty as (...a: unknown[]) => Tensor)(2, 3, 4)).toThrow(/^empty: takes at most 2 arguments, got 3 \(pass the dims as one array, e.g. empty\(\[2, 3, 4\]\)\)$/);
    expect(() => T.empty([-1])).toThrow(/^empty: /);
    expect(() => T.empty([2], { dtype: 'float64' as never })).toThrow(/^empty: /);
    expect(() => T.empty([2], { requires_grad: true } as never)).toThrow(/^empty: unknown option 'requires_grad' .*; did you mean 'requiresGrad'\?$/);
    expect(() => T.emptyLike([1, 2] as never)).toThrow(/^emptyLike: input expected a tensor, got object$/);
  });
});

describe('clamp, clip, clampMin, clampMax with mixed and tensor bounds', () => {
  it('numbers keep the clamp op; a number beside a tensor bound; integer inputs promote as PyTorch', () => {
    scope(() => {
      const x = tensor([[-2, 0.5, 3], [1, -1, 4]]);
      expect(nums(T.clamp(x, 0, 1))).toEqual([0, 0.5, 1, 1, 0, 1]);
      expect(nums(T.clip(x, { max: 0 }))).toEqual([-2, 0, 0, 0, -1, 0]);
      expect(nums(T.clamp(x, -0.5, tensor([[1], [2]])))).toEqual([-0.5, 0.5, 1, 1, -0.5, 2]);
      expect(nums(T.clamp(x, tensor([0, 0, 5]), 2))).toEqual([0, 0.5, 2, 1, 0, 2]);
      const y = T.clamp(tensor([1, 5, 9], { dtype: 'int32' }), tensor([2.5]), null);
      expect([y.dtype, nums(y)]).toEqual(['float32', [2.5, 5, 9]]);
      expect(T.clamp(tensor([1, 5], { dtype: 'int64' }), tensor([2], { dtype: 'int64' })).dtype).toBe('int64');
      // The result takes the broadcast shape of input and bounds, as PyTorch's.
      expect(T.clamp(tensor([1, 2]), tensor([[0], [3]])).shape).toEqual([2, 2]);
    });
  });

  it('in place: clamp_, clip_, clampMin_, clampMax_ with tensor bounds; refused when a bound requires grad', () => {
    scope(() => {
      const x = tensor([-2, 0.5, 3]);
      x.clamp_(tensor([0, 0, 0]), tensor([1, 1, 1]));
      expect(nums(x)).toEqual([0, 0.5, 1]);
      x.clip_(null, 0.25).clampMin_(tensor([0.1, 0.1, 0.1]));
      expect(nums(x)).toEqual([0.10000000149011612, 0.25, 0.25]);
      x.clampMax_(0.2);
      expect(nums(x)).toEqual([0.10000000149011612, 0.20000000298023224, 0.20000000298023224]);
      const bound = tensor([0, 0, 0], { requiresGrad: true });
      expect(() => tensor([1, 2, 3]).clamp_({ min: bound })).toThrow(/^clamp_: the source requires grad/);
      expect(() => tensor([1, 2, 3]).clampMin_(bound)).toThrow(/^clampMin_: the source requires grad/);
      expect(() => tensor([1, 2]).clamp_(tensor([[0], [1]]))).toThrow(/^clamp_: the result's shape \[2,2\] does not match the tensor's \[2\]/);
    });
  });

  it('refusals name the spelling used', () => {
    scope(() => {
      const x = tensor([1, 2, 3]);
      expect(() => T.clamp(x, tensor([1, 2]))).toThrow(/^clamp: shapes \[3\] and \[2\] cannot be broadcast/);
      expect(() => T.clip(x, { min: tensor([0]), max: tensor([1, 2]) })).toThrow(/^clip: shapes \[3\] and \[2\] cannot be broadcast/);
      expect(() => T.clip(x, { mini: 0 } as never)).toThrow(/^clip: unknown option 'mini' \(it takes 'min', 'max'\); did you mean 'min'\?$/);
      expect(() => T.clip(x, null, null)).toThrow(/^clip: at least one of 'min' or 'max' must be given$/);
      expect(() => T.clampMin(x, null as never)).toThrow(/^clampMin: min expected a number or a tensor, got null$/);
      expect(() => x.clampMax(undefined as never)).toThrow(/^clampMax: max expected a number or a tensor, got none$/);
      expect(() => T.clampMin(x, 'a' as never)).toThrow(/^clampMin: min expected a number, a tensor or null, got string 'a'$/);
      expect(() => T.clamp(x, [0, 1] as never)).toThrow(/^clamp: options expected an object with 'min', 'max', got an array$/);
      expect(() => T.clampMax(x, 1, 2 as never)).toThrow(/^clampMax: takes at most 2 arguments, got 3/);
      expect(() => T.clamp(null as never, tensor([1]))).toThrow(/^clamp: input expected a tensor, got null$/);
    });
  });
});

describe('methods and in-place forms of the elementwise functions', () => {
  it('reciprocal_, addcmul_ and addcdiv_ (an Adam step written as PyTorch code writes it)', () => {
    scope(() => {
      const g = tensor([0.5, -1, 2]);
      const expAvgSq = T.zeros([3]);
      expAvgSq.mul_(0.999).addcmul_(g, g, { value: 0.001 });
      expectClose(nums(expAvgSq), [0.00025, 0.001, 0.004], 1e-9, 1e-6);
      const p = tensor([1, 1, 1]);
      p.addcdiv_(g, T.add(T.sqrt(expAvgSq), 1e-8), { value: -0.1 });
      expectClose(nums(p), [1 - 0.1 * 0.5 / Math.sqrt(0.00025), 1 + 0.1 / Math.sqrt(0.001), 1 - 0.2 / Math.sqrt(0.004)], 1e-5, 1e-5);
      expect(nums(tensor([2, 4]).reciprocal_())).toEqual([0.5, 0.25]);
      expect(() => tensor([1, 2], { dtype: 'int32' }).reciprocal_()).toThrow(/^reciprocal_: a float32 result cannot be written into a int32 tensor in place$/);
      expect(() => tensor([1, 2]).addcmul_(tensor([1]), tensor([1]), { value: 1 }, 4 as never)).toThrow(/^addcmul_: takes at most 3 arguments, got 4/);
    });
  });
});

describe('refusals name the function and the argument', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  it('isinf, reciprocal, addcmul, addcdiv', () => {
    expect(() => T.isinf(3 as never)).toThrow(/^isinf: input expected a tensor, got number$/);
    expect(() => T.isposinf(null as never)).toThrow(/^isposinf: input expected a tensor, got null$/);
    expect(() => T.reciprocal(undefined as never)).toThrow(/^reciprocal: input expected a tensor, got undefined$/);
    expect(() => T.addcmul(x, x, 2 as never)).toThrow(/^addcmul: tensor2 expected a tensor, got number$/);
    expect(() => T.addcmul(x, x, x, { alpha: 2 } as never)).toThrow(/^addcmul: unknown option 'alpha' \(it takes 'value'\)$/);
    expect(() => T.addcmul(x, x, x, { value: '2' } as never)).toThrow(/^addcmul: option 'value' expected a number, got string$/);
    expect(() => T.addcmul(x, x, x, 2 as never)).toThrow(/^addcmul: options expected an object with 'value', got 2$/);
    expect(() => T.addcmul(x, x, tensor([1, 2]))).toThrow(/^mul: shapes \[2,3\] and \[2\] cannot be broadcast/);
    const i = tensor([1, 2], { dtype: 'int64' });
    expect(() => T.addcmul(i, i, i, { value: 0.5 })).toThrow(/^addcmul: option 'value' expected an integer for integer tensors \(as PyTorch\), got 0.5$/);
    expect(() => T.addcdiv(x, i, i)).toThrow(/^addcdiv: tensor1 and tensor2 expected a float tensor between them \(integer division is not supported, as in PyTorch\), got int64 and int64$/);
    expect(() => T.addcdiv(x, x, x, { value: 1 }, 3 as never)).toThrow(/^addcdiv: takes at most 4 arguments, got 5/);
  });

  it('meshgrid', () => {
    const a = tensor([1, 2]);
    expect(() => T.meshgrid(a as never)).toThrow(/^meshgrid: tensors expected an array of tensors, got object \(pass the tensors as one array: meshgrid\(\[x, y\]\)\)$/);
    expect(() => T.meshgrid([])).toThrow(/^meshgrid: tensors expected at least one tensor, got an empty array$/);
    expect(() => T.meshgrid([a, x])).toThrow(/^meshgrid: tensors\[1\] expected a 0-d or 1-d tensor, got shape \[2,3\]$/);
    expect(() => T.meshgrid([a, tensor([1], { dtype: 'int64' })])).toThrow(/^meshgrid: tensors expected one dtype, got float32 \(tensors\[0\]\) and int64 \(tensors\[1\]\)$/);
    expect(() => T.meshgrid([a, 3 as never])).toThrow(/^meshgrid: tensors\[1\] expected a tensor, got number$/);
    expect(() => T.meshgrid([a], { indexing: 'ji' } as never)).toThrow(/^meshgrid: option 'indexing' expected 'ij' or 'xy', got "ji"$/);
    expect(() => T.meshgrid([a], { index: 'ij' } as never)).toThrow(/^meshgrid: unknown option 'index' \(it takes 'indexing'\)$/);
  });

  it('pixelShuffle, pixelUnshuffle', () => {
    const img = T.zeros([1, 8, 2, 3]);
    expect(() => T.pixelShuffle(img, 0)).toThrow(/^pixelShuffle: upscaleFactor expected a positive integer, got 0$/);
    expect(() => T.pixelShuffle(img, 1.5)).toThrow(/^pixelShuffle: upscaleFactor expected a positive integer, got 1.5$/);
    expect(() => T.pixelShuffle(T.zeros([8, 2]), 2)).toThrow(/^pixelShuffle: input expected at least 3 dimensions \[\*, C, H, W\], got \[8,2\]$/);
    expect(() => T.pixelShuffle(img, 3)).toThrow(/^pixelShuffle: input's channels \(dim -3\) expected a multiple of upscaleFactor² = 9, got 8 \(input \[1,8,2,3\]\)$/);
    expect(() => T.pixelUnshuffle(img, 2)).toThrow(/^pixelUnshuffle: input's width \(dim -1\) expected a multiple of downscaleFactor 2, got 3 \(input \[1,8,2,3\]\)$/);
    expect(() => T.pixelUnshuffle(T.zeros([1, 1, 3, 4]), 2)).toThrow(/^pixelUnshuffle: input's height \(dim -2\) expected a multiple of downscaleFactor 2, got 3/);
    expect(() => T.pixelUnshuffle(img, -1)).toThrow(/^pixelUnshuffle: downscaleFactor expected a positive integer, got -1$/);
    expect(() => T.pixelShuffle('img' as never, 2)).toThrow(/^pixelShuffle: input expected a tensor, got string$/);
  });

  it('rmsNorm, instanceNorm', () => {
    scope(() => {
      const v = T.ones([2, 3, 4]);
      expect(() => T.rmsNorm(v, [3])).toThrow(/^rmsNorm: normalizedShape \[3\] expected the input to end in it, got input \[2,3,4\]$/);
      expect(() => T.rmsNorm(v, [])).toThrow(/^rmsNorm: normalizedShape expected a positive integer or a non-empty list of them, got \[\]$/);
      expect(() => T.rmsNorm(v, 4, T.ones([3]))).toThrow(/^rmsNorm: weight expected shape \[4\], got \[3\]$/);
      expect(() => T.rmsNorm(v, 4, null, -1)).toThrow(/^rmsNorm: eps expected a number >= 0 or null, got -1$/);
      expect(() => T.rmsNorm(v.long(), 4)).toThrow(/^rmsNorm: input expected float32, got int64$/);
      expect(() => T.instanceNorm(T.ones([2, 3]))).toThrow(/^instanceNorm: input expected \[N, C, …\] with at least one spatial dimension, got \[2,3\]$/);
      expect(() => T.instanceNorm(T.ones([2, 3, 1]))).toThrow(/^instanceNorm: expected more than 1 spatial element per channel when using input statistics, got input \[2,3,1\]$/);
      expect(() => T.instanceNorm(v, T.zeros([3]))).toThrow(/^instanceNorm: runningMean and runningVar expected both or neither$/);
      expect(() => T.instanceNorm(v, T.zeros([4]), T.ones([4]))).toThrow(/^instanceNorm: runningMean expected shape \[3\], got \[4\]$/);
      expect(() => T.instanceNorm(v, null, null, null, null, { useInputStats: false })).toThrow(/^instanceNorm: useInputStats false expected runningMean and runningVar to normalise with$/);
      expect(() => T.instanceNorm(v, null, null, null, null, { use_input_stats: true } as never)).toThrow(/^instanceNorm: unknown option 'use_input_stats' .*; did you mean 'useInputStats'\?$/);
      expect(() => T.instanceNorm(v, null, null, null, null, { momentum: 2 })).toThrow(/^instanceNorm: option 'momentum' expected a number in \[0, 1\], got 2$/);
    });
  });
});
