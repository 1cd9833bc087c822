// Exponential, Cauchy, HalfNormal, HalfCauchy, Gumbel, Geometric, Pareto, RelaxedBernoulli,
// RelaxedOneHotCategorical and MixtureSameFamily (src/distributions/) against PyTorch 2.13:
// log_prob, cdf, icdf, entropy, mean, mode, variance, stddev and the KL pairs PyTorch registers,
// values and gradients w.r.t. the parameters and the value, from
// test/fixtures/distributions-third.safetensors (scripts/fixtures_distributions_third.py). Then
// what PyTorch cannot give goldens for (our Philox stream is not its generator): rsample against
// its formula for the noise the same seed draws, with those gradients; sample shapes, seeds,
// statistics of 20k draws; refusals, validateArgs, PyTorch spellings and tensor lifetimes.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { DTypeError, DeviceError, Generator, ShapeError, ValueError, distributions as D, manualSeed, memory, rand, randn, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';
import { expectSeededDraws } from './seeded-draws.js';
import { sampleStats } from './sample-stats.js';
import { describeGoldenCases, nums, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('distributions-third');
const TINY = 2 ** -126;
const EPS = 2 ** -23;
const exp = (r: Tensor) => new D.Exponential(r);
const cau = (l: Tensor, s: Tensor) => new D.Cauchy(l, s);
const gum = (l: Tensor, s: Tensor) => new D.Gumbel(l, s);
const hn = (s: Tensor) => new D.HalfNormal(s);
const hc = (s: Tensor) => new D.HalfCauchy(s);
const par = (s: Tensor, a: Tensor) => new D.Pareto(s, a);
const msf = (lg: Tensor, l: Tensor, s: Tensor) => new D.MixtureSameFamily(new D.Categorical({ logits: lg }), new D.Normal(l, s));
const msfInd = (lg: Tensor, l: Tensor, s: Tensor) => new D.MixtureSameFamily(new D.Categorical({ logits: lg }), new D.Independent(new D.Normal(l, s), 1));

const calls: Record<string, GoldenCall> = {
  expLogProb: (r, x) => exp(r).logProb(x),
  expCdf: (r, x) => exp(r).cdf(x),
  expIcdf: (r, u) => exp(r).icdf(u),
  expEntropy: (r) => exp(r).entropy(),
  expMean: (r) => exp(r).mean,
  expMode: (r) => exp(r).mode,
  expStddev: (r) => exp(r).stddev,
  expVariance: (r) => exp(r).variance,
  cauchyLogProb: (l, s, x) => cau(l, s).logProb(x),
  cauchyCdf: (l, s, x) => cau(l, s).cdf(x),
  cauchyIcdf: (l, s, u) => cau(l, s).icdf(u),
  cauchyEntropy: (l, s) => cau(l, s).entropy(),
  cauchyMean: (l, s) => cau(l, s).mean,
  cauchyMode: (l, s) => cau(l, s).mode,
  cauchyVariance: (l, s) => cau(l, s).variance,
  cauchyStddev: (l, s) => cau(l, s).stddev,
  halfNormalLogProb: (s, x) => hn(s).logProb(x),
  halfNormalCdf: (s, x) => hn(s).cdf(x),
  halfNormalIcdf: (s, u) => hn(s).icdf(u),
  halfNormalIcdfEnds: (s, u) => hn(s).icdf(u),
  normalIcdf: (l, s, u) => new D.Normal(l, s).icdf(u),
  normalIcdfEnds: (l, s, u) => new D.Normal(l, s).icdf(u),
  halfNormalEntropy: (s) => hn(s).entropy(),
  halfNormalMean: (s) => hn(s).mean,
  halfNormalMode: (s) => hn(s).mode,
  halfNormalVariance: (s) => hn(s).variance,
  halfCauchyLogProb: (s, x) => hc(s).logProb(x),
  halfCauchyCdf: (s, x) => hc(s).cdf(x),
  halfCauchyIcdf: (s, u) => hc(s).icdf(u),
  halfCauchyEntropy: (s) => hc(s).entropy(),
  halfCauchyMean: (s) => hc(s).mean,
  halfCauchyMode: (s) => hc(s).mode,
  halfCauchyVariance: (s) => hc(s).variance,
  gumbelLogProb: (l, s, x) => gum(l, s).logProb(x),
  gumbelCdf: (l, s, x) => gum(l, s).cdf(x),
  gumbelIcdf: (l, s, u) => gum(l, s).icdf(u),
  gumbelIcdfEnds: (l, s, u) => gum(l, s).icdf(u),
  gumbelEntropy: (l, s) => gum(l, s).entropy(),
  gumbelMean: (l, s) => gum(l, s).mean,
  gumbelMode: (l, s) => gum(l, s).mode,
  gumbelStddev: (l, s) => gum(l, s).stddev,
  gumbelVariance: (l, s) => gum(l, s).variance,
  geometricLogProb: (p, x) => new D.Geometric(p).logProb(x),
  geometricLogProbLogits: (lg, x) => new D.Geometric({ logits: lg }).logProb(x),
  geometricEntropy: (p) => new D.Geometric(p).entropy(),
  geometricEntropyLogits: (lg) => new D.Geometric({ logits: lg }).entropy(),
  geometricMean: (p) => new D.Geometric(p).mean,
  geometricMode: (p) => new D.Geometric(p).mode,
  geometricVariance: (lg) => new D.Geometric({ logits: lg }).variance,
  paretoLogProb: (s, a, x) => par(s, a).logProb(x),
  paretoCdf: (s, a, x) => par(s, a).cdf(x),
  paretoCdfBelow: (s, a, x) => par(s, a).cdf(x),
  paretoIcdf: (s, a, u) => par(s, a).icdf(u),
  paretoEntropy: (s, a) => par(s, a).entropy(),
  paretoMean: (s, a) => par(s, a).mean,
  paretoMeanInfinite: (s, a) => par(s, a).mean,
  paretoMode: (s, a) => par(s, a).mode,
  paretoVariance: (s, a) => par(s, a).variance,
  paretoVarianceInfinite: (s, a) => par(s, a).variance,
  paretoStddev: (s, a) => par(s, a).stddev,
  relaxedBernoulliLogProb: (t, p, x) => new D.RelaxedBernoulli(t, p).logProb(x),
  relaxedBernoulliLogProbLogits: (t, lg, x) => new D.RelaxedBernoulli(t, { logits: lg }).logProb(x),
  relaxedBernoulliLogProbEnds: (t, lg, x) => new D.RelaxedBernoulli(t, { logits: lg }).logProb(x),
  relaxedOneHotLogProb: (t, p, x) => new D.RelaxedOneHotCategorical(t, p).logProb(x),
  relaxedOneHotLogProbLogits: (t, lg, x) => new D.RelaxedOneHotCategorical(t, { logits: lg }).logProb(x),
  mixtureLogProb: (lg, l, s, x) => msf(lg, l, s).logProb(x),
  mixtureLogProbSharedWeights: (p, l, s, x) => new D.MixtureSameFamily(new D.Categorical(p), new D.Normal(l, s)).logProb(x),
  mixtureLogProbIndependent: (lg, l, s, x) => msfInd(lg, l, s).logProb(x),
  mixtureLogProbGumbel: (lg, l, s, x) => new D.MixtureSameFamily(new D.Categorical({ logits: lg }), new D.Gumbel(l, s)).logProb(x),
  mixtureCdf: (lg, l, s, x) => msf(lg, l, s).cdf(x),
  mixtureMean: (lg, l, s) => msf(lg, l, s).mean,
  mixtureVariance: (lg, l, s) => msf(lg, l, s).variance,
  mixtureMeanIndependent: (lg, l, s) => msfInd(lg, l, s).mean,
  mixtureVarianceIndependent: (lg, l, s) => msfInd(lg, l, s).variance,
  klExponentialExponential: (a, b) => D.klDivergence(exp(a), exp(b)),
  klExponentialNormal: (a, b, c) => D.klDivergence(exp(a), new D.Normal(b, c)),
  klExponentialGumbel: (a, b, c) => D.klDivergence(exp(a), gum(b, c)),
  klGumbelNormal: (a, b, c, d) => D.klDivergence(gum(a, b), new D.Normal(c, d)),
  klNormalGumbel: (a, b, c, d) => D.klDivergence(new D.Normal(a, b), gum(c, d)),
  klCauchyCauchy: (a, b, c, d) => D.klDivergence(cau(a, b), cau(c, d)),
  klHalfNormalHalfNormal: (a, b) => D.klDivergence(hn(a), hn(b)),
  klHalfCauchyHalfCauchy: (a, b) => D.klDivergence(hc(a), hc(b)),
  klGeometricGeometric: (p, lg) => D.klDivergence(new D.Geometric(p), new D.Geometric({ logits: lg })),
  klParetoPareto: (a, b, c, d) => D.klDivergence(par(a, b), par(c, d)),
  klParetoExponential: (a, b, c) => D.klDivergence(par(a, b), exp(c)),
  klParetoNormal: (a, b, c, d) => D.klDivergence(par(a, b), new D.Normal(c, d)),
  klUniformExponential: (a, b, c) => D.klDivergence(new D.Uniform(a, b), exp(c)),
  klUniformGumbel: (a, b, c, d) => D.klDivergence(new D.Uniform(a, b), gum(c, d)),
  klUniformPareto: (a, b, c, d) => D.klDivergence(new D.Uniform(a, b), par(c, d)),
  klContinuousBernoulliExponential: (p, r) => D.klDivergence(new D.ContinuousBernoulli(p), exp(r)),
};
describeGoldenCases(fx, calls, (device) => `values and gradients match PyTorch (${device})`, { output: [1e-5, 1e-4], grad: [1e-4, 1e-3] });

describe('infinities and NaNs where PyTorch has them', () => {
  // expectClose takes any value as close to ±∞ (its rtol·|∞| is ∞): here each element's kind.
  it('every case gives NaN, +∞, −∞ and finite values in the same places as PyTorch', () => {
    const kind = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+∞' : v === -Infinity ? '−∞' : 'finite');
    for (const [name, call] of Object.entries(calls)) {
      scope(() => {
        const m = fx.cases[name];
        const out = call(...Array.from({ length: m.inputs }, (_, i) => fx.load(`${name}.input.${i}`, 'cpu')));
        (Array.isArray(out) ? out : [out]).forEach((o, j) => {
          expect(nums(o).map(kind), `${name} output ${j}`).toEqual(nums(fx.golden.get(`${name}.output.${j}`)!.data as ArrayLike<number>).map(kind));
        });
      });
    }
  });

  it('RelaxedBernoulli.logProb at 0 stays finite where PyTorch overflows to −∞: (t − 1)·log tiny + log t − logits, the density\'s limit', () => {
    scope(() => {
      const lp = nums(new D.RelaxedBernoulli(2, { logits: 0.3 }).logProb(tensor([0, 1e-30])));
      expectClose(lp, [Math.log(2) - 0.3 + Math.log(TINY), Math.log(2) - 0.3 + Math.log(1e-30)], 1e-4, 1e-5, 'log density near 0');
    });
  });
});

describe('shapes', () => {
  it('sample(sampleShape) is sampleShape + batchShape + eventShape; logProb of the draws is sampleShape + batchShape', () => {
    scope(() => {
      const mix = new D.Categorical(T.ones([2, 3, 4]));
      const dists: [D.Distribution, number[]][] = [
        [new D.Exponential(T.ones([2, 3])), []],
        [new D.Cauchy(T.zeros([2, 3]), 1), []],
        [new D.HalfNormal(T.ones([2, 3])), []],
        [new D.HalfCauchy(T.ones([2, 3])), []],
        [new D.Gumbel(0, T.ones([2, 3])), []],
        [new D.Geometric(T.full([2, 3], 0.3)), []],
        [new D.Geometric({ logits: T.zeros([2, 3]) }), []],
        [new D.Pareto(T.ones([2, 1]), T.full([3], 2)), []],
        [new D.RelaxedBernoulli(0.5, T.full([2, 3], 0.3)), []],
        [new D.RelaxedBernoulli(T.full([3], 0.5), { logits: T.zeros([2, 1]) }), []],
        [new D.RelaxedOneHotCategorical(0.5, T.ones([2, 3, 4])), [4]],
        [new D.MixtureSameFamily(mix, new D.Normal(T.zeros([2, 3, 4]), 1)), []],
        [new D.MixtureSameFamily(new D.Categorical(T.ones([4])), new D.Independent(new D.Normal(T.zeros([2, 3, 4, 5]), 1), 1)), [5]],
      ];
      for (const [d, event] of dists) {
        expect(d.batchShape, `${d}`).toEqual([2, 3]);
        expect(d.eventShape, `${d}`).toEqual(event);
        for (const sampleShape of [[], [5], [4, 1]]) {
          const s = d.sample(sampleShape);
          expect(s.shape, `${d}.sample(${JSON.stringify(sampleShape)})`).toEqual([...sampleShape, 2, 3, ...event]);
          expect(s.dtype).toBe('float32');
          expect(d.logProb(s).shape).toEqual([...sampleShape, 2, 3]);
          if (d.hasRsample) expect(d.rsample(sampleShape).shape).toEqual([...sampleShape, 2, 3, ...event]);
        }
        expect(d.sample([0]).shape).toEqual([0, 2, 3, ...event]);
      }
      expect(new D.Exponential(2).rsample().shape).toEqual([]);
      expect(new D.Pareto(1, T.ones([3])).logProb(T.full([4, 1], 2)).shape).toEqual([4, 3]);
      expect(new D.HalfNormal(T.ones([3])).icdf(tensor([0.1, 0.5, 0.9])).shape).toEqual([3]);
      expect(new D.RelaxedOneHotCategorical(tensor([0.5, 1]), T.ones([4])).batchShape).toEqual([2]);
      expect(new D.MixtureSameFamily(new D.Categorical(T.ones([3])), new D.Gumbel(T.zeros([2, 3]), 1)).mean.shape).toEqual([2]);
    });
  });

  it('hasRsample as PyTorch: all but Geometric and MixtureSameFamily', () => {
    scope(() => {
      const has = [new D.Exponential(1), new D.Cauchy(0, 1), new D.HalfNormal(1), new D.HalfCauchy(1), new D.Gumbel(0, 1), new D.Pareto(1, 1), new D.RelaxedBernoulli(1, 0.5), new D.RelaxedOneHotCategorical(1, T.ones([3]))];
      expect(has.map((d) => d.hasRsample)).toEqual(has.map(() => true));
      const mixture = new D.MixtureSameFamily(new D.Categorical(T.ones([2])), new D.Normal(T.zeros([2]), 1));
      for (const d of [new D.Geometric(0.5), mixture]) {
        expect(d.hasRsample).toBe(false);
        expect(() => d.rsample()).toThrow(new RegExp(`^${d.constructor.name}\\.rsample: ${d.constructor.name} has no reparameterised sampler`));
      }
    });
  });
});

/**
 * rsample against `formula` for the same seed: the draws, and the gradients of Σ upstream·draws
 * w.r.t. each parameter against those of the formula on copies of the parameters.
 */
function expectRsample(what: string, params: number[][], make: (...ps: Tensor[]) => D.Distribution, formula: (g: Generator, shape: number[], ...ps: Tensor[]) => Tensor): void {
  scope(() => {
    const ours = params.map((v) => tensor(v, { requiresGrad: true }));
    const theirs = params.map((v) => tensor(v, { requiresGrad: true }));
    const d = make(...ours);
    const z = d.rsample([4], { generator: new Generator(5) });
    const ref = formula(new Generator(5), d.extendedShape([4]), ...theirs);
    expectClose(nums(z), nums(ref), 1e-6, 1e-5, `${what} draws`);
    const up = randn(z.shape);
    T.sum(T.mul(z, up)).backward();
    T.sum(T.mul(ref, up)).backward();
    ours.forEach((p, i) => expectClose(nums(p.grad!), nums(theirs[i].grad!), 1e-5, 1e-4, `${what}: gradient of parameter ${i}`));
    expect(nums(z).every((v) => !Number.isNaN(v)), `${what} draws are numbers`).toBe(true);
    expect(d.sample([2]).requiresGrad, `${what}.sample carries no gradient`).toBe(false);
  });
}

describe('rsample is reparameterised', () => {
  it('Exponential: −log1p(−u)/rate for u ~ U[0, 1) from the seed', () => {
    expectRsample('Exponential', [[0.5, 2, 5]], (r) => new D.Exponential(r), (g, shape, r) => T.div(T.neg(T.log1p(T.neg(rand(shape, { generator: g })))), r));
  });

  it('Cauchy: loc + scale·tan(π·(u − ½)) for u from the seed, 0 raised to 2⁻²⁴', () => {
    expectRsample('Cauchy', [[0.5, -1, 2], [1, 0.5, 2]], (l, s) => new D.Cauchy(l, s), (g, shape, l, s) =>
      T.add(l, T.mul(T.tan(T.mul(T.sub(T.clamp(rand(shape, { generator: g }), { min: 2 ** -24 }), 0.5), Math.PI)), s)),
    );
  });

  it('HalfNormal and HalfCauchy: |the base\'s draw| for the same seed', () => {
    expectRsample('HalfNormal', [[0.5, 1, 2]], (s) => new D.HalfNormal(s), (g, shape, s) => T.abs(T.mul(randn(shape, { generator: g }), s)));
    expectRsample('HalfCauchy', [[0.5, 1, 2]], (s) => new D.HalfCauchy(s), (g, shape, s) => T.abs(new D.Cauchy(0, s).rsample([4], { generator: g })));
  });

  it('Gumbel: loc − scale·log(−log u) for u ~ U[tiny, 1 − eps) from the seed', () => {
    expectRsample('Gumbel', [[0.5, -1, 2], [1, 0.5, 2]], (l, s) => new D.Gumbel(l, s), (g, shape, l, s) =>
      T.sub(l, T.mul(s, T.log(T.neg(T.log(T.uniform(shape, TINY, 1 - EPS, { generator: g })))))),
    );
  });

  it('Pareto: scale·exp(E/alpha), E = −log1p(−u)', () => {
    expectRsample('Pareto', [[1, 2, 0.5], [3, 1.5, 4]], (s, a) => new D.Pareto(s, a), (g, shape, s, a) => T.mul(s, T.exp(T.div(T.neg(T.log1p(T.neg(rand(shape, { generator: g })))), a))));
  });

  it('RelaxedBernoulli: sigmoid((logit u + logit probs)/temperature), u and probs clamped to [eps, 1 − eps]; gradients reach temperature and probs', () => {
    const clampProbs = (x: Tensor) => T.clamp(x, { min: EPS, max: 1 - EPS });
    const logit = (x: Tensor) => T.sub(T.log(x), T.log1p(T.neg(x)));
    expectRsample('RelaxedBernoulli', [[0.5, 1, 2], [0.2, 0.5, 0.9]], (t, p) => new D.RelaxedBernoulli(t, p), (g, shape, t, p) =>
      T.clamp(T.sigmoid(T.div(T.add(logit(clampProbs(rand(shape, { generator: g }))), logit(clampProbs(p))), t)), { min: TINY, max: 1 - EPS }),
    );
    expectRsample('RelaxedBernoulli logits', [[0.7], [-1, 0, 2]], (t, lg) => new D.RelaxedBernoulli(t, { logits: lg }), (g, shape, t, lg) =>
      T.clamp(T.sigmoid(T.div(T.add(logit(clampProbs(rand(shape, { generator: g }))), logit(clampProbs(T.sigmoid(lg)))), t)), { min: TINY, max: 1 - EPS }),
    );
  });

  it('RelaxedOneHotCategorical: softmax((logits + Gumbel noise)/temperature) for the same seed; gradients reach temperature and logits', () => {
    expectRsample('RelaxedOneHotCategorical', [[0.5, 2], [0.1, 0.2, 0.3, 0.4, 2, 1, 0, -1]], (t, lg) => new D.RelaxedOneHotCategorical(t, { logits: T.reshape(lg, [2, 4]) }), (g, shape, t, lg) => {
      const u = T.clamp(rand(shape, { generator: g }), { min: EPS, max: 1 - EPS });
      const logits = T.logSoftmax(T.reshape(lg, [2, 4]), -1);
      return T.softmax(T.div(T.add(logits, T.neg(T.log(T.neg(T.log(u))))), T.reshape(t, [2, 1])), -1);
    });
  });

  it('the pathwise gradient of a mean of 20k draws is the mean\'s gradient: −1/rate² (Exponential), 1 and γ (Gumbel)', () => {
    scope(() => {
      const rate = tensor(2, { requiresGrad: true });
      T.mean(new D.Exponential(rate).rsample([20000], { generator: new Generator(1) })).backward();
      expect(rate.grad!.itemSync()).toBeCloseTo(-0.25, 1);
      const [loc, scale] = [tensor(1, { requiresGrad: true }), tensor(2, { requiresGrad: true })];
      T.mean(new D.Gumbel(loc, scale).rsample([20000], { generator: new Generator(2) })).backward();
      expect(loc.grad!.itemSync()).toBeCloseTo(1, 5);
      expect(Math.abs(scale.grad!.itemSync() - 0.5772)).toBeLessThan(0.03);
    });
  });
});

describe('sampling', () => {
  const stats = sampleStats;

  it('20k draws have the mean and variance the distribution gives', () => {
    scope(() => {
      manualSeed(2025);
      // [distribution, tolerance of the mean, relative tolerance of the variance] (≈ 4 standard errors)
      const cases: [D.Distribution, number, number][] = [
        [new D.Exponential(2), 0.015, 0.08],
        [new D.HalfNormal(1.5), 0.03, 0.05],
        [new D.Gumbel(1, 2), 0.06, 0.08],
        [new D.Geometric(0.3), 0.06, 0.08],
        [new D.Geometric({ logits: 1.5 }), 0.01, 0.06],
        [new D.Pareto(1, 6), 0.01, 0.25], // kurtosis grows fast as alpha falls: a loose variance
        [new D.MixtureSameFamily(new D.Categorical(tensor([0.2, 0.8])), new D.Normal(tensor([-3, 2]), tensor([0.5, 1]))), 0.05, 0.05],
      ];
      for (const [d, meanTol, varTol] of cases) {
        const s = stats(d.sample([20000]));
        expect(Math.abs(s.mean - d.mean.itemSync()), `${d} mean`).toBeLessThan(meanTol);
        expect(Math.abs(s.variance / d.variance.itemSync() - 1), `${d} variance`).toBeLessThan(varTol);
      }
    });
  });

  it('draws fall below icdf(q) a fraction q of the time (the heavy-tailed ones too)', () => {
    scope(() => {
      manualSeed(99);
      const q = tensor([0.1, 0.5, 0.9]);
      for (const d of [new D.Exponential(0.7), new D.Cauchy(1, 2), new D.HalfNormal(2), new D.HalfCauchy(0.5), new D.Gumbel(-1, 0.5), new D.Pareto(2, 0.8)]) {
        const draws = nums(d.sample([20000]));
        const cut = nums(d.icdf(q));
        const freq = cut.map((c) => draws.filter((v) => v <= c).length / draws.length);
        expectClose(freq, [0.1, 0.5, 0.9], 0.015, 0, `${d}`);
      }
    });
  });

  it('Geometric draws non-negative integers, P(0) = probs; probs 1 draws 0 always', () => {
    scope(() => {
      manualSeed(3);
      const s = nums(new D.Geometric(tensor([0.25, 1])).sample([20000]));
      const first = s.filter((_, i) => i % 2 === 0);
      expect(s.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      expect(Math.abs(first.filter((v) => v === 0).length / first.length - 0.25)).toBeLessThan(0.015);
      expect(s.filter((_, i) => i % 2 === 1).every((v) => v === 0)).toBe(true);
    });
  });

  it('relaxed draws: P(RelaxedBernoulli > ½) = probs and the argmax of RelaxedOneHotCategorical is probs\' category, at any temperature', () => {
    scope(() => {
      manualSeed(4);
      for (const t of [0.1, 1, 5]) {
        const b = nums(new D.RelaxedBernoulli(t, tensor(0.3)).sample([20000]));
        expect(b.every((v) => v > 0 && v < 1)).toBe(true);
        expect(Math.abs(b.filter((v) => v > 0.5).length / b.length - 0.3), `temperature ${t}`).toBeLessThan(0.015);
        const s = new D.RelaxedOneHotCategorical(t, tensor([0.1, 0.2, 0.7])).sample([20000]);
        expectClose(nums(T.sum(s, -1)), Array<number>(20000).fill(1), 1e-5, 0, 'rows sum to 1');
        const picks = nums(T.argmax(s, -1));
        expectClose([0, 1, 2].map((k) => picks.filter((v) => v === k).length / picks.length), [0.1, 0.2, 0.7], 0.015, 0, `temperature ${t}`);
      }
      // A low temperature draws near-one-hot rows, a high one near-uniform rows.
      const largest = (t: number) => nums(T.amax(new D.RelaxedOneHotCategorical(t, T.ones([3])).sample([1000]), -1));
      expect(largest(0.01).filter((v) => v > 0.99).length).toBeGreaterThan(900);
      expect(Math.max(...largest(100))).toBeLessThan(0.4);
    });
  });

  it('MixtureSameFamily picks each component as often as its weight, whole events from one component, for a mixture batch shorter than the components\' (PyTorch fails there)', () => {
    scope(() => {
      manualSeed(5);
      // Components at 0, 100, 200 with tiny scales: a draw rounded to a hundred names its component.
      const locs = T.stack([tensor([[0, 0], [100, 100], [200, 200]]), tensor([[0, 0], [100, 100], [200, 200]])]); // [2, 3, 2]
      const d = new D.MixtureSameFamily(new D.Categorical(tensor([0.5, 0.3, 0.2])), new D.Independent(new D.Normal(locs, 0.01), 1));
      const s = d.sample([20000]);
      expect(s.shape).toEqual([20000, 2, 2]);
      const comp = nums(s).map((v) => Math.round(v / 100));
      for (let i = 0; i < comp.length; i += 2) if (comp[i] !== comp[i + 1]) throw new Error(`draw ${i / 2} mixes components ${comp[i]} and ${comp[i + 1]}`);
      const per = comp.filter((_, i) => i % 2 === 0);
      expectClose([0, 1, 2].map((k) => per.filter((v) => v === k).length / per.length), [0.5, 0.3, 0.2], 0.015, 0, 'component frequencies');
    });
  });

  it('a seed repeats the draws, through manualSeed or a Generator', () => {
    expectSeededDraws(() => [
      new D.Exponential(T.ones([3])),
      new D.Cauchy(0, 1),
      new D.HalfNormal(1),
      new D.HalfCauchy(1),
      new D.Gumbel(0, 1),
      new D.Geometric(T.full([3], 0.2)),
      new D.Pareto(1, 1),
      new D.RelaxedBernoulli(0.5, 0.3),
      new D.RelaxedOneHotCategorical(0.5, T.ones([2, 3])),
      new D.MixtureSameFamily(new D.Categorical(T.ones([3])), new D.Normal(tensor([0, 10, 20]), 1)),
    ]);
  });

  it('icdf inverts cdf (HalfNormal\'s composed erfinv to float32 precision over (0, 1))', () => {
    scope(() => {
      const u = tensor([0.001, 0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98, 0.999]);
      for (const d of [new D.Exponential(0.7), new D.Cauchy(1, 2), new D.HalfNormal(2), new D.HalfCauchy(0.5), new D.Gumbel(-1, 0.5), new D.Pareto(2, 0.8)]) {
        expectClose(nums(d.cdf(d.icdf(u))), nums(u), 2e-6, 1e-5, `${d}`);
      }
      // erfinv's two branches meet at w = 5 (|x| ≈ 0.9966): both sides invert.
      const h = new D.HalfNormal(1);
      const near = tensor([0.99, 0.9965, 0.9967, 0.9999]);
      expectClose(nums(h.cdf(h.icdf(near))), nums(near), 1e-6, 1e-6, 'either side of the branch');
      expect(nums(h.icdf(tensor([0, 1])))).toEqual([0, Infinity]);
      expect(nums(h.icdf(tensor([1.5]))).every(Number.isNaN)).toBe(true);
    });
  });

  it('RelaxedOneHotCategorical: a batch-shaped temperature lines up with the batch dims (PyTorch\'s divides the categories by it)', () => {
    scope(() => {
      const logits = tensor([[0.1, 2, -1], [1, 0, 0.5]]);
      const value = T.softmax(tensor([[0.3, 1, 0.2], [-1, 0.5, 0.5]]), -1);
      const both = nums(new D.RelaxedOneHotCategorical(tensor([0.5, 2]), { logits }).logProb(value));
      const rows = [0.5, 2].map((t, i) => new D.RelaxedOneHotCategorical(t, { logits: T.select(logits, 0, i) }).logProb(T.select(value, 0, i)).itemSync());
      expectClose(both, rows, 1e-5, 1e-5, 'per-row temperatures');
      expect(new D.RelaxedBernoulli(T.ones([3, 1]), T.full([2], 0.5)).batchShape).toEqual([3, 2]);
    });
  });
});

describe('klDivergence', () => {
  it('the pairs PyTorch registers: 0 for p‖p, +∞ where q misses what p can draw', () => {
    scope(() => {
      const same: D.Distribution[] = [new D.Exponential(2), new D.Cauchy(1, 2), new D.HalfNormal(1.5), new D.HalfCauchy(0.5), new D.Geometric(0.3), new D.Pareto(1, 3)];
      for (const d of same) expect(Math.abs(D.klDivergence(d, d).itemSync()), `${d}‖${d}`).toBeLessThan(1e-6);
      const [e, g, n, l, p, u, cb] = [new D.Exponential(2), new D.Gumbel(0, 1), new D.Normal(0, 1), new D.Laplace(0, 1), new D.Pareto(1, 3), new D.Uniform(0, 1), new D.ContinuousBernoulli(0.3)];
      const infinite: [D.Distribution, D.Distribution][] = [[e, cb], [e, p], [e, u], [g, cb], [g, e], [g, p], [g, u], [l, e], [l, p], [n, e], [n, p], [p, cb], [p, u], [cb, p]];
      for (const [a, b] of infinite) expect(D.klDivergence(a, b).itemSync(), `${a}‖${b}`).toBe(Infinity);
      expect(D.klDivergence(new D.Exponential(T.ones([2, 3])), u).shape).toEqual([2, 3]);
      // Monte Carlo: E_p[log p − log q] over 20k draws of p.
      manualSeed(6);
      for (const [a, b] of [[e, n], [e, g], [g, n], [n, g], [new D.Uniform(0.5, 2), e], [new D.Uniform(1.5, 2), p], [new D.Pareto(1, 4), e]] as const) {
        const x = a.sample([20000]);
        const mc = T.mean(T.sub(a.logProb(x), b.logProb(x))).itemSync();
        expect(Math.abs(mc - D.klDivergence(a, b).itemSync()), `${a}‖${b}`).toBeLessThan(0.05);
      }
    });
  });

  it('the relaxed pairs (PyTorch has none) are refused', () => {
    scope(() => {
      expect(() => D.klDivergence(new D.RelaxedBernoulli(1, 0.5), new D.RelaxedBernoulli(1, 0.5))).toThrow(/no KL divergence is registered for RelaxedBernoulli‖RelaxedBernoulli/);
      expect(() => D.klDivergence(new D.HalfNormal(1), new D.Normal(0, 1))).toThrow(/no KL divergence is registered for HalfNormal‖Normal/);
    });
  });
});

describe('validateArgs and refusals', () => {
  it('numbers are checked by default; tensors with validateArgs: true, naming the distribution, the argument, expected and got', () => {
    scope(() => {
      const on = { validateArgs: true };
      const mix = new D.Categorical(T.ones([3]));
      const cases: [() => unknown, new (m: string) => Error, RegExp][] = [
        [() => new D.Exponential(0), ValueError, /^Exponential: rate expected a number > 0, got 0$/],
        [() => new D.Exponential(tensor([1, -2, 0]), on), ValueError, /^Exponential: rate expected values > 0, got 2 of 3 values outside \(found by validateArgs\)$/],
        [() => new D.Exponential('1' as never), ValueError, /^Exponential: rate expected a tensor or a number, got string$/],
        [() => new D.Exponential(tensor([1n], { dtype: 'int64' })), DTypeError, /^Exponential: rate expected float32, got int64$/],
        [() => new D.Exponential(1, { validate: true } as never), ValueError, /^Exponential: unknown option 'validate'/],
        [() => new D.Exponential(1, on).logProb(tensor([1, -1])), ValueError, /^Exponential\.logProb: value expected values >= 0, got 1 of 2/],
        [() => new D.Exponential(1, on).icdf(tensor([1.5])), ValueError, /^Exponential\.icdf: value expected probabilities in \[0, 1\]/],
        [() => new D.Cauchy(0, -1), ValueError, /^Cauchy: scale expected a number > 0, got -1$/],
        [() => new D.Cauchy(T.zeros([2]), T.ones([3])), ShapeError, /^Cauchy: loc and scale expected shapes that broadcast together, got loc \[2\], scale \[3\]$/],
        [() => new D.Cauchy(0, 1, on).cdf(tensor([NaN])), ValueError, /^Cauchy\.cdf: value expected real values \(not NaN\)/],
        [() => new D.HalfNormal(-1), ValueError, /^HalfNormal: scale expected a number > 0, got -1$/],
        [() => new D.HalfNormal(tensor([1, 0]), on), ValueError, /^HalfNormal: scale expected values > 0, got 1 of 2/],
        [() => new D.HalfNormal(1, on).logProb(tensor([-0.5])), ValueError, /^HalfNormal\.logProb: value expected values >= 0, got 1 of 1/],
        [() => new D.HalfCauchy(0), ValueError, /^HalfCauchy: scale expected a number > 0, got 0$/],
        [() => new D.HalfCauchy(1, on).cdf(tensor([-0.5])), ValueError, /^HalfCauchy\.cdf: value expected values >= 0/],
        [() => new D.Gumbel(NaN, 1), ValueError, /^Gumbel: loc expected a real number, got NaN$/],
        [() => new D.Gumbel(0, tensor([-1]), on), ValueError, /^Gumbel: scale expected values > 0/],
        [() => new D.Gumbel(0, 1, on).icdf(tensor([-0.1])), ValueError, /^Gumbel\.icdf: value expected probabilities in \[0, 1\]/],
        [() => new D.Geometric(0), ValueError, /^Geometric: probs expected a probability in \(0, 1\], got 0$/],
        [() => new D.Geometric(tensor([0.5, 0]), on), ValueError, /^Geometric: probs expected probabilities in \(0, 1\], got 1 of 2/],
        [() => new D.Geometric({ logits: NaN }), ValueError, /^Geometric: logits expected a real number, got NaN$/],
        [() => new D.Geometric({ probs: 0.5, logits: 0 } as never), ValueError, /^Geometric: expected exactly one of probs or logits, got both$/],
        [() => new D.Geometric(0.5, on).logProb(tensor([1.5])), ValueError, /^Geometric\.logProb: value expected non-negative integers, got 1 of 1/],
        [() => new D.Geometric(0.5, on).logProb(tensor([-1])), ValueError, /^Geometric\.logProb: value expected non-negative integers/],
        [() => new D.Pareto(1, 0), ValueError, /^Pareto: alpha expected a number > 0, got 0$/],
        [() => new D.Pareto(tensor([-1]), 1, on), ValueError, /^Pareto: scale expected values > 0/],
        [() => new D.Pareto(2, 1, on).logProb(tensor([3, 1])), ValueError, /^Pareto\.logProb: value expected values >= scale, got 1 of 2/],
        [() => new D.RelaxedBernoulli(0, 0.5), ValueError, /^RelaxedBernoulli: temperature expected a number > 0, got 0$/],
        [() => new D.RelaxedBernoulli(tensor([-1]), 0.5, on), ValueError, /^RelaxedBernoulli: temperature expected values > 0/],
        [() => new D.RelaxedBernoulli(1, 1.5), ValueError, /^RelaxedBernoulli: probs expected a probability in \[0, 1\], got 1\.5$/],
        [() => new D.RelaxedBernoulli(1, tensor([0.5, 2]), on), ValueError, /^RelaxedBernoulli: probs expected probabilities in \[0, 1\], got 1 of 2/],
        [() => new (D.RelaxedBernoulli as unknown as new (p: unknown) => unknown)(tensor([0.5])), ValueError, /^RelaxedBernoulli: expected \(temperature, probs\) or \(temperature, \{ probs \| logits \}\), got only the temperature$/],
        [() => new D.RelaxedBernoulli(1, { logits: 0 } as never, on), ValueError, /^RelaxedBernoulli: options go in the object with probs or logits \(new RelaxedBernoulli\(temperature, \{ logits, validateArgs \}\)\), not in a third argument$/],
        [() => new D.RelaxedBernoulli(1, 0.5, on).logProb(tensor([1.5])), ValueError, /^RelaxedBernoulli\.logProb: value expected values in \[0, 1\]/],
        [() => new D.RelaxedOneHotCategorical(-1, T.ones([3])), ValueError, /^RelaxedOneHotCategorical: temperature expected a number > 0, got -1$/],
        [() => new D.RelaxedOneHotCategorical(tensor([1, 0]), T.ones([2, 3]), on), ValueError, /^RelaxedOneHotCategorical: temperature expected values > 0, got 1 of 2/],
        [() => new D.RelaxedOneHotCategorical(T.ones([3]), T.ones([2, 4])), ShapeError, /^RelaxedOneHotCategorical: temperature \[3\] expected a shape that broadcasts with the batchShape \[2\] \(probs \[2,4\] without its last dim, the categories\)$/],
        [() => new D.RelaxedOneHotCategorical(tensor(1), { logits: 'x' as never }), ValueError, /^RelaxedOneHotCategorical: logits expected a tensor or a number, got string$/],
        [() => new D.RelaxedOneHotCategorical(1, tensor(0.5)), ShapeError, /^RelaxedOneHotCategorical: probs expected a tensor of at least 1 dimension/],
        [() => new D.RelaxedOneHotCategorical(1, tensor([0.5, -0.5]), on), ValueError, /^RelaxedOneHotCategorical: probs expected finite values >= 0/],
        [() => new D.RelaxedOneHotCategorical(1, T.ones([3]), on).logProb(tensor([0.5, 0.6, 0])), ValueError, /^RelaxedOneHotCategorical\.logProb: value expected points of the simplex \(summing to 1 over the last dim, within 1e-6\), got 1 of 1/],
        [() => new D.RelaxedOneHotCategorical(1, T.ones([3]), on).logProb(tensor([1.5, -0.5, 0])), ValueError, /^RelaxedOneHotCategorical\.logProb: value expected points of the simplex \(values >= 0\), got 1 of 3/],
        [() => new D.RelaxedOneHotCategorical(1, T.ones([3])).logProb(T.ones([2])), ShapeError, /^RelaxedOneHotCategorical\.logProb: value \[2\] expected to end in the eventShape \[3\]$/],
        [() => new D.MixtureSameFamily(new D.Normal(0, 1) as never, new D.Normal(T.zeros([3]), 1)), ValueError, /^MixtureSameFamily: mixtureDistribution expected a Categorical, got Normal$/],
        [() => new D.MixtureSameFamily(mix, T.zeros([3]) as never), ValueError, /^MixtureSameFamily: componentDistribution expected a Distribution, got Tensor$/],
        [() => new D.MixtureSameFamily(mix, new D.Normal(T.zeros([2, 4]), 1)), ShapeError, /^MixtureSameFamily: componentDistribution expected a batchShape whose last dim is the mixture's 3 components, got \[2,4\]/],
        [() => new D.MixtureSameFamily(mix, new D.Normal(0, 1)), ShapeError, /^MixtureSameFamily: componentDistribution expected a batchShape whose last dim is the mixture's 3 components, got \[\]/],
        [() => new D.MixtureSameFamily(new D.Categorical(T.ones([4, 3])), new D.Normal(T.zeros([2, 3]), 1)), ShapeError, /^MixtureSameFamily: mixtureDistribution's batchShape \[4\] expected to broadcast to the component's batchShape without its last dim, \[2\]$/],
        [() => new D.MixtureSameFamily(new D.Categorical(T.ones([2, 3])), new D.Normal(T.zeros([1, 3]), 1)), ShapeError, /^MixtureSameFamily: mixtureDistribution's batchShape \[2\] expected to broadcast to the component's batchShape without its last dim, \[1\]$/],
        [() => new D.MixtureSameFamily(mix, new D.Normal(T.zeros([3]), 1), { validateArg: true } as never), ValueError, /^MixtureSameFamily: unknown option 'validateArg'/],
        [() => new D.MixtureSameFamily(mix, new D.Exponential(T.ones([3])), on).logProb(tensor([1, -1])), ValueError, /^MixtureSameFamily\.logProb: value expected values >= 0, got 1 of 2 values outside/],
        [() => new D.MixtureSameFamily(mix, new D.Independent(new D.Normal(T.zeros([3, 2]), 1), 1)).cdf(T.zeros([2])), ValueError, /^MixtureSameFamily\.cdf: not defined for components of eventShape \[2\]/],
        [() => new D.MixtureSameFamily(mix, new D.Normal(T.zeros([3]), 1)).entropy(), ValueError, /^MixtureSameFamily\.entropy: not defined for MixtureSameFamily$/],
      ];
      for (const [make, cls, message] of cases) {
        expect(make, String(message)).toThrow(cls);
        expect(make).toThrow(message);
      }
      // Good arguments pass the reads; validateArgs: false skips the number checks (PyTorch's validate_args=False).
      expect(new D.Geometric(tensor([0.5, 1]), on).logProb(tensor([0, 3])).shape).toEqual([2]);
      expect(new D.RelaxedOneHotCategorical(1, T.ones([3]), on).logProb(tensor([0.2, 0.3, 0.5])).shape).toEqual([]);
      expect(new D.Pareto(1, 2, on).logProb(tensor([1, 5])).shape).toEqual([2]);
      expect(nums(new D.Exponential(-1, { validateArgs: false }).mean)).toEqual([-1]);
      expect(nums(new D.HalfNormal(1).logProb(tensor([-1])))).toEqual([-Infinity]);
      // Integer values (int64 tensors) are read as float32, as PyTorch promotes them.
      const ints = tensor([0n, 1n, 3n], { dtype: 'int64' });
      expect(nums(new D.Geometric(0.4).logProb(ints))).toEqual(nums(new D.Geometric(0.4).logProb(tensor([0, 1, 3]))));
      expect(nums(new D.RelaxedBernoulli(0.5, 0.3).logProb(T.narrow(ints, 0, 0, 2)))).toEqual(nums(new D.RelaxedBernoulli(0.5, 0.3).logProb(tensor([0, 1]))));
      expect(nums(new D.Exponential(2).logProb(ints))).toEqual(nums(new D.Exponential(2).logProb(tensor([0, 1, 3]))));
    });
  });

  it('methods PyTorch does not define are refused; PyTorch spellings name ours; extra arguments refused', () => {
    scope(() => {
      const rb = new D.RelaxedBernoulli(0.5, 0.3);
      const m = new D.MixtureSameFamily(new D.Categorical(T.ones([2])), new D.Normal(T.zeros([2]), 1));
      expect(() => rb.mean).toThrow(/^RelaxedBernoulli\.mean: not defined for RelaxedBernoulli$/);
      expect(() => rb.entropy()).toThrow(/^RelaxedBernoulli\.entropy: not defined for RelaxedBernoulli$/);
      expect(() => new D.RelaxedOneHotCategorical(1, T.ones([2])).cdf(0)).toThrow(/^RelaxedOneHotCategorical\.cdf: not defined/);
      expect(() => new D.Geometric(0.5).cdf(1)).toThrow(/^Geometric\.cdf: not defined for Geometric$/);
      expect(() => m.icdf(0.5)).toThrow(/^MixtureSameFamily\.icdf: not defined/);
      expect(() => (new D.Exponential(1) as unknown as { log_prob: unknown }).log_prob).toThrow(/^Exponential\.log_prob: this API spells it logProb$/);
      expect(() => (rb as unknown as { has_rsample: unknown }).has_rsample).toThrow(/^RelaxedBernoulli\.has_rsample: this API spells it hasRsample$/);
      expect(() => (m as unknown as { mixture_distribution: unknown }).mixture_distribution).toThrow(/^MixtureSameFamily\.mixture_distribution: this API spells it mixtureDistribution$/);
      expect(() => (m as unknown as { component_distribution: unknown }).component_distribution).toThrow(/^MixtureSameFamily\.component_distribution: this API spells it componentDistribution$/);
      expect(() => (new D.HalfNormal(1) as unknown as { base_dist: unknown }).base_dist).toThrow(/^HalfNormal\.base_dist: this API spells it baseDist$/);
      expect(() => (new D.RelaxedOneHotCategorical(1, T.ones([2])) as unknown as { num_categories: unknown }).num_categories).toThrow(/this API spells it numCategories$/);
      expect(() => (new D.Pareto(1, 1).icdf as (...a: unknown[]) => Tensor)(0.5, 1)).toThrow(/Pareto\.icdf: takes at most 1 argument, got 2/);
      expect(() => (m.logProb as (...a: unknown[]) => Tensor)(0, 1)).toThrow(/MixtureSameFamily\.logProb: takes at most 1 argument, got 2/);
      expect(String(m)).toBe('MixtureSameFamily(Categorical(batchShape: [], eventShape: []), Normal(batchShape: [2], eventShape: []))');
    });
  });
});

describe('tensor lifetimes', () => {
  it('each method leaves only its result; a scope leaves nothing, backward included', () => {
    const before = memory().liveTensors;
    scope(() => {
      const x = T.full([2, 3], 0.4);
      const simplex = T.full([2, 3], 1 / 3);
      const pair = T.zeros([2]);
      const dists: D.Distribution[] = [
        new D.Exponential(T.ones([3])),
        new D.Cauchy(T.zeros([3]), 2),
        new D.HalfNormal(T.ones([3])),
        new D.HalfCauchy(T.ones([3])),
        new D.Gumbel(T.zeros([3]), 2),
        new D.Geometric(T.full([3], 0.3)),
        new D.Pareto(0.2, T.full([3], 3)),
        new D.RelaxedBernoulli(0.5, T.full([3], 0.3)),
        new D.RelaxedOneHotCategorical(0.5, { logits: T.zeros([2, 3]) }),
        new D.MixtureSameFamily(new D.Categorical(T.ones([3])), new D.Normal(T.zeros([2, 3]), 1)),
      ];
      const relaxed = (d: D.Distribution) => d instanceof D.RelaxedBernoulli || d instanceof D.RelaxedOneHotCategorical;
      for (const d of dists) {
        const calls: [string, () => Tensor][] = [
          ['sample', () => d.sample([4])],
          ['logProb', () => d.logProb(d instanceof D.RelaxedOneHotCategorical ? simplex : d instanceof D.MixtureSameFamily ? pair : x)],
        ];
        if (d.hasRsample) calls.push(['rsample', () => d.rsample([2])]);
        if (!relaxed(d)) calls.push(['variance', () => d.variance], ['mean', () => d.mean], ['stddev', () => d.stddev]);
        if (!relaxed(d) && !(d instanceof D.Geometric)) calls.push(['cdf', () => d.cdf(d instanceof D.MixtureSameFamily ? pair : x)]);
        if (!relaxed(d) && !(d instanceof D.MixtureSameFamily)) calls.push(['entropy', () => d.entropy()], ['logProb of a number', () => d.logProb(1)]);
        if (d.hasRsample && !relaxed(d)) calls.push(['icdf', () => d.icdf(x)]);
        if ('mode' in d && !(d instanceof D.Cauchy || d instanceof D.Gumbel || d instanceof D.Pareto)) calls.push(['mode', () => (d as unknown as { mode: Tensor }).mode]);
        for (const [what, call] of calls) {
          const n = memory().liveTensors;
          call();
          expect(memory().liveTensors - n, `${d}.${what}`).toBe(1);
        }
      }
      for (const [p, q] of [[dists[0], dists[0]], [dists[0], new D.Normal(1, 1)], [dists[2], dists[2]], [dists[3], dists[3]], [dists[5], dists[5]], [dists[6], dists[0]], [new D.Uniform(0.5, 1), dists[6]], [dists[4], new D.Normal(0, 1)], [dists[0], new D.Uniform(0, 1)]] as const) {
        const n = memory().liveTensors;
        D.klDivergence(p, q);
        expect(memory().liveTensors - n, `kl ${p}‖${q}`).toBe(1);
      }
      const t = tensor(0.5, { requiresGrad: true });
      const logits = tensor([0.1, 0.2], { requiresGrad: true });
      const r = new D.RelaxedOneHotCategorical(t, { logits });
      const mixture = new D.MixtureSameFamily(new D.Categorical({ logits }), new D.Pareto(1, T.full([2], 3)));
      T.add(T.sum(r.logProb(r.rsample([3]))), T.sum(mixture.logProb(tensor([1.5, 2])))).backward();
    });
    expect(memory().liveTensors).toBe(before);
  });

  it('a mixture returned from a scope keeps its parts\' tensors; the next scope frees them', () => {
    const before = memory().liveTensors;
    scope(() => {
      const m = scope(() => new D.MixtureSameFamily(new D.Categorical(tensor([1, 3])), new D.Pareto(tensor([1, 2]), tensor([3, 4]))));
      expectClose(nums(m.mean), [0.25 * 1.5 + 0.75 * (8 / 3)], 1e-6, 1e-6, 'mean after the scope');
      expect(m.sample([3]).shape).toEqual([3]);
    });
    expect(memory().liveTensors).toBe(before);
  });
});
