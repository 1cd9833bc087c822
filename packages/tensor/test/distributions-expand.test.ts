// Distribution.expand (Note [expanded distributions]; user trial AJ: `n.expand is not a function`):
// the loc-scale family made again with expanded parameters, every other distribution wrapped;
// draws independent along the new and widened dims, the base's values broadcast everywhere else,
// gradients through rsample, the refusals.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { Generator, distributions as D, grad, memory, scope, tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';
import { nums } from './golden-cases.js';

describe('Distribution.expand', () => {
  it('Normal, Laplace, Cauchy and Gumbel come back as themselves, with loc and scale expanded', () => {
    scope(() => {
      for (const make of [(l: T.Tensor) => new D.Normal(l, 2), (l: T.Tensor) => new D.Laplace(l, 2), (l: T.Tensor) => new D.Cauchy(l, 2), (l: T.Tensor) => new D.Gumbel(l, 2)]) {
        const base = make(tensor([0, 10]));
        const e = base.expand([3, 2]) as D.Normal;
        expect(e.constructor).toBe(base.constructor);
        expect([e.batchShape, e.loc.shape, e.scale.shape]).toEqual([[3, 2], [3, 2], [3, 2]]);
        expectClose(nums(e.logProb(tensor(1))), nums(T.expand(base.logProb(tensor(1)), [3, 2])), 1e-6, 0);
        const draws = nums(e.sample([], { generator: new Generator(1) }));
        expect(new Set(draws).size).toBe(6); // independent along the new dim: no copies
      }
    });
  });

  it('other distributions are wrapped: new and widened dims drawn independently, the rest broadcast from the base', () => {
    scope(() => {
      const base = new D.Bernoulli(tensor([[0.2], [0.9]]));
      const e = base.expand([500, 2, 3]);
      expect(e).toBeInstanceOf(D.ExpandedDistribution);
      expect([e.batchShape, e.eventShape, String(e)]).toEqual([[500, 2, 3], [], 'Bernoulli(batchShape: [2,1], eventShape: []).expand([500,2,3])']);
      const draws = e.sample([4], { generator: new Generator(2) });
      expect(draws.shape).toEqual([4, 500, 2, 3]);
      expectClose(nums(T.mean(draws, [0, 1])), [0.2, 0.2, 0.2, 0.9, 0.9, 0.9], 0.03, 0);
      // The widened dim (size 1 → 3) holds independent draws: its columns differ somewhere.
      const cols = T.unbind(draws, -1).map((c) => nums(c));
      expect(cols[0]).not.toEqual(cols[1]);
      expect(cols[1]).not.toEqual(cols[2]);
      expect(e.logProb(T.ones([2, 3])).shape).toEqual([500, 2, 3]);
      expectClose(nums(e.logProb(tensor(1))), nums(T.expand(base.logProb(tensor(1)), [500, 2, 3])), 1e-6, 0);
      expect([e.mean.shape, e.variance.shape, e.entropy().shape]).toEqual([[500, 2, 3], [500, 2, 3], [500, 2, 3]]);
      expect(e.expand([500, 2, 3])).toBe(e);
    });
  });

  it('events stay last: Dirichlet [K] and Independent; rsample keeps gradients to the parameters', () => {
    scope(() => {
      const alpha = tensor([[1, 2, 3]]).requiresGrad_();
      const dir = new D.Dirichlet(alpha).expand([4, 5]);
      expect([dir.batchShape, dir.eventShape]).toEqual([[4, 5], [3]]);
      const x = dir.rsample([2], { generator: new Generator(3) });
      expect(x.shape).toEqual([2, 4, 5, 3]);
      expectClose(nums(T.sum(x, -1)), new Array(40).fill(1), 1e-5, 0);
      const [g] = grad(T.sum(T.mul(x, tensor([1, 0, -1]))), [alpha]);
      expect(g!.shape).toEqual([1, 3]);
      expect(nums(g!).every(Number.isFinite)).toBe(true);
      const ind = new D.Independent(new D.Normal(T.zeros([3]), 1), 1).expand([2]);
      expect([ind.batchShape, ind.eventShape, ind.sample([5]).shape, ind.logProb(T.zeros([3])).shape]).toEqual([[2], [3], [5, 2, 3], [2]]);
      const mix = new D.MixtureSameFamily(new D.Categorical(T.ones([3])), new D.Normal(tensor([-5, 0, 5]), 1)).expand([6]);
      expect([mix.sample([7]).shape, mix.logProb(T.zeros([6])).shape]).toEqual([[7, 6], [6]]);
    });
  });

  it('refuses a batch shape that does not expand this one; keeps nothing outside the caller\'s scope', () => {
    const before = memory('cpu').liveTensors;
    scope(() => {
      const n = new D.Normal(T.zeros([2]), 1);
      expect(() => n.expand([3])).toThrow(/^Normal\.expand: batchShape \[3\] does not expand \[2\] \(each existing dim must equal the new one or be 1; new dims go in front\)$/);
      expect(() => n.expand([2, 1] as never).batchShape).toThrow(/^Normal\.expand: batchShape \[2,1\] does not expand \[2\]/);
      expect(() => n.expand(3 as never)).toThrow(/^Normal\.expand: batchShape expected an array/);
      expect(() => new D.ContinuousBernoulli(T.full([2], 0.3)).expand([2, 2]).mode).toThrow(/^ExpandedDistribution\.mode: not defined for ContinuousBernoulli$/);
      new D.Gamma(T.ones([3]), 1).expand([2, 3]).sample([4]);
    });
    expect(memory('cpu').liveTensors).toBe(before);
  });
});
