// The sequence functions (ops/table/composed-sequences.ts) against PyTorch 2.13 — unfold, diff,
// quantile, nanquantile, nansum, nanmean, searchsorted, bucketize: outputs and every input's
// gradient, from test/fixtures/composed-sequences.safetensors (scripts/fixtures_composed_sequences.py).
// Then finite-difference gradient checks, the methods, how unfold is built, and the refusals.
// Run on cpu and, where available, on cuda.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { noGrad, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose, hashString, normal, seededRandom } from '../src/testing/index.js';
import { describeGoldenCases, type GoldenCall, checkGradFn, type GradInput, nums, readGoldenFixture } from './golden-cases.js';

const fx = readGoldenFixture('composed-sequences');

const QS = [0, 0.33, 0.5, 0.9, 1];
const calls: Record<string, GoldenCall> = {
  unfoldLast: (x) => x.unfold(-1, 3, 2),
  unfoldMiddle: (x) => T.unfold(x, 1, 4, 1),
  unfoldFirstGaps: (x) => T.unfold(x, 0, 2, 3),
  unfoldWhole: (x) => x.unfold(0, 6, 1),
  unfoldStepPastEnd: (x) => T.unfold(x, 0, 4, 5),
  unfoldScalar: (x) => x.unfold(0, 1, 1),
  unfoldScalarSizeZero: (x) => T.unfold(x, -1, 0, 1),
  unfoldSizeZero: (x) => T.unfold(x, 0, 0, 1),
  unfoldEmptyBatch: (x) => T.unfold(x, 1, 2, 2),
  unfoldInt: (x) => x.unfold(1, 2, 2),
  diff: (x) => T.diff(x),
  diffN2Dim0: (x) => x.diff({ n: 2, dim: 0 }),
  diffPrependAppend: (x, p, a) => T.diff(x, { n: 3, dim: 1, prepend: p, append: a }),
  diffPrepend: (x, p) => T.diff(x, { dim: 0, prepend: p }),
  diffAppend: (x, a) => x.diff({ append: a }),
  diffNLarge: (x) => T.diff(x, { n: 5 }),
  diffNZero: (x) => T.diff(x, { n: 0 }),
  diffBool: (x) => x.diff(),
  diffBoolN2: (x) => T.diff(x, { n: 2 }),
  diffInt: (x) => T.diff(x),
  diffUint8Wraps: (x) => T.diff(x),
  diffPromotes: (x, p) => T.diff(x, { prepend: p }),
  diffEmpty: (x) => T.diff(x),
  quantileAll: (x) => T.quantile(x, 0.3),
  quantileDim: (x, q) => T.quantile(x, q, { dim: 1 }),
  quantileDimKeep: (x, q) => x.quantile(q, { dim: 1, keepdim: true }),
  quantileDimZero: (x) => T.quantile(x, [0.2, 0.7], 0),
  quantileScalarKeep: (x) => T.quantile(x, 0.5, { dim: -1, keepdim: true }),
  quantileScalarMiddle: (x) => x.quantile(0.75, 1),
  quantileAllKeep: (x) => T.quantile(x, [0.2, 0.8], { keepdim: true }),
  quantileZeroDimQ: (x, q) => T.quantile(x, q, { dim: 0 }),
  quantileLower: (x) => T.quantile(x, QS, { dim: 1, interpolation: 'lower' }),
  quantileHigher: (x) => T.quantile(x, QS, { dim: 1, interpolation: 'higher' }),
  quantileNearest: (x) => x.quantile(QS, { dim: 1, interpolation: 'nearest' }),
  quantileMidpoint: (x) => T.quantile(x, QS, { dim: 1, interpolation: 'midpoint' }),
  quantileLinearQs: (x) => T.quantile(x, QS, { dim: 1, interpolation: 'linear' }),
  quantileNearestHalves: (x) => T.quantile(x, [0.125, 0.375, 0.625, 0.875], { interpolation: 'nearest' }),
  quantileTies: (x) => T.quantile(x, [0.3, 0.6]),
  quantileNaN: (x) => T.quantile(x, 0.5, { dim: 1 }),
  quantileNaNAll: (x) => T.quantile(x, [0, 1]),
  quantileInf: (x) => T.quantile(x, [0.25, 0.5, 1], { dim: 1 }),
  quantileScalarInput: (x) => T.quantile(x, [0.5, 0.2], { keepdim: true }),
  quantileScalarInputDim: (x) => T.quantile(x, 0.5, { dim: 0, keepdim: true }),
  quantileEmptyQ: (x, q) => T.quantile(x, q, { dim: 1 }),
  quantileQGrad: (x, q) => T.quantile(x, q),
  quantileQGradNaNRow: (x, q) => T.quantile(x, q, { dim: 1 }),
  nanquantile: (x) => T.nanquantile(x, [0, 0.5, 1], { dim: 1 }),
  nanquantileAll: (x) => x.nanquantile(0.4),
  nanquantileLower: (x) => T.nanquantile(x, QS, { dim: 0, interpolation: 'lower' }),
  nanquantileMidpointKeep: (x) => T.nanquantile(x, 0.6, { dim: -1, keepdim: true, interpolation: 'midpoint' }),
  nanquantileNoNaN: (x) => T.nanquantile(x, [0.1, 0.5], { dim: 1, interpolation: 'nearest' }),
  nansum: (x) => T.nansum(x),
  nansumDims: (x) => x.nansum([0, 2]),
  nansumKeep: (x) => T.nansum(x, { dim: 1, keepdim: true }),
  nansumInt: (x) => T.nansum(x, 0),
  nansumBool: (x) => x.nansum(),
  nansumEmpty: (x) => T.nansum(x),
  nansumScalar: (x) => T.nansum(x, 0),
  nanmean: (x) => x.nanmean(),
  nanmeanKeep: (x) => T.nanmean(x, { dim: -1, keepdim: true }),
  nanmeanDims: (x) => T.nanmean(x, [0, 1]),
  nanmeanAllNaN: (x) => T.nanmean(x, 1),
  nanmeanEmpty: (x) => x.nanmean(1),
  searchsortedLeft: (s, v) => T.searchsorted(s, v),
  searchsortedRight: (s, v) => T.searchsorted(s, v, { right: true }),
  searchsortedSideRight: (s, v) => T.searchsorted(s, v, { side: 'right' }),
  searchsortedSideLeft: (s, v) => T.searchsorted(s, v, { side: 'left', right: false }),
  searchsortedInt32: (s, v) => T.searchsorted(s, v, { outInt32: true }),
  searchsortedND: (s, v) => T.searchsorted(s, v, { right: true }),
  searchsortedNDLeft: (s, v) => T.searchsorted(s, v),
  searchsortedInf: (s, v) => T.searchsorted(s, v),
  searchsortedInfRight: (s, v) => T.searchsorted(s, v, { right: true }),
  searchsortedMixed: (s, v) => T.searchsorted(s, v),
  searchsortedInt: (s, v) => T.searchsorted(s, v, { right: true }),
  searchsortedInt64: (s, v) => T.searchsorted(s, v),
  searchsortedInt64Right: (s, v) => T.searchsorted(s, v, { right: true }),
  searchsortedInt64Rows: (s, v) => T.searchsorted(s, v, { right: true }),
  searchsortedEmptySeq: (s, v) => T.searchsorted(s, v),
  searchsortedEmptyValues: (s, v) => T.searchsorted(s, v),
  searchsortedZeroDim: (s, v) => T.searchsorted(s, v, { right: true }),
  searchsortedNumber: (s) => T.searchsorted(s, 2, { side: 'right' }),
  searchsortedNumberLeft: (s) => T.searchsorted(s, 2.5),
  bucketize: (x, b) => T.bucketize(x, b),
  bucketizeRight: (x, b) => T.bucketize(x, b, { right: true, outInt32: true }),
  bucketizeNumber: (b) => T.bucketize(3, b, { right: true }),
  bucketizeInt: (x, b) => T.bucketize(x, b),
};

