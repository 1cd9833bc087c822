// The seq2seq trial's additions against PyTorch 2.13 (fixtures from scripts/fixtures_nn_seq2seq.py):
// the functional bilinear on nn.Bilinear's fixtures (the module itself runs in layers.test.ts),
// weightNorm (Note [weight norm]) — state-dict keys and shapes, PyTorch's weight-normed state dict
// loaded, forward and the gradients to g, v, bias and input, removal — for dim 0, 1, -2, null and
// PyTorch's -1, and unpadSequence / unpackSequence with the gradient through them; refusals.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensorsFile, scope, sum, mul, tensor, zeros, noGrad, copyInto, type RawTensor, type Tensor } from '@nutshell/tensor';
import { expectClose } from '@nutshell/tensor/testing';
import * as nn from '../src/index.js';

const fixture = (name: string) => readSafetensorsFile(fileURLToPath(new URL(`./fixtures/${name}.safetensors`, import.meta.url)));
const toTensor = (r: RawTensor, requiresGrad = false) => tensor(r.data, { shape: r.shape, dtype: r.dtype, requiresGrad: requiresGrad && r.dtype === 'float32' });
const fields = (m: nn.Module) => m as unknown as Record<string, Tensor>;

describe('bilinear', () => {
  for (const name of ['bilinear', 'bilinear_nobias_3d', 'bilinear_unbatched']) {
    it(`the functional form matches PyTorch's F.bilinear, forward and every gradient (${name})`, () => {
      const { tensors: t } = readSafetensorsFile(fileURLToPath(new URL(`./fixtures/layers/${name}.safetensors`, import.meta.url)));
      scope(() => {
        const x1 = toTensor(t.get('input.0')!, true);
        const x2 = toTensor(t.get('input.1')!, true);
        const w = toTensor(t.get('param.weight')!, true);
        const b = t.has('param.bias') ? toTensor(t.get('param.bias')!, true) : null;
        const y = nn.bilinear(x1, x2, w, b);
        expect(y.shape).toEqual(t.get('output.0')!.shape);
        expectClose(y.dataSync(), t.get('output.0')!.data, 1e-5, 1e-5, 'output');
        y.backward(toTensor(t.get('upstream.0')!));
        expectClose(x1.grad!.dataSync(), t.get('grad.input.0')!.data, 1e-5, 1e-4, 'input1 gradient');
        expectClose(x2.grad!.dataSync(), t.get('grad.input.1')!.data, 1e-5, 1e-4, 'input2 gradient');
        expectClose(w.grad!.dataSync(), t.get('grad.param.weight')!.data, 1e-5, 1e-4, 'weight gradient');
        if (b) expectClose(b.grad!.dataSync(), t.get('grad.param.bias')!.data, 1e-5, 1e-4, 'bias gradient');
      });
    });
  }

  it("has PyTorch's parameters, names and initial bounds; an empty batch gives an empty result", () => {
    scope(() => {
      const m = new nn.Bilinear(4, 3, 5);
      expect([...m.stateDict()].map(([k, v]) => [k, v.shape])).toEqual([['weight', [5, 4, 3]], ['bias', [5]]]);
      const bound = 1 / Math.sqrt(4);
      for (const p of m.parameters()) expect(Array.from(p.dataSync()).every((v) => Math.abs(v) <= bound)).toBe(true);
      expect(new nn.Bilinear(2, 2, 3, { bias: false }).bias).toBeNull();
      expect(m.forward(zeros([0, 4]), zeros([0, 3])).shape).toEqual([0, 5]);
      expect(m.toString()).toBe('Bilinear(in1Features=4, in2Features=3, outFeatures=5, bias=true)');
    });
  });

  it('refuses what PyTorch refuses, naming the caller, the argument, expected and got', () => {
    scope(() => {
      const m = new nn.Bilinear(2, 3, 4);
      expect(() => m.forward(zeros([5, 2]), zeros([5, 4]))).toThrow(/^Bilinear: input2 \[5, ?4\] expected last dim 3 \(weight \[4, ?2, ?3\]\), got 4$/);
      expect(() => m.forward(zeros([5, 3]), zeros([5, 3]))).toThrow(/^Bilinear: input1 \[5, ?3\] expected last dim 2/);
      expect(() => m.forward(zeros([5, 2]), zeros([6, 3]))).toThrow(/^Bilinear: input1 \[5, ?2\] and input2 \[6, ?3\] expected the same batch dims, got 5 and 6 at dim 0$/);
      expect(() => m.forward(zeros([5, 2]), zeros([1, 5, 3]))).toThrow(/^Bilinear: input1 .* and input2 .* expected the same number of dimensions, got 2 and 3$/);
      expect(() => (m.forward as (a: Tensor) => Tensor)(zeros([5, 2]))).toThrow(/^Bilinear: input2 expected a Tensor, got nothing$/);
      expect(() => nn.bilinear(zeros([2]), zeros([3]), zeros([4, 2, 3]), zeros([3]))).toThrow(/^bilinear: bias expected shape \[4\] \(weight \[4, ?2, ?3\]\), got \[3\]$/);
      expect(() => nn.bilinear(zeros([2]), zeros([3]), zeros([2, 3]))).toThrow(/^bilinear: weight expected 3 dimensions \[out, in1, in2\], got \[2, ?3\]$/);
      expect(() => new nn.Bilinear(0, 3, 4)).toThrow(/^Bilinear: in1Features expected a positive integer, got 0$/);
      expect(() => new nn.Bilinear(2, 1.5, 4)).toThrow(/^Bilinear: in2Features expected an integer >= 0, got 1\.5$/);
      expect(() => new nn.Bilinear(2, 3, 4, { bais: false } as never)).toThrow(/^Bilinear: unknown option 'bais'/);
      expect(() => new nn.Bilinear({ in1Features: 2, in2Features: 3, outFeatures: 4, bias: false } as never, 3, 4)).toThrow(/^Bilinear: in1Features is positional: new Bilinear\(2, 3, 4, \{ bias: false \}\)$/);
    });
  });
});

