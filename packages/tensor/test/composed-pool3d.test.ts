// The 3-d pooling functions (maxPool3d and avgPool3d, ops of their own in ops/table/pool3d.ts;
// adaptiveAvgPool3d and adaptiveMaxPool3d, composed of the 2-d ones in composed-pool3d.ts, Note
// [separable 3-d pooling]) and
// interpolate on [N, C, D, H, W] ('nearest', 'nearest-exact', 'trilinear', 'area') against PyTorch
// 2.13 — outputs and the input's gradient, from test/fixtures/composed-pool3d.safetensors
// (scripts/fixtures_composed_pool3d.py): strides, padding, dilation, ceil mode, countIncludePad
// false, divisorOverride, non-cubic sizes, unbatched and empty batches, adaptive sizes that do not
// divide, tied maxima. Then finite-difference gradient checks and the refusals. Run on cpu and,
// where available, on cuda.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { scope, tensor, type Tensor } from '../src/index.js';
import { checkGradFn, type GoldenCall, describeGoldenCases, devices, nums, readGoldenFixture } from './golden-cases.js';

const fx = readGoldenFixture('composed-pool3d');

const calls: Record<string, GoldenCall> = {
  maxBasic: (x) => T.maxPool3d(x, 2),
  maxStridePad: (x) => T.maxPool3d(x, 3, { stride: 2, padding: 1 }),
  maxRect: (x) => T.maxPool3d(x, [2, 3, 1], { stride: [1, 2, 1] }),
  maxDilation: (x) => T.maxPool3d(x, [3, 2, 3], { stride: [2, 1, 2], padding: 1, dilation: [2, 3, 1] }),
  maxCeil: (x) => T.maxPool3d(x, 2, { ceilMode: true }),
  maxCeilPad: (x) => T.maxPool3d(x, 3, { stride: 2, padding: 1, ceilMode: true }),
  maxCeilDilation: (x) => T.maxPool3d(x, [2, 3, 2], { stride: [3, 2, 2], padding: [1, 1, 0], dilation: [2, 1, 2], ceilMode: true }),
  maxUnbatched: (x) => T.maxPool3d(x, [2, 2, 3], { stride: 1 }),
  maxTies: (x) => T.maxPool3d(x, [2, 3, 2], { stride: 1, padding: [1, 1, 0] }),
  maxTiesCube: (x) => T.maxPool3d(x, 2),
  maxEmptyBatch: (x) => T.maxPool3d(x, 2),
  avgBasic: (x) => T.avgPool3d(x, 2),
  avgPadInclude: (x) => T.avgPool3d(x, 3, { stride: 2, padding: 1 }),
  avgPadExclude: (x) => T.avgPool3d(x, 3, { stride: 2, padding: 1, countIncludePad: false }),
  avgCeilPadInclude: (x) => T.avgPool3d(x, 3, { stride: 2, padding: 1, ceilMode: true }),
  avgCeilPadExclude: (x) => T.avgPool3d(x, [3, 2, 3], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  avgCeilOverhang: (x) => T.avgPool3d(x, 2, { ceilMode: true }),
  avgCeilOverhangPad: (x) => T.avgPool3d(x, [4, 3, 3], { stride: 3, padding: [2, 1, 1], ceilMode: true }),
  avgCeilOverhangPadExclude: (x) => T.avgPool3d(x, [4, 3, 3], { stride: 3, padding: [2, 1, 1], ceilMode: true, countIncludePad: false }),
  avgDivisor: (x) => T.avgPool3d(x, 3, { stride: 2, padding: 1, divisorOverride: 5 }),
  avgDivisorCeil: (x) => T.avgPool3d(x, [3, 2, 3], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: -4 }),
  avgRect: (x) => T.avgPool3d(x, [1, 2, 3], { stride: [1, 2, 1] }),
  avgUnbatched: (x) => T.avgPool3d(x, 2, { stride: 1, padding: 1 }),
  avgEmptyBatch: (x) => T.avgPool3d(x, 2),
  adaptiveAvgEven: (x) => T.adaptiveAvgPool3d(x, [2, 3, 4]),
  adaptiveAvgUneven: (x) => T.adaptiveAvgPool3d(x, [3, 4, 5]),
  adaptiveAvgUpsample: (x) => T.adaptiveAvgPool3d(x, [3, 4, 5]),
  adaptiveAvgGlobal: (x) => T.adaptiveAvgPool3d(x, 1),
  adaptiveAvgNone: (x) => T.adaptiveAvgPool3d(x, [null, 3, null]),
  adaptiveAvgUnbatched: (x) => T.adaptiveAvgPool3d(x, [2, 3, 4]),
  adaptiveMaxEven: (x) => T.adaptiveMaxPool3d(x, [2, 3, 4]),
  adaptiveMaxUneven: (x) => T.adaptiveMaxPool3d(x, [3, 4, 5]),
  adaptiveMaxUpsample: (x) => T.adaptiveMaxPool3d(x, [3, 4, 5]),
  adaptiveMaxGlobal: (x) => T.adaptiveMaxPool3d(x, 1),
  adaptiveMaxNone: (x) => T.adaptiveMaxPool3d(x, [2, null, 3]),
  adaptiveMaxUnbatched: (x) => T.adaptiveMaxPool3d(x, [2, 3, 4]),
  adaptiveMaxTies: (x) => T.adaptiveMaxPool3d(x, [3, 4, 5]),
  nearestSize: (x) => T.interpolate(x, { size: [5, 7, 3] }),
  nearestScale: (x) => T.interpolate(x, { scaleFactor: 2 }),
  nearestScaleMixed: (x) => T.interpolate(x, { scaleFactor: [1.5, 0.5, 2.3] }),
  nearestExact: (x) => T.interpolate(x, { size: [5, 7, 3], mode: 'nearest-exact' }),
  trilinearSize: (x) => T.interpolate(x, { size: [5, 7, 3], mode: 'trilinear' }),
  trilinearAlign: (x) => T.interpolate(x, { size: [5, 7, 3], mode: 'trilinear', alignCorners: true }),
  trilinearScale: (x) => T.interpolate(x, { scaleFactor: [2, 1.5, 0.5], mode: 'trilinear' }),
  trilinearScaleAlign: (x) => T.interpolate(x, { scaleFactor: 2, mode: 'trilinear', alignCorners: true }),
  trilinearDown: (x) => T.interpolate(x, { size: [3, 4, 5], mode: 'trilinear' }),
  areaSize: (x) => T.interpolate(x, { size: [2, 3, 2], mode: 'area' }),
  areaScale: (x) => T.interpolate(x, { scaleFactor: 0.5, mode: 'area' }),
};

