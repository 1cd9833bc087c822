// The 3-d layers: BatchNorm3d over three training steps and then in eval mode against PyTorch
// (test/fixtures/batchnorm3d-steps.safetensors from scripts/fixtures_nn_pool3d.py: outputs and
// running statistics after each step, momentum 0.1 and the cumulative average), its state-dict
// names and its refusal of other ranks; the 3-d pooling layers' and Upsample's reprs and
// refusals at construction. Their values and gradients against PyTorch are in layers.test.ts
// (the same script's test/fixtures/layers/*3d*.safetensors).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { interpolate, ones, randn, readSafetensorsFile, scope, tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import { AdaptiveAvgPool3d, AdaptiveMaxPool3d, AvgPool3d, BatchNorm2d, BatchNorm3d, MaxPool3d, Sequential, Upsample } from '../src/index.js';

const { tensors } = readSafetensorsFile(fileURLToPath(new URL('./fixtures/batchnorm3d-steps.safetensors', import.meta.url)));
const raw = (k: string) => {
  const r = tensors.get(k);
  if (!r) throw new Error(`fixture has no ${k}`);
  return r;
};
const load = (k: string) => tensor(raw(k).data, { shape: raw(k).shape, dtype: raw(k).dtype });

describe('BatchNorm3d matches PyTorch over training steps and in eval mode', () => {
  for (const [name, momentum] of [
    ['momentum', 0.1],
    ['cumulative', null],
  ] as const) {
    it(`${name} (momentum ${momentum})`, () => {
      scope(() => {
        const bn = new BatchNorm3d(3, { momentum });
        bn.loadStateDict(new Map([...bn.stateDict()].map(([k, v]) => [k, k === 'weight' || k === 'bias' ? load(`${name}.${k}`) : v])));
        for (let i = 0; i < 3; i++) {
          const y = bn.forward(load(`input.${i}`));
          expectClose(y.dataSync(), raw(`${name}.output.${i}`).data, 1e-5, 1e-4, `output ${i}`);
          expectClose(bn.running_mean!.dataSync(), raw(`${name}.running_mean.${i}`).data, 1e-6, 1e-5, `running_mean after step ${i}`);
          expectClose(bn.running_var!.dataSync(), raw(`${name}.running_var.${i}`).data, 1e-6, 1e-5, `running_var after step ${i}`);
        }
        expect(Number(bn.num_batches_tracked!.itemSync())).toBe(Number(raw(`${name}.num_batches_tracked`).data[0]));
        bn.eval();
        expectClose(bn.forward(load('eval_input')).dataSync(), raw(`${name}.eval_output`).data, 1e-5, 1e-4, 'eval output');
      });
    });
  }

  it('state-dict names and shapes are PyTorch’s; without affine or tracking they are absent', () => {
    scope(() => {
      const model = new Sequential(new BatchNorm3d(4));
      expect([...model.stateDict()].map(([k, v]) => [k, v.shape, v.dtype])).toEqual([
        ['0.weight', [4], 'float32'],
        ['0.bias', [4], 'float32'],
        ['0.running_mean', [4], 'float32'],
        ['0.running_var', [4], 'float32'],
        ['0.num_batches_tracked', [], 'int64'],
      ]);
      expect([...new BatchNorm3d(2, { affine: false, trackRunningStats: false }).stateDict().keys()]).toEqual([]);
      expect(String(new BatchNorm3d(4))).toBe('BatchNorm3d(4, eps=0.00001, momentum=0.1)');
    });
  });

  it('refuses other ranks in PyTorch’s words, and a channel count that is not numFeatures', () => {
    scope(() => {
      expect(() => new BatchNorm3d(3).forward(ones([2, 3, 4, 4]))).toThrow(/^BatchNorm3d: expected 5D input \(got 4D input of shape \[2,3,4,4\]\)$/);
      expect(() => new BatchNorm3d(3).forward(ones([2, 3, 2, 2, 2, 2]))).toThrow(/^BatchNorm3d: expected 5D input \(got 6D input/);
      expect(() => new BatchNorm2d(3).forward(ones([2, 3, 4, 4, 4]))).toThrow(/^BatchNorm2d: expected 4D input \(got 5D input of shape \[2,3,4,4,4\]\)$/);
      expect(() => new BatchNorm3d(3).forward(ones([2, 4, 2, 2, 2]))).toThrow(/^BatchNorm3d: input has 4 channels \(dim 1 of \[2,4,2,2,2\]\) but the layer normalises 3 \(numFeatures\)$/);
      expect(() => new BatchNorm3d({ numFeatures: 3 } as never)).toThrow(/^BatchNorm3d: numFeatures is positional: new BatchNorm3d\(3\)$/);
    });
  });
});

describe('3-d pooling layers', () => {
  it('reprs are PyTorch’s, in camelCase', () => {
    expect(String(new MaxPool3d(2))).toBe('MaxPool3d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false)');
    expect(String(new MaxPool3d([3, 2, 3], { stride: 2, padding: [1, 1, 0], dilation: [1, 2, 1], ceilMode: true }))).toBe(
      'MaxPool3d(kernelSize=[3, 2, 3], stride=2, padding=[1, 1, 0], dilation=[1, 2, 1], ceilMode=true)',
    );
    expect(String(new AvgPool3d(3, { stride: 2, padding: 1 }))).toBe('AvgPool3d(kernelSize=3, stride=2, padding=1)');
    expect(String(new AvgPool3d(2, { ceilMode: true, countIncludePad: false, divisorOverride: 3 }))).toBe('AvgPool3d(kernelSize=2, stride=2, padding=0, ceilMode=true, countIncludePad=false, divisorOverride=3)');
    expect(String(new AdaptiveAvgPool3d([2, null, 3]))).toBe('AdaptiveAvgPool3d(outputSize=[2, null, 3])');
    expect(String(new AdaptiveMaxPool3d(1))).toBe('AdaptiveMaxPool3d(outputSize=1)');
  });

  it('are the tensor functions with their settings', () => {
    scope(() => {
      const x = randn([2, 3, 5, 6, 7]);
      expect(new MaxPool3d(3, { stride: 2, padding: 1, ceilMode: true }).forward(x).shape).toEqual([2, 3, 3, 4, 4]);
      expect(new AvgPool3d([1, 2, 2]).forward(x).shape).toEqual([2, 3, 5, 3, 3]);
      expect(new AdaptiveAvgPool3d([2, null, 3]).forward(x).shape).toEqual([2, 3, 2, 6, 3]);
      expect(new AdaptiveMaxPool3d(1).forward(x).shape).toEqual([2, 3, 1, 1, 1]);
    });
  });

  it('refuse bad settings when made, naming the layer and argument', () => {
    expect(() => new MaxPool3d(0)).toThrow(/^MaxPool3d: kernelSize expected an integer >= 1 or \[d, h, w\] of them, got 0$/);
    expect(() => new MaxPool3d([2, 2] as never)).toThrow(/^MaxPool3d: kernelSize expected an integer >= 1 or \[d, h, w\] of them, got \[2,2\]$/);
    expect(() => new MaxPool3d(2, { stride: [2, 0, 2] })).toThrow(/^MaxPool3d: stride expected an integer >= 1 or \[d, h, w\] of them, got \[2,0,2\]$/);
    expect(() => new MaxPool3d(3, { padding: [1, 2, 1] })).toThrow(/^MaxPool3d: padding \[1,2,1\] should be at most half of kernelSize \[3,3,3\]$/);
    expect(() => new MaxPool3d(2, { dilation: 0 })).toThrow(/^MaxPool3d: dilation expected an integer >= 1 or \[d, h, w\] of them, got 0$/);
    expect(() => new MaxPool3d(2, { ceilMode: 'yes' as never })).toThrow(/^MaxPool3d: option 'ceilMode' expected a boolean, got "yes"$/);
    expect(() => new MaxPool3d({ kernelSize: 2 } as never)).toThrow(/^MaxPool3d: kernelSize is positional: new MaxPool3d\(2\)$/);
    expect(() => new AvgPool3d(2, { padding: -1 })).toThrow(/^AvgPool3d: padding expected an integer >= 0 or \[d, h, w\] of them, got -1$/);
    expect(() => new AvgPool3d(2, { divisorOverride: 0 })).toThrow(/^AvgPool3d: option 'divisorOverride' expected a non-zero integer \(or null\), got 0$/);
    expect(() => new AvgPool3d(2, { dilation: 2 } as never)).toThrow(/^AvgPool3d: unknown option 'dilation'/);
    expect(() => new AvgPool3d(2, { count_include_pad: false } as never)).toThrow(/^AvgPool3d: unknown option 'count_include_pad'.*did you mean 'countIncludePad'\?/);
    expect(() => new AdaptiveAvgPool3d(0)).toThrow(/^AdaptiveAvgPool3d: outputSize expected a positive integer or \[d, h, w\] \(null keeps a size\), got 0$/);
    expect(() => new AdaptiveMaxPool3d([2, 2] as never)).toThrow(/^AdaptiveMaxPool3d: outputSize expected a positive integer or \[d, h, w\] \(null keeps a size\), got \[2,2\]$/);
    scope(() => {
      expect(() => new MaxPool3d(2).forward(ones([2, 4, 4]))).toThrow(/^maxPool3d: input expected \[N, C, D, H, W\] or unbatched \[C, D, H, W\], got \[2,4,4\]$/);
      expect(() => new AvgPool3d(5).forward(ones([1, 1, 4, 4, 4]))).toThrow(/^avgPool3d: output size 0x0x0 is too small for input \[1,1,4,4,4\]/);
    });
  });
});

describe("Upsample with mode 'trilinear'", () => {
  it('is interpolate on [N, C, D, H, W]; modes are still checked when the layer is made', () => {
    scope(() => {
      const x = randn([1, 2, 2, 3, 4]);
      const layer = new Upsample({ scaleFactor: 2, mode: 'trilinear', alignCorners: true });
      expect(String(layer)).toBe('Upsample(scaleFactor=2, mode=trilinear, alignCorners=true)');
      const y = layer.forward(x);
      expect(y.shape).toEqual([1, 2, 4, 6, 8]);
      expect(Array.from(y.dataSync() as Float32Array)).toEqual(Array.from(interpolate(x, { scaleFactor: 2, mode: 'trilinear', alignCorners: true }).dataSync() as Float32Array));
      expect(() => layer.forward(randn([1, 2, 3, 4]))).toThrow(/^interpolate: mode 'trilinear' expected \[N,C,D,H,W\] input, got \[1,2,3,4\]$/);
    });
  });
});
