// CosineSimilarity and PairwiseDistance beyond their PyTorch goldens (test/layers.test.ts, from
// scripts/fixtures_nn_distance.py): p = Infinity (JSON cannot carry it), the settings checked
// when the layer is made, and a SimCLR-style similarity matrix (user trial AQ).
import { describe, expect, it } from 'vitest';
import { cosineSimilarity, pairwiseDistance, randn, scope, sum } from '@nutshell/tensor';
import * as nn from '../src/index.js';

describe('CosineSimilarity and PairwiseDistance', () => {
  it('forward is the functional with the settings held; defaults are PyTorch’s', () => {
    scope(() => {
      const a = randn([4, 5]);
      const b = randn([4, 5]);
      const cos = new nn.CosineSimilarity();
      expect([cos.dim, cos.eps]).toEqual([1, 1e-8]);
      expect(Array.from(cos.forward(a, b).dataSync())).toEqual(Array.from(cosineSimilarity(a, b).dataSync()));
      const dist = new nn.PairwiseDistance();
      expect([dist.p, dist.eps, dist.keepdim]).toEqual([2, 1e-6, false]);
      const inf = new nn.PairwiseDistance({ p: Infinity, keepdim: true });
      const got = inf.forward(a, b);
      expect(got.shape).toEqual([4, 1]);
      expect(Array.from(got.dataSync())).toEqual(Array.from(pairwiseDistance(a, b, { p: Infinity, keepdim: true }).dataSync()));
    });
  });

  it('a SimCLR similarity matrix: [N, 1, D] against [1, N, D], with gradients', () => {
    scope(() => {
      const z = randn([6, 8], { requiresGrad: true });
      const sim = new nn.CosineSimilarity({ dim: -1 }).forward(z.unsqueeze(1), z.unsqueeze(0));
      expect(sim.shape).toEqual([6, 6]);
      const diag = sim.diagonal().dataSync();
      for (const v of diag) expect(v).toBeCloseTo(1, 5);
      sum(sim).backward();
      expect(z.grad!.shape).toEqual([6, 8]);
    });
  });

  it('refuses bad settings when made, naming the option, what it expects and what it got', () => {
    expect(() => new nn.CosineSimilarity(0 as never)).toThrow(/^CosineSimilarity: expected an options object \{ dim, eps \}, got 0 \(new CosineSimilarity\(\{ dim: 0 \}\)\)$/);
    expect(() => new nn.CosineSimilarity({ dim: 1.5 })).toThrow(/^CosineSimilarity: option 'dim' expected an integer, got 1\.5$/);
    expect(() => new nn.CosineSimilarity({ eps: -1 })).toThrow(/^CosineSimilarity: option 'eps' expected a finite number >= 0, got -1$/);
    expect(() => new nn.CosineSimilarity({ axis: 1 } as never)).toThrow(/^CosineSimilarity: /);
    expect(() => new nn.PairwiseDistance(1 as never)).toThrow(/^PairwiseDistance: expected an options object \{ p, eps, keepdim \}, got 1 \(new PairwiseDistance\(\{ p: 1 \}\)\)$/);
    expect(() => new nn.PairwiseDistance({ p: 0 })).toThrow(/^PairwiseDistance: option 'p' expected a number > 0 or Infinity, got 0$/);
    expect(() => new nn.PairwiseDistance({ eps: NaN })).toThrow(/^PairwiseDistance: option 'eps' expected a finite number, got NaN$/);
    expect(() => new nn.PairwiseDistance({ keepdim: 1 as never })).toThrow(/^PairwiseDistance: option 'keepdim' expected true or false, got 1$/);
    expect(() => new nn.PairwiseDistance({ keep_dim: true } as never)).toThrow(/^PairwiseDistance: /);
  });

  it('prints as PyTorch’s, and forward refuses a third argument', () => {
    expect(String(new nn.CosineSimilarity())).toBe('CosineSimilarity()');
    expect(String(new nn.PairwiseDistance())).toBe('PairwiseDistance()');
    const a = randn([2, 3]);
    expect(() => (new nn.PairwiseDistance().forward as (...x: unknown[]) => unknown)(a, a, a)).toThrow(/^PairwiseDistance\.forward: takes at most 2 arguments, got 3/);
  });
});