describeGoldenCases(fx, calls, (device) => `3-d pooling and 5-d interpolate match PyTorch, forward and backward (${device})`, { output: [1e-6, 1e-5], grad: [1e-6, 1e-5] });

describe('the passes keep PyTorch’s output sizes', () => {
  it('ceil mode drops a last window that would start in the right padding, per axis', () => {
    scope(() => {
      const x = T.randn([1, 1, 5, 6, 8]);
      expect(T.maxPool3d(x, 3, { stride: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 3, 4, 5]);
      expect(T.avgPool3d(x, 3, { stride: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 3, 4, 5]);
      // D: ceil((5 + 2 − 2) / 2) + 1 = 4 windows, but the 4th would start at 6 − 1 = 5, in the
      // right padding: dropped (H and W keep theirs).
      expect(T.maxPool3d(x, [2, 3, 3], { stride: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 3, 4, 5]);
      expect(T.avgPool3d(x, [2, 3, 3], { stride: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 3, 4, 5]);
      expect(T.maxPool3d(x, 2, { stride: 2, ceilMode: true }).shape).toEqual([1, 1, 3, 3, 4]);
      expect(T.maxPool3d(x, 2, { stride: 2 }).shape).toEqual([1, 1, 2, 3, 4]);
    });
  });

  it('an input already at the output size pools to itself (adaptive) and a 1-window pools to the whole', () => {
    scope(() => {
      const x = T.randn([2, 3, 3, 4, 5]);
      expect(nums(T.adaptiveAvgPool3d(x, [3, 4, 5]))).toEqual(nums(x));
      expect(nums(T.adaptiveMaxPool3d(x, [3, 4, 5]))).toEqual(nums(x));
      expectCloseTo(nums(T.avgPool3d(x, [3, 4, 5])), nums(T.mean(x, [2, 3, 4])));
      expect(nums(T.maxPool3d(x, [3, 4, 5]))).toEqual(nums(T.amax(x, [2, 3, 4])));
    });
  });
});

const expectCloseTo = (got: number[], want: number[], tol = 1e-6): void => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]))));
};

