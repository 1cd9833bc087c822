// Every layer and loss against PyTorch (fixtures from scripts/fixtures_nn.py): forward outputs,
// input and parameter gradients, and running statistics after a training-mode forward.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensorsFile, relu, scope, tensor, type RawTensor, type Tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import * as nn from '../src/index.js';

const dir = fileURLToPath(new URL('./fixtures/layers/', import.meta.url));
const toTensor = (r: RawTensor, requiresGrad = false) => tensor(r.data, { shape: r.shape, dtype: r.dtype, requiresGrad: requiresGrad && r.dtype === 'float32' });

function outputsOf(out: unknown): Tensor[] {
  if ((out as Tensor).isTensor) return [out as Tensor];
  if ('weights' in (out as object)) return [(out as nn.MultiheadAttentionResult).output, (out as nn.MultiheadAttentionResult).weights!];
  const o = out as { output: Tensor; h: Tensor; c?: Tensor };
  return o.c ? [o.output, o.h, o.c] : [o.output, o.h];
}

describe('layers and losses match PyTorch', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort()) {
    const name = file.replace('.safetensors', '');
    it(name, () => {
      const { tensors, metadata } = readSafetensorsFile(dir + file);
      const spec = JSON.parse(metadata.spec) as { cls: string; args: unknown[]; layer?: [number, number, nn.TransformerEncoderLayerOptions]; numLayers?: number; norm?: number };
      const evalMode = JSON.parse(metadata.eval) as boolean;
      scope(() => {
        const Cls = (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[spec.cls];
        expect(Cls, spec.cls).toBeDefined();
        // A TransformerEncoder is built from a layer and a norm, which JSON cannot carry.
        const layer =
          spec.cls === 'TransformerEncoder'
            ? new nn.TransformerEncoder(new nn.TransformerEncoderLayer(...spec.layer!), spec.numLayers!, { norm: new nn.LayerNorm(spec.norm!) })
            : new Cls(...spec.args);
        const params = new Map([...tensors].filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), toTensor(v)]));
        layer.loadStateDict(params);
        layer.train(!evalMode);
        const inputs = [...tensors].filter(([k]) => k.startsWith('input.')).sort().map(([, v]) => toTensor(v, true));
        const outs = outputsOf(layer.forward(...inputs));
        outs.forEach((o, j) => {
          const want = tensors.get(`output.${j}`)!;
          expect(o.shape, `output ${j} shape`).toEqual(want.shape);
          expectClose(o.dataSync(), want.data, 1e-4, 1e-4, `output ${j}`);
        });
        const withGrad = outs.map((o, j) => [o, tensors.get(`upstream.${j}`)] as const).filter(([o, u]) => u && o.requiresGrad);
        withGrad.forEach(([o, u], k) => o.backward(toTensor(u!), { retainGraph: k < withGrad.length - 1 }));
        inputs.forEach((x, i) => {
          const want = tensors.get(`grad.input.${i}`);
          if (!want) return;
          expect(x.grad, `gradient of input ${i}`).not.toBeNull();
          expectClose(x.grad!.dataSync(), want.data, 1e-4, 1e-3, `gradient of input ${i}`);
        });
        for (const [k, p] of layer.namedParameters()) {
          const want = tensors.get(`grad.param.${k}`);
          if (!want) continue;
          expect(p.grad, `gradient of ${k}`).not.toBeNull();
          expectClose(p.grad!.dataSync(), want.data, 1e-4, 1e-3, `gradient of ${k}`);
        }
        for (const [k, b] of layer.namedBuffers()) {
          const want = tensors.get(`buffer_after.${k}`);
          if (want) expectClose(b.dataSync(), want.data, 1e-5, 1e-4, `buffer ${k} after the step`);
        }
      });
    });
  }
});

describe("Conv2d activation 'relu' (Note [fused conv activation])", () => {
  // PyTorch's Conv2d has no activation, so the reference is our own unfused relu(conv(x)): both
  // the oneDNN path (8 input channels) and the narrow-input kernel (1 channel, rows of 20).
  for (const [cin, width] of [
    [8, 9],
    [1, 20],
  ]) {
    it(`equals relu after the plain layer, forward and backward (${cin} input channels)`, () => {
      scope(() => {
        const plain = new nn.Conv2d(cin, 5, 3, { padding: 1 });
        const fused = new nn.Conv2d(cin, 5, 3, { padding: 1, activation: 'relu' });
        fused.loadStateDict(new Map(plain.namedParameters()));
        const values = Array.from({ length: 2 * cin * 7 * width }, (_, i) => Math.sin(0.37 * i + 0.1));
        const xa = tensor(values, { shape: [2, cin, 7, width], requiresGrad: true });
        const xb = tensor(values, { shape: [2, cin, 7, width], requiresGrad: true });
        const ya = relu(plain.forward(xa));
        const yb = fused.forward(xb);
        expect(yb.dataSync().some((v) => v === 0)).toBe(true); // the relu did clip something
        expectClose(yb.dataSync(), ya.dataSync(), 1e-6, 1e-6, 'output');
        const up = tensor(Array.from({ length: ya.numel }, (_, i) => Math.cos(0.21 * i)), { shape: ya.shape });
        ya.backward(up);
        yb.backward(up);
        expectClose(xb.grad!.dataSync(), xa.grad!.dataSync(), 1e-5, 1e-5, 'input gradient');
        expectClose(fused.weight.grad!.dataSync(), plain.weight.grad!.dataSync(), 1e-5, 1e-5, 'weight gradient');
        expectClose(fused.bias!.grad!.dataSync(), plain.bias!.grad!.dataSync(), 1e-5, 1e-5, 'bias gradient');
      });
    });
  }
});

