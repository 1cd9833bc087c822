// Every layer and loss against PyTorch (fixtures from scripts/fixtures_nn.py): forward outputs,
// input and parameter gradients, and running statistics after a training-mode forward.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { arange, conv2d, copyInto, cos, memory, noGrad, pad, readSafetensorsFile, relu, scope, sin, stack, tensor, type RawTensor, type Tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import * as nn from '../src/index.js';

const dir = fileURLToPath(new URL('./fixtures/layers/', import.meta.url));
const toTensor = (r: RawTensor, requiresGrad = false) => tensor(r.data, { shape: r.shape, dtype: r.dtype, requiresGrad: requiresGrad && r.dtype === 'float32' });

function outputsOf(out: unknown): Tensor[] {
  if ((out as Tensor).isTensor) return [out as Tensor];
  if ('weights' in (out as object)) return [(out as nn.MultiheadAttentionResult).output, (out as nn.MultiheadAttentionResult).weights!];
  const o = out as { output?: Tensor; h: Tensor; c?: Tensor };
  if (!o.output) return [o.h, o.c!]; // LSTMCell: { h, c }
  return o.c ? [o.output, o.h, o.c] : [o.output, o.h];
}

describe('layers and losses match PyTorch', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort()) {
    const name = file.replace('.safetensors', '');
    it(name, () => {
      const { tensors, metadata } = readSafetensorsFile(dir + file);
      const spec = JSON.parse(metadata.spec) as { cls: string; args: unknown[]; layer?: [number, number, nn.TransformerEncoderLayerOptions]; numLayers?: number; norm?: number; state?: string[] };
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
        // spec.state: the inputs after the first are one state object (LSTMCell's { h, c }).
        const args = spec.state ? [inputs[0], Object.fromEntries(spec.state.map((k, i) => [k, inputs[i + 1]]))] : inputs;
        const outs = outputsOf(layer.forward(...args));
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

  it("forward(x, outputSize) picks the output padding, as PyTorch's forward(input, output_size) (a GAN trial found it ignored)", () => {
    scope(() => {
      const up = new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1 });
      const x = tensor(Array.from({ length: 2 * 4 * 7 * 7 }, (_, i) => Math.sin(i)), { shape: [2, 4, 7, 7] });
      expect(up.forward(x).shape).toEqual([2, 2, 13, 13]);
      const sized = up.forward(x, [14, 14]);
      expect(sized.shape).toEqual([2, 2, 14, 14]);
      expect(Array.from(sized.dataSync())).toEqual(Array.from(up.forward(x, [2, 2, 14, 14]).dataSync()));
      const explicit = new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 });
      explicit.loadStateDict(up.stateDict());
      expect(Array.from(sized.dataSync())).toEqual(Array.from(explicit.forward(x).dataSync()));
      expect(() => up.forward(x, [15, 14])).toThrow(/^ConvTranspose2d.forward: outputSize \[15,14\] is not reachable from input \[7,7\]: dim 0 expected 13 to 14, got 15$/);
      const up1 = new nn.ConvTranspose1d(2, 2, 3, { stride: 3 });
      expect(up1.forward(tensor(new Float32Array(2 * 5), { shape: [1, 2, 5] }), [17]).shape).toEqual([1, 2, 17]);
      expect(() => (new nn.Conv2d(4, 2, 3).forward as (...a: unknown[]) => Tensor)(x, [5, 5])).toThrow(/^Conv2d.forward: takes at most 1 argument, got 2/);
    });
  });

  it('refuses channel counts that groups does not divide', () => {
    expect(() => new nn.ConvTranspose2d(6, 4, 3, { groups: 4 })).toThrow(/^ConvTranspose2d: inChannels \(6\) must be divisible by groups \(4\)$/);
    expect(() => new nn.ConvTranspose2d(6, 3, 3, { groups: 4 })).toThrow(/^ConvTranspose2d: inChannels \(6\) and outChannels \(3\) must be divisible by groups \(4\)$/);
    expect(() => new nn.Conv2d(3, 8, 3, { groups: 2 })).toThrow(/^Conv2d: inChannels \(3\) must be divisible by groups \(2\)$/);
    expect(() => new nn.ConvTranspose1d(4, 6, 3, { groups: 0 })).toThrow(/^ConvTranspose1d: groups expected a positive integer, got 0$/);
    // PyTorch refuses 'same' with a stride when the layer is made.
    expect(() => new nn.Conv2d(3, 8, 3, { padding: 'same', stride: 2 })).toThrow(/^Conv2d: padding 'same' is not supported for strided convolutions \(stride 2\), as in PyTorch/);
    expect(() => new nn.Conv2d(3, 8, 3, { padding: 'same', stride: [1, 1] })).not.toThrow();
  });
});

