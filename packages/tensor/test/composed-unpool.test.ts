// maxPool2d's `returnIndices`, maxUnpool2d and bincount (ops/table/composed-unpool.ts) against
// PyTorch — outputs, indices (ties, -inf and NaN included: Note [max pool indices]) and every
// input's gradient, from test/fixtures/composed-unpool.safetensors
// (scripts/fixtures_composed_unpool.py). Then the tuple and named forms, a second derivative,
// finite-difference checks, and the refusals. Run on cpu and, where available, on cuda.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { grad, noGrad, scope, tensor, type Tensor } from '../src/index.js';
import { hashString, normal, seededRandom } from '../src/testing/index.js';
import { type AsyncGoldenCall, describeGoldenCases, checkGradFn, type GradInput, nums, readGoldenFixture } from './golden-cases.js';

const fx = readGoldenFixture('composed-unpool');

const pool = (k: T.Size2d, o: Omit<T.MaxPool2dOptions, 'returnIndices'> = {}) => (x: Tensor) => {
  const r = T.maxPool2d(x, k, { ...o, returnIndices: true });
  return [r.output, r.indices];
};
const roundTrip = (k: number, o: { stride?: number; padding?: number } = {}) => (x: Tensor) => {
  const [y, i] = T.maxPool2d(x, k, { ...o, returnIndices: true });
  return T.maxUnpool2d(y, i, k, { ...o, outputSize: x.shape.slice(-2) });
};
const pool3d = (k: number | [number, number, number], o: Omit<T.MaxPool3dOptions, 'returnIndices'> = {}) => (x: Tensor) => {
  const r = T.maxPool3d(x, k, { ...o, returnIndices: true });
  return [r.output, r.indices];
};
const roundTrip3d = (k: number, o: { stride?: number; padding?: number } = {}) => (x: Tensor) => {
  const [y, i] = T.maxPool3d(x, k, { ...o, returnIndices: true });
  return T.maxUnpool3d(y, i, k, { ...o, outputSize: x.shape.slice(-3) });
};
const calls: Record<string, AsyncGoldenCall> = {
  poolBasic: pool(2),
  poolTies: pool(2),
  poolOverlapPadding: pool(3, { stride: 2, padding: 1 }),
  poolStrideOne: pool(3, { stride: 1, padding: 1 }),
  poolRectDilation: pool([2, 3], { stride: [1, 2], dilation: [2, 1] }),
  poolDilationPadding: pool(3, { stride: 2, padding: 1, dilation: 2 }),
  poolCeilMode: pool(2, { ceilMode: true }),
  poolCeilOverlap: pool(3, { stride: 2, padding: 1, ceilMode: true }),
  poolRectPadding: pool([3, 2], { stride: [2, 1], padding: [1, 0] }),
  poolSpecials: pool(2),
  poolSpecialsPadded: pool(3, { stride: 2, padding: 1 }),
  poolNaNWindows: pool(2),
  poolUnbatched: pool(2, { stride: 1 }),
  poolGlobal: pool(16),
  poolEmptyBatch: pool(2),
  unpoolBasic: (x, i) => T.maxUnpool2d(x, i, 2),
  unpoolStridePadding: (x, i) => T.maxUnpool2d(x, i, 3, { stride: 2, padding: 1 }),
  unpoolOverlap: (x, i) => T.maxUnpool2d(x, i, 3, { stride: 1, padding: 1 }),
  unpoolRect: (x, i) => T.maxUnpool2d(x, i, [3, 2], { stride: [2, 1], padding: [1, 0] }),
  unpoolOutputSize: (x, i) => T.maxUnpool2d(x, i, 2, { outputSize: [7, 9] }),
  unpoolOutputSizeFull: (x, i) => T.maxUnpool2d(x, i, 3, { stride: 2, outputSize: [2, 2, 8, 6] }),
  unpoolUnbatched: (x, i) => T.maxUnpool2d(x, i, 2),
  unpoolRepeated: (x, i) => T.maxUnpool2d(x, i, 3, { stride: 1, padding: 1 }),
  roundTrip: roundTrip(2),
  roundTripOverlap: roundTrip(3, { stride: 2, padding: 1 }),
  roundTripOdd: roundTrip(2),
  pool3dBasic: pool3d(2),
  pool3dTies: pool3d(2),
  pool3dOverlapPadding: pool3d(3, { stride: 2, padding: 1 }),
  pool3dRectDilationCeil: pool3d([2, 3, 2], { stride: [2, 1, 2], padding: [1, 1, 0], dilation: [2, 1, 2], ceilMode: true }),
  pool3dSpecials: pool3d(2),
  pool3dSpecialsPadded: pool3d(3, { stride: 2, padding: 1 }),
  pool3dUnbatched: pool3d(2, { stride: 1 }),
  pool3dEmptyBatch: pool3d(2),
  unpool3dBasic: (x, i) => T.maxUnpool3d(x, i, 2),
  unpool3dStridePadding: (x, i) => T.maxUnpool3d(x, i, 3, { stride: 2, padding: 1 }),
  unpool3dOutputSize: (x, i) => T.maxUnpool3d(x, i, 2, { outputSize: [5, 7, 9] }),
  unpool3dUnbatched: (x, i) => T.maxUnpool3d(x, i, [2, 2, 1]),
  roundTrip3d: roundTrip3d(2),
  roundTrip3dOverlap: roundTrip3d(3, { stride: 2, padding: 1 }),
  bincount: (x) => T.bincount(x),
  bincountMinlength: (x) => T.bincount(x, { minlength: 12 }),
  bincountMinlengthSmall: (x) => T.bincount(x, { minlength: 2 }),
  bincountWeights: (x, w) => T.bincount(x, { weights: w }),
  bincountWeightsMinlength: (x, w) => T.bincount(x, { weights: w, minlength: 9 }),
  bincountUint8: (x) => T.bincount(x),
  bincountLarge: (x) => T.bincount(x),
  bincountEmpty: (x) => T.bincount(x, { minlength: 4 }),
  bincountEmptyWeights: (x, w) => T.bincount(x, { weights: w, minlength: 3 }),
  bincountEmptyNoMinlength: (x) => T.bincount(x),
};