// Note [gradient check] (src/testing/gradcheck.ts): directional finite differences of
// L = Σ u ⊙ f(x) against the analytic gradient. Values spaced 0.1 apart and shuffled: no tie moves.
function gradcheckFn(name: string, f: (x: Tensor) => Tensor, shape: number[], device: string): void {
  const n = shape.reduce((p, d) => p * d, 1);
  const values = Array.from({ length: n }, (_, i) => (((i * 37) % n) - n / 2) * 0.1);
  checkGradFn(`composed-pool3d/${name}`, f, [{ shape, values }], { device, tolerance: 1e-2, eps: 1e-2 });
}

for (const device of devices) {
  describe(`finite-difference gradient checks (${device})`, () => {
    it('max and average pooling', () => {
      gradcheckFn('maxPool3d', (x) => T.maxPool3d(x, [3, 2, 3], { stride: 2, padding: 1, dilation: [1, 2, 1], ceilMode: true }), [1, 2, 5, 6, 5], device);
      gradcheckFn('avgPool3d', (x) => T.avgPool3d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [1, 2, 5, 6, 5], device);
      gradcheckFn('avgPool3d divisorOverride', (x) => T.avgPool3d(x, [2, 3, 2], { stride: [1, 2, 2], padding: 1, divisorOverride: 7 }), [2, 1, 4, 5, 4], device);
    });
    it('adaptive pooling and trilinear interpolation', () => {
      gradcheckFn('adaptiveAvgPool3d', (x) => T.adaptiveAvgPool3d(x, [3, 2, 4]), [1, 2, 5, 5, 6], device);
      gradcheckFn('adaptiveMaxPool3d', (x) => T.adaptiveMaxPool3d(x, [3, 2, 4]), [1, 2, 5, 5, 6], device);
      gradcheckFn('trilinear', (x) => T.interpolate(x, { size: [4, 5, 3], mode: 'trilinear', alignCorners: true }), [1, 2, 3, 4, 5], device);
    });
  });
}

