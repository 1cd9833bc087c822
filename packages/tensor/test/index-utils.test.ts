// histc, unique with dim, uniqueConsecutive, triuIndices / trilIndices and fillDiagonal_ against
// PyTorch — every output exact, from test/fixtures/index-utils.safetensors
// (scripts/fixtures_index_utils.py) — then their refusals, and the graph-learning uses that a
// user trial (AQ: edge lists, SimCLR) wanted them for. Run on cpu and, where available, cuda.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { noGrad, scope, tensor, type Tensor } from '../src/index.js';
import { type AsyncGoldenCall, describeGoldenCases, nums, readGoldenFixture } from './golden-cases.js';

const fx = readGoldenFixture('index-utils');

const triple = (r: T.UniqueResult) => [r.values, r.inverse, r.counts];
const uniqueDim = (dim: number) => async (x: Tensor) => triple(await T.unique(x, { dim, returnInverse: true, returnCounts: true }));
const consecutive = (dim?: number) => async (x: Tensor) => triple(await T.uniqueConsecutive(x, { dim, returnInverse: true, returnCounts: true }));
const fill = (value: number, wrap?: boolean) => (x: Tensor) => x.clone().fillDiagonal_(value, wrap);

const calls: Record<string, AsyncGoldenCall> = {
  histc: (x) => T.histc(x, { bins: 10 }),
  histcDefaultBins: (x) => T.histc(x),
  histcRange: (x) => T.histc(x, { bins: 8, min: -1, max: 2 }),
  histcOnEdges: (x) => T.histc(x, { bins: 10, min: 0, max: 1 }),
  histcOnEdgesData: (x) => T.histc(x, { bins: 10 }),
  histcEqualRange: (x) => T.histc(x, { bins: 4, min: 5, max: 5 }),
  histcConstant: (x) => T.histc(x, { bins: 4 }),
  histcNaNOutside: (x) => T.histc(x, { bins: 4, min: 0, max: 4 }),
  histcOneBin: (x) => T.histc(x, { bins: 1, min: -3, max: 3 }),
  histcEmpty: (x) => T.histc(x, { bins: 3 }),
  histcWide: (x) => x.histc({ bins: 7 }),
  uniqueEdges: uniqueDim(1),
  uniqueRows: uniqueDim(0),
  uniqueLastDim: uniqueDim(-1),
  uniqueMiddleDim: uniqueDim(1),
  uniqueNaNRows: uniqueDim(0),
  uniqueBoolColumns: uniqueDim(1),
  uniqueOneSlice: uniqueDim(0),
  uniqueNoSlices: uniqueDim(0),
  uniqueDistinct: uniqueDim(1),
  consecutive: consecutive(),
  consecutiveFlat2d: consecutive(),
  consecutiveRows: consecutive(0),
  consecutiveColumns: consecutive(1),
  consecutiveNaN: consecutive(),
  consecutiveBool: async (x) => triple(await x.uniqueConsecutive()),
  consecutiveEmpty: consecutive(),
  consecutiveSorted: consecutive(),
  triu: () => T.triuIndices(3, 4, 1),
  triuSquare: () => T.triuIndices(5, 5),
  triuNegative: () => T.triuIndices(4, 3, -1),
  triuAll: () => T.triuIndices(3, 3, -10),
  triuNone: () => T.triuIndices(3, 3, 10),
  triuInt32: () => T.triuIndices(2, 6, 2, { dtype: 'int32' }),
  triuEmpty: () => T.triuIndices(0, 3),
  tril: () => T.trilIndices(4, 3, -1),
  trilSquare: () => T.trilIndices(5, 5),
  trilPositive: () => T.trilIndices(3, 5, 2),
  trilAll: () => T.trilIndices(3, 4, 10),
  trilNone: () => T.trilIndices(3, 4, -3),
  fillDiagonal: fill(5),
  fillDiagonalTall: fill(-1),
  fillDiagonalTallWrap: fill(-1, true),
  fillDiagonalTallWrapOneMore: fill(2, true),
  fillDiagonalLongWrap: fill(9, true),
  fillDiagonalWideWrap: fill(0.5, true),
  fillDiagonalCube: fill(2),
  fillDiagonal4d: fill(-3),
  fillDiagonalInt: fill(2.7),
  fillDiagonalBool: fill(1),
  fillDiagonalNaN: fill(NaN),
  fillDiagonalNegInf: fill(-Infinity, true),
};

// Counts, picked values and indices: exact (NaN where NaN).
describeGoldenCases(fx, calls, (device) => `histc, unique(dim), uniqueConsecutive, triu/trilIndices and fillDiagonal_ match PyTorch (${device})`, { output: [0, 0], grad: [0, 0], async: true });