// Values are picked and placed, never computed: exact (NaN where NaN). bincount is async: the
// calls are awaited.
describeGoldenCases(fx, calls, (device) => `maxPool2d indices, maxUnpool2d and bincount match PyTorch, forward and backward (${device})`, { output: [0, 0], grad: [1e-6, 1e-5], async: true });

describe('maxPool2d with returnIndices', () => {
  it('reads as { output, indices } and as [output, indices]; without it maxPool2d is unchanged', () => {
    scope(() => {
      const x = T.randn([2, 3, 6, 6]);
      const r = T.maxPool2d(x, 2, { returnIndices: true });
      const [output, indices] = r;
      expect(output).toBe(r.output);
      expect(indices).toBe(r.indices);
      expect(r.length).toBe(2);
      expect(indices.dtype).toBe('int64');
      expect(nums(output)).toEqual(nums(T.maxPool2d(x, 2)));
      expect(nums(T.maxPool2d(x, 2, { returnIndices: false }))).toEqual(nums(output));
      expect(T.maxPool2d(x, 2, { returnIndices: false }).isTensor).toBe(true);
    });
  });

  it('the output gradient goes to the indexed element (the first of tied maxima), as PyTorch', () => {
    scope(() => {
      const x = tensor([3, 3, 3, 3, 1, 2, 2, 1], { shape: [1, 1, 2, 4], requiresGrad: true });
      const { output } = T.maxPool2d(x, 2, { returnIndices: true });
      T.sum(output).backward();
      expect(nums(x.grad!)).toEqual([1, 0, 1, 0, 0, 0, 0, 0]);
    });
  });

  it('second derivatives through the pooled output and through the unpooling (createGraph)', () => {
    scope(() => {
      const x = tensor([0.5, -1, 2, 0.25, 1.5, -0.5, 0.75, 3], { shape: [1, 1, 2, 4], requiresGrad: true });
      const [y, i] = T.maxPool2d(x, 2, { returnIndices: true });
      const z = T.maxUnpool2d(T.mul(y, y), i, 2);
      const [g] = grad(T.sum(z), [x], { createGraph: true });
      expect(nums(g)).toEqual([0, 0, 0, 0, 3, 0, 0, 6]);
      const [gg] = grad(T.sum(g), [x]);
      expect(nums(gg)).toEqual([0, 0, 0, 0, 2, 0, 0, 2]);
    });
  });
});

// Note [gradient check] (src/testing/gradcheck.ts): directional finite differences of
// L = Σ u ⊙ f(x) against the analytic gradient. Inputs spaced apart, so no tie moves.
// Values of `shape` (−n/2 … n/2 in steps of 0.1, shuffled), checked as one input.
function gradcheckFn(name: string, f: (x: Tensor) => Tensor, shape: number[], tolerance = 1e-2, eps = 1e-2): void {
  const n = shape.reduce((p, d) => p * d, 1);
  const values = Array.from({ length: n }, (_, i) => (((i * 37) % n) - n / 2) * 0.1);
  checkGradFn(`composed-unpool/${name}`, (x) => f(x), [{ shape, values }], { tolerance, eps });
}

