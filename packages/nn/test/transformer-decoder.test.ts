// TransformerDecoderLayer, TransformerDecoder and Transformer against PyTorch (fixture from
// scripts/fixtures_nn.py, decoder_fixture): post-norm with a causal float mask and both padding
// masks, pre-norm gelu batch-first without biases under a per-head float mask and a bool memory
// mask, an unbatched layer, a two-layer decoder with a final norm, and two whole Transformers (one
// in eval mode with dropout): outputs and the gradients of every input and parameter. The state
// dicts load strictly, so the parameter names are PyTorch's. Plus the refusals.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ones, readSafetensorsFile, scope, tensor, triu, type RawTensor, type Tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import {
  LayerNorm,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  type Module,
  type TransformerDecoderLayerOptions,
  type TransformerOptions,
} from '../src/index.js';

/** A typed array's values (float32, int32 or bool data) as numbers. */
const nums = (a: unknown): number[] => Array.from(a as ArrayLike<number>);
const { tensors, metadata } = readSafetensorsFile(fileURLToPath(new URL('./fixtures/transformer-decoder.safetensors', import.meta.url)));
const raw = (k: string): RawTensor => {
  const r = tensors.get(k);
  if (!r) throw new Error(`fixture lacks ${k}`);
  return r;
};
const load = (k: string, requiresGrad = false) => tensor(raw(k).data, { shape: raw(k).shape, dtype: raw(k).dtype, requiresGrad });

interface CaseSpec {
  cls: 'TransformerDecoderLayer' | 'TransformerDecoder' | 'Transformer';
  args?: unknown[];
  layer?: [number, number, TransformerDecoderLayerOptions];
  numLayers?: number;
  norm?: number;
  inputs: string[];
  masks: string[];
  flags: Record<string, boolean>;
  eval: boolean;
}
const cases = JSON.parse(metadata.cases) as Record<string, CaseSpec>;

function build(spec: CaseSpec): Module {
  if (spec.cls === 'TransformerDecoderLayer') return new TransformerDecoderLayer(...(spec.args as [number, number, TransformerDecoderLayerOptions]));
  if (spec.cls === 'TransformerDecoder') return new TransformerDecoder(new TransformerDecoderLayer(...spec.layer!), spec.numLayers!, { norm: new LayerNorm(spec.norm!) });
  return new Transformer(spec.args![0] as TransformerOptions);
}

function withState(name: string, module: Module): Module {
  const prefix = `${name}.param.`;
  module.loadStateDict(new Map([...tensors].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), tensor(v.data, { shape: v.shape })])));
  return module;
}

/** Runs a case as recorded: the output and every gradient against PyTorch's. */
function check(name: string, spec: CaseSpec, call: Record<string, unknown>): void {
  const module = withState(name, build(spec)).train(!spec.eval);
  const inputs = spec.inputs.map((k) => load(`${name}.input.${k}`, true));
  const out = (module.forward as (a: Tensor, b: Tensor, c: object) => Tensor)(inputs[0], inputs[1], call);
  expect(out.shape).toEqual(raw(`${name}.output`).shape);
  expectClose(out.dataSync(), raw(`${name}.output`).data, 1e-4, 1e-4, 'output');
  out.backward(load(`${name}.upstream`));
  spec.inputs.forEach((k, i) => expectClose(inputs[i].grad!.dataSync(), raw(`${name}.grad.input.${k}`).data, 1e-4, 1e-3, `gradient of ${k}`));
  let checked = 0;
  for (const [k, p] of module.namedParameters()) {
    expect(p.grad, `gradient of ${k}`).not.toBeNull();
    expectClose(p.grad!.dataSync(), raw(`${name}.grad.param.${k}`).data, 1e-4, 1e-3, `gradient of ${k}`);
    checked++;
  }
  expect(checked).toBe([...tensors.keys()].filter((k) => k.startsWith(`${name}.grad.param.`)).length);
}

describe('transformer decoder layers match PyTorch', () => {
  for (const [name, spec] of Object.entries(cases)) {
    it(name, () => {
      scope(() => {
        const call = { ...Object.fromEntries(spec.masks.map((m) => [m, load(`${name}.mask.${m}`)])), ...spec.flags };
        check(name, spec, call);
      });
    });
  }

  it('tgtIsCausal alone makes the causal mask PyTorch is given', () => {
    for (const name of ['decoder', 'transformer']) {
      scope(() => {
        const spec = cases[name];
        const call = Object.fromEntries(spec.masks.filter((m) => m !== 'tgtMask').map((m) => [m, load(`${name}.mask.${m}`)]));
        check(name, spec, { ...call, tgtIsCausal: true });
      });
    }
  });

  it('Transformer.generateSquareSubsequentMask is PyTorch’s', () => {
    scope(() => {
      const m = Transformer.generateSquareSubsequentMask(5);
      expect(m.dtype).toBe('float32');
      expect(m.shape).toEqual([5, 5]);
      expect(nums(m.dataSync())).toEqual(nums(raw('generate_square_subsequent_mask').data));
      expect(Transformer.generateSquareSubsequentMask(0).shape).toEqual([0, 0]);
    });
  });
});

