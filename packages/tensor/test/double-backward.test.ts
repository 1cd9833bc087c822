// Second derivatives through ops whose gradient is a fused backward op with no gradient of its own
// (Note [double backward by composition] in src/ops/double-backward.ts): crossEntropy,
// binaryCrossEntropy(WithLogits), layerNorm, batchNorm, maxPool2d and logsumexp — and through max/min
// and embedding, whose backward ops are linear in the gradient and differentiable — against PyTorch's
// torch.autograd.grad(create_graph=True) — goldens in test/fixtures/double-backward.json
// (scripts/fixtures_double_backward.py). Inputs are sin sequences made here from the fixture's
// specs: shift + scale·sin(a·i + b).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  add, batchNorm, binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, embedding, grad, layerNorm, logsumexp, max, maxPool2d, memory, min, mul, profile, scope, sum, tanh, tensor, type Tensor,
} from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

interface Spec { shape: number[]; a: number; b: number; scale: number; shift: number }
interface Case {
  name: string;
  op: 'crossEntropy' | 'bceWithLogits' | 'layerNorm' | 'batchNorm' | 'maxPool2d' | 'logsumexp' | 'bce' | 'maxDim' | 'minAll' | 'embedding';
  inputs: Record<string, Spec>;
  ints: { target?: number | number[] | number[][] };
  options: Record<string, any>;
  pre: boolean;
  addWeight: boolean;
  diff: string[];
  out: number[];
  outShape: number[];
  g: number[];
  pen: number;
  penGrads: Record<string, number[]>;
  hv: number[];
}

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/double-backward.json', import.meta.url), 'utf8')) as { cases: Case[] };

const numel = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
const seq = (shape: number[], a: number, b: number, scale = 1, shift = 0, requiresGrad = false): Tensor =>
  tensor(Array.from({ length: numel(shape) }, (_, i) => shift + scale * Math.sin(a * i + b)), { shape, requiresGrad });
const make = (s: Spec, requiresGrad: boolean) => seq(s.shape, s.a, s.b, s.scale, s.shift, requiresGrad);

function shapeOf(v: unknown): number[] {
  return Array.isArray(v) ? [v.length, ...shapeOf(v[0])] : [];
}
const indices = (v: number | number[] | number[][]) => tensor([v].flat(2) as number[], { dtype: 'int64', shape: shapeOf(v) });

/** The op of a case on its (possibly transformed) inputs, as the fixture script runs PyTorch's. */
function runOp(c: Case, t: Record<string, Tensor>): Tensor {
  const o = c.options;
  switch (c.op) {
    case 'crossEntropy':
      return crossEntropy(t.x, t.target ?? indices(c.ints.target!), { weight: t.weight, ...o });
    case 'bceWithLogits':
      return binaryCrossEntropyWithLogits(t.x, t.target, { weight: t.weight, posWeight: t.posWeight, ...o });
    case 'layerNorm':
      return layerNorm(t.x, o.normalizedShape, t.weight, t.bias, o.eps);
    case 'batchNorm':
      return batchNorm(t.x, t.runningMean, t.runningVar, t.weight, t.bias, o).output;
    case 'maxPool2d': {
      const { kernelSize, ...rest } = o;
      return maxPool2d(t.x, kernelSize, rest);
    }
    case 'logsumexp':
      return logsumexp(t.x, o);
    case 'bce':
      return binaryCrossEntropy(t.x, t.target, { weight: t.weight, ...o });
    case 'maxDim':
      return max(t.x, { dim: o.dim, keepdim: o.keepdim ?? false }).values;
    case 'minAll':
      return min(t.x);
    case 'embedding':
      return embedding(indices(c.ints.target!), t.x, o);
  }
}

/** L = Σ r·out + ½ Σ out² and its inputs, as the fixture script builds them. */
function lossOf(c: Case) {
  const leaves: Record<string, Tensor> = {};
  for (const [k, s] of Object.entries(c.inputs)) leaves[k] = make(s, c.diff.includes(k));
  const t = { ...leaves };
  if (c.pre) t.x = tanh(mul(leaves.x, 1.2));
  if (c.addWeight) t.x = add(t.x, leaves.weight);
  const out = runOp(c, t);
  const r = seq([...out.shape], 0.29, 0.7);
  return { leaves, out, L: add(sum(mul(r, out)), mul(sum(mul(out, out)), 0.5)) };
}

