// fuseConvBnEval, fuseLinearBnEval and fuseForInference (Note [inference fusion]): the fused
// weights against torch.nn.utils.fusion's (fixture from scripts/fixtures_fusion.py), a small CNN's
// eval outputs before and after fusion against PyTorch's, the model left as it was, state-dict
// names, the pairs left alone, and the refusals.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copyInto, manualSeed, noGrad, rand, randn, readSafetensorsFile, scope, tensor, type RawTensor, type Tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import * as nn from '../src/index.js';

const { tensors, metadata } = readSafetensorsFile(fileURLToPath(new URL('./fixtures/fusion.safetensors', import.meta.url)));
const toTensor = (r: RawTensor): Tensor => tensor(r.data, { shape: r.shape, dtype: r.dtype });
const stateWith = (prefix: string): Map<string, Tensor> => new Map([...tensors].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), toTensor(v)]));
const nums = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>, Number);
const maxDiff = (a: Tensor, b: Tensor): number => {
  expect(a.shape).toEqual(b.shape);
  const x = nums(a), y = nums(b);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
};
const build = (spec: { cls: string; args: unknown[] }): nn.Module => new (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[spec.cls](...spec.args);
const batchNorms = (m: nn.Module) => [...m.modules()].filter((c) => c instanceof nn.BatchNorm1d || c instanceof nn.BatchNorm2d || c instanceof nn.BatchNorm3d);

/** Running statistics and γ, β away from their defaults, as training leaves them. */
function trained<B extends nn.BatchNorm1d | nn.BatchNorm2d | nn.BatchNorm3d>(bn: B): B {
  noGrad(() =>
    scope(() => {
      const n = bn.numFeatures;
      copyInto(bn.running_mean!, randn([n]));
      copyInto(bn.running_var!, rand([n]).add(0.25));
      if (bn.weight) copyInto(bn.weight, rand([n]).add(0.5));
      if (bn.bias) copyInto(bn.bias, randn([n]));
    }),
  );
  return bn;
}

/** The small CNN of scripts/fixtures_fusion.py: conv-bn-relu twice, pooling, linear-bn1d-relu, linear. */
const smallCnn = () =>
  new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(),
    new nn.Conv2d(8, 16, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(16), new nn.ReLU(),
    new nn.MaxPool2d(2), new nn.AdaptiveAvgPool2d(2), new nn.Flatten(),
    new nn.Linear(64, 32), new nn.BatchNorm1d(32), new nn.ReLU(),
    new nn.Linear(32, 10),
  );

describe('fuseConvBnEval / fuseLinearBnEval match torch.nn.utils.fusion', () => {
  const cases = JSON.parse(metadata.cases) as Record<string, { layer: { cls: string; args: unknown[] }; bn: { cls: string; args: unknown[] } }>;
  for (const [name, spec] of Object.entries(cases)) {
    it(name, () => {
      scope(() => {
        const layer = build(spec.layer) as nn.Conv2d | nn.Conv1d | nn.Conv3d | nn.Linear;
        const bn = build(spec.bn) as nn.BatchNorm2d;
        layer.loadStateDict(stateWith(`${name}.layer.`));
        bn.loadStateDict(stateWith(`${name}.bn.`));
        bn.eval();
        const before = new Map([...layer.stateDict(), ...[...bn.stateDict()].map(([k, v]) => [`bn.${k}`, v] as const)].map(([k, v]) => [k, nums(v)]));
        const fused = layer instanceof nn.Linear ? nn.fuseLinearBnEval(layer, bn as unknown as nn.BatchNorm1d) : nn.fuseConvBnEval(layer as nn.Conv2d, bn);
        expect(fused).not.toBe(layer);
        expect(fused.constructor).toBe(layer.constructor);
        expect([...fused.stateDict()].map(([k, v]) => [k, v.shape])).toEqual([['weight', layer.weight.shape], ['bias', [layer.weight.shape[0]]]]);
        expectClose(fused.weight.dataSync(), tensors.get(`${name}.fused.weight`)!.data, 1e-6, 1e-5, 'weight');
        expectClose(fused.bias!.dataSync(), tensors.get(`${name}.fused.bias`)!.data, 1e-6, 1e-5, 'bias');
        expect(fused.weight.requiresGrad).toBe(true);
        expect(fused.bias!.requiresGrad).toBe(true);
        // The layer and the batch norm are left as they were (a conv without bias still has none).
        expect(new Map([...layer.stateDict(), ...[...bn.stateDict()].map(([k, v]) => [`bn.${k}`, v] as const)].map(([k, v]) => [k, nums(v)]))).toEqual(before);
        if (!(layer instanceof nn.Linear)) {
          expect({ ...(fused as nn.Conv2d).options, bias: undefined }).toEqual({ ...layer.options, bias: undefined });
          expect(String(fused)).toBe(String(layer).replace(', bias=false', ''));
        }
        // And it computes what the pair computes.
        const x = randn(layer instanceof nn.Linear ? [5, layer.inFeatures] : layer instanceof nn.Conv2d ? [2, layer.inChannels, 7, 6] : layer instanceof nn.Conv3d ? [2, layer.inChannels, 4, 5, 6] : [2, layer.inChannels, 9]);
        expect(maxDiff(fused.forward(x), bn.forward(layer.forward(x)))).toBeLessThan(1e-5);
      });
    });
  }

  it('the fused layer keeps the training mode and requiresGrad of the layer', () => {
    scope(() => {
      const conv = new nn.Conv2d(2, 3, 1);
      conv.eval();
      conv.requiresGrad_(false);
      const fused = nn.fuseConvBnEval(conv, new nn.BatchNorm2d(3).eval());
      expect(fused.training).toBe(false);
      expect([fused.weight.requiresGrad, fused.bias!.requiresGrad]).toEqual([false, false]);
      expect(nn.fuseConvBnEval(new nn.Conv2d(2, 3, 1), new nn.BatchNorm2d(3).eval()).training).toBe(true);
    });
  });
});

describe('fuseForInference', () => {
  it('a small CNN: the eval outputs of PyTorch, no batch norms left, ReLUs in the convolutions, names kept', () => {
    scope(() => {
      const model = smallCnn();
      model.loadStateDict(stateWith('cnn.sd.'));
      const x = toTensor(tensors.get('cnn.input')!);
      const expected = toTensor(tensors.get('cnn.output')!);
      model.eval();
      const original = noGrad(() => model.forward(x));
      expect(maxDiff(original, expected)).toBeLessThan(1e-5);

      const fused = nn.fuseForInference(model);
      expect(fused).toBeInstanceOf(nn.Sequential);
      expect(fused.training).toBe(false);
      expect(batchNorms(fused)).toHaveLength(0);
      expect([...fused.children()].map((m) => m.constructor.name)).toEqual([
        'Conv2d', 'Identity', 'Identity', 'Conv2d', 'Identity', 'Identity', 'MaxPool2d', 'AdaptiveAvgPool2d', 'Flatten', 'Linear', 'Identity', 'ReLU', 'Linear',
      ]);
      expect([(fused.at(0) as nn.Conv2d).options.activation, (fused.at(3) as nn.Conv2d).options.activation]).toEqual(['relu', 'relu']);
      expect(String(fused.at(0))).toBe('Conv2d(3, 8, kernelSize=[3,3], padding=1, activation=relu)');
      // The conv without bias gained one; every other layer keeps its index and names.
      expect([...fused.stateDict()].map(([k, v]) => [k, v.shape])).toEqual([
        ['0.weight', [8, 3, 3, 3]], ['0.bias', [8]], ['3.weight', [16, 8, 3, 3]], ['3.bias', [16]], ['9.weight', [32, 64]], ['9.bias', [32]], ['12.weight', [10, 32]], ['12.bias', [10]],
      ]);
      const y = noGrad(() => fused.forward(x));
      expect(maxDiff(y, expected)).toBeLessThan(1e-5);
      expect(maxDiff(y, original)).toBeLessThan(1e-5);
      // Batch 1 too (the batch-lane kernels differ by batch size).
      const one = x.narrow(0, 0, 1);
      expect(maxDiff(noGrad(() => fused.forward(one)), noGrad(() => model.forward(one)))).toBeLessThan(1e-5);

      // The original is untouched: its batch norms, its parameters and its outputs.
      expect(batchNorms(model)).toHaveLength(3);
      expect([...model.children()].map((m) => m.constructor.name)).toEqual([
        'Conv2d', 'BatchNorm2d', 'ReLU', 'Conv2d', 'BatchNorm2d', 'ReLU', 'MaxPool2d', 'AdaptiveAvgPool2d', 'Flatten', 'Linear', 'BatchNorm1d', 'ReLU', 'Linear',
      ]);
      expect((model.at(0) as nn.Conv2d).options.activation).toBeUndefined();
      expect((model.at(3) as nn.Conv2d).bias).toBeNull();
      for (const [k, v] of model.stateDict()) expectClose(v.dataSync(), tensors.get(`cnn.sd.${k}`)!.data, 0, 0, k);
      expect(nums(noGrad(() => model.forward(x)))).toEqual(nums(original));
      // The fused state dict is the fused model's: it loads into another fused copy.
      expect(nn.fuseForInference(smallCnn()).loadStateDict(fused.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    });
  });

  it('Sequentials nested in custom modules and in Sequentials; the model left in training mode; other fields alone', () => {
    scope(() => {
      manualSeed(5);
      class Net extends nn.Module {
        stem = new nn.Sequential({ conv: new nn.Conv2d(2, 4, 3, { stride: 2, paddingMode: 'reflect', padding: 1 }), bn: trained(new nn.BatchNorm2d(4)), act: new nn.ReLU() });
        body = new nn.Sequential(new nn.Sequential(new nn.Conv2d(4, 4, 3, { groups: 2, padding: 1, bias: false }), trained(new nn.BatchNorm2d(4, { affine: false }))), new nn.ReLU());
        // Fields run by a forward of its own: their order is not known, so they are not folded.
        conv = new nn.Conv1d(4, 6, 1);
        bn = trained(new nn.BatchNorm1d(6));
        head = new nn.ModuleList([new nn.Sequential(new nn.Linear(6, 5), trained(new nn.BatchNorm1d(5, { eps: 1e-3 })))]);
        forward(x: Tensor): Tensor {
          const y = this.body.forward(this.stem.forward(x)).flatten(2);
          const z = this.bn.forward(this.conv.forward(y)).mean(2);
          return (this.head.at(0) as nn.Sequential).forward(z);
        }
      }
      const model = new Net();
      const x = randn([3, 2, 9, 9]);
      const fused = nn.fuseForInference(model);
      expect(fused).toBeInstanceOf(Net);
      expect(model.training).toBe(true); // the model keeps its mode; the copy is in eval mode
      expect([...fused.modules()].every((m) => !m.training)).toBe(true);
      expect([...fused.stem.namedChildren()].map(([k, m]) => [k, m.constructor.name])).toEqual([['conv', 'Conv2d'], ['bn', 'Identity'], ['act', 'Identity']]);
      // The ReLU follows the inner Sequential, not the convolution: it stays.
      expect([...fused.body.modules()].map((m) => m.constructor.name)).toEqual(['Sequential', 'Sequential', 'Conv2d', 'Identity', 'ReLU']);
      expect(fused.bn).toBeInstanceOf(nn.BatchNorm1d);
      expect(batchNorms(fused)).toEqual([fused.bn]);
      expect([...fused.stateDict().keys()]).toEqual([
        'stem.conv.weight', 'stem.conv.bias', 'body.0.0.weight', 'body.0.0.bias', 'conv.weight', 'conv.bias',
        'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked', 'head.0.0.weight', 'head.0.0.bias',
      ]);
      model.eval();
      const expected = noGrad(() => model.forward(x));
      expect(maxDiff(noGrad(() => fused.forward(x)), expected)).toBeLessThan(1e-5);
      expect(batchNorms(model)).toHaveLength(4);
    });
  });

  it('pairs that cannot be folded are left as they are', () => {
    scope(() => {
      manualSeed(6);
      class MyConv extends nn.Conv2d {}
      const relued = new nn.Conv2d(3, 3, 1, { activation: 'relu' });
      const model = new nn.Sequential(
        new nn.Conv2d(2, 3, 1), new nn.BatchNorm2d(3, { trackRunningStats: false }), // batch statistics in eval too
        relued, trained(new nn.BatchNorm2d(3)), // the batch norm is after the relu
        new MyConv(3, 3, 1), trained(new nn.BatchNorm2d(3)), // a subclass
        nn.spectralNorm(new nn.Conv2d(3, 3, 1)), trained(new nn.BatchNorm2d(3)), // a computed weight
        new nn.Conv2d(3, 4, 1), new nn.ReLU(), // no batch norm: the ReLU still folds
        new nn.Flatten(), new nn.Linear(4 * 25, 3), new nn.ReLU(), // no fused activation in Linear
      );
      const fused = nn.fuseForInference(model);
      expect([...fused.children()].map((m) => m.constructor.name)).toEqual([
        'Conv2d', 'BatchNorm2d', 'Conv2d', 'BatchNorm2d', 'MyConv', 'BatchNorm2d', 'Conv2d', 'BatchNorm2d', 'Conv2d', 'Identity', 'Flatten', 'Linear', 'ReLU',
      ]);
      expect((fused.at(8) as nn.Conv2d).options.activation).toBe('relu');
      model.eval();
      const x = randn([2, 2, 5, 5]);
      expect(maxDiff(noGrad(() => fused.forward(x)), noGrad(() => model.forward(x)))).toBeLessThan(1e-5);
    });
  });

  it('a 3-d CNN: Conv3d → BatchNorm3d folds, the ReLU stays (conv3d has no fused activation), the same outputs', () => {
    scope(() => {
      manualSeed(8);
      const model = new nn.Sequential(
        new nn.Conv3d(1, 4, 3, { padding: 1 }), trained(new nn.BatchNorm3d(4)), new nn.ReLU(), new nn.MaxPool3d(2),
        new nn.Conv3d(4, 6, 3, { padding: 1, bias: false }), trained(new nn.BatchNorm3d(6)), new nn.ReLU(),
      );
      const fused = nn.fuseForInference(model);
      expect([...fused.children()].map((m) => m.constructor.name)).toEqual(['Conv3d', 'Identity', 'ReLU', 'MaxPool3d', 'Conv3d', 'Identity', 'ReLU']);
      expect(batchNorms(fused)).toEqual([]);
      model.eval();
      const x = randn([2, 1, 4, 6, 6]);
      expect(maxDiff(noGrad(() => fused.forward(x)), noGrad(() => model.forward(x)))).toBeLessThan(1e-5);
    });
  });

  it('a convolution that appears twice: the other use keeps the unfused one', () => {
    scope(() => {
      manualSeed(7);
      const conv = new nn.Conv2d(3, 3, 3, { padding: 1 });
      const model = new nn.Sequential(conv, trained(new nn.BatchNorm2d(3)), conv, new nn.Tanh());
      const fused = nn.fuseForInference(model);
      expect([...fused.children()].map((m) => m.constructor.name)).toEqual(['Conv2d', 'Identity', 'Conv2d', 'Tanh']);
      model.eval();
      const x = randn([2, 3, 6, 6]);
      expect(maxDiff(noGrad(() => fused.forward(x)), noGrad(() => model.forward(x)))).toBeLessThan(1e-5);
    });
  });
});

describe('refusals', () => {
  it('name the function and the argument, what was expected and what was given', () => {
    scope(() => {
      const conv = new nn.Conv2d(3, 8, 3);
      const bn = new nn.BatchNorm2d(8).eval();
      expect(() => nn.fuseConvBnEval(conv, new nn.BatchNorm2d(8))).toThrowError(
        /^fuseConvBnEval: bn expected eval mode \(its running statistics\), got a BatchNorm2d in training mode; call bn\.eval\(\) first$/,
      );
      expect(() => nn.fuseConvBnEval(conv, new nn.BatchNorm2d(8, { trackRunningStats: false }).eval())).toThrowError(
        /^fuseConvBnEval: bn expected running statistics, got a BatchNorm2d made with trackRunningStats false \(it normalises each batch by its own statistics, which no weight can fold\)$/,
      );
      expect(() => nn.fuseConvBnEval(conv, new nn.BatchNorm2d(6).eval())).toThrowError(/^fuseConvBnEval: bn expected 8 features \(conv's outChannels\), got 6 \(its numFeatures\)$/);
      expect(() => nn.fuseLinearBnEval(new nn.Linear(4, 3), new nn.BatchNorm1d(5).eval())).toThrowError(/^fuseLinearBnEval: bn expected 3 features \(linear's outFeatures\), got 5 \(its numFeatures\)$/);
      expect(() => nn.fuseConvBnEval(conv, new nn.BatchNorm1d(8).eval() as never)).toThrowError(/^fuseConvBnEval: bn expected a BatchNorm2d \(after a Conv2d\), got BatchNorm1d$/);
      expect(() => nn.fuseConvBnEval(new nn.Conv1d(3, 8, 3), bn as never)).toThrowError(/^fuseConvBnEval: bn expected a BatchNorm1d \(after a Conv1d\), got BatchNorm2d$/);
      expect(() => nn.fuseLinearBnEval(new nn.Linear(4, 8), bn as never)).toThrowError(/^fuseLinearBnEval: bn expected a BatchNorm1d \(after a Linear\), got BatchNorm2d$/);
      expect(() => nn.fuseConvBnEval(conv, null as never)).toThrowError(/^fuseConvBnEval: bn expected a BatchNorm2d \(after a Conv2d\), got null$/);
      expect(() => nn.fuseConvBnEval(new nn.Linear(3, 8) as never, bn)).toThrowError(/^fuseConvBnEval: conv expected a Conv1d, Conv2d or Conv3d, got Linear$/);
      expect(() => nn.fuseConvBnEval(new nn.ConvTranspose2d(3, 8, 3) as never, bn)).toThrowError(/^fuseConvBnEval: conv expected a Conv1d, Conv2d or Conv3d, got ConvTranspose2d$/);
      class MyConv extends nn.Conv2d {}
      expect(() => nn.fuseConvBnEval(new MyConv(3, 8, 3), bn)).toThrowError(
        /^fuseConvBnEval: conv expected a Conv1d, Conv2d or Conv3d, got MyConv \(a subclass, whose forward may do more than the convolution folded here\)$/,
      );
      expect(() => nn.fuseLinearBnEval(conv as never, new nn.BatchNorm1d(8).eval())).toThrowError(/^fuseLinearBnEval: linear expected a Linear, got Conv2d$/);
      expect(() => nn.fuseConvBnEval(new nn.Conv2d(3, 8, 3, { activation: 'relu' }), bn)).toThrowError(
        /^fuseConvBnEval: conv expected no fused activation, got activation 'relu' \(the batch norm comes after it, so it cannot be folded into the weight\)$/,
      );
      expect(() => nn.fuseConvBnEval(nn.weightNorm(new nn.Conv2d(3, 8, 3)), bn)).toThrowError(
        /^fuseConvBnEval: conv\.weight expected a parameter, got a weight computed by a reparametrisation \(spectral or weight norm\); remove it first \(removeSpectralNorm, removeWeightNorm\)$/,
      );
      expect(() => nn.fuseForInference({} as never)).toThrowError(/^fuseForInference: model expected a Module, got Object$/);
      expect(() => (nn.fuseForInference as (...a: unknown[]) => unknown)(new nn.Sequential(), true)).toThrowError(/^fuseForInference: takes at most 1 argument, got 2/);
    });
  });
});
