// embeddingBag (ops/table/composed-embedding-bag.ts) against PyTorch's F.embedding_bag — every
// mode over fixed-length bags and over a flat input with offsets (empty bags, includeLastOffset,
// positions past the last offset), paddingIdx, perSampleWeights, int32 indices: outputs and the
// gradients of the weight and the per-sample weights, from test/fixtures/embedding-bag.safetensors
// (scripts/fixtures_embedding_bag.py). Then finite-difference checks and the refusals. Run on cpu
// and, where available, on cuda.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { scope, tensor, type Tensor } from '../src/index.js';
import { hashString, normal, seededRandom } from '../src/testing/index.js';
import { checkGradFn, describeGoldenCases, type GoldenCall, nums, readGoldenFixture } from './golden-cases.js';

const fx = readGoldenFixture('embedding-bag');

const fixed = (mode: T.EmbeddingBagMode, o: T.EmbeddingBagOptions = {}) => (i: Tensor, w: Tensor) => T.embeddingBag(i, w, { mode, ...o });
const withOffsets = (mode: T.EmbeddingBagMode, o: T.EmbeddingBagOptions = {}) => (i: Tensor, w: Tensor, offsets: Tensor) => T.embeddingBag(i, w, { mode, offsets, ...o });
const weighted = (o: T.EmbeddingBagOptions = {}) => (i: Tensor, w: Tensor, offsets: Tensor, perSampleWeights: Tensor) => T.embeddingBag(i, w, { mode: 'sum', offsets, perSampleWeights, ...o });

const calls: Record<string, GoldenCall> = {
  fixedSum: fixed('sum'),
  fixedMean: fixed('mean'),
  fixedMax: fixed('max'),
  fixedInt32: (i, w) => T.embeddingBag(i, w),
  fixedWeighted: (i, w, perSampleWeights) => T.embeddingBag(i, w, { mode: 'sum', perSampleWeights }),
  fixedPaddingSum: fixed('sum', { paddingIdx: 3 }),
  fixedPaddingMean: fixed('mean', { paddingIdx: 3 }),
  fixedPaddingMax: fixed('max', { paddingIdx: 3 }),
  offsetsSum: withOffsets('sum'),
  offsetsMean: withOffsets('mean'),
  offsetsMax: withOffsets('max'),
  offsetsInt32: withOffsets('mean'),
  offsetsLastIncluded: withOffsets('sum', { includeLastOffset: true }),
  offsetsLastIncludedMax: withOffsets('max', { includeLastOffset: true }),
  offsetsLastIncludedMean: withOffsets('mean', { includeLastOffset: true }),
  offsetsTrailingEmpty: withOffsets('mean'),
  offsetsPaddingSum: withOffsets('sum', { paddingIdx: 3 }),
  offsetsPaddingMean: withOffsets('mean', { paddingIdx: 3 }),
  offsetsPaddingMax: withOffsets('max', { paddingIdx: 3 }),
  offsetsPaddingNegative: withOffsets('mean', { paddingIdx: -7 }),
  offsetsWeighted: weighted(),
  offsetsWeightedPadding: weighted({ paddingIdx: 3 }),
  offsetsOneBag: withOffsets('max'),
  offsetsEmptyInput: withOffsets('mean'),
};

describeGoldenCases(fx, calls, (device) => `embeddingBag matches PyTorch, forward and backward (${device})`, { output: [1e-6, 1e-5], grad: [1e-6, 1e-5], zeroUnreached: true });