describe('unique with dim on an edge list (user trial AQ)', () => {
  it('deduplicates the columns of [2, E], both directions kept apart, and the inverse maps every edge back', async () => {
    const edges = tensor([[0, 1, 0, 2, 1, 0], [1, 2, 1, 0, 2, 1]], { dtype: 'int64' });
    const { values, inverse, counts } = await T.unique(edges, { dim: 1 });
    expect(await values.array()).toEqual([[0, 1, 2], [1, 2, 0]]);
    expect(nums(inverse)).toEqual([0, 1, 0, 2, 1, 0]);
    expect(nums(counts)).toEqual([3, 2, 1]);
    expect(nums(T.indexSelect(values, 1, inverse))).toEqual(nums(edges));
    // The slices are ranked element by element (Note [unique slices]); large ids stay exact.
    const big = tensor([[2 ** 40, 2 ** 40 + 1, 2 ** 40], [7, 7, 7]], { dtype: 'int64' });
    const r = await T.unique(big, { dim: 1 });
    expect(nums(r.counts)).toEqual([2, 1]);
    expect(nums(r.values)).toEqual([2 ** 40, 2 ** 40 + 1, 7, 7]);
  });

  it('a thousand-node graph of 200k edges, as torch.unique(e, dim=1)', async () => {
    const E = 200_000;
    const src = T.randint(0, 1000, [E]);
    const dst = T.randint(0, 1000, [E]);
    const e = T.stack([src, dst]);
    const { values, inverse, counts } = await T.unique(e, { dim: 1 });
    // The same as unique of the flat ids src·1000 + dst.
    const flat = await T.unique(T.add(T.mul(src, 1000), dst));
    expect(values.shape).toEqual([2, flat.values.shape[0]]);
    expect(nums(T.add(T.mul(values.select(0, 0), 1000), values.select(0, 1)))).toEqual(nums(flat.values));
    expect(nums(inverse)).toEqual(nums(flat.inverse));
    expect(nums(counts)).toEqual(nums(flat.counts));
  });

  it('values take no gradient (PyTorch has none either); flat unique still takes its PyTorch flags', async () => {
    const x = tensor([[1, 2], [1, 2], [0, 1]], { requiresGrad: true });
    const { values } = await T.unique(x, { dim: 0 });
    expect(values.requiresGrad).toBe(false);
    const flat = await x.unique({ sorted: true, returnInverse: true, returnCounts: true, dim: null });
    expect(nums(flat.values)).toEqual([0, 1, 2]);
  });

  it('refuses what PyTorch refuses, naming the function, the argument and what came', async () => {
    const x = T.zeros([3, 0]);
    await expect(T.unique(x, { dim: 0 })).rejects.toThrow(/^unique: the slices along dim 0 of shape \[3,0\] are empty \(a size 0 outside dim\), so they cannot be compared$/);
    await expect(T.unique(T.zeros([2, 2]), { dim: 2 })).rejects.toThrow(/^unique: dim 2 is out of range/);
    await expect(T.unique(T.zeros([2, 2]), { dim: 0.5 })).rejects.toThrow(/^unique: option 'dim' expected an integer or null, got 0\.5$/);
    await expect(T.unique(T.zeros([2]), { returnCounts: 1 as never })).rejects.toThrow(/^unique: option 'returnCounts' expected true or false, got 1$/);
    await expect(T.unique(T.zeros([2]), { return_counts: true } as never)).rejects.toThrow(/^unique: /);
    await expect(T.uniqueConsecutive(T.zeros([2, 2]), { dim: -3 })).rejects.toThrow(/^uniqueConsecutive: dim -3 is out of range/);
    await expect(T.uniqueConsecutive(T.zeros([2, 0, 2]), { dim: 0 })).rejects.toThrow(/^uniqueConsecutive: the slices along dim 0 of shape \[2,0,2\] are empty/);
    await expect(T.uniqueConsecutive(T.zeros([2]), { sorted: true } as never)).rejects.toThrow(/^uniqueConsecutive: /);
  });
});

