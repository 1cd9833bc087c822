// Embedding's maxNorm against PyTorch (fixture from scripts/fixtures_nn.py, embedding_fixture:
// the table after the lookup, the output and the weight's gradient, for the 2-, 1- and ∞-norm),
// Embedding.fromPretrained, and the 1-d pooling layers' reprs and refusals (their values and
// gradients against PyTorch are in layers.test.ts).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ones, readSafetensorsFile, scope, tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import { AdaptiveAvgPool1d, AdaptiveMaxPool1d, AvgPool1d, Embedding, MaxPool1d } from '../src/index.js';

/** A typed array's values (float32, int32 or bool data) as numbers. */
const nums = (a: unknown): number[] => Array.from(a as ArrayLike<number>);
const { tensors } = readSafetensorsFile(fileURLToPath(new URL('./fixtures/embedding-max-norm.safetensors', import.meta.url)));
const raw = (k: string) => tensors.get(k)!;
const load = (k: string) => tensor(raw(k).data, { shape: raw(k).shape, dtype: raw(k).dtype });

describe('Embedding maxNorm matches PyTorch (looked-up rows renormalised in place)', () => {
  const cases = {
    l2: { maxNorm: 1.0, paddingIdx: 0 },
    l1: { maxNorm: 1.5, normType: 1 },
    inf: { maxNorm: 0.8, normType: Infinity },
  };
  for (const [name, options] of Object.entries(cases)) {
    it(name, () => {
      scope(() => {
        const layer = new Embedding(10, 4, options);
        layer.loadStateDict(new Map([['weight', load(`${name}.weight`)]]));
        const out = layer.forward(load('indices'));
        expectClose(out.dataSync(), raw(`${name}.output`).data, 1e-6, 1e-5, 'output');
        expectClose(layer.weight.dataSync(), raw(`${name}.weight_after`).data, 1e-6, 1e-5, 'weight after the lookup');
        // Some rows were over the norm and some not, and rows not looked up are untouched.
        const before = raw(`${name}.weight`).data, after = raw(`${name}.weight_after`).data;
        expect(nums(after).some((v, i) => v !== before[i])).toBe(true);
        expect(nums(after.subarray(4 * 4, 5 * 4))).toEqual(nums(before.subarray(4 * 4, 5 * 4)));
        out.backward(load(`${name}.upstream`));
        expectClose(layer.weight.grad!.dataSync(), raw(`${name}.grad`).data, 1e-6, 1e-5, 'weight gradient');
        // A second lookup finds every row within the norm: nothing changes.
        const once = nums(layer.weight.dataSync());
        layer.forward(load('indices'));
        expect(nums(layer.weight.dataSync())).toEqual(once);
      });
    });
  }

  it('indices the lookup refuses leave the table as it was', () => {
    scope(() => {
      const layer = new Embedding(4, 3, { maxNorm: 0.1 });
      const before = nums(layer.weight.dataSync());
      expect(() => layer.forward(tensor([0, 7], { dtype: 'int64' }))).toThrow(/^embedding: indices value 7 is out of range/);
      expect(nums(layer.weight.dataSync())).toEqual(before);
    });
  });

  it('reprs and refusals', () => {
    expect(String(new Embedding(10, 4, { maxNorm: 1, normType: 1 }))).toBe('Embedding(10, 4, maxNorm=1, normType=1)');
    expect(String(new Embedding(10, 4, { paddingIdx: 2 }))).toBe('Embedding(10, 4, paddingIdx=2)');
    expect(() => new Embedding(10, 4, { maxNorm: 0 })).toThrow(/^Embedding: maxNorm expected a number > 0 \(or null for none\), got 0$/);
    expect(() => new Embedding(10, 4, { maxNorm: 1, normType: -2 })).toThrow(/^Embedding: normType expected a number > 0 or Infinity, got -2$/);
    expect(() => new Embedding(10, 4, { sparse: true } as never)).toThrow(/^Embedding: option 'sparse' is not supported: the weight's gradient is dense here/);
    expect(() => new Embedding(10, 4, { scale_grad_by_freq: true } as never)).toThrow(/^Embedding: option 'scale_grad_by_freq' is not supported/);
    expect(() => new Embedding(10, 4, { max_norm: 1 } as never)).toThrow(/^Embedding: unknown option 'max_norm' \(it takes 'paddingIdx', 'maxNorm', 'normType'\); did you mean 'maxNorm'\?$/);
  });
});

describe('Embedding.fromPretrained', () => {
  it('uses the given table, frozen by default; the padding row is kept but gets no gradient', () => {
    scope(() => {
      const table = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [3, 3] });
      const frozen = Embedding.fromPretrained(table);
      expect([frozen.numEmbeddings, frozen.embeddingDim]).toEqual([3, 3]);
      expect(frozen.weight.requiresGrad).toBe(false);
      expect([...frozen.parameters()]).toEqual([frozen.weight]);
      expect(nums(frozen.forward(tensor([2, 0], { dtype: 'int64' })).dataSync())).toEqual([7, 8, 9, 1, 2, 3]);
      expect(table.requiresGrad).toBe(false);

      const trained = Embedding.fromPretrained(table, { freeze: false, paddingIdx: 1 });
      expect(trained.weight.requiresGrad).toBe(true);
      expect(trained.paddingIdx).toBe(1);
      const out = trained.forward(tensor([1, 2, 1], { dtype: 'int64' }));
      expect(nums(out.dataSync())).toEqual([4, 5, 6, 7, 8, 9, 4, 5, 6]); // PyTorch does not zero it either
      out.sum().backward();
      expect(nums(trained.weight.grad!.dataSync())).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
      expect(String(trained)).toBe('Embedding(3, 3, paddingIdx=1)');
    });
  });

  it('takes maxNorm, and refuses what PyTorch refuses', () => {
    scope(() => {
      const layer = Embedding.fromPretrained(tensor([3, 4, 0, 1], { shape: [2, 2] }), { maxNorm: 1 });
      layer.forward(tensor([0], { dtype: 'int64' }));
      expectClose(layer.weight.dataSync(), [0.6, 0.8, 0, 1], 1e-6, 1e-6, 'renormalised row 0');
      expect(() => Embedding.fromPretrained(ones([4]))).toThrow(/^Embedding.fromPretrained: embeddings expected a 2-D tensor \[numEmbeddings, embeddingDim\], got \[4\]$/);
      expect(() => Embedding.fromPretrained(ones([2, 2], { dtype: 'int32' }))).toThrow(/^Embedding.fromPretrained: embeddings expected float32, got int32$/);
      expect(() => Embedding.fromPretrained(ones([2, 2]), { padding_idx: 0 } as never)).toThrow(/^Embedding.fromPretrained: unknown option 'padding_idx' \(it takes 'freeze', 'paddingIdx', 'maxNorm', 'normType'\); did you mean 'paddingIdx'\?$/);
      expect(() => Embedding.fromPretrained(ones([2, 2]), { paddingIdx: 2 })).toThrow(/^Embedding: paddingIdx expected an integer in \[-2, 2\), got 2$/);
      // A refused call leaves no table behind for the next Embedding.
      expect(new Embedding(5, 2).weight.shape).toEqual([5, 2]);
    });
  });
});