describe('embeddingBag', () => {
  it('equals the lookup reduced over the bag axis, and the flat form with offsets the same bags', () => {
    scope(() => {
      const w = T.randn([20, 7]);
      const ids = T.randint(0, 20, [5, 4]);
      for (const mode of ['sum', 'mean', 'max'] as const) {
        const looked = T.embedding(ids, w);
        const want = mode === 'max' ? T.max(looked, 1).values : mode === 'mean' ? T.mean(looked, 1) : T.sum(looked, 1);
        expect(nums(T.embeddingBag(ids, w, { mode }))).toEqual(nums(want));
        const flat = T.embeddingBag(ids.reshape([20]), w, { mode, offsets: T.tensor([0, 4, 8, 12, 16], { dtype: 'int64' }) });
        const close = nums(flat).every((v, k) => Math.abs(v - nums(want)[k]) <= 1e-6 * (1 + Math.abs(v)));
        expect(close, mode).toBe(true);
      }
    });
  });

  it('passes finite-difference checks for the weight and the per-sample weights', () => {
    const rand = seededRandom(hashString('embeddingBag grad'));
    const w = { shape: [6, 3], values: Array.from({ length: 18 }, () => normal(rand)) };
    const p = { shape: [7], values: Array.from({ length: 7 }, () => normal(rand)) };
    const ids = tensor([0, 2, 2, 5, 1, 3, 2], { dtype: 'int64' });
    const offsets = tensor([0, 3, 3], { dtype: 'int64' });
    for (const mode of ['sum', 'mean', 'max'] as const) {
      // max is piecewise linear: a step small enough to stay on one piece.
      checkGradFn(`embeddingBag/${mode}`, (wt) => T.embeddingBag(ids, wt, { mode, offsets, paddingIdx: 1 }), [w], { eps: mode === 'max' ? 1e-3 : 1e-2 });
    }
    checkGradFn('embeddingBag/weighted', (wt, pt) => T.embeddingBag(ids, wt, { mode: 'sum', offsets, perSampleWeights: pt }), [w, p]);
  });

  it('refuses bad arguments, naming the argument, expected and got', () => {
    scope(() => {
      const w = T.randn([10, 3]);
      const ids2 = T.randint(0, 10, [2, 3]);
      const ids1 = T.randint(0, 10, [6]);
      const offsets = T.tensor([0, 2], { dtype: 'int64' });
      const refuse = (f: () => unknown, name: string, message: RegExp) => expect(f).toThrow(expect.objectContaining({ name, message: expect.stringMatching(message) }));
      refuse(() => T.embeddingBag(ids1, w), 'ValueError', /^embeddingBag: offsets expected a 1-D tensor of bag starts with a 1-D input, got none$/);
      refuse(() => T.embeddingBag(ids2, w, { offsets }), 'ValueError', /^embeddingBag: offsets expected none with a 2-D input \(each row is a bag of the same length\), got a tensor of shape \[2\]$/);
      refuse(() => T.embeddingBag(T.randint(0, 10, [2, 2, 2]), w), 'ShapeError', /^embeddingBag: input expected a 1-D tensor \(with offsets\) or a 2-D tensor \[bags, length\], got shape \[2,2,2\]$/);
      refuse(() => T.embeddingBag(T.randn([2, 3]), w), 'DTypeError', /^embeddingBag: input expected dtype int32 or int64, got float32$/);
      refuse(() => T.embeddingBag(ids2, T.randn([10])), 'ShapeError', /^embeddingBag: weight expected a 2-D tensor \[numEmbeddings, dim\], got shape \[10\]$/);
      refuse(() => T.embeddingBag(ids2, w, { mode: 'min' as T.EmbeddingBagMode }), 'ValueError', /^embeddingBag: option 'mode' expected one of 'sum', 'mean', 'max', got 'min'$/);
      refuse(() => T.embeddingBag(ids2, w, { perSampleWeights: T.rand([2, 3]) }), 'ValueError', /^embeddingBag: perSampleWeights expected mode 'sum', got mode 'mean'/);
      refuse(() => T.embeddingBag(ids2, w, { mode: 'sum', perSampleWeights: T.rand([3, 2]) }), 'ShapeError', /^embeddingBag: perSampleWeights expected input's shape \[2,3\], got \[3,2\]$/);
      refuse(() => T.embeddingBag(ids2, w, { paddingIdx: 10 }), 'ValueError', /^embeddingBag: paddingIdx expected an integer in \[-10, 10\) for a weight with 10 rows, got 10$/);
      refuse(() => T.embeddingBag(ids1, w, { offsets: T.tensor([1, 2], { dtype: 'int64' }) }), 'ValueError', /^embeddingBag: offsets\[0\] expected 0 \(the first bag starts at position 0\), got 1$/);
      refuse(() => T.embeddingBag(ids1, w, { offsets: T.tensor([0, 4, 2], { dtype: 'int64' }) }), 'ValueError', /^embeddingBag: offsets expected nondecreasing values, got offsets\[1\] = 4 then offsets\[2\] = 2$/);
      refuse(() => T.embeddingBag(ids1, w, { offsets: T.tensor([0, 7], { dtype: 'int64' }) }), 'ValueError', /^embeddingBag: offsets\[-1\] expected at most the input's length 6, got 7$/);
      refuse(() => T.embeddingBag(ids1, w, { offsets: T.tensor([0, 2]) }), 'DTypeError', /^embeddingBag: offsets expected dtype int32 or int64, got float32$/);
      refuse(() => T.embeddingBag(ids1, w, { offsets: T.tensor([], { dtype: 'int64' }), includeLastOffset: true }), 'ValueError', /^embeddingBag: offsets expected at least one entry with includeLastOffset/);
      refuse(() => T.embeddingBag(T.tensor([0, 11], { dtype: 'int64' }), w, { offsets }), 'ValueError', /^embedding: indices value 11 is out of range for dimension 0 with size 10/);
      refuse(() => T.embeddingBag(ids2, w, { sparse: true } as T.EmbeddingBagOptions), 'ValueError', /^embeddingBag: unknown option 'sparse'/);
    });
  });
});