describe('Conv3d and ConvTranspose3d', () => {
  it("have PyTorch's parameter names and shapes, and a 3-d U-Net's down and up steps undo each other's sizes", () => {
    scope(() => {
      const down = new nn.Conv3d(2, 8, 3, { stride: 2, padding: 1 });
      const up = new nn.ConvTranspose3d(8, 2, 2, { stride: 2 });
      expect([...down.namedParameters()].map(([k, p]) => [k, p.shape])).toEqual([
        ['weight', [8, 2, 3, 3, 3]],
        ['bias', [8]],
      ]);
      expect([...up.namedParameters()].map(([k, p]) => [k, p.shape])).toEqual([
        ['weight', [8, 2, 2, 2, 2]],
        ['bias', [2]],
      ]);
      const x = tensor(new Float32Array(2 * 2 * 8 * 12 * 10), { shape: [2, 2, 8, 12, 10] });
      const mid = down.forward(x);
      expect(mid.shape).toEqual([2, 8, 4, 6, 5]);
      expect(up.forward(mid).shape).toEqual([2, 2, 8, 12, 10]);
      expect(String(down)).toBe('Conv3d(2, 8, kernelSize=[3,3,3], stride=2, padding=1)');
    });
  });

  it("ConvTranspose3d.forward(x, outputSize) picks the output padding, as PyTorch's", () => {
    scope(() => {
      const up = new nn.ConvTranspose3d(3, 2, 3, { stride: 2, padding: 1 });
      const x = tensor(Array.from({ length: 3 * 3 * 4 * 5 }, (_, i) => Math.sin(i)), { shape: [1, 3, 3, 4, 5] });
      expect(up.forward(x).shape).toEqual([1, 2, 5, 7, 9]);
      const sized = up.forward(x, [6, 7, 10]);
      expect(sized.shape).toEqual([1, 2, 6, 7, 10]);
      const explicit = new nn.ConvTranspose3d(3, 2, 3, { stride: 2, padding: 1, outputPadding: [1, 0, 1] });
      explicit.loadStateDict(up.stateDict());
      expect(Array.from(sized.dataSync())).toEqual(Array.from(explicit.forward(x).dataSync()));
      expect(() => up.forward(x, [7, 7, 9])).toThrow(/^ConvTranspose3d.forward: outputSize \[7,7,9\] is not reachable from input \[3,4,5\]: dim 0 expected 5 to 6, got 7$/);
      // The whole output shape, as PyTorch's output_size=y.shape: C in front for an unbatched input.
      expect(up.forward(x.squeeze(0), [2, 6, 7, 10]).shape).toEqual([2, 6, 7, 10]);
      expect(() => up.forward(x, [2, 6, 7, 10])).toThrow(/^ConvTranspose3d.forward: outputSize expected 3 \(or 5, with N and C\) integers, got \[2,6,7,10\]$/);
    });
  });

  it('refuses what PyTorch refuses when the layer is made', () => {
    expect(() => new nn.Conv3d(3, 8, 3, { groups: 2 })).toThrow(/^Conv3d: inChannels \(3\) must be divisible by groups \(2\)$/);
    expect(() => new nn.Conv3d(3, 8, 3, { padding: 'same', stride: 2 })).toThrow(/^Conv3d: padding 'same' is not supported for strided convolutions/);
    expect(() => new nn.Conv3d(3, 8, 3, { activation: 'relu' } as never)).toThrow(/Conv3d.*activation/);
    expect(() => new nn.Conv3d(3, 8, 3, { paddingMode: 'mirror' } as never)).toThrow(/^Conv3d: paddingMode expected one of 'zeros', 'reflect', 'replicate', 'circular', got "mirror"$/);
    expect(() => new nn.ConvTranspose3d(6, 4, 3, { groups: 4 })).toThrow(/^ConvTranspose3d: inChannels \(6\) must be divisible by groups \(4\)$/);
    // Found by user trial AP: a 2-d kernel made a 4-d weight that failed only at forward, and
    // PyTorch's return_indices argument was dropped without a word.
    expect(() => new nn.Conv3d(1, 2, [3, 3] as never)).toThrow(/^Conv3d: kernelSize expected a positive integer or \[kD, kH, kW\], got \[3,3\]$/);
    expect(() => new nn.ConvTranspose3d(1, 2, [0, 3, 3])).toThrow(/^ConvTranspose3d: kernelSize expected a positive integer or \[kD, kH, kW\], got \[0,3,3\]$/);
    for (const Layer of [nn.AdaptiveMaxPool3d, nn.AdaptiveAvgPool3d, nn.AdaptiveMaxPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool1d, nn.AdaptiveAvgPool1d]) {
      expect(() => new (Layer as new (...a: unknown[]) => unknown)(2, { returnIndices: true })).toThrow(new RegExp(`^${Layer.name}: takes one argument \\(outputSize\\), got 2; PyTorch's return_indices is not offered`));
    }
  });
});