describeGoldenCases(fx, calls, (device) => `sequence functions match PyTorch, forward and backward (${device})`, { output: [1e-5, 1e-5], grad: [1e-5, 1e-4], strictRequiresGrad: true, zeroUnreached: true });

/**
 * Note [gradient check] (src/testing/gradcheck.ts) for a composed function: directional finite
 * differences of L = Σ u ⊙ f(x) against the analytic gradient, every float input at once. NaN
 * inputs stay NaN when nudged (their direction is 0).
 */
const gradcheckFn = (name: string, f: (...xs: Tensor[]) => Tensor, inputs: GradInput[], tolerance = 1e-2, eps = 1e-2): void =>
  checkGradFn(`composed-sequences/${name}`, f, inputs, { tolerance, eps });

// Distinct values of `shape` 0.3 apart, shuffled (7919 is prime: i ↦ 7919·i mod n is a permutation), so no nudge reorders them.
const spacedValues = (shape: number[], offset = 0.05): { shape: number[]; values: number[] } => {
  const n = shape.reduce((p, d) => p * d, 1);
  return { shape, values: Array.from({ length: n }, (_, i) => ((i * 7919) % n) * 0.3 - n * 0.15 + offset) };
};
const withNaN = (x: { shape: number[]; values: number[] }, every: number) => ({ shape: x.shape, values: x.values.map((v, i) => (i % every === 1 ? NaN : v)) });

