// Multinomial (user trial AJ: the distribution missed most): PyTorch's logProb, entropy, mean and
// variance (values from torch 2.13), both ways of drawing (Note [multinomial draws]: counted
// Categorical draws up to 32 trials, one binomial per category past that) with the moments the
// distribution gives, and the refusals.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { Generator, ValueError, distributions as D, memory, scope, tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';
import { nums } from './golden-cases.js';
import { sampleStats } from './sample-stats.js';

const probs = () => tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]);

describe('Multinomial', () => {
  it("logProb, entropy, mean and variance are PyTorch's", () => {
    scope(() => {
      const m = new D.Multinomial(10, probs());
      expect([m.batchShape, m.eventShape, m.totalCount]).toEqual([[2], [3], 10]);
      // torch.distributions.Multinomial(10, p).log_prob([[2, 3, 5], [0, 1, 9]]), .entropy()
      expectClose(nums(m.logProb(tensor([[2, 3, 5], [0, 1, 9]]))), [-2.464515209197998, -2.008291244506836], 1e-5, 1e-6);
      expectClose(nums(m.entropy()), [3.341219902038574, 2.5493545532226562], 1e-5, 1e-6);
      expectClose(nums(m.mean), [2, 3, 5, 1, 1, 8], 1e-6, 1e-6);
      expectClose(nums(m.variance), [1.6, 2.1, 2.5, 0.9, 0.9, 1.6], 1e-6, 1e-6);
      // A category at logit −∞ with a zero count adds nothing (PyTorch's masking).
      const ml = new D.Multinomial(7, { logits: tensor([0, -Infinity, 1]) });
      expectClose(nums(ml.logProb(tensor([3, 0, 4]))), [-1.6374831199645996], 1e-5, 1e-6);
      expectClose(nums(ml.entropy()), [1.552947998046875], 1e-5, 1e-6);
      expect(nums(new D.Multinomial(0, probs()).entropy())).toEqual([0, 0]);
    });
  });

  it.each([5, 32, 33, 1000, 1e6])('totalCount %d: rows sum to it, with the mean and variance the distribution gives', (n) => {
    scope(() => {
      const m = new D.Multinomial(n, probs());
      const draws = m.sample([20000], { generator: new Generator(5) });
      expect(draws.shape).toEqual([20000, 2, 3]);
      const xs = nums(draws);
      expect(xs.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      expect(nums(T.sum(draws, -1)).every((v) => v === n)).toBe(true);
      const mean = nums(m.mean);
      const variance = nums(m.variance);
      for (let j = 0; j < 6; j++) {
        const s = sampleStats(xs.filter((_, i) => i % 6 === j));
        expect(Math.abs(s.mean - mean[j]), `mean of ${j}`).toBeLessThan(5 * Math.sqrt(variance[j] / 20000));
        expect(Math.abs(s.variance / variance[j] - 1), `variance of ${j}`).toBeLessThan(5 * Math.sqrt(2 / 20000) + 0.01);
      }
    });
  });

  it('a seed repeats the draws; zero-probability categories get no counts; a scope keeps nothing', () => {
    const before = memory('cpu').liveTensors;
    scope(() => {
      for (const n of [6, 300]) {
        const m = new D.Multinomial(n, tensor([0.5, 0, 0.5]));
        const a = nums(m.sample([50], { generator: new Generator(9) }));
        expect(nums(m.sample([50], { generator: new Generator(9) }))).toEqual(a);
        expect(a.filter((_, i) => i % 3 === 1).every((v) => v === 0)).toBe(true);
      }
      expect(nums(new D.Multinomial(0, probs()).sample([2]))).toEqual(new Array(12).fill(0));
    });
    expect(memory('cpu').liveTensors).toBe(before);
  });

  it('refuses a totalCount that is not a whole number, and values outside the support with validateArgs', () => {
    scope(() => {
      expect(() => new D.Multinomial(2.5, probs())).toThrow(/^Multinomial: totalCount expected an integer >= 0 \(a number, as PyTorch's int total_count\), got 2\.5$/);
      expect(() => new D.Multinomial(tensor(3) as never, probs())).toThrow(/^Multinomial: totalCount expected an integer >= 0 .*got a tensor$/);
      expect(() => new D.Multinomial(3, tensor(0.5))).toThrow(/^Multinomial: probs expected a tensor of at least 1 dimension/);
      const checked = new D.Multinomial(4, probs(), { validateArgs: true });
      expect(() => checked.logProb(tensor([1, 1.5, 1]))).toThrow(/^Multinomial\.logProb: value expected counts \(integers >= 0\)/);
      expect(() => checked.logProb(tensor([3, 1, 1]))).toThrow(/^Multinomial\.logProb: value expected counts summing to at most totalCount \(4\) over the last dim, got 1 of 1 event outside/);
      expect(() => checked.sample([2], { seed: 1 } as never)).toThrow(ValueError);
    });
  });
});