describe('refusals', () => {
  const x = T.randn([1, 2, 4, 4, 4]);
  it('maxPool3d and avgPool3d: input rank, sizes and dtype', () => {
    for (const [fn, pool] of [
      ['maxPool3d', (t: Tensor) => T.maxPool3d(t, 2)],
      ['avgPool3d', (t: Tensor) => T.avgPool3d(t, 2)],
      ['adaptiveAvgPool3d', (t: Tensor) => T.adaptiveAvgPool3d(t, 2)],
      ['adaptiveMaxPool3d', (t: Tensor) => T.adaptiveMaxPool3d(t, 2)],
    ] as const) {
      expect(() => pool(T.randn([2, 4, 4]))).toThrow(new RegExp(`^${fn}: input expected \\[N, C, D, H, W\\] or unbatched \\[C, D, H, W\\], got \\[2,4,4\\]$`));
      expect(() => pool(T.randn([1, 1, 2, 4, 4, 4]))).toThrow(new RegExp(`^${fn}: input expected \\[N, C, D, H, W\\] or unbatched \\[C, D, H, W\\], got \\[1,1,2,4,4,4\\]$`));
      expect(() => pool(T.zeros([1, 0, 4, 4, 4]))).toThrow(new RegExp(`^${fn}: input expected non-zero channels, depth, height and width \\(only N may be 0\\), got \\[1,0,4,4,4\\]$`));
      expect(() => pool(T.zeros([1, 2, 4, 0, 4]))).toThrow(new RegExp(`^${fn}: input expected non-zero channels`));
      expect(() => pool(T.zeros([1, 2, 4, 4, 4], { dtype: 'int32' }))).toThrow(new RegExp(`^${fn}: input expected float32, got int32$`));
      expect(() => pool([1, 2] as never)).toThrow(new RegExp(`^${fn}: input expected a tensor, got object$`));
    }
  });

  it('maxPool3d and avgPool3d: the window', () => {
    for (const [fn, pool] of [
      ['maxPool3d', T.maxPool3d],
      ['avgPool3d', T.avgPool3d],
    ] as const) {
      const run = (k: unknown, o: object = {}) => () => (pool as (x: Tensor, k: unknown, o: object) => Tensor)(x, k, o);
      expect(run(3, { padding: [2, 1, 1] })).toThrow(new RegExp(`^${fn}: padding \\[2,1,1\\] should be at most half of kernelSize \\[3,3,3\\]$`));
      expect(run([2, 2, 1], { padding: [1, 1, 1] })).toThrow(new RegExp(`^${fn}: padding \\[1,1,1\\] should be at most half of kernelSize \\[2,2,1\\]$`));
      expect(run([0, 2, 2])).toThrow(new RegExp(`^${fn}: option 'kernelSize' expected 3 integers >= 1, got \\[0,2,2\\]$`));
      expect(run(1.5)).toThrow(new RegExp(`^${fn}: option 'kernelSize' expected 3 integers >= 1, got \\[1.5,1.5,1.5\\]$`));
      expect(run([2, 2])).toThrow(new RegExp(`^${fn}: option 'kernelSize' expected a number or \\[d, h, w\\], got \\[2,2\\]$`));
      expect(run(undefined)).toThrow(new RegExp(`^${fn}: kernelSize expected a number or \\[d, h, w\\], got undefined$`));
      expect(run(2, { stride: [1, 0, 1] })).toThrow(new RegExp(`^${fn}: option 'stride' expected 3 integers >= 1, got \\[1,0,1\\]$`));
      expect(run(2, { padding: -1 })).toThrow(new RegExp(`^${fn}: option 'padding' expected 3 integers >= 0, got \\[-1,-1,-1\\]$`));
      expect(run([5, 2, 2])).toThrow(new RegExp(`^${fn}: output size 0x2x2 is too small for input \\[1,2,4,4,4\\] \\(kernelSize \\[5,2,2\\], padding \\[0,0,0\\], dilation \\[1,1,1\\]\\)$`));
      expect(run(2, { ceilMode: 1 })).toThrow(new RegExp(`^${fn}: option 'ceilMode' expected a boolean, got 1$`));
      expect(run(2, { ceil_mode: true })).toThrow(new RegExp(`^${fn}: unknown option 'ceil_mode'.*did you mean 'ceilMode'\\?`));
    }
    expect(() => T.maxPool3d(x, 2, { dilation: [1, 0, 1] })).toThrow(/^maxPool3d: option 'dilation' expected 3 integers >= 1, got \[1,0,1\]$/);
    expect(() => T.maxPool3d(x, 3, { dilation: 2 })).toThrow(/^maxPool3d: output size 0x0x0 is too small for input \[1,2,4,4,4\] \(kernelSize \[3,3,3\], padding \[0,0,0\], dilation \[2,2,2\]\)$/);
    expect(() => T.avgPool3d(x, 2, { dilation: 2 } as never)).toThrow(/^avgPool3d: unknown option 'dilation'/);
    // The refusal names the unbatched shape it was given.
    expect(() => T.maxPool3d(T.randn([2, 4, 4, 4]), 5)).toThrow(/^maxPool3d: output size 0x0x0 is too small for input \[2,4,4,4\]/);
  });

  it('maxPool3d: returnIndices; avgPool3d: divisorOverride and countIncludePad', () => {
    expect(() => T.maxPool3d(x, 2, { returnIndices: 'yes' as never })).toThrow(/^maxPool3d: option 'returnIndices' expected a boolean, got "yes"$/);
    expect(T.maxPool3d(x, 2, { returnIndices: false }).shape).toEqual([1, 2, 2, 2, 2]);
    expect(() => T.maxPool3d(T.randn([2, 4, 4]), 2, { returnIndices: true })).toThrow(/^maxPool3d: input expected \[N, C, D, H, W\] or unbatched \[C, D, H, W\], got \[2,4,4\]$/);
    expect(() => T.avgPool3d(x, 2, { divisorOverride: 0 })).toThrow(/^avgPool3d: option 'divisorOverride' expected a non-zero integer \(or null\), got 0$/);
    expect(() => T.avgPool3d(x, 2, { divisorOverride: 1.5 })).toThrow(/^avgPool3d: option 'divisorOverride' expected a non-zero integer \(or null\), got 1.5$/);
    expect(() => T.avgPool3d(x, 2, { countIncludePad: 'no' as never })).toThrow(/^avgPool3d: option 'countIncludePad' expected a boolean, got "no"$/);
    expect(nums(T.avgPool3d(x, 2, { divisorOverride: null }))).toEqual(nums(T.avgPool3d(x, 2)));
  });

  it('adaptive pooling: the output size', () => {
    for (const fn of ['adaptiveAvgPool3d', 'adaptiveMaxPool3d'] as const) {
      const pool = T[fn] as (x: Tensor, s: unknown) => Tensor;
      for (const bad of [0, [2, 2], [2, 0, 2], [2, 1.5, 2], 'two', undefined]) {
        expect(() => pool(x, bad)).toThrow(new RegExp(`^${fn}: outputSize expected a positive integer or \\[d, h, w\\] \\(null keeps a size\\), got `));
      }
    }
  });

  it('interpolate: modes against ranks, and 5-d sizes', () => {
    expect(() => T.interpolate(T.randn([1, 2, 4, 4]), { size: 3, mode: 'trilinear' })).toThrow(/^interpolate: mode 'trilinear' expected \[N,C,D,H,W\] input, got \[1,2,4,4\]$/);
    expect(() => T.interpolate(x, { size: 3, mode: 'bilinear' })).toThrow(/^interpolate: mode 'bilinear' expected \[N,C,H,W\] input, got \[1,2,4,4,4\]$/);
    expect(() => T.interpolate(x, { size: 3, mode: 'bicubic' })).toThrow(/^interpolate: mode 'bicubic' expected \[N,C,H,W\] input, got \[1,2,4,4,4\]$/);
    expect(() => T.interpolate(x, { size: 3, mode: 'linear' })).toThrow(/^interpolate: mode 'linear' expected \[N,C,L\] input, got \[1,2,4,4,4\]$/);
    expect(() => T.interpolate(T.randn([1, 1, 2, 2, 2, 2]), { size: 3 })).toThrow(/^interpolate: input expected \[N,C,L\], \[N,C,H,W\] or \[N,C,D,H,W\], got \[1,1,2,2,2,2\]$/);
    expect(() => T.interpolate(x, { size: [3, 3] })).toThrow(/^interpolate: option 'size' expected a number or 3 numbers for 3 spatial dimensions, got \[3,3\]$/);
    expect(() => T.interpolate(x, { scaleFactor: [2, 2] })).toThrow(/^interpolate: option 'scaleFactor' expected a number or 3 numbers for 3 spatial dimensions, got \[2,2\]$/);
    expect(() => T.interpolate(x, { size: 3, mode: 'area', alignCorners: false })).toThrow(/^interpolate: option 'alignCorners' applies to the modes 'linear', 'bilinear', 'bicubic' and 'trilinear' only, not 'area'$/);
    expect(() => T.interpolate(x, { scaleFactor: [1, 0.2, 1], mode: 'trilinear' })).toThrow(/^interpolate: scaleFactor \[1,0.2,1\] leaves an empty output from \[4,4,4\]$/);
    expect(() => T.interpolate(T.zeros([1, 1, 2, 2, 2], { dtype: 'int32' }), { size: 3, mode: 'trilinear' })).toThrow(/^interpolate: input expected float32 for mode 'trilinear' \(the nearest modes take any dtype\), got int32$/);
  });

  it('interpolate: the nearest modes take integer volumes (label masks)', () => {
    scope(() => {
      const labels = tensor([0, 1, 2, 3, 4, 5, 6, 7], { shape: [1, 1, 2, 2, 2], dtype: 'int32' });
      const y = T.interpolate(labels, { scaleFactor: 2 });
      expect(y.dtype).toBe('int32');
      expect(y.shape).toEqual([1, 1, 4, 4, 4]);
      expect(nums(y).slice(0, 8)).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
    });
  });
});
