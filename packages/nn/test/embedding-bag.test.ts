// EmbeddingBag against PyTorch with maxNorm (fixture from scripts/fixtures_nn.py,
// embedding_bag_fixture: the table before and after the lookup, the output and the weight's
// gradient, per mode, over a flat input cut by offsets with an empty bag and padding), the layer
// against the functional embeddingBag (whose modes and options are checked against PyTorch in
// the tensor package), fromPretrained, the state dict name, reprs and refusals.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { embeddingBag, randint, randn, readSafetensorsFile, scope, tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import { EmbeddingBag } from '../src/index.js';

const nums = (a: unknown): number[] => Array.from(a as ArrayLike<number>);
const { tensors } = readSafetensorsFile(fileURLToPath(new URL('./fixtures/embedding-bag-max-norm.safetensors', import.meta.url)));
const raw = (k: string) => tensors.get(k)!;
const load = (k: string) => tensor(raw(k).data, { shape: raw(k).shape, dtype: raw(k).dtype });

describe('EmbeddingBag maxNorm matches PyTorch (looked-up rows renormalised in place)', () => {
  for (const mode of ['sum', 'mean', 'max'] as const) {
    it(mode, () => {
      scope(() => {
        const layer = new EmbeddingBag(10, 4, { maxNorm: 1, mode, paddingIdx: 0 });
        layer.loadStateDict(new Map([['weight', load(`${mode}.weight`)]]));
        const out = layer.forward(load('indices'), load('offsets'));
        expectClose(out.dataSync(), raw(`${mode}.output`).data, 1e-6, 1e-5, 'output');
        expectClose(layer.weight.dataSync(), raw(`${mode}.weight_after`).data, 1e-6, 1e-5, 'weight after the lookup');
        const before = raw(`${mode}.weight`).data, after = raw(`${mode}.weight_after`).data;
        expect(nums(after).some((v, i) => v !== before[i])).toBe(true);
        out.backward(load(`${mode}.upstream`));
        expectClose(layer.weight.grad!.dataSync(), raw(`${mode}.grad`).data, 1e-6, 1e-5, 'weight gradient');
      });
    });
  }
});

describe('EmbeddingBag', () => {
  it('is the functional embeddingBag on its weight, with its mode, includeLastOffset and paddingIdx', () => {
    scope(() => {
      const layer = new EmbeddingBag(12, 3, { mode: 'sum', includeLastOffset: true, paddingIdx: 2 });
      expect(nums(layer.weight.dataSync().subarray(6, 9))).toEqual([0, 0, 0]);
      const input = randint(0, 12, [9]);
      const offsets = tensor([0, 4, 4, 9], { dtype: 'int64' });
      const weights = randn([9]);
      const want = embeddingBag(input, layer.weight, { mode: 'sum', offsets, perSampleWeights: weights, includeLastOffset: true, paddingIdx: 2 });
      const got = layer.forward(input, offsets, weights);
      expect(got.shape).toEqual([3, 3]);
      expect(nums(got.dataSync())).toEqual(nums(want.dataSync()));
      expect([...layer.namedParameters()].map(([name]) => name)).toEqual(['weight']);
      const fixed = new EmbeddingBag(12, 3);
      expect(fixed.forward(randint(0, 12, [5, 7])).shape).toEqual([5, 3]);
    });
  });

  it('fromPretrained shares the table, frozen unless freeze: false', () => {
    scope(() => {
      const table = tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] });
      const frozen = EmbeddingBag.fromPretrained(table, { mode: 'max' });
      expect(frozen.weight.requiresGrad).toBe(false);
      expect(nums(frozen.forward(tensor([[0, 2], [1, 1]], { dtype: 'int64' })).dataSync())).toEqual([5, 6, 3, 4]);
      const trained = EmbeddingBag.fromPretrained(table, { freeze: false });
      expect(trained.weight.requiresGrad).toBe(true);
      expect(nums(trained.forward(tensor([[0, 2]], { dtype: 'int64' })).dataSync())).toEqual([3, 4]);
    });
  });

  it('reprs and refusals', () => {
    expect(String(new EmbeddingBag(10, 4))).toBe("EmbeddingBag(10, 4, mode='mean')");
    expect(String(new EmbeddingBag(10, 4, { mode: 'sum', maxNorm: 2, includeLastOffset: true, paddingIdx: -1 }))).toBe("EmbeddingBag(10, 4, maxNorm=2, mode='sum', includeLastOffset=true, paddingIdx=9)");
    expect(() => new EmbeddingBag(10, 4, { mode: 'min' as never })).toThrow(/^EmbeddingBag: mode expected one of 'sum', 'mean', 'max', got min$/);
    expect(() => new EmbeddingBag(10, 4, { sparse: true } as never)).toThrow(/^EmbeddingBag: option 'sparse' is not supported: the weight's gradient is dense here/);
    expect(() => new EmbeddingBag(10, 4, { paddingIdx: 10 })).toThrow(/^EmbeddingBag: paddingIdx expected an integer in \[-10, 10\), got 10$/);
    expect(() => new EmbeddingBag(10, 4, { include_last_offset: true } as never)).toThrow(/^EmbeddingBag: unknown option 'include_last_offset'.*did you mean 'includeLastOffset'\?$/);
    scope(() => {
      const layer = new EmbeddingBag(10, 4, { mode: 'max' });
      expect(() => layer.forward(randint(0, 10, [6]))).toThrow(/^embeddingBag: offsets expected a 1-D tensor of bag starts with a 1-D input, got none$/);
      expect(() => layer.forward(randint(0, 10, [2, 3]), null, randn([2, 3]))).toThrow(/^embeddingBag: perSampleWeights expected mode 'sum', got mode 'max'/);
    });
  });
});