describe('finite-difference gradient checks', () => {
  it('unfold (overlapping windows, gaps) and diff (prepend and append)', () => {
    gradcheckFn('unfold', (x) => T.unfold(x, 1, 3, 1), [spacedValues([2, 6, 2])]);
    gradcheckFn('unfold-gaps', (x) => T.unfold(x, -1, 2, 3), [spacedValues([3, 8])]);
    gradcheckFn('diff', (x, p, a) => T.diff(x, { n: 2, dim: 0, prepend: p, append: a }), [spacedValues([3, 2]), spacedValues([1, 2]), spacedValues([2, 2])]);
  });

  it('quantile (every interpolation), nanquantile, and q itself', () => {
    for (const interpolation of ['linear', 'lower', 'higher', 'midpoint', 'nearest'] as const) {
      gradcheckFn(`quantile-${interpolation}`, (x) => T.quantile(x, [0.1, 0.45, 0.8], { dim: 1, interpolation }), [spacedValues([2, 7])]);
    }
    gradcheckFn('nanquantile', (x) => T.nanquantile(x, [0.3, 0.9], { dim: 0 }), [withNaN(spacedValues([5, 3]), 4)]);
    gradcheckFn('quantile-q', (x, q) => T.quantile(x, q), [spacedValues([6]), { shape: [2], values: [0.33, 0.71] }], 1e-2, 1e-3);
  });

  it('nansum and nanmean', () => {
    gradcheckFn('nansum', (x) => T.nansum(x, 1), [withNaN(spacedValues([3, 4]), 3)]);
    gradcheckFn('nanmean', (x) => T.nanmean(x, { dim: [0, 2], keepdim: true }), [withNaN(spacedValues([2, 3, 2]), 5)]);
  });
});