describe('second derivatives through fused backward ops match PyTorch', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      scope(() => {
        const { leaves, out, L } = lossOf(c);
        expect(out.shape).toEqual(c.outShape);
        expectClose(out.dataSync(), c.out, 1e-5, 1e-4, 'output');
        const x = leaves.x;
        const [g] = grad(L, [x], { createGraph: true });
        expectClose(g!.dataSync(), c.g, 1e-5, 1e-4, 'first-order gradient');
        const pen = sum(mul(g!, g!));
        expectClose(pen.dataSync(), [c.pen], 1e-5, 1e-4, 'penalty');
        const penGrads = grad(pen, c.diff.map((k) => leaves[k]), { retainGraph: true, allowUnused: true });
        c.diff.forEach((k, i) => {
          const got = penGrads[i] ? penGrads[i]!.dataSync() : new Float32Array(numel(leaves[k].shape));
          expectClose(got, c.penGrads[k], 1e-4, 1e-3, `∂penalty/∂${k}`);
        });
        const v = seq([...x.shape], 0.91, 0.5);
        const [hv] = grad(sum(mul(g!, v)), [x], { allowUnused: true });
        expectClose(hv ? hv.dataSync() : new Float32Array(x.numel), c.hv, 1e-4, 1e-3, 'Hessian-vector product');
      });
    });
  }
});

describe('double backward by composition', () => {
  it('the repro: a gradient penalty through crossEntropy', () => {
    scope(() => {
      const x = seq([4, 5], 0.37, 0.1, 2, 0, true);
      const y = tensor([0, 1, 2, 3], { dtype: 'int64' });
      const [g] = grad(crossEntropy(x, y), [x], { createGraph: true });
      const [h] = grad(sum(g!.pow(2)), [x]);
      expect(h!.shape).toEqual([4, 5]);
    });
  });

  it('keeps the fused backward ops when no graph of the gradients is made, and composes only when one is', async () => {
    const cases = ['crossEntropy indices', 'bceWithLogits posWeight weight mean', 'layerNorm affine', 'batchNorm training 4d', 'batchNorm eval', 'maxPool2d stride padding', 'logsumexp dim'];
    const fused: Record<string, string> = {
      crossEntropy: 'crossEntropyBackward', bceWithLogits: 'binaryCrossEntropyWithLogitsBackward', layerNorm: 'layerNormBackward', batchNorm: 'batchNormBackward', maxPool2d: 'maxPool2dBackward', logsumexp: 'logsumexpBackward',
    };
    for (const name of cases) {
      const c = fixtures.cases.find((k) => k.name === name)!;
      const first = await profile(() => scope(() => {
        const { leaves, L } = lossOf(c);
        grad(L, [leaves.x]);
      }));
      expect(first.ops.map((r) => r.op), name).toContain(fused[c.op]);
      const second = await profile(() => scope(() => {
        const { leaves, L } = lossOf(c);
        grad(L, [leaves.x], { createGraph: true });
      }));
      expect(second.ops.map((r) => r.op), name).not.toContain(fused[c.op]);
    }
  });

  it('leaves nothing behind: live tensors stay flat over repeated gradient penalties', () => {
    const step = () =>
      scope(() => {
        for (const c of fixtures.cases) {
          const { leaves, L } = lossOf(c);
          const [g] = grad(L, [leaves.x], { createGraph: true });
          const pen = sum(mul(g!, g!));
          grad(pen, c.diff.map((k) => leaves[k]), { allowUnused: true });
        }
      });
    step();
    const before = memory().liveTensors;
    for (let i = 0; i < 3; i++) step();
    expect(memory().liveTensors).toBe(before);
  });

  it('a parameter used both before and inside layerNorm gets its gradient once', () => {
    // x = tanh(z) + w, layerNorm(x, w): the inner grad() stops at stand-ins, so the path from w
    // through x is differentiated by the outer walk only (the golden covers the values).
    const c = fixtures.cases.find((k) => k.name === 'layerNorm weight also before it')!;
    scope(() => {
      const { leaves, L } = lossOf(c);
      const [gx, gw] = grad(L, [leaves.x, leaves.weight], { createGraph: true });
      const pen = add(sum(mul(gx!, gx!)), sum(mul(gw!, gw!)));
      const [d] = grad(pen, [leaves.weight]);
      expect(d!.shape).toEqual([4]);
      expect(Array.from(d!.dataSync()).every(Number.isFinite)).toBe(true);
    });
  });
});
