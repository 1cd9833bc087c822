// MultiheadAttention's masks against PyTorch (fixture from scripts/fixtures_nn.py): a bool
// attention mask (true hides a pair), key padding, a float mask per head with per-head weights,
// both masks at once, the causal mask (given, and made from isCausal), an unbatched input; the
// unmasked layers and the encoder are in layers.test.ts. Plus the refusals.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gelu, ones, readSafetensorsFile, scope, tensor, triu, type RawTensor, type Tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import { MultiheadAttention, TransformerEncoder, TransformerEncoderLayer, type MultiheadAttentionCall } from '../src/index.js';

const { tensors } = readSafetensorsFile(fileURLToPath(new URL('./fixtures/attention-masks.safetensors', import.meta.url)));
const raw = (k: string) => tensors.get(k)!;
const load = (k: string, requiresGrad = false) => tensor(raw(k).data, { shape: raw(k).shape, dtype: raw(k).dtype, requiresGrad });

function layer(): MultiheadAttention {
  const mha = new MultiheadAttention(8, 2);
  mha.loadStateDict(new Map([...tensors].filter(([k]) => k.startsWith('param.')).map(([k, v]: [string, RawTensor]) => [k.slice(6), tensor(v.data, { shape: v.shape })])));
  return mha;
}

function check(name: string, run: (mha: MultiheadAttention) => { x: Tensor; output: Tensor; weights: Tensor | null }): void {
  scope(() => {
    const { x, output, weights } = run(layer());
    expectClose(output.dataSync(), raw(`${name}.output`).data, 1e-5, 1e-4, 'output');
    expect(weights!.shape).toEqual(raw(`${name}.weights`).shape);
    expectClose(weights!.dataSync(), raw(`${name}.weights`).data, 1e-5, 1e-4, 'weights');
    output.sum().backward();
    expectClose(x.grad!.dataSync(), raw(`${name}.grad`).data, 1e-5, 1e-4, 'query gradient');
  });
}

describe('MultiheadAttention masks match PyTorch', () => {
  const cases: [string, () => MultiheadAttentionCall][] = [
    ['bool_mask', () => ({ attnMask: load('bool_mask') })],
    ['padding', () => ({ keyPaddingMask: load('padding') })],
    ['float_mask_per_head', () => ({ attnMask: load('float_mask'), averageAttnWeights: false })],
    ['both', () => ({ attnMask: load('bool_mask'), keyPaddingMask: load('padding') })],
  ];
  for (const [name, call] of cases) {
    it(name, () => {
      check(name, (mha) => {
        const x = load('query', true);
        return { x, ...mha.forward(x, load('key'), load('value'), call()) };
      });
    });
  }

  it('causal: a given mask, and the same made from isCausal', () => {
    for (const call of [() => ({ attnMask: triu(ones([5, 5], { dtype: 'bool' }), 1) }), () => ({ isCausal: true })]) {
      check('causal', (mha) => {
        const x = load('key', true);
        return { x, ...mha.forward(x, x, x, call()) };
      });
    }
  });

  it('isCausal beside a key padding mask joins it (found by a user trial: it was dropped)', () => {
    scope(() => {
      const mha = layer();
      const x = load('key');
      const padding = tensor([false, false, false, true, false, false, false, false, true, true], { shape: [2, 5], dtype: 'bool' });
      const causal = triu(ones([5, 5], { dtype: 'bool' }), 1);
      const implicit = mha.forward(x, x, x, { isCausal: true, keyPaddingMask: padding });
      const explicit = mha.forward(x, x, x, { attnMask: causal, keyPaddingMask: padding });
      expectClose(implicit.output.dataSync(), explicit.output.dataSync(), 1e-6, 1e-6, 'output');
      expectClose(implicit.weights!.dataSync(), explicit.weights!.dataSync(), 1e-6, 1e-6, 'weights');
      const paddedOnly = mha.forward(x, x, x, { keyPaddingMask: padding });
      expect(Math.max(...Array.from(implicit.output.sub(paddedOnly.output).abs().dataSync()))).toBeGreaterThan(1e-3);
      const encoder = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 });
      const a = encoder.forward(x, { isCausal: true, srcKeyPaddingMask: padding });
      const b = encoder.forward(x, { srcMask: causal, srcKeyPaddingMask: padding });
      expectClose(a.dataSync(), b.dataSync(), 1e-6, 1e-6, 'encoder layer');
    });
  });

  it('unbatched [L, E] inputs', () => {
    check('unbatched', (mha) => {
      const x = load('query').select(1, 0).detach().requiresGrad_();
      return { x, ...mha.forward(x, load('key').select(1, 0), load('value').select(1, 0)) };
    });
  });

  it('a TransformerEncoderLayer over a batch with an all-padding sequence stays finite, as PyTorch', () => {
    scope(() => {
      const layerOf = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 });
      layerOf.loadStateDict(new Map([...tensors].filter(([k]) => k.startsWith('layer.param.')).map(([k, v]: [string, RawTensor]) => [k.slice(12), tensor(v.data, { shape: v.shape })])));
      const x = load('layer.input', true);
      const out = layerOf.forward(x, { srcKeyPaddingMask: load('layer.padding') });
      expectClose(out.dataSync(), raw('layer.output').data, 1e-5, 1e-4, 'output');
      out.sum().backward();
      expectClose(x.grad!.dataSync(), raw('layer.grad').data, 1e-5, 1e-4, 'input gradient');
      for (const [k, p] of layerOf.namedParameters()) expect(p.grad!.dataSync().every(Number.isFinite), k).toBe(true);
    });
  });

  it('self-attention when key and value are omitted; no weights when not asked for', () => {
    scope(() => {
      const mha = layer();
      const x = load('key');
      const a = mha.forward(x);
      expectClose(a.output.dataSync(), mha.forward(x, x, x).output.dataSync(), 0, 0);
      expect(mha.forward(x, x, x, { needWeights: false }).weights).toBeNull();
    });
  });
});