describe('unfold', () => {
  // The ops recorded from a result back to its leaf, following the first input that has a node.
  const recorded = (t: Tensor): string[] => {
    const names: string[] = [];
    for (let node = t.gradFn; node; ) {
      names.push(node.name);
      const edge = node.next.find((e) => e && 'node' in e);
      node = edge && 'node' in edge ? edge.node : null;
    }
    return names;
  };

  it('reads every window with one indexSelect (not a narrow per window), then a reshape (and a permute for an inner dim)', () => {
    scope(() => {
      const x = T.randn([4, 1000], { requiresGrad: true });
      const y = x.unfold(1, 50, 10);
      expect(y.shape).toEqual([4, 96, 50]);
      expect(recorded(y)).toEqual(['reshape', 'indexSelect']);
      expect(recorded(x.unfold(0, 2, 1))).toEqual(['permute', 'reshape', 'indexSelect']);
      const v = nums(x.detach());
      const w = nums(y);
      expect(w[(1 * 96 + 7) * 50 + 3]).toBe(v[1 * 1000 + 7 * 10 + 3]);
      // A middle dim: the windows' own dim last, through one permute.
      const z = T.unfold(T.arange(24).reshape([2, 6, 2]), 1, 3, 2);
      expect(z.shape).toEqual([2, 2, 2, 3]);
      expect(nums(z).slice(0, 6)).toEqual([0, 2, 4, 1, 3, 5]);
    });
  });

  it('is a copy, so writing into it in place is refused (Note [copies of views])', () => {
    scope(() => {
      const x = T.arange(6).float();
      expect(() => x.unfold(0, 2, 2).add_(1)).toThrow(/^add_: this tensor is a copy made by narrow, select, transpose, permute, expand, split or the like/);
      expect(() => x.unfold(0, 2, 2).reshape([6]).mul_(2)).toThrow(/^mul_: this tensor is a copy/);
    });
  });
});

describe('searchsorted and bucketize', () => {
  it('agree with each other and with a scan, on random data (ties included)', () => {
    scope(() => {
      const rand = seededRandom(hashString('composed-sequences/search'));
      const seq = Array.from({ length: 40 }, () => Math.round(normal(rand) * 4) / 2).sort((a, b) => a - b);
      const values = Array.from({ length: 30 }, () => Math.round(normal(rand) * 8) / 4);
      for (const right of [false, true]) {
        const want = values.map((v) => seq.filter((s) => (right ? s <= v : s < v)).length);
        expect(nums(T.searchsorted(tensor(seq), tensor(values), { right }))).toEqual(want);
        expect(nums(T.bucketize(tensor(values), tensor(seq), { right }))).toEqual(want);
      }
    });
  });

  it('are not differentiable: integer results with no graph', () => {
    scope(() => {
      const v = tensor([0.5, 2], { requiresGrad: true });
      const r = T.searchsorted(tensor([0, 1, 2]), v);
      expect([r.dtype, r.requiresGrad]).toEqual(['int64', false]);
      expect(T.bucketize(v, tensor([1]), { outInt32: true }).dtype).toBe('int32');
    });
  });
});