describe('transformer decoder structure', () => {
  it('state-dict names are PyTorch’s, and the decoder copies the layer it is given', () => {
    scope(() => {
      const layer = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
      expect([...layer.stateDict().keys()]).toEqual([
        'self_attn.in_proj_weight',
        'self_attn.in_proj_bias',
        'self_attn.out_proj.weight',
        'self_attn.out_proj.bias',
        'multihead_attn.in_proj_weight',
        'multihead_attn.in_proj_bias',
        'multihead_attn.out_proj.weight',
        'multihead_attn.out_proj.bias',
        'linear1.weight',
        'linear1.bias',
        'linear2.weight',
        'linear2.bias',
        'norm1.weight',
        'norm1.bias',
        'norm2.weight',
        'norm2.bias',
        'norm3.weight',
        'norm3.bias',
      ]);
      const decoder = new TransformerDecoder(layer, 3, { norm: new LayerNorm(8) });
      const keys = [...decoder.stateDict().keys()];
      expect(keys.filter((k) => k.endsWith('multihead_attn.in_proj_weight'))).toEqual(['layers.0.multihead_attn.in_proj_weight', 'layers.1.multihead_attn.in_proj_weight', 'layers.2.multihead_attn.in_proj_weight']);
      expect(keys.slice(-2)).toEqual(['norm.weight', 'norm.bias']);
      const w = decoder.stateDict();
      expectClose(w.get('layers.2.linear1.weight')!.dataSync(), layer.linear1.weight.dataSync(), 0, 0);
      expect(w.get('layers.2.linear1.weight')).not.toBe(layer.linear1.weight);
      // As PyTorch's deepcopy: the copies keep the layer's mode and frozen parameters.
      layer.eval();
      layer.norm3.requiresGrad_(false);
      const copies = new TransformerDecoder(layer, 2);
      expect([...copies.layers].every((l) => [...l.modules()].every((m) => !m.training))).toBe(true);
      expect([...copies.namedParameters()].filter(([, p]) => !p.requiresGrad).map(([k]) => k)).toEqual(['layers.0.norm3.weight', 'layers.0.norm3.bias', 'layers.1.norm3.weight', 'layers.1.norm3.bias']);
      expect(decoder.toString()).toContain('(0): TransformerDecoderLayer(\n      dModel=8, nhead=2\n      (self_attn): MultiheadAttention(');
    });
  });

  it('Transformer: PyTorch’s defaults, names and Xavier-initialised matrices', () => {
    scope(() => {
      const model = new Transformer();
      expect([model.dModel, model.nhead, model.batchFirst]).toEqual([512, 8, false]);
      const keys = [...model.stateDict().keys()];
      expect(keys.filter((k) => k.endsWith('.linear1.weight'))).toEqual([
        ...Array.from({ length: 6 }, (_, i) => `encoder.layers.${i}.linear1.weight`),
        ...Array.from({ length: 6 }, (_, i) => `decoder.layers.${i}.linear1.weight`),
      ]);
      expect(keys).toContain('encoder.norm.weight');
      expect(keys).toContain('decoder.norm.bias');
      expect(model.stateDict().get('encoder.layers.0.linear1.weight')!.shape).toEqual([2048, 512]);
      // xavier_uniform_ on [2048, 512]: bound sqrt(6 / 2560); the layers no longer share weights.
      const w = model.stateDict().get('encoder.layers.0.linear1.weight')!.dataSync() as Float32Array;
      const bound = Math.sqrt(6 / 2560);
      const largest = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(largest).toBeLessThanOrEqual(bound * (1 + 1e-6)); // float32 rounding of the bound
      expect(largest).toBeGreaterThan(0.95 * bound);
      expect(model.stateDict().get('encoder.layers.1.linear1.weight')!.dataSync()[0]).not.toBe(w[0]);
      model.dispose();
    });
  });

  it('Transformer: a small model maps [S, N, E] and [T, N, E] to [T, N, E]; custom parts are used', () => {
    scope(() => {
      const model = new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
      expect(model.forward(ones([5, 2, 8]), ones([3, 2, 8])).shape).toEqual([3, 2, 8]);
      expect(model.toString()).toMatch(/^Transformer\(\n {2}dModel=8, nhead=2\n {2}\(encoder\): TransformerEncoder\(/);
      const decoder = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 4, batchFirst: true }), 1);
      const custom = new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, batchFirst: true, customDecoder: decoder });
      expect(custom.decoder).toBe(decoder);
      expect([...custom.stateDict().keys()].filter((k) => k.startsWith('decoder.norm'))).toEqual([]);
      expect(custom.forward(ones([2, 5, 8]), ones([2, 3, 8])).shape).toEqual([2, 3, 8]);
    });
  });

  it('the encoder layer still behaves as before the shared helpers', () => {
    scope(() => {
      const encoder = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 });
      const x = ones([3, 2, 8]);
      const causal = triu(ones([3, 3], { dtype: 'bool' }), 1);
      expectClose(encoder.forward(x, { isCausal: true }).dataSync(), encoder.forward(x, { srcMask: causal }).dataSync(), 1e-6, 1e-6);
    });
  });
});