describe('weightNorm', () => {
  const { tensors: t, metadata } = fixture('weight-norm');
  const cases = JSON.parse(metadata.cases) as Record<string, { spec: { cls: string; args: unknown[] }; dim: number | null; keys: string[]; keys_removed: string[]; g_shape: number[] }>;
  for (const [name, c] of Object.entries(cases)) {
    it(`loads PyTorch's weight-normed state dict and matches its forward, gradients and removal (${name})`, () => {
      scope(() => {
        const Cls = (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[c.spec.cls];
        const m = nn.weightNorm(new Cls(...c.spec.args), { dim: c.dim });
        expect([...m.stateDict().keys()]).toEqual(c.keys);
        expect(fields(m).weight_g.shape).toEqual(c.g_shape);
        expect([...m.namedParameters()].map(([k]) => k)).toEqual(c.keys);
        m.loadStateDict(new Map(c.keys.map((k) => [k, toTensor(t.get(`${name}.sd.${k}`)!)])));
        const x = toTensor(t.get(`${name}.input`)!, true);
        const y = m.forward(x) as Tensor;
        expectClose(y.dataSync(), t.get(`${name}.output`)!.data, 1e-5, 1e-5, 'output');
        y.backward(toTensor(t.get(`${name}.upstream`)!));
        expectClose(x.grad!.dataSync(), t.get(`${name}.grad.input`)!.data, 1e-5, 1e-4, 'input gradient');
        for (const [k, p] of m.namedParameters()) expectClose(p.grad!.dataSync(), t.get(`${name}.grad.${k}`)!.data, 1e-5, 1e-4, `gradient of ${k}`);
        nn.removeWeightNorm(m);
        expect([...m.stateDict().keys()]).toEqual(c.keys_removed);
        expectClose(fields(m).weight.dataSync(), t.get(`${name}.removed`)!.data, 1e-6, 1e-5, 'the weight after removal');
        expect(fields(m).weight_g).toBeUndefined();
        expect(nn.isParameter(fields(m).weight)).toBe(true);
      });
    });
  }

  it('recomputes the weight before each forward, keeps the original tensor as weight_v, and trains g and v', () => {
    scope(() => {
      const lin = new nn.Linear(3, 2);
      const before = lin.weight;
      const m = nn.weightNorm(lin);
      expect(fields(m).weight_v).toBe(before);
      expect(nn.isParameter(fields(m).weight)).toBe(false);
      // At first the weight is the original one (g = ‖v‖ row by row).
      expectClose(fields(m).weight.dataSync(), before.dataSync(), 1e-6, 1e-6, 'initial weight');
      noGrad(() => copyInto(fields(m).weight_g, tensor([[2], [-1]])));
      const x = tensor([[1, 2, 3]]);
      m.forward(x);
      const w = fields(m).weight.dataSync();
      const v = fields(m).weight_v.dataSync();
      for (let r = 0; r < 2; r++) {
        const n = Math.hypot(v[3 * r], v[3 * r + 1], v[3 * r + 2]);
        for (let c = 0; c < 3; c++) expect(w[3 * r + c]).toBeCloseTo((v[3 * r + c] * [2, -1][r]) / n, 5);
      }
      // Two forwards before one backward (both graphs kept), as spectral norm allows.
      sum(m.forward(x)).add(sum(mul(m.forward(x), 2))).backward();
      expect(fields(m).weight_g.grad).not.toBeNull();
      expect(fields(m).weight_v.grad).not.toBeNull();
    });
  });

  it('refuses bad arguments, naming the function, the argument, expected and got', () => {
    expect(() => nn.weightNorm(new nn.Linear(3, 2), { dim: 2 })).toThrow(/^weightNorm: dim expected an integer in \[-2, 1\] or null \(the whole tensor\), got 2 \(the weight is 2-d\)$/);
    expect(() => nn.weightNorm(new nn.Linear(3, 2), { dim: 0.5 })).toThrow(/^weightNorm: dim expected an integer in \[-2, 1\] or null/);
    expect(() => nn.weightNorm(new nn.Linear(3, 2), { dims: 0 } as never)).toThrow(/^weightNorm: unknown option 'dims'/);
    expect(() => nn.weightNorm(new nn.ReLU())).toThrow(/^weightNorm: ReLU has no parameter 'weight'$/);
    expect(() => nn.weightNorm(new nn.Linear(3, 2), { name: 'wieght' })).toThrow(/^weightNorm: Linear has no parameter 'wieght'$/);
    const m = nn.weightNorm(new nn.Linear(3, 2));
    expect(() => nn.weightNorm(m)).toThrow(/^weightNorm: Linear has no parameter 'weight' \(it has weight norm already\)$/);
    expect(() => nn.spectralNorm(m)).toThrow(/^spectralNorm: Linear has no parameter 'weight' \(it has weight norm already\)$/);
    expect(() => nn.removeSpectralNorm(m)).toThrow(/^removeSpectralNorm: Linear\.weight has no spectral norm$/);
    expect(() => nn.removeWeightNorm(new nn.Linear(3, 2))).toThrow(/^removeWeightNorm: Linear\.weight has no weight norm$/);
    expect(() => nn.removeWeightNorm(m, 'bias')).toThrow(/^removeWeightNorm: Linear\.bias has no weight norm$/);
    // Another parameter of the same module may have its own (PyTorch allows it too).
    nn.weightNorm(m, { name: 'bias' });
    expect([...m.stateDict().keys()]).toEqual(['weight_g', 'weight_v', 'bias_g', 'bias_v']);
    expect(() => (nn.weightNorm as (...a: unknown[]) => unknown)(new nn.Linear(3, 2), 'weight', 0)).toThrow(/^weightNorm: takes at most 2 arguments, got 3/);
  });
});

describe('unpadSequence and unpackSequence', () => {
  const { tensors: t } = fixture('unpad-sequence');
  const lengths = Array.from(t.get('unpad.lengths')!.data as BigInt64Array, Number);

  for (const [name, batchFirst] of [['tm', false], ['bf', true]] as const) {
    it(`unpadSequence matches PyTorch's unpad_sequence and its gradient (batchFirst ${batchFirst}), an empty sequence included`, () => {
      scope(() => {
        const padded = toTensor(t.get(`unpad.${name}.padded`)!, true);
        const before = Array.from(padded.dataSync());
        const seqs = nn.unpadSequence(padded, lengths, { batchFirst });
        expect(seqs.length).toBe(lengths.length);
        let loss: Tensor | null = null;
        seqs.forEach((s, i) => {
          const want = t.get(`unpad.${name}.out.${i}`)!;
          expect(s.shape, `sequence ${i}`).toEqual(want.shape);
          expectClose(s.dataSync(), want.data, 0, 0, `sequence ${i}`);
          const term = sum(mul(s, toTensor(t.get(`unpad.${name}.upstream.${i}`)!)));
          loss = loss ? loss.add(term) : term;
        });
        loss!.backward();
        expectClose(padded.grad!.dataSync(), t.get(`unpad.${name}.grad`)!.data, 1e-6, 1e-6, 'gradient to the padded batch');
        expect(Array.from(padded.dataSync())).toEqual(before); // PyTorch's transposes it in place; ours is left alone
        expect(padded.shape).toEqual(t.get(`unpad.${name}.padded`)!.shape);
      });
    });
  }

  it('undoes padSequence, with lengths as a tensor, an Int32Array or bigints', () => {
    scope(() => {
      const a = tensor([[1, 2], [3, 4], [5, 6]]);
      const b = tensor([[7, 8]]);
      const padded = nn.padSequence([a, b], { batchFirst: true });
      for (const ls of [tensor([3, 1], { dtype: 'int64' }), new Int32Array([3, 1]), [3n, 1n]]) {
        const [x, y] = nn.unpadSequence(padded, ls, { batchFirst: true });
        expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
        expect(y.shape).toEqual([1, 2]);
      }
    });
  });

  it("unpackSequence matches PyTorch's unpack_sequence: the sequences back in batch order", () => {
    scope(() => {
      const inputs = [0, 1, 2].map((i) => toTensor(t.get(`unpack.in.${i}`)!));
      const out = nn.unpackSequence(nn.packSequence(inputs, { enforceSorted: false }));
      expect(out.length).toBe(3);
      out.forEach((s, i) => {
        expect(s.shape).toEqual(t.get(`unpack.out.${i}`)!.shape);
        expectClose(s.dataSync(), t.get(`unpack.out.${i}`)!.data, 0, 0, `sequence ${i}`);
      });
      // A recurrent layer's packed output unpacks the same way.
      const gru = new nn.GRU(2, 3);
      const { output } = gru.forward(nn.packSequence(inputs, { enforceSorted: false })) as unknown as { output: nn.PackedSequence };
      expect(nn.unpackSequence(output).map((s) => s.shape)).toEqual([[3, 3], [5, 3], [1, 3]]);
    });
  });

  it('refuses bad arguments with packPaddedSequence’s checks', () => {
    scope(() => {
      const padded = zeros([4, 2, 3]);
      expect(() => nn.unpadSequence(padded, [4, 5])).toThrow(/^unpadSequence: lengths\[1\] expected an integer from 0 to 4 \(the padded length\), got 5$/);
      expect(() => nn.unpadSequence(padded, [4, -1])).toThrow(/^unpadSequence: lengths\[1\] expected an integer from 0 to 4/);
      expect(() => nn.unpadSequence(padded, [4, 1, 2])).toThrow(/^unpadSequence: lengths has 3 entries but the batch has 2 sequences$/);
      expect(() => nn.unpadSequence(padded, [2, 2, 3, 2], { batchFirst: true })).toThrow(/^unpadSequence: lengths\[2\] expected an integer from 0 to 2 \(the padded length\), got 3$/);
      expect(() => nn.unpadSequence(zeros([4]), [1])).toThrow(/^unpadSequence: padded expected at least 2 dimensions .*, got \[4\]$/);
      expect(() => nn.unpadSequence(padded, 'abc' as never)).toThrow(/^unpadSequence: lengths expected an array of integers, a typed array or a tensor, got a string/);
      expect(() => nn.unpadSequence([padded] as never, [1])).toThrow(/^unpadSequence: padded expected a Tensor, got an array$/);
      expect(() => nn.unpadSequence(padded, [1, 1], { batch_first: true } as never)).toThrow(/^unpadSequence: unknown option 'batch_first'/);
      expect(() => nn.unpackSequence(padded as never)).toThrow(/^unpackSequence: sequence expected a PackedSequence .*, got a Tensor$/);
    });
  });
});

describe('clone() of a reparametrised module (found while adding weight norm: the clone kept a stale weight)', () => {
  it('the clone recomputes its weight from its own pieces, as the original does from its own', () => {
    scope(() => {
      const original = nn.weightNorm(new nn.Linear(3, 2));
      const copy = original.clone();
      const x = tensor([[1, 2, 3]]);
      expectClose(copy.forward(x).dataSync(), original.forward(x).dataSync(), 1e-6, 1e-6);
      noGrad(() => copyInto((copy as unknown as Record<string, Tensor>).weight_g, (copy as unknown as Record<string, Tensor>).weight_g.mul(2)));
      const [a, b] = [original.forward(x).dataSync(), copy.forward(x).dataSync()];
      const bias = Array.from(original.bias!.dataSync());
      expectClose(Array.from(b, (v, i) => v - bias[i]), Array.from(a, (v, i) => 2 * (v - bias[i])), 1e-5, 1e-5);
      const sn = nn.spectralNorm(new nn.Linear(3, 2)).clone();
      expect(() => nn.removeSpectralNorm(sn)).not.toThrow();
    });
  });
});