describe('Tensor methods', () => {
  it('unfold, diff, quantile, nanquantile, nansum, nanmean as methods; searchsorted and bucketize are functions only (as PyTorch)', () => {
    scope(() => {
      const x = tensor([[1, NaN, 3, 4], [5, 6, NaN, 8]]);
      expect(nums(x.nansum(1))).toEqual([8, 19]);
      expectClose(nums(x.nanmean({ dim: 1, keepdim: true })), [8 / 3, 19 / 3]);
      expect(nums(x.nanquantile(0.5, 1))).toEqual([3, 6]);
      expect(nums(x.quantile(0.5, 1))).toEqual([NaN, NaN]);
      expect(nums(T.arange(5).float().diff({ n: 2 }))).toEqual([0, 0, 0]);
      expect(T.arange(5).unfold(0, 2, 1).shape).toEqual([4, 2]);
      expect((x as unknown as Record<string, unknown>).searchsorted).toBeUndefined();
      expect((x as unknown as Record<string, unknown>).bucketize).toBeUndefined();
    });
  });

  it('refuse extra positional arguments (Note [arity guard]): PyTorch keywords go in the options', () => {
    const x = tensor([1, 2, 3]);
    expect(() => (x.quantile as (...a: unknown[]) => Tensor)(0.5, 0, true)).toThrow(/^quantile: takes at most 2 arguments, got 3/);
    expect(() => (x.nansum as (...a: unknown[]) => Tensor)(0, true)).toThrow(/^nansum: takes at most 1 argument, got 2 \(the dim goes inside the options with keepdim and the rest/);
    expect(() => (x.diff as (...a: unknown[]) => Tensor)(1, 0)).toThrow(/^diff: takes at most 1 argument, got 2/);
    expect(() => (T.unfold as (...a: unknown[]) => Tensor)(x, 0, 2, 1, 1)).toThrow(/^unfold: takes at most 4 arguments, got 5/);
    expect(() => (T.searchsorted as (...a: unknown[]) => Tensor)(x, x, true, 1)).toThrow(/^searchsorted: takes at most 3 arguments, got 4/);
  });
});

describe('refusals name the function and the argument', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  it('unfold', () => {
    expect(() => T.unfold(x, 2, 1, 1)).toThrow(/^unfold: dim 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/);
    expect(() => T.unfold(x, 1, 4, 1)).toThrow(/^unfold: size 4 is larger than dim 1 of size 3 \(input \[2,3\]\)$/);
    expect(() => T.unfold(tensor(1), 0, 2, 1)).toThrow(/^unfold: size 2 is larger than dim 0 of size 1 \(input \[\]\)$/);
    expect(() => T.unfold(x, 1, -1, 1)).toThrow(/^unfold: size expected a non-negative integer, got -1$/);
    expect(() => T.unfold(x, 1, 1.5, 1)).toThrow(/^unfold: size expected a non-negative integer, got 1.5$/);
    expect(() => x.unfold(1, 2, 0)).toThrow(/^unfold: step expected a positive integer, got 0$/);
    expect(() => (T.unfold as (...a: unknown[]) => Tensor)(x, 1, 2)).toThrow(/^unfold: step expected a positive integer, got none$/);
    expect(() => T.unfold([1, 2] as never, 0, 1, 1)).toThrow(/^unfold: input expected a tensor, got object$/);
  });

  it('diff', () => {
    expect(() => T.diff(tensor(1))).toThrow(/^diff: input expected at least 1 dimension, got a 0-d tensor$/);
    expect(() => T.diff(x, { n: -1 })).toThrow(/^diff: option 'n' expected a non-negative integer, got -1$/);
    expect(() => T.diff(x, { dim: 2 })).toThrow(/^diff: dim 2 is out of range for a tensor of rank 2/);
    expect(() => T.diff(x, { prepend: tensor([1]) })).toThrow(/^diff: option 'prepend' expected 2 dimensions as input has, got shape \[1\] \(input \[2,3\]\)$/);
    expect(() => T.diff(x, { dim: 1, append: T.zeros([3, 1]) })).toThrow(/^diff: option 'append' expected input's sizes except in dim 1, got \[3,1\] \(input \[2,3\]; they differ in dim 0\)$/);
    expect(() => T.diff(x, { prepend: 1 as never })).toThrow(/^diff: option 'prepend' expected a tensor, got 1$/);
    expect(() => T.diff(x, { axis: 0 } as never)).toThrow(/^diff: unknown option 'axis' \(it takes 'n', 'dim', 'prepend', 'append'\); did you mean 'dim'\?$/);
    expect(() => T.diff(x, 1 as never)).toThrow(/^diff: options expected an object with 'n', 'dim', 'prepend', 'append', got 1$/);
  });

  it('quantile and nanquantile', () => {
    expect(() => T.quantile(x, 1.5)).toThrow(/^quantile: q expected a number in \[0, 1\], got 1.5$/);
    expect(() => T.nanquantile(x, NaN)).toThrow(/^nanquantile: q expected a number in \[0, 1\], got NaN$/);
    expect(() => T.quantile(x, [0.5, -0.1])).toThrow(/^quantile: q\[1\] expected a number in \[0, 1\], got -0.1$/);
    expect(() => T.quantile(x, tensor([0.5, 2]))).toThrow(/^quantile: q expected values in \[0, 1\], got 2$/);
    expect(() => T.quantile(x, tensor([[0.5]]))).toThrow(/^quantile: q expected a number or a 0-d or 1-d tensor, got a tensor of shape \[1,1\]$/);
    expect(() => T.quantile(x, tensor([0], { dtype: 'int64' }))).toThrow(/^quantile: q expected float32 \(input's dtype\), got int64$/);
    expect(() => T.quantile(x, '0.5' as never)).toThrow(/^quantile: q expected a number, an array of numbers or a tensor, got string '0.5'$/);
    expect(() => T.quantile(x.long(), 0.5)).toThrow(/^quantile: input expected float32, got int64$/);
    expect(() => T.quantile(T.zeros([2, 0]), 0.5, 0)).toThrow(/^quantile: input expected a non-empty tensor, got shape \[2,0\]$/);
    expect(() => T.quantile(x, 0.5, 2)).toThrow(/^quantile: dim 2 is out of range for a tensor of rank 2/);
    expect(() => T.quantile(x, 0.5, { interpolation: 'cubic' as never })).toThrow(/^quantile: option 'interpolation' expected one of 'linear', 'lower', 'higher', 'midpoint', 'nearest', got string 'cubic'$/);
    expect(() => T.quantile(x, 0.5, { keepDim: true } as never)).toThrow(/^quantile: unknown option 'keepDim' \(it takes 'dim', 'keepdim', 'interpolation'\); did you mean 'keepdim'\?$/);
    expect(() => T.quantile(x, 0.5, { keepdim: 1 } as never)).toThrow(/^quantile: option 'keepdim' expected a boolean, got 1$/);
    expect(() => T.nanquantile(null as never, 0.5)).toThrow(/^nanquantile: input expected a tensor, got null$/);
  });

  it('nansum and nanmean', () => {
    expect(() => T.nanmean(x.long())).toThrow(/^nanmean: input expected float32, got int64$/);
    expect(() => T.nansum(x, 2)).toThrow(/^nansum: dim 2 is out of range for a tensor of rank 2/);
    expect(() => T.nanmean(x, [1, -1])).toThrow(/^nanmean: dims \[1,-1\] name a dimension twice$/);
    expect(() => T.nansum(x, { dims: 1 } as never)).toThrow(/^nansum: unknown option 'dims' \(it takes 'dim', 'keepdim'\); did you mean 'dim'\?$/);
    expect(() => T.nansum(x, 'all' as never)).toThrow(/^nansum: expected a dim, a list of dims or an options object, got string 'all'$/);
    expect(() => T.nanmean(3 as never)).toThrow(/^nanmean: input expected a tensor, got number$/);
  });

  it('searchsorted and bucketize', () => {
    const s = tensor([1, 2, 3]);
    expect(() => T.searchsorted(s, x, { side: 'left', right: true })).toThrow(/^searchsorted: options 'side' and 'right' disagree: side 'left' with right true$/);
    expect(() => T.searchsorted(s, x, { side: 'up' as never })).toThrow(/^searchsorted: option 'side' expected 'left' or 'right', got string 'up'$/);
    expect(() => T.searchsorted(s, x, { right: 1 as never })).toThrow(/^searchsorted: option 'right' expected a boolean, got 1$/);
    expect(() => T.searchsorted(s, x, { sorter: s } as never)).toThrow(/^searchsorted: option 'sorter' is not supported; pass the sequence sorted \(sortedSequence.gather\(-1, sorter\)\)$/);
    expect(() => T.searchsorted(s, x, { out_int32: true } as never)).toThrow(/^searchsorted: unknown option 'out_int32' \(it takes 'right', 'side', 'outInt32'\); did you mean 'outInt32'\?$/);
    expect(() => T.searchsorted(tensor(1), x)).toThrow(/^searchsorted: sortedSequence expected at least 1 dimension, got a 0-d tensor$/);
    expect(() => T.searchsorted(T.zeros([2, 3]), T.zeros([3, 2]))).toThrow(/^searchsorted: sortedSequence \[2,3\] and values \[3,2\] expected the same leading dims \(all but the last\), or a 1-d sortedSequence$/);
    expect(() => T.searchsorted(T.zeros([2, 3]), T.zeros([2, 4, 2]))).toThrow(/^searchsorted: sortedSequence \[2,3\] and values \[2,4,2\] expected the same leading dims/);
    expect(() => T.searchsorted(T.zeros([1, 3]), 2)).toThrow(/^searchsorted: a number as values expects a 1-d sortedSequence, got shape \[1,3\]$/);
    expect(() => T.searchsorted(s, [1, 2] as never)).toThrow(/^searchsorted: values expected a tensor or a number, got an array$/);
    expect(() => T.searchsorted(null as never, x)).toThrow(/^searchsorted: sortedSequence expected a tensor, got null$/);
    expect(() => T.searchsorted(tensor([0, 1], { dtype: 'bool' }), x)).toThrow(/^searchsorted: sortedSequence expected a numeric tensor, got bool/);
    expect(() => T.bucketize(x, T.zeros([3, 1]))).toThrow(/^bucketize: boundaries expected a 1-d tensor, got shape \[3,1\]$/);
    expect(() => T.bucketize(x, tensor(1))).toThrow(/^bucketize: boundaries expected a 1-d tensor, got shape \[\]$/);
    expect(() => T.bucketize('x' as never, s)).toThrow(/^bucketize: input expected a tensor or a number, got string 'x'$/);
    expect(() => T.bucketize(x, s, { side: 'right' } as never)).toThrow(/^bucketize: unknown option 'side' \(it takes 'right', 'outInt32'\)$/);
  });
});

describe('searchsorted, bucketize and multinomial count by sorting (Note [counting by sorting]; user trial AM)', () => {
  it('float32 rows agree with comparing every value with every entry: ties on either side, NaN entries and values, N-d rows', () => {
    scope(() => {
      const rand = seededRandom(11);
      // Many ties: entries and values on a coarse grid; NaN entries sort last, as in a sorted sequence.
      const rows = 3;
      const grid = (k: number) => Array.from({ length: k }, () => Math.round(rand() * 8) / 4);
      const seqData = Array.from({ length: rows }, () => [...grid(40).sort((a, b) => a - b), NaN, NaN]).flat();
      const seq = tensor(seqData, { shape: [rows, 42] });
      const vals = tensor([...grid(rows * 30), NaN, -Infinity, Infinity], { shape: [rows, 31] });
      for (const right of [false, true]) {
        const got = T.searchsorted(seq, vals, { right });
        const compared = T.sum(right ? T.le(T.unsqueeze(seq, 1), T.unsqueeze(vals, -1)) : T.lt(T.unsqueeze(seq, 1), T.unsqueeze(vals, -1)), { dim: -1 });
        const want = T.where(T.isnan(vals), 42, compared);
        expect(nums(got), `right ${right}`).toEqual(nums(want));
        const flat = T.searchsorted(T.narrow(seq, 0, 0, 1).reshape([42]), vals, { right });
        const flatWant = T.where(T.isnan(vals), 42, T.sum((right ? T.le : T.lt)(T.narrow(seq, 0, 0, 1).reshape([1, 1, 42]), T.unsqueeze(vals, -1)), { dim: -1 }));
        expect(nums(flat)).toEqual(nums(flatWant));
      }
      expect(nums(T.bucketize(tensor([0.5, 1, 1.5, NaN]), tensor([0, 1, 2])))).toEqual([1, 1, 2, 3]);
      expect(nums(T.bucketize(tensor([0.5, 1, 1.5]), tensor([0, 1, 2]), { right: true }))).toEqual([1, 2, 2]);
    });
  });

  it('multinomial with replacement draws 200,000 samples over 5,000 categories in their proportions (it held 200,000 × 5,000 comparisons)', () => {
    scope(() => {
      const w = T.pow(T.reciprocal(T.arange(1, 5001)), 0.75);
      const draws = T.multinomial(w, 200000, { replacement: true, generator: new T.Generator(3) });
      const counts = new Array<number>(5000).fill(0);
      for (const d of nums(draws)) counts[d]++;
      const total = nums(T.sum(w))[0];
      for (const c of [0, 1, 9, 99]) {
        const p = nums(w)[c] / total;
        expect(Math.abs(counts[c] / 200000 - p), `category ${c}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / 200000));
      }
      expect(nums(T.amax(draws))[0]).toBeLessThan(5000);
    });
  });
});