describe('attention layers refuse bad arguments, naming layer and argument', () => {
  it('MultiheadAttention', () => {
    expect(() => new MultiheadAttention(10, 3)).toThrow(/^MultiheadAttention: embedDim 10 expected a multiple of numHeads 3$/);
    expect(() => new MultiheadAttention(8, 2, { dropOut: 0.1 } as never)).toThrow(/^MultiheadAttention: unknown option 'dropOut'/);
    scope(() => {
      const mha = new MultiheadAttention(8, 2);
      const x = ones([3, 2, 8]);
      expect(() => mha.forward(ones([3, 2, 6]))).toThrow(/^MultiheadAttention: query expected 8 features, got \[3,2,6\]$/);
      expect(() => mha.forward(x, x, x, { attnMask: ones([3, 4], { dtype: 'bool' }) })).toThrow(/^MultiheadAttention: attnMask expected \[3, 3\] or \[4, 3, 3\], got \[3,4\]$/);
      expect(() => mha.forward(x, x, x, { keyPaddingMask: ones([3, 2], { dtype: 'bool' }) })).toThrow(/^MultiheadAttention: keyPaddingMask expected \[2,3\], got \[3,2\]$/);
      expect(() => mha.forward(x, x, x, { attnMask: ones([3, 3], { dtype: 'int32' }) })).toThrow(/^MultiheadAttention: attnMask expected bool or float32, got int32$/);
      expect(() => mha.forward(x, x, x, { padding: null } as never)).toThrow(/^MultiheadAttention.forward: unknown option 'padding'/);
    });
  });

  it('TransformerEncoderLayer and TransformerEncoder', () => {
    // A function activation (PyTorch's callable) is the same layer as the name it computes.
    scope(() => {
      const named = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, activation: 'gelu' });
      const fn = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, activation: (t) => gelu(t) });
      fn.loadStateDict(named.stateDict());
      const x = tensor(Array.from({ length: 12 }, (_, i) => Math.sin(i)), { shape: [3, 1, 4] });
      expect(Array.from(fn.forward(x).dataSync())).toEqual(Array.from(named.forward(x).dataSync()));
      expect(() => new TransformerEncoder(named, 2, { enableNestedTensor: false, maskCheck: true })).not.toThrow();
    });
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'tanh' as never })).toThrow(/^TransformerEncoderLayer: activation expected 'relu', 'gelu' or a function of a tensor, got 'tanh'$/);
    expect(() => new TransformerEncoder(new TransformerEncoderLayer(8, 2), 0)).toThrow(/^TransformerEncoder: numLayers expected a positive integer, got 0$/);
    const encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 3);
    expect([...encoder.stateDict().keys()].filter((k) => k.endsWith('in_proj_weight'))).toEqual(['layers.0.self_attn.in_proj_weight', 'layers.1.self_attn.in_proj_weight', 'layers.2.self_attn.in_proj_weight']);
    expect(encoder.toString()).toContain('(0): TransformerEncoderLayer(\n      dModel=8, nhead=2\n      (self_attn): MultiheadAttention(');
  });
});