describe('transformer decoder layers refuse bad arguments, naming layer and argument', () => {
  it('constructors', () => {
    expect(() => new TransformerDecoderLayer(10, 3)).toThrow(/^TransformerDecoderLayer: dModel 10 expected a multiple of nhead 3$/);
    expect(() => new TransformerDecoderLayer(8, 2, { activation: 'tanh' as never })).toThrow(/^TransformerDecoderLayer: activation expected 'relu', 'gelu' or a function of a tensor, got 'tanh'$/);
    expect(() => new TransformerDecoderLayer(8, 2, { norm_first: true } as never)).toThrow(/^TransformerDecoderLayer: unknown option 'norm_first'/);
    expect(() => new TransformerDecoder(new TransformerEncoderLayer(8, 2) as never, 2)).toThrow(/^TransformerDecoder: decoderLayer expected a TransformerDecoderLayer$/);
    expect(() => new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 4 }), 0)).toThrow(/^TransformerDecoder: numLayers expected a positive integer, got 0$/);
    expect(() => new Transformer(512 as never)).toThrow(/^Transformer: expected an options object \{ dModel, nhead, numEncoderLayers, … \}, got 512/);
    expect(() => new Transformer({ d_model: 8 } as never)).toThrow(/^Transformer: unknown option 'd_model'/);
    expect(() => new Transformer({ dModel: 8, nhead: 3 })).toThrow(/^Transformer: dModel 8 expected a multiple of nhead 3$/);
    expect(() => new Transformer({ dModel: 8, nhead: 2, numDecoderLayers: 0 })).toThrow(/^Transformer: numDecoderLayers expected a positive integer, got 0$/);
    expect(() => new Transformer({ dModel: 8, nhead: 2, activation: 'tanh' as never })).toThrow(/^Transformer: activation expected 'relu', 'gelu' or a function of a tensor, got 'tanh'$/);
    expect(() => Transformer.generateSquareSubsequentMask(-1)).toThrow(/^Transformer.generateSquareSubsequentMask: sz expected a non-negative integer, got -1$/);
  });

  it('forward', () => {
    scope(() => {
      const layer = new TransformerDecoderLayer(8, 2, { dimFeedforward: 4 });
      const tgt = ones([3, 2, 8]);
      expect(() => layer.forward(tgt, ones([4, 3, 8]))).toThrow(/^TransformerDecoderLayer: tgt \[3,2,8\] and memory \[4,3,8\] expected one batch size \(dim 1\)$/);
      expect(() => layer.forward(tgt, ones([4, 2, 6]))).toThrow(/^TransformerDecoderLayer: memory expected 8 features \(dModel\) in its last dimension, got \[4,2,6\]$/);
      expect(() => layer.forward(tgt, ones([4, 8]))).toThrow(/^TransformerDecoderLayer: tgt \[3,2,8\] and memory \[4,8\] expected the same number of dimensions$/);
      expect(() => layer.forward(tgt, tgt, { tgt_mask: null } as never)).toThrow(/^TransformerDecoderLayer.forward: unknown option 'tgt_mask'/);
      const model = new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 4 });
      expect(() => model.forward(ones([5, 3, 8]), tgt)).toThrow(/^Transformer: src \[5,3,8\] and tgt \[3,2,8\] expected one batch size \(dim 1\)$/);
      expect(() => model.forward(tgt, tgt, { mask: null } as never)).toThrow(/^Transformer.forward: unknown option 'mask'/);
    });
  });
});