describe('finite-difference gradient checks', () => {
  it('pooled output and unpooling', () => {
    gradcheckFn('pool', (x) => T.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true }).output, [1, 2, 7, 7]);
    // Distinct indices (repeated ones make the function a choice among writes, whose derivative
    // PyTorch's rule, and ours, does not follow): both the scatter and the sorted path.
    const indices = noGrad(() => T.maxPool2d(T.randn([1, 2, 6, 6]), 2, { returnIndices: true }).indices);
    gradcheckFn('unpool', (x) => T.maxUnpool2d(x, indices, 2), [1, 2, 3, 3]);
    const shuffled = T.tensor([5, 0, 12, 7, 3, 15, 9, 1, 14, 2, 11, 6, 8, 13, 4, 10, 0, 1, 2, 3, 4, 5, 6, 7, 15, 14, 13, 12, 11, 10, 9, 8], { shape: [1, 2, 4, 4], dtype: 'int64' });
    gradcheckFn('unpool overlapping', (x) => T.maxUnpool2d(x, shuffled, 3, { stride: 1, padding: 1 }), [1, 2, 4, 4]);
  });
});

describe('refusals', () => {
  const x = T.randn([1, 2, 4, 4]);
  const { output: y, indices: i } = T.maxPool2d(x, 2, { returnIndices: true });
  it('maxPool2d', () => {
    expect(() => T.maxPool2d(x, 2, { returnIndices: 1 as never })).toThrow(/^maxPool2d: option 'returnIndices' expected a boolean, got 1$/);
    expect(() => T.maxPool2d(x, 2, { return_indices: true } as never)).toThrow(/^maxPool2d: unknown option 'return_indices' .*did you mean 'returnIndices'\?/);
    expect(() => T.maxPool2d(T.randn([4, 4]), 2, { returnIndices: true })).toThrow(/^maxPool2d: input expected 4 dimensions \[N,C,H,W\], got \[1,4,4\]|^maxPool2d: input expected 4 dimensions/);
    expect(() => T.maxPool2d(x, 7, { returnIndices: true })).toThrow(/^maxPool2d: output size 0x0 is too small/);
  });
  it('maxUnpool2d', () => {
    expect(() => T.maxUnpool2d(y, T.cast(i, 'int32'), 2)).toThrow(/^maxUnpool2d: indices expected int64, got int32$/);
    expect(() => T.maxUnpool2d(T.cast(y, 'int64'), i, 2)).toThrow(/^maxUnpool2d: input expected float32, got int64$/);
    expect(() => T.maxUnpool2d(y, T.reshape(i, [1, 2, 4]), 2)).toThrow(/^maxUnpool2d: indices expected the input's shape \[1,2,2,2\], got \[1,2,4\]$/);
    expect(() => T.maxUnpool2d(T.reshape(y, [8]), T.reshape(i, [8]), 2)).toThrow(/^maxUnpool2d: input expected 3 or 4 dimensions \(\[C,H,W\] or \[N,C,H,W\]\), got \[8\]$/);
    expect(() => T.maxUnpool2d(y, i, 0)).toThrow(/^maxUnpool2d: kernelSize expected an integer >= 1 or \[h, w\] of them, got 0$/);
    expect(() => T.maxUnpool2d(y, i, 2, { stride: [1, 2, 3] as never })).toThrow(/^maxUnpool2d: option 'stride' expected an integer >= 1 or \[h, w\] of them, got \[1,2,3\]$/);
    expect(() => T.maxUnpool2d(y, i, 2, { padding: -1 })).toThrow(/^maxUnpool2d: option 'padding' expected an integer >= 0/);
    expect(() => T.maxUnpool2d(y, i, 2, { outputSize: [6, 4] })).toThrow(/^maxUnpool2d: option 'outputSize' \[6,4\] is invalid: dim 0 must be between 2 and 6 \(exclusive\)/);
    expect(() => T.maxUnpool2d(y, i, 2, { outputSize: [4] })).toThrow(/^maxUnpool2d: option 'outputSize' expected \[H, W\]/);
    expect(() => T.maxUnpool2d(y, i, 2, { output_size: [4, 4] } as never)).toThrow(/^maxUnpool2d: unknown option 'output_size' .*did you mean 'outputSize'\?/);
    expect(() => T.maxUnpool2d(y, i, 1, { padding: 1 })).toThrow(/^maxUnpool2d: output size 0x0 is too small/);
    expect(() => T.maxUnpool2d(y, i, 2, {}, {} as never)).toThrow(/maxUnpool2d/);
    // An index outside the output plane is refused by the scatter that writes it.
    expect(() => T.maxUnpool2d(y, T.add(i, 100), 2).dataSync()).toThrow(/index value 10[0-9] is out of range/);
  });
  it('maxUnpool3d', () => {
    const { output: y3, indices: i3 } = T.maxPool3d(T.randn([1, 2, 4, 4, 4]), 2, { returnIndices: true });
    expect(() => T.maxUnpool3d(y3, T.cast(i3, 'int32'), 2)).toThrow(/^maxUnpool3d: indices expected int64, got int32$/);
    expect(() => T.maxUnpool3d(y3, T.reshape(i3, [1, 2, 8]), 2)).toThrow(/^maxUnpool3d: indices expected the input's shape \[1,2,2,2,2\], got \[1,2,8\]$/);
    expect(() => T.maxUnpool3d(T.reshape(y3, [2, 8]), T.reshape(i3, [2, 8]), 2)).toThrow(/^maxUnpool3d: input expected 4 or 5 dimensions \(\[C,D,H,W\] or \[N,C,D,H,W\]\), got \[2,8\]$/);
    expect(() => T.maxUnpool3d(y3, i3, [2, 2] as never)).toThrow(/^maxUnpool3d: kernelSize expected an integer >= 1 or \[d, h, w\] of them, got \[2,2\]$/);
    expect(() => T.maxUnpool3d(y3, i3, 2, { outputSize: [4, 6, 4] })).toThrow(/^maxUnpool3d: option 'outputSize' \[4,6,4\] is invalid: dim 1 must be between 2 and 6 \(exclusive\)/);
    expect(() => T.maxUnpool3d(y3, i3, 2, { outputSize: [4, 4] })).toThrow(/^maxUnpool3d: option 'outputSize' expected \[D, H, W\]/);
    expect(() => T.maxUnpool3d(y3, i3, 1, { padding: 1 })).toThrow(/^maxUnpool3d: output size 0x0x0 is too small/);
    expect(T.maxUnpool3d(y3, i3, 2, { outputSize: [1, 2, 5, 5, 5] }).shape).toEqual([1, 2, 5, 5, 5]);
  });
  it('bincount', async () => {
    await expect(T.bincount(T.tensor([1, -2, 3], { dtype: 'int64' }))).rejects.toThrow(/^bincount: input expected non-negative values, got -2$/);
    await expect(T.bincount(T.tensor([1.5]))).rejects.toThrow(/^bincount: input expected an integer dtype \(int64, int32 or uint8\), got float32$/);
    await expect(T.bincount(T.zeros([2, 2], { dtype: 'int64' }))).rejects.toThrow(/^bincount: input expected a 1-D tensor, got shape \[2,2\]$/);
    await expect(T.bincount(T.tensor([1, 2], { dtype: 'int64' }), { minlength: -1 })).rejects.toThrow(/^bincount: option 'minlength' expected a non-negative integer, got -1$/);
    await expect(T.bincount(T.tensor([1, 2], { dtype: 'int64' }), { weights: T.ones([3]) })).rejects.toThrow(/^bincount: option 'weights' expected shape \[2\] \(the input's\), got \[3\]$/);
    await expect(T.bincount(T.tensor([1, 2], { dtype: 'int64' }), { weights: [1, 2] as never })).rejects.toThrow(/^bincount: option 'weights' expected a tensor, got object$/);
    await expect(T.bincount(T.tensor([1, 2], { dtype: 'int64' }), { min_length: 3 } as never)).rejects.toThrow(/^bincount: unknown option 'min_length'/);
    await expect(T.bincount(T.bincount(T.tensor([1], { dtype: 'int64' })) as never)).rejects.toThrow(/^bincount: input expected a tensor, got a Promise/);
  });
  it('bincount with integer weights sums them as float32', async () => {
    const r = await T.bincount(T.tensor([0, 2, 2], { dtype: 'int64' }), { weights: T.tensor([1, 2, 3], { dtype: 'int32' }) });
    expect(r.dtype).toBe('float32');
    expect(nums(r)).toEqual([1, 0, 5]);
  });
});