describe('histc', () => {
  it('reads the range back only when min == max; the result takes no gradient', async () => {
    const x = tensor([0.5, 1.5, 2.5, 3.5], { requiresGrad: true });
    const h = await T.histc(x, { bins: 4, min: 0, max: 4 });
    expect(nums(h)).toEqual([1, 1, 1, 1]);
    expect(h.requiresGrad).toBe(false);
    expect(h.dtype).toBe('float32');
  });

  it("refuses as PyTorch does: bins, a range that is not finite or reversed, integer input, PyTorch's keywords", async () => {
    const x = T.randn([5]);
    await expect(T.histc(x, { bins: 0 })).rejects.toThrow(/^histc: option 'bins' expected an integer > 0, got 0$/);
    await expect(T.histc(x, { bins: 2.5 })).rejects.toThrow(/^histc: option 'bins' expected an integer > 0, got 2\.5$/);
    await expect(T.histc(x, { min: 3, max: 1 })).rejects.toThrow(/^histc: option 'max' expected a number larger than min \(3\), got 1$/);
    await expect(T.histc(x, { min: -Infinity, max: 1 })).rejects.toThrow(/^histc: range of \[-Infinity, 1\] is not finite$/);
    await expect(T.histc(tensor([1, Infinity]))).rejects.toThrow(/^histc: range of \[1, Infinity\] is not finite$/);
    await expect(T.histc(tensor([1, NaN]))).rejects.toThrow(/^histc: range of \[nan, nan\] is not finite$/);
    await expect(T.histc(tensor([1, 2], { dtype: 'int64' }))).rejects.toThrow(/^histc: input expected a float tensor, got int64 \(as PyTorch's histc; cast first: x\.float\(\)\)$/);
    await expect(T.histc(x, { min: '0' as never })).rejects.toThrow(/^histc: option 'min' expected a number, got "0"$/);
    await expect(T.histc(x, { range: [0, 1] } as never)).rejects.toThrow(/^histc: /);
  });
});

describe('triuIndices and trilIndices', () => {
  it("index a SimCLR similarity matrix's pairs above the diagonal; options as creation functions take them", () => {
    scope(() => {
      const sim = T.randn([4, 4]);
      const [i, j] = T.triuIndices(4, 4, 1).unbind(0);
      const pairs = T.indexSelect(T.reshape(sim, [16]), 0, T.add(T.mul(i, 4), j));
      expect(pairs.shape).toEqual([6]);
      expect(nums(T.triuIndices(2, 2, { dtype: 'int32' }))).toEqual([0, 0, 1, 0, 1, 1]);
      expect(T.trilIndices(2, 2, 0, { device: 'cpu' }).device.type).toBe('cpu');
    });
  });

  it('refuses bad sizes, offsets and dtypes, naming the argument', () => {
    expect(() => T.triuIndices(-1, 3)).toThrow(/^triuIndices: row expected a non-negative integer, got -1$/);
    expect(() => T.trilIndices(3, 2.5)).toThrow(/^trilIndices: col expected a non-negative integer, got 2\.5$/);
    expect(() => T.triuIndices(3, 3, 0.5)).toThrow(/^triuIndices: offset expected an integer, got 0\.5$/);
    expect(() => T.triuIndices(3, 3, 0, { dtype: 'float32' })).toThrow(/^triuIndices: option 'dtype' expected int64 or int32, got float32 \(as PyTorch's\)$/);
    expect(() => T.trilIndices(3, 3, { requiresGrad: true } as never)).toThrow(/^trilIndices: /);
    expect(() => T.trilIndices(3, 3, {}, {})).toThrow(/^trilIndices: the options go last, after offset, got two options objects$/);
  });
});

describe('fillDiagonal_', () => {
  it("masks a similarity matrix's diagonal (SimCLR), returns the tensor itself", () => {
    scope(() => {
      const sim = T.ones([3, 3]);
      expect(sim.fillDiagonal_(-Infinity)).toBe(sim);
      expect(nums(sim)).toEqual([-Infinity, 1, 1, 1, -Infinity, 1, 1, 1, -Infinity]);
    });
  });

  it('is outside autograd as every in-place method here: refused on a graph tensor, allowed under noGrad', () => {
    scope(() => {
      const w = T.randn([3, 3], { requiresGrad: true });
      expect(() => w.fillDiagonal_(0)).toThrow(/^fillDiagonal_: a leaf tensor that requires grad cannot be changed in place while grad mode is on/);
      expect(() => T.mul(w, 2).fillDiagonal_(0)).toThrow(/^fillDiagonal_: in-place changes are not recorded by autograd here/);
      noGrad(() => w.fillDiagonal_(0));
      expect(nums(w.diagonal())).toEqual([0, 0, 0]);
    });
  });

  it('refuses what PyTorch refuses: fewer than 2 dims, unequal dims past 2, a value that is not a number', () => {
    expect(() => T.zeros([3]).fillDiagonal_(1)).toThrow(/^fillDiagonal_: expected a tensor of at least 2 dims, got shape \[3\]$/);
    expect(() => T.zeros([3, 3, 2]).fillDiagonal_(1)).toThrow(/^fillDiagonal_: expected all dims of equal length for a tensor of more than 2 dims, got shape \[3,3,2\]$/);
    expect(() => T.zeros([2, 2]).fillDiagonal_(T.ones([1]) as never)).toThrow(/^fillDiagonal_: value expected a number, got a tensor/);
    expect(() => T.zeros([2, 2]).fillDiagonal_(1, 'yes' as never)).toThrow(/^fillDiagonal_: wrap expected true or false, got "yes"$/);
    expect(() => T.zeros([2, 2], { dtype: 'int32' }).fillDiagonal_(NaN)).toThrow(/^fillDiagonal_: /);
    expect(() => (T.zeros([2, 2]).fillDiagonal_ as (...a: unknown[]) => unknown)(1, false, 3)).toThrow(/^fillDiagonal_: takes at most 2 arguments, got 3/);
  });
});