describe('layer arguments (found by a user trial)', () => {
  it('refuse options a layer does not take, as PyTorch refuses unknown keyword arguments', () => {
    expect(() => new nn.Conv2d(1, 2, 3, { pading: 1 } as never)).toThrow(/^Conv2d: unknown option 'pading' \(it takes 'stride', 'padding', /);
    expect(() => new nn.Linear(2, 3, { bais: false } as never)).toThrow(/^Linear: unknown option 'bais' \(it takes 'bias'\)$/);
    expect(() => new nn.LSTM(2, 3, { batch_first: true } as never)).toThrow(/^LSTM: unknown option 'batch_first'/);
    expect(() => new nn.BatchNorm2d(3, { momentum: 2 })).toThrow(/^BatchNorm2d: momentum expected a number in \[0, 1\] or null \(a cumulative average\), got 2$/);
    expect(() => new nn.CrossEntropyLoss({ ignore_index: 1 } as never)).toThrow(/^CrossEntropyLoss: unknown option 'ignore_index' .*; did you mean 'ignoreIndex'\?$/);
  });

  it('check positional arguments when the layer is made (a user trial: ELU({ alpha: 2 }) failed only at forward)', () => {
    expect(() => new nn.ELU({ alpha: 2 } as never)).toThrow(/^ELU: alpha is positional: new ELU\(2\)$/);
    expect(() => new nn.LeakyReLU('0.2' as never)).toThrow(/^LeakyReLU: negativeSlope expected a number, got '0.2'$/);
    expect(() => new nn.Softmax({ dim: 1 } as never)).toThrow(/^Softmax: dim is positional: new Softmax\(1\)$/);
    expect(() => new nn.Flatten(1.5)).toThrow(/^Flatten: startDim expected an integer, got 1.5$/);
    expect(() => (new nn.ReLU().forward as (...a: unknown[]) => unknown)(tensor([1]), true)).toThrow(/^ReLU.forward: takes at most 1 argument, got 2/);
  });

  it("refuse an options object where the numbers are positional, writing the call that works (a user trial: new Dropout({ p: 0.2 }) said 'got [object Object]')", () => {
    const refusals: [() => unknown, string][] = [
      [() => new nn.Dropout({ p: 0.2 } as never), 'Dropout: p is positional: new Dropout(0.2)'],
      [() => new nn.Dropout2d({ p: 0.3 } as never), 'Dropout2d: p is positional: new Dropout2d(0.3)'],
      [() => new nn.Linear({ inFeatures: 4, outFeatures: 2, bias: false } as never, undefined as never), 'Linear: inFeatures is positional: new Linear(4, 2, { bias: false })'],
      [() => new nn.Conv2d(1, 8, { kernelSize: 3, padding: 1 } as never), 'Conv2d: kernelSize is positional: new Conv2d(1, 8, 3, { padding: 1 })'],
      [() => new nn.ConvTranspose1d({ in_channels: 2 } as never, 1, 1), 'ConvTranspose1d: inChannels is positional: new ConvTranspose1d(inChannels, outChannels, kernelSize, { in_channels: 2 })'],
      [() => new nn.LSTM({ inputSize: 2, hiddenSize: 3, numLayers: 2 } as never, undefined as never), 'LSTM: inputSize is positional: new LSTM(2, 3, { numLayers: 2 })'],
      [() => new nn.GRUCell({ inputSize: 2, hiddenSize: 3 } as never, undefined as never), 'GRUCell: inputSize is positional: new GRUCell(2, 3)'],
      [() => new nn.BatchNorm2d({ numFeatures: 16 } as never), 'BatchNorm2d: numFeatures is positional: new BatchNorm2d(16)'],
      [() => new nn.InstanceNorm1d({ numFeatures: 4, affine: true } as never), 'InstanceNorm1d: numFeatures is positional: new InstanceNorm1d(4, { affine: true })'],
      [() => new nn.LayerNorm({ normalizedShape: [4, 4] } as never), 'LayerNorm: normalizedShape is positional: new LayerNorm([4, 4])'],
      [() => new nn.GroupNorm({ numGroups: 2, numChannels: 4 } as never, undefined as never), 'GroupNorm: numGroups is positional: new GroupNorm(2, 4)'],
      [() => new nn.RMSNorm({ normalizedShape: 8 } as never), 'RMSNorm: normalizedShape is positional: new RMSNorm(8)'],
      [() => new nn.Embedding({ numEmbeddings: 10, embeddingDim: 3 } as never, undefined as never), 'Embedding: numEmbeddings is positional: new Embedding(10, 3)'],
      [() => new nn.MultiheadAttention(8, { numHeads: 2 } as never), 'MultiheadAttention: numHeads is positional: new MultiheadAttention(8, 2)'],
      [() => new nn.TransformerEncoderLayer({ dModel: 8, nhead: 2 } as never, undefined as never), 'TransformerEncoderLayer: dModel is positional: new TransformerEncoderLayer(8, 2)'],
      [() => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2), { numLayers: 2 } as never), 'TransformerEncoder: numLayers is positional: new TransformerEncoder(encoderLayer, 2)'],
      [() => new nn.MaxPool2d({ kernelSize: 2, stride: 2 } as never), 'MaxPool2d: kernelSize is positional: new MaxPool2d(2, { stride: 2 })'],
      [() => new nn.AvgPool1d({ kernelSize: 3 } as never), 'AvgPool1d: kernelSize is positional: new AvgPool1d(3)'],
      [() => new nn.AdaptiveAvgPool2d({ outputSize: 1 } as never), 'AdaptiveAvgPool2d: outputSize is positional: new AdaptiveAvgPool2d(1)'],
      [() => new nn.AdaptiveMaxPool1d({ outputSize: 4 } as never), 'AdaptiveMaxPool1d: outputSize is positional: new AdaptiveMaxPool1d(4)'],
      [() => new nn.PixelShuffle({ upscaleFactor: 2 } as never), 'PixelShuffle: upscaleFactor is positional: new PixelShuffle(2)'],
      [() => new nn.ZeroPad2d({ padding: 1 } as never), 'ZeroPad2d: padding is positional: new ZeroPad2d(1)'],
      [() => new nn.ConstantPad1d({ padding: 2, value: 3.5 } as never, undefined as never), 'ConstantPad1d: padding is positional: new ConstantPad1d(2, 3.5)'],
      [() => new nn.Unflatten(1, { unflattenedSize: [2, 2] } as never), 'Unflatten: unflattenedSize is positional: new Unflatten(1, [2, 2])'],
      [() => new nn.LeakyReLU({ negativeSlope: 0.2 } as never), 'LeakyReLU: negativeSlope is positional: new LeakyReLU(0.2)'],
      // Softplus takes { beta, threshold } as its first argument (below), but not after beta.
      [() => new nn.Softplus(2, { threshold: 5 } as never), 'Softplus: threshold is positional: new Softplus(2, 5)'],
      [() => new nn.Hardtanh(-2, { maxVal: 2 } as never), 'Hardtanh: maxVal is positional: new Hardtanh(-2, 2)'],
      [() => new nn.GELU({ approximate: 'tanh' } as never), "GELU: approximate is positional: new GELU('tanh')"],
      [() => new nn.PReLU({ numParameters: 3 } as never), 'PReLU: numParameters is positional: new PReLU(3, init)'],
    ];
    for (const [make, message] of refusals) expect(make, message).toThrow(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    // Not an options object: a tensor or an array where a number goes keeps its own message.
    expect(() => new nn.Flatten(1.5)).toThrow(/^Flatten: startDim expected an integer, got 1.5$/);
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

describe('Softplus takes its numbers positionally or as one options object (a trial porting probabilistic models)', () => {
  it("gives nn.Softplus(beta=2, threshold=5)'s values either way, defaults where a key is left out", () => {
    scope(() => {
      const x = tensor([-3, -0.5, 0, 1, 2.4, 2.6, 4]);
      // nn.Softplus(beta=2, threshold=5)(x) and nn.Softplus(beta=2)(x) (PyTorch 2.13).
      const both = [0.0012378426, 0.15663084, 0.34657359, 1.0634640, 2.4040980, 2.5999999, 4];
      const betaOnly = [0.0012378426, 0.15663084, 0.34657359, 1.0634640, 2.4040980, 2.6027505, 4.0001678];
      expectClose(Array.from(new nn.Softplus({ beta: 2, threshold: 5 }).forward(x).dataSync()), both, 1e-6, 1e-6, 'Softplus({ beta: 2, threshold: 5 })');
      expectClose(Array.from(new nn.Softplus(2, 5).forward(x).dataSync()), both, 1e-6, 1e-6, 'Softplus(2, 5)');
      expectClose(Array.from(new nn.Softplus({ beta: 2 }).forward(x).dataSync()), betaOnly, 1e-6, 1e-6, 'Softplus({ beta: 2 })');
      const layers = [new nn.Softplus({ beta: 2 }), new nn.Softplus({ threshold: 5 }), new nn.Softplus({}), new nn.Softplus()];
      expect(layers.map((l) => [l.beta, l.threshold])).toEqual([[2, 20], [1, 5], [1, 20], [1, 20]]);
      // Printed as PyTorch prints it: Softplus(beta=2.0, threshold=20.0), in our number format.
      expect(layers[0].toString()).toBe('Softplus(beta=2, threshold=20)');
    });
  });

  it('checks the options object as every layer checks its options', () => {
    expect(() => new nn.Softplus({ beta: 2, treshold: 5 } as never)).toThrow(/^Softplus: unknown option 'treshold' \(it takes 'beta', 'threshold'\); did you mean 'threshold'\?$/);
    expect(() => new nn.Softplus({ beta: '2' } as never)).toThrow(/^Softplus: beta expected a number, got '2'$/);
    expect(() => new nn.Softplus({ beta: 2 }, 5 as never)).toThrow(/^Softplus: threshold goes inside the options object when one is given \(new Softplus\(\{ beta, threshold \}\)\), got 5 after it$/);
    expect(() => new nn.Softplus([2] as never)).toThrow(/^Softplus: beta expected a number, got an array$/);
  });
});

describe("Conv2d paddingMode and pad's circular mode against PyTorch (a ResNet trial found both missing)", () => {
  const torch = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/padding-mode.json', import.meta.url)), 'utf8')) as Record<string, { y: number[]; shape: number[]; dx: number[]; dw: number[] }> & { 'pad-circular': number[] };
  for (const mode of ['reflect', 'replicate', 'circular'] as const) {
    for (const padding of [1, 'same'] as const) {
      it(`${mode}, padding ${padding}: output, input and weight gradients`, () => {
        scope(() => {
          const want = torch[`${mode}-${padding}`];
          const conv = new nn.Conv2d(2, 3, 3, { padding, paddingMode: mode, dilation: padding === 1 ? 1 : 2 });
          noGrad(() => {
            copyInto(conv.weight, cos(arange(3 * 2 * 3 * 3).reshape([3, 2, 3, 3])).mul(0.3));
            copyInto(conv.bias!, tensor([0.1, -0.2, 0.3]));
          });
          const x = sin(arange(2 * 2 * 4 * 5).reshape([2, 2, 4, 5])).requiresGrad_();
          const y = conv.forward(x);
          expect(y.shape).toEqual(want.shape);
          y.mul(cos(y.detach())).sum().backward();
          expectClose(y.dataSync(), want.y, 1e-5, 1e-5, 'output');
          expectClose(x.grad!.dataSync(), want.dx, 1e-5, 1e-5, 'input gradient');
          expectClose(conv.weight.grad!.dataSync(), want.dw, 1e-4, 1e-5, 'weight gradient');
        });
      });
    }
  }

  it("pad(x, pads, { mode: 'circular' }) wraps around, and refuses more than a dim's size", () => {
    scope(() => {
      const x = arange(2 * 3 * 4).reshape([2, 3, 4]);
      expect(Array.from(pad(x, [1, 2, 3, 0], { mode: 'circular' }).dataSync(), Number)).toEqual(torch['pad-circular']);
      expect(() => pad(x, [5, 0], { mode: 'circular' })).toThrow(/^pad: circular padding of dim 2 \(size 4\) expected amounts from 0 to 4, got \(5, 0\)$/);
      expect(() => new nn.Conv2d(1, 1, 3, { paddingMode: 'wrap' as never })).toThrow(/^Conv2d: paddingMode expected one of 'zeros', 'reflect', 'replicate', 'circular', got "wrap"$/);
    });
  });
});

describe('fixes from a review of the day', () => {
  it('loss weights may be null (as before the shared Loss base); Sequential.append refuses extras', () => {
    expect(() => new nn.CrossEntropyLoss({ weight: null as never })).not.toThrow();
    expect(() => new nn.BCELoss({ weight: null as never })).not.toThrow();
    expect(() => (new nn.Sequential().append as (...a: unknown[]) => unknown)(new nn.ReLU(), new nn.ReLU())).toThrow(/^Sequential.append: takes at most 1 argument, got 2/);
  });

  it("Conv2d's paddingMode takes the asymmetric [top, left, bottom, right] padding", () => {
    scope(() => {
      const x = tensor(Array.from({ length: 16 }, (_, i) => i), { shape: [1, 1, 4, 4] });
      const conv = new nn.Conv2d(1, 1, 3, { padding: [1, 0, 2, 1], paddingMode: 'reflect', bias: false });
      const y = conv.forward(x);
      expect(y.shape).toEqual([1, 1, 5, 3]);
      const want = conv2d(pad(x, [0, 1, 1, 2], { mode: 'reflect' }), conv.weight);
      expect(Array.from(y.dataSync())).toEqual(Array.from(want.dataSync()));
    });
  });

  it('InstanceNorm on unbatched input leaves nothing behind', () => {
    const norm = new nn.InstanceNorm2d(3, { affine: true });
    const x = tensor(Array.from({ length: 3 * 4 * 4 }, (_, i) => Math.sin(i)), { shape: [3, 4, 4] });
    norm.forward(x).dispose();
    const before = memory().liveTensors;
    for (let i = 0; i < 5; i++) norm.forward(x).dispose();
    expect(memory().liveTensors).toBe(before);
  });
});

describe('AdaptiveMaxPool2d', () => {
  it('pools to a fixed size over adaptiveMaxPool2d (null keeps a size)', () => {
    scope(() => {
      const x = tensor(Array.from({ length: 2 * 3 * 5 * 7 }, (_, i) => Math.sin(i)), { shape: [2, 3, 5, 7] });
      const pool = new nn.AdaptiveMaxPool2d([2, null]);
      expect(pool.forward(x).shape).toEqual([2, 3, 2, 7]);
      expect(Array.from(new nn.AdaptiveMaxPool2d(1).forward(x).dataSync())).toEqual(Array.from(x.amax([2, 3]).dataSync()));
      expect(String(pool)).toBe('AdaptiveMaxPool2d(outputSize=[2, null])');
    });
  });
});

describe('BatchNorm momentum null (found by a ResNet trial: refused before)', () => {
  it("keeps the cumulative average of the batch statistics, as PyTorch's momentum=None, also after a state dict load", () => {
    scope(() => {
      const batch = (k: number) => tensor(Array.from({ length: 4 * 2 * 3 }, (_, i) => Math.sin(i * (k + 1)) * (k + 1) + k), { shape: [4, 2, 3] });
      const stats = (k: number) => {
        const v = Array.from(batch(k).dataSync());
        return [0, 1].map((c) => {
          const xs = [0, 1, 2, 3].flatMap((n) => v.slice((n * 2 + c) * 3, (n * 2 + c) * 3 + 3));
          const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
          return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) };
        });
      };
      const bn = new nn.BatchNorm1d(2, { momentum: null });
      for (let k = 0; k < 3; k++) bn.forward(batch(k));
      const loaded = new nn.BatchNorm1d(2, { momentum: null });
      loaded.loadStateDict(bn.stateDict());
      loaded.forward(batch(3));
      const want = [0, 1].map((c) => [0, 1, 2, 3].map((k) => stats(k)[c]));
      expectClose(loaded.running_mean!.dataSync(), want.map((s) => s.reduce((a, b) => a + b.mean, 0) / 4), 1e-6, 1e-5, 'running_mean');
      expectClose(loaded.running_var!.dataSync(), want.map((s) => s.reduce((a, b) => a + b.variance, 0) / 4), 1e-6, 1e-5, 'running_var');
      expect(Number(loaded.num_batches_tracked!.itemSync())).toBe(4);
      expect(String(bn)).toContain('momentum=null');
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
      expect(() => new nn.KLDivLoss({ reduction: 'avg' as never })).toThrow(/^KLDivLoss: reduction expected one of 'mean', 'batchmean', 'sum', 'none', got "avg"$/);
      expect(() => new nn.HuberLoss().forward(x, tensor([1, 2, 3], { dtype: 'int32' }))).toThrow(/^huberLoss: target expected float32, got int32$/);
    });
  });
});

describe('recurrent cells', () => {
  it('an LSTMCell unrolled over a sequence is the one-layer LSTM with the same weights, gradients included', () => {
    scope(() => {
      const cell = new nn.LSTMCell(3, 4);
      const layer = new nn.LSTM(3, 4);
      layer.loadStateDict(new Map([...cell.namedParameters()].map(([k, p]) => [`${k}_l0`, p])));
      const values = Array.from({ length: 5 * 2 * 3 }, (_, i) => Math.sin(0.3 * i));
      const xs = tensor(values, { shape: [5, 2, 3], requiresGrad: true });
      const xl = tensor(values, { shape: [5, 2, 3], requiresGrad: true });
      let state: { h?: Tensor; c?: Tensor } = {};
      const hs: Tensor[] = [];
      for (const x of xs.unbind(0)) {
        state = cell.forward(x, state);
        hs.push(state.h!);
      }
      const whole = layer.forward(xl);
      expectClose(stack(hs).dataSync(), whole.output.dataSync(), 1e-6, 1e-6, 'outputs');
      expectClose(state.c!.dataSync(), whole.c.dataSync(), 1e-6, 1e-6, 'final cell state');
      stack(hs).sum().backward();
      whole.output.sum().backward();
      expectClose(xs.grad!.dataSync(), xl.grad!.dataSync(), 1e-5, 1e-5, 'input gradient');
      expectClose(cell.weight_hh.grad!.dataSync(), (layer as unknown as Record<string, Tensor>).weight_hh_l0.grad!.dataSync(), 1e-5, 1e-5, 'weight_hh gradient');
    });
  });

  it('names, shapes and reprs are PyTorch’s', () => {
    const gru = new nn.GRUCell(3, 5, { bias: false });
    expect([...gru.namedParameters()].map(([k, p]) => [k, p.shape])).toEqual([
      ['weight_ih', [15, 3]],
      ['weight_hh', [15, 5]],
    ]);
    expect([...new nn.LSTMCell(2, 3).namedParameters()].map(([k]) => k)).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    expect(String(gru)).toBe('GRUCell(3, 5, bias=false)');
    expect(String(new nn.RNNCell(2, 3, { nonlinearity: 'relu' }))).toBe("RNNCell(2, 3, nonlinearity='relu')");
  });

  it('refuse bad inputs and states, naming the cell and the argument', () => {
    scope(() => {
      const cell = new nn.LSTMCell(3, 4);
      expect(() => cell.forward(tensor(new Float32Array(6), { shape: [2, 3] }), { h: tensor(new Float32Array(4), { shape: [1, 4] }) })).toThrow(
        /^LSTMCell: h expected shape \[2,4\] \(the input's batch × hiddenSize\), got \[1,4\]$/,
      );
      expect(() => cell.forward(tensor(new Float32Array(4), { shape: [2, 2] }))).toThrow(/^LSTMCell: input expected 3 features \(the cell's inputSize\), got \[2,2\]$/);
      expect(() => cell.forward(tensor(new Float32Array(6), { shape: [1, 2, 3] }))).toThrow(/^LSTMCell: input expected \[batch, 3\] or unbatched \[3\], got \[1,2,3\]$/);
      expect(() => new nn.GRUCell(0, 2)).toThrow(/^GRUCell: inputSize expected a positive integer, got 0$/);
      expect(() => new nn.RNNCell(2, 2, { nonlinearity: 'gelu' } as never)).toThrow(/^RNNCell: nonlinearity expected 'tanh' or 'relu', got "gelu"$/);
      expect(() => new nn.LSTMCell(2, 2, { batchFirst: true } as never)).toThrow(/^LSTMCell: unknown option 'batchFirst'/);
    });
  });
});

describe('recurrent state arguments (found by a user trial: PyTorch forms read as no state)', () => {
  it('refuse a tuple, a bare tensor or an unknown key instead of starting from zeros', () => {
    scope(() => {
      const x = tensor(new Float32Array(12), { shape: [2, 2, 3] });
      const h = tensor(new Float32Array(8), { shape: [1, 2, 4] });
      const lstm = new nn.LSTM(3, 4);
      expect(() => lstm.forward(x, [h, h] as never)).toThrow(/^LSTM: state expected an object \{ h0, c0 \}, got an array \(PyTorch's \(h0, c0\) tuple is \{ h0, c0 \} here\)$/);
      expect(() => lstm.forward(x, { h, c: h } as never)).toThrow(/^LSTM: state has an unknown entry 'h' \(it takes 'h0', 'c0'\)$/);
      expect(() => new nn.GRU(3, 4).forward(x, h as never)).toThrow(/^GRU: state expected an object \{ h0 \}, got a Tensor \(pass \{ h0: tensor \}\)$/);
      expect(() => new nn.RNN(3, 4).forward(x, null as never)).toThrow(/^RNN: state expected an object \{ h0 \}, got null$/);
      expect(() => new nn.LSTMCell(3, 4).forward(x.select(0, 0), { h0: h } as never)).toThrow(/^LSTMCell: state has an unknown entry 'h0' \(it takes 'h', 'c'\)$/);
    });
  });
});

describe('loss modules check their options when made (found by a user trial)', () => {
  it('refuse a bad reduction, an unknown option (with its camelCase name) and labelSmoothing out of range', () => {
    expect(() => new nn.MSELoss({ reduction: 'avg' as never })).toThrow(/^MSELoss: reduction expected one of 'mean', 'sum', 'none', got "avg"$/);
    expect(() => new nn.CrossEntropyLoss({ label_smoothing: 0.1 } as never)).toThrow(/^CrossEntropyLoss: unknown option 'label_smoothing' .*; did you mean 'labelSmoothing'\?$/);
    expect(() => new nn.CrossEntropyLoss({ labelSmoothing: 2 })).toThrow(/^CrossEntropyLoss: labelSmoothing expected a number in \[0, 1\], got 2$/);
    expect(() => new nn.KLDivLoss({ reduction: 'batchmean' })).not.toThrow();
    expect(() => new nn.HuberLoss({ delta: 1, beta: 1 } as never)).toThrow(/^HuberLoss: unknown option 'beta'/);
  });
});