describe('ConvTranspose2d', () => {
  it('undoes a strided convolution’s downsampling: [N,16,4,4] → [N,8,8,8] (a DCGAN generator block)', () => {
    scope(() => {
      const up = new nn.ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 });
      expect([...up.namedParameters()].map(([k, p]) => [k, p.shape])).toEqual([
        ['weight', [16, 8, 4, 4]],
        ['bias', [8]],
      ]);
      expect(up.forward(tensor(new Float32Array(2 * 16 * 16), { shape: [2, 16, 4, 4] })).shape).toEqual([2, 8, 8, 8]);
    });
  });

  it('refuses channel counts that groups does not divide', () => {
    expect(() => new nn.ConvTranspose2d(6, 4, 3, { groups: 4 })).toThrow(/^ConvTranspose2d: inChannels \(6\) and outChannels \(4\) must be divisible by groups \(4\)$/);
    expect(() => new nn.ConvTranspose1d(4, 6, 3, { groups: 0 })).toThrow(/^ConvTranspose1d: inChannels \(4\) and outChannels \(6\) must be divisible by groups \(0\)$/);
  });
});

describe('layer arguments (found by a user trial)', () => {
  it('refuse options a layer does not take, as PyTorch refuses unknown keyword arguments', () => {
    expect(() => new nn.Conv2d(1, 2, 3, { pading: 1 } as never)).toThrow(/^Conv2d: unknown option 'pading' \(it takes 'stride', 'padding', /);
    expect(() => new nn.Linear(2, 3, { bais: false } as never)).toThrow(/^Linear: unknown option 'bais' \(it takes 'bias'\)$/);
    expect(() => new nn.LSTM(2, 3, { batch_first: true } as never)).toThrow(/^LSTM: unknown option 'batch_first'/);
    expect(() => new nn.BatchNorm2d(3, { momentum: null } as never)).toThrow(/^BatchNorm2d: momentum null \(PyTorch's cumulative average\) is not supported/);
    expect(() => new nn.CrossEntropyLoss({ ignore_index: 1 } as never).forward(tensor([[1, 2]]), tensor([0n]))).toThrow(/^crossEntropy: unknown option 'ignore_index'/);
  });

  it('blame the input, not the weights, when its width is wrong', () => {
    scope(() => {
      expect(() => new nn.LSTM(3, 4).forward(tensor(new Float32Array(2 * 1 * 4), { shape: [2, 1, 4] }))).toThrow(
        /^lstm: input has 4 features \(its last dimension\) but weight_ih_l0 \[16,3\] expects 3 \(the layer's inputSize\)$/,
      );
      expect(() => new nn.BatchNorm2d(3).forward(tensor(new Float32Array(2 * 4), { shape: [2, 4, 1, 1] }))).toThrow(
        /^BatchNorm2d: input has 4 channels \(dim 1 of \[2,4,1,1\]\) but the layer normalises 3 \(numFeatures\)$/,
      );
    });
  });
});

describe('GroupNorm and the composed losses refuse bad arguments, naming the argument', () => {
  it('groups, channels, options', () => {
    expect(() => new nn.GroupNorm(4, 6)).toThrow(/^GroupNorm: numChannels 6 expected a multiple of numGroups 4$/);
    expect(() => new nn.GroupNorm(2, 6, { elementwiseAffine: false } as never)).toThrow(/^GroupNorm: unknown option 'elementwiseAffine'/);
    scope(() => {
      expect(() => new nn.GroupNorm(2, 6).forward(tensor(new Float32Array(8), { shape: [2, 4] }))).toThrow(/^GroupNorm: input expected 6 channels in dim 1, got \[2,4\]$/);
      const x = tensor([1, 2, 3]);
      expect(() => new nn.SmoothL1Loss({ beta: -1 }).forward(x, x)).toThrow(/^smoothL1Loss: beta expected a number >= 0, got -1$/);
      expect(() => new nn.HuberLoss({ delta: 0 }).forward(x, x)).toThrow(/^huberLoss: delta expected a number > 0, got 0$/);
      expect(() => new nn.KLDivLoss({ reduction: 'avg' as never }).forward(x, x)).toThrow(/^klDiv: reduction expected one of 'none', 'mean', 'batchmean', 'sum', got 'avg'$/);
      expect(() => new nn.HuberLoss().forward(x, tensor([1, 2, 3], { dtype: 'int32' }))).toThrow(/^huberLoss: target expected float32, got int32$/);
    });
  });
});