describe('1-d pooling', () => {
  it('reprs are PyTorch’s, in camelCase', () => {
    expect(String(new MaxPool1d(3))).toBe('MaxPool1d(kernelSize=3, stride=3, padding=0, dilation=1, ceilMode=false)');
    expect(String(new MaxPool1d([3], { stride: 2, padding: 1, dilation: 2, ceilMode: true }))).toBe('MaxPool1d(kernelSize=3, stride=2, padding=1, dilation=2, ceilMode=true)');
    expect(String(new AvgPool1d(4, { stride: 2 }))).toBe('AvgPool1d(kernelSize=4, stride=2, padding=0)');
    expect(String(new AdaptiveAvgPool1d(5))).toBe('AdaptiveAvgPool1d(outputSize=5)');
    expect(String(new AdaptiveMaxPool1d(1))).toBe('AdaptiveMaxPool1d(outputSize=1)');
  });

  it('a text CNN’s max over time: AdaptiveMaxPool1d(1) is the max along the length', () => {
    scope(() => {
      const x = tensor([1, 5, 2, -1, -3, -2], { shape: [1, 2, 3], requiresGrad: true });
      const y = new AdaptiveMaxPool1d(1).forward(x);
      expect(y.shape).toEqual([1, 2, 1]);
      expect(nums(y.dataSync())).toEqual([5, -1]);
      y.sum().backward();
      expect(nums(x.grad!.dataSync())).toEqual([0, 1, 0, 1, 0, 0]);
    });
  });

  it('refuse bad options and inputs, naming the layer and argument', () => {
    expect(() => new MaxPool1d(0)).toThrow(/^MaxPool1d: kernelSize expected an integer >= 1 \(or \[kernelSize\]\), got 0$/);
    expect(() => new MaxPool1d(3, { stride: [2, 2] as never })).toThrow(/^MaxPool1d: stride expected an integer >= 1 \(or \[stride\]\), got \[2,2\]$/);
    expect(() => new MaxPool1d(3, { padding: 2 })).toThrow(/^MaxPool1d: padding 2 should be at most half of kernelSize 3$/);
    expect(() => new MaxPool1d(3, { returnIndices: true } as never)).toThrow(/^MaxPool1d: unknown option 'returnIndices' \(it takes 'stride', 'padding', 'dilation', 'ceilMode'\)$/);
    expect(() => new AvgPool1d(2, { dilation: 2 } as never)).toThrow(/^AvgPool1d: unknown option 'dilation'/);
    expect(() => new AvgPool1d(2, { padding: -1 })).toThrow(/^AvgPool1d: padding expected an integer >= 0 \(or \[padding\]\), got -1$/);
    expect(() => new AdaptiveAvgPool1d(0)).toThrow(/^AdaptiveAvgPool1d: outputSize expected an integer >= 1 \(or \[outputSize\]\), got 0$/);
    expect(() => new AdaptiveMaxPool1d(2.5)).toThrow(/^AdaptiveMaxPool1d: outputSize expected an integer >= 1 \(or \[outputSize\]\), got 2.5$/);
    scope(() => {
      expect(() => new MaxPool1d(2).forward(ones([1, 2, 3, 4]))).toThrow(/^maxPool1d: input expected \[N, C, L\] or unbatched \[C, L\], got \[1,2,3,4\]$/);
      expect(() => new AdaptiveMaxPool1d(2).forward(ones([2, 3, 0]))).toThrow(/^adaptiveMaxPool1d: input expected non-zero channels and length, got \[2,3,0\]$/);
      expect(() => new AvgPool1d(2).forward(ones([4]))).toThrow(/^avgPool1d: input expected \[N, C, L\] or unbatched \[C, L\], got \[4\]$/);
    });
  });
});
