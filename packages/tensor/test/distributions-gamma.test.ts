// The gamma family — Gamma, Chi2, Beta, Dirichlet, StudentT, Poisson, NegativeBinomial, Binomial,
// Weibull, Kumaraswamy (src/distributions/) — against PyTorch 2.13: log_prob, cdf, icdf, entropy,
// mean, mode, variance, stddev and the KL pairs PyTorch registers, values and gradients w.r.t. the
// parameters and the value, from test/fixtures/distributions-gamma.safetensors
// (scripts/fixtures_distributions_gamma.py). Then what PyTorch cannot give goldens for (our
// Philox stream is not its generator): each sampler against its formula for the draws the same
// seed gives (standardGamma, poisson, bernoulli, randn, rand), with those gradients; d/dα E[x]
// through the implicit reparameterisation; sample shapes, seeds, statistics of 20k draws;
// refusals, validateArgs, PyTorch spellings and tensor lifetimes.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { DTypeError, Generator, ShapeError, ValueError, distributions as D, manualSeed, memory, rand, randn, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';
import { expectSeededDraws } from './seeded-draws.js';
import { sampleStats } from './sample-stats.js';
import { describeGoldenCases, nums, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('distributions-gamma');
const TINY = 2 ** -126;
const gam = (c: Tensor, r: Tensor) => new D.Gamma(c, r);
const beta = (a: Tensor, b: Tensor) => new D.Beta(a, b);
const cb = (p: Tensor) => new D.ContinuousBernoulli(p);

const calls: Record<string, GoldenCall> = {
  gammaLogProb: (c, r, x) => gam(c, r).logProb(x),
  gammaLogProbAtZero: (c, r, x) => gam(c, r).logProb(x),
  gammaEntropy: (c, r) => gam(c, r).entropy(),
  gammaMean: (c, r) => gam(c, r).mean,
  gammaMode: (c, r) => gam(c, r).mode,
  gammaVariance: (c, r) => gam(c, r).variance,
  gammaStddev: (c, r) => gam(c, r).stddev,
  chi2LogProb: (df, x) => new D.Chi2(df).logProb(x),
  chi2Entropy: (df) => new D.Chi2(df).entropy(),
  chi2Mean: (df) => new D.Chi2(df).mean,
  chi2Mode: (df) => new D.Chi2(df).mode,
  chi2Variance: (df) => new D.Chi2(df).variance,
  betaLogProb: (a, b, x) => beta(a, b).logProb(x),
  betaLogProbEnds: (a, b, x) => beta(a, b).logProb(x),
  betaEntropy: (a, b) => beta(a, b).entropy(),
  betaMean: (a, b) => beta(a, b).mean,
  betaMode: (a, b) => beta(a, b).mode,
  betaModeGrad: (a, b) => beta(a, b).mode,
  betaVariance: (a, b) => beta(a, b).variance,
  dirichletLogProb: (c, x) => new D.Dirichlet(c).logProb(x),
  dirichletEntropy: (c) => new D.Dirichlet(c).entropy(),
  dirichletMean: (c) => new D.Dirichlet(c).mean,
  dirichletMode: (c) => new D.Dirichlet(c).mode,
  dirichletModeGrad: (c) => new D.Dirichlet(c).mode,
  dirichletVariance: (c) => new D.Dirichlet(c).variance,
  studentTLogProb: (df, l, s, x) => new D.StudentT(df, l, s).logProb(x),
  studentTEntropy: (df, l, s) => new D.StudentT(df, l, s).entropy(),
  studentTMean: (df, l) => new D.StudentT(df, l).mean,
  studentTMode: (df, l) => new D.StudentT(df, l).mode,
  studentTVariance: (df, s) => new D.StudentT(df, 0, s).variance,
  poissonLogProb: (r, k) => new D.Poisson(r).logProb(k),
  poissonLogProbZeroRate: (r, k) => new D.Poisson(r).logProb(k),
  poissonMode: (r) => new D.Poisson(r).mode,
  nbLogProb: (n, p, k) => new D.NegativeBinomial(n, p).logProb(k),
  nbLogProbLogits: (n, lg, k) => new D.NegativeBinomial(n, { logits: lg }).logProb(k),
  nbLogProbZeroCount: (n, p, k) => new D.NegativeBinomial(n, p).logProb(k),
  nbMean: (n, p) => new D.NegativeBinomial(n, p).mean,
  nbMode: (n, lg) => new D.NegativeBinomial(n, { logits: lg }).mode,
  nbVariance: (n, lg) => new D.NegativeBinomial(n, { logits: lg }).variance,
  binomialLogProb: (n, p, k) => new D.Binomial(n, p).logProb(k),
  binomialLogProbLogits: (n, lg, k) => new D.Binomial(n, { logits: lg }).logProb(k),
  binomialLogProbEdgeProbs: (n, p, k) => new D.Binomial(n, p).logProb(k),
  binomialEntropy: (p) => new D.Binomial(10, p).entropy(),
  binomialEntropyLogits: (lg) => new D.Binomial(3, { logits: lg }).entropy(),
  binomialMean: (n, p) => new D.Binomial(n, p).mean,
  binomialMode: (n, p) => new D.Binomial(n, p).mode,
  binomialVariance: (n, lg) => new D.Binomial(n, { logits: lg }).variance,
  weibullLogProb: (s, k, x) => new D.Weibull(s, k).logProb(x),
  gammaCdf: (a, r, x) => new D.Gamma(a, r).cdf(x),
  chi2Cdf: (df, x) => new D.Chi2(df).cdf(x),
  weibullCdf: (s, k, x) => new D.Weibull(s, k).cdf(x),
  weibullIcdf: (s, k, u) => new D.Weibull(s, k).icdf(u),
  weibullEntropy: (s, k) => new D.Weibull(s, k).entropy(),
  weibullMean: (s, k) => new D.Weibull(s, k).mean,
  weibullMode: (s, k) => new D.Weibull(s, k).mode,
  weibullVariance: (s, k) => new D.Weibull(s, k).variance,
  kumaraswamyLogProb: (a, b, x) => new D.Kumaraswamy(a, b).logProb(x),
  kumaraswamyCdf: (a, b, x) => new D.Kumaraswamy(a, b).cdf(x),
  kumaraswamyIcdf: (a, b, u) => new D.Kumaraswamy(a, b).icdf(u),
  kumaraswamyEntropy: (a, b) => new D.Kumaraswamy(a, b).entropy(),
  kumaraswamyMean: (a, b) => new D.Kumaraswamy(a, b).mean,
  kumaraswamyMode: (a, b) => new D.Kumaraswamy(a, b).mode,
  kumaraswamyModeGrad: (a, b) => new D.Kumaraswamy(a, b).mode,
  kumaraswamyVariance: (a, b) => new D.Kumaraswamy(a, b).variance,
  klGammaGamma: (a, b, c, d) => D.klDivergence(gam(a, b), gam(c, d)),
  klChi2Chi2: (a, b) => D.klDivergence(new D.Chi2(a), new D.Chi2(b)),
  klBetaBeta: (a, b, c, d) => D.klDivergence(beta(a, b), beta(c, d)),
  klDirichletDirichlet: (a, b) => D.klDivergence(new D.Dirichlet(a), new D.Dirichlet(b)),
  klPoissonPoisson: (a, b) => D.klDivergence(new D.Poisson(a), new D.Poisson(b)),
  klBinomialBinomial: (n, p, m, q) => D.klDivergence(new D.Binomial(n, p), new D.Binomial(m, q)),
  klBernoulliPoisson: (p, r) => D.klDivergence(new D.Bernoulli(p), new D.Poisson(r)),
  klBetaCb: (a, b, p) => D.klDivergence(beta(a, b), cb(p)),
  klBetaGamma: (a, b, c, r) => D.klDivergence(beta(a, b), gam(c, r)),
  klBetaNormal: (a, b, l, s) => D.klDivergence(beta(a, b), new D.Normal(l, s)),
  klBetaUniform: (a, b, lo, hi) => D.klDivergence(beta(a, b), new D.Uniform(lo, hi)),
  klGammaNormal: (a, b, l, s) => D.klDivergence(gam(a, b), new D.Normal(l, s)),
  klUniformBeta: (lo, hi, a, b) => D.klDivergence(new D.Uniform(lo, hi), beta(a, b)),
  klUniformGamma: (lo, hi, a, r) => D.klDivergence(new D.Uniform(lo, hi), gam(a, r)),
  klInfinite: (c, r, lo, s, p) => [
    D.klDivergence(gam(c, r), beta(c, r)),
    D.klDivergence(gam(c, r), cb(p)),
    D.klDivergence(gam(c, r), new D.Uniform(lo, T.add(lo, 1))),
    D.klDivergence(new D.Laplace(lo, s), beta(c, r)),
    D.klDivergence(new D.Laplace(lo, s), gam(c, r)),
    D.klDivergence(new D.Normal(lo, s), beta(c, r)),
    D.klDivergence(new D.Normal(lo, s), gam(c, r)),
    D.klDivergence(new D.Poisson(c), new D.Bernoulli(p)),
    D.klDivergence(new D.Poisson(c), new D.Binomial(4, p)),
  ],
};
describeGoldenCases(fx, calls, (device) => `values and gradients match PyTorch (${device})`, { output: [1e-5, 1e-4], grad: [1e-4, 1e-3] });

describe('shapes', () => {
  it('sample(sampleShape) is sampleShape + batchShape + eventShape; logProb of the draws is sampleShape + batchShape', () => {
    scope(() => {
      const dists: [D.Distribution, number[]][] = [
        [new D.Gamma(T.full([2, 3], 2), 1), []],
        [new D.Chi2(T.full([2, 3], 3)), []],
        [new D.Beta(T.full([2, 3], 2), 3), []],
        [new D.Dirichlet(T.ones([2, 3, 4])), [4]],
        [new D.StudentT(T.full([2, 3], 4)), []],
        [new D.Poisson(T.full([2, 3], 3)), []],
        [new D.NegativeBinomial(T.full([2, 3], 2), 0.4), []],
        [new D.Binomial(5, T.full([2, 3], 0.3)), []],
        [new D.Binomial(T.full([2, 3], 4), { logits: 0 }), []],
        [new D.Weibull(1, T.full([2, 3], 2)), []],
        [new D.Kumaraswamy(T.full([2, 3], 2), 3), []],
      ];
      for (const [d, event] of dists) {
        expect(d.batchShape, `${d}`).toEqual([2, 3]);
        expect(d.eventShape).toEqual(event);
        for (const sampleShape of [[], [5], [4, 1]]) {
          const s = d.sample(sampleShape);
          expect(s.shape, `${d}.sample(${JSON.stringify(sampleShape)})`).toEqual([...sampleShape, 2, 3, ...event]);
          expect(s.dtype).toBe('float32');
          expect(d.logProb(s).shape).toEqual([...sampleShape, 2, 3]);
          if (d.hasRsample) expect(d.rsample(sampleShape).shape).toEqual([...sampleShape, 2, 3, ...event]);
        }
        expect(d.sample([0]).shape).toEqual([0, 2, 3, ...event]);
      }
      expect(new D.Gamma(2, 3).batchShape).toEqual([]);
      expect(new D.Beta(2, 3).rsample().shape).toEqual([]);
      expect(new D.Dirichlet(T.ones([3])).sample().shape).toEqual([3]);
      expect(new D.Poisson(T.ones([3])).logProb(T.zeros([4, 1])).shape).toEqual([4, 3]);
      expect(new D.Binomial(3, 0.5).entropy().shape).toEqual([]);
      expect(nums(new D.Chi2(tensor([1, 2.5, 7])).df)).toEqual([1, 2.5, 7]);
    });
  });

  it('hasRsample as PyTorch: the continuous ones; not Poisson, NegativeBinomial, Binomial', () => {
    const continuous = [new D.Gamma(1, 1), new D.Chi2(2), new D.Beta(1, 2), new D.Dirichlet(T.ones([2])), new D.StudentT(3), new D.Weibull(1, 2), new D.Kumaraswamy(1, 2)];
    expect(continuous.map((d) => d.hasRsample)).toEqual(continuous.map(() => true));
    expect([new D.Poisson(1), new D.NegativeBinomial(2, 0.5), new D.Binomial(3, 0.5)].map((d) => d.hasRsample)).toEqual([false, false, false]);
    expect(() => new D.Poisson(1).rsample()).toThrow(/^Poisson\.rsample: Poisson has no reparameterised sampler/);
    expect(() => new D.Binomial(2, 0.5).rsample([2])).toThrow(/^Binomial\.rsample: Binomial has no reparameterised sampler/);
  });
});

describe('rsample is reparameterised', () => {
  it('Gamma: standardGamma(α)/rate for the same seed; the gradients are the op\'s (α) and −x/rate (rate)', () => {
    scope(() => {
      const conc = tensor([0.5, 2, 7], { requiresGrad: true });
      const rate = tensor([1, 0.5, 3], { requiresGrad: true });
      const z = new D.Gamma(conc, rate).rsample([4], { generator: new Generator(5) });
      const alpha = tensor([0.5, 2, 7], { requiresGrad: true });
      const ref = T.div(T.standardGamma(T.expand(alpha, [4, 3]), { generator: new Generator(5) }), rate.detach());
      expectClose(nums(z), nums(T.clamp(ref, { min: TINY })), 0, 0, 'draws');
      const up = randn([4, 3]);
      T.sum(T.mul(z, up)).backward();
      T.sum(T.mul(ref, up)).backward();
      expectClose(nums(conc.grad!), nums(alpha.grad!), 1e-6, 1e-5, 'd/dα');
      expectClose(nums(rate.grad!), nums(T.sum(T.neg(T.div(T.mul(z.detach(), up), rate.detach())), 0)), 1e-5, 1e-4, 'd/drate');
      expect(new D.Gamma(conc, rate).sample([2]).requiresGrad).toBe(false);
    });
  });

  it('Chi2: 2·standardGamma(df/2) for the same seed; StudentT: loc + scale·X/√(Z/df) for X = randn then Z = Chi2 from one seed', () => {
    scope(() => {
      const df = tensor([1, 3.5, 10]);
      expectClose(nums(new D.Chi2(df).rsample([5], { generator: new Generator(2) })), nums(T.mul(T.standardGamma(T.expand(T.mul(df, 0.5), [5, 3]), { generator: new Generator(2) }), 2)), 0, 0, 'Chi2');
      const loc = tensor([0.5, -1, 2], { requiresGrad: true });
      const scale = tensor([1, 0.5, 2], { requiresGrad: true });
      const z = new D.StudentT(df, loc, scale).rsample([6], { generator: new Generator(9) });
      const g = new Generator(9);
      const x = randn([6, 3], { generator: g });
      const chi2 = T.mul(T.standardGamma(T.expand(T.mul(df, 0.5), [6, 3]), { generator: g }), 2);
      const y = T.mul(x, T.rsqrt(T.div(chi2, df)));
      expectClose(nums(z), nums(T.add(loc.detach(), T.mul(scale.detach(), y))), 1e-6, 1e-5, 'StudentT');
      T.sum(z).backward();
      expect(nums(loc.grad!)).toEqual([6, 6, 6]);
      expectClose(nums(scale.grad!), nums(T.sum(y, 0)), 1e-5, 1e-5, 'd/dscale = Σ y');
      const dfLeaf = tensor([3], { requiresGrad: true });
      T.sum(new D.StudentT(dfLeaf).rsample([4])).backward();
      expect(Number.isFinite(dfLeaf.grad!.itemSync())).toBe(true);
    });
  });

  it('Beta and Dirichlet: gamma draws over their sum, the pair drawn as one standardGamma of the stacked [α, β]', () => {
    scope(() => {
      const a = tensor([0.5, 2, 3]);
      const b = tensor([1, 4, 0.7]);
      const g = T.standardGamma(T.expand(T.stack([a, b], -1), [5, 3, 2]), { generator: new Generator(4) });
      const want = T.div(T.select(g, -1, 0), T.sum(g, -1));
      expectClose(nums(new D.Beta(a, b).rsample([5], { generator: new Generator(4) })), nums(want), 1e-7, 1e-6, 'Beta');
      const conc = tensor([[0.5, 1, 3], [2, 2, 2]]);
      const gd = T.standardGamma(T.expand(conc, [4, 2, 3]), { generator: new Generator(6) });
      const d = new D.Dirichlet(conc).rsample([4], { generator: new Generator(6) });
      expectClose(nums(d), nums(T.div(gd, T.sum(gd, { dim: -1, keepdim: true }))), 1e-7, 1e-6, 'Dirichlet');
      expectClose(nums(T.sum(d, -1)), Array(8).fill(1), 1e-6, 0, 'on the simplex');
    });
  });

  it('d/dα E[x] from 20k draws matches the derivative of the mean (the implicit reparameterisation is unbiased)', () => {
    scope(() => {
      manualSeed(11);
      const n = 20000;
      // Gamma(α, 2): E[x] = α/2, so d/dα = ½.
      const alpha = tensor([0.3, 1, 4], { requiresGrad: true });
      T.sum(T.mean(new D.Gamma(alpha, 2).rsample([n]), 0)).backward();
      expectClose(nums(alpha.grad!), [0.5, 0.5, 0.5], 0.02, 0, 'Gamma');
      // Beta(α, β): E[x] = α/(α + β), d/dα = β/(α + β)², d/dβ = −α/(α + β)².
      const a = tensor([0.5, 2], { requiresGrad: true });
      const b = tensor([1.5, 3], { requiresGrad: true });
      T.sum(T.mean(new D.Beta(a, b).rsample([n]), 0)).backward();
      expectClose(nums(a.grad!), [1.5 / 4, 3 / 25], 0.01, 0, 'Beta d/dα');
      expectClose(nums(b.grad!), [-0.5 / 4, -2 / 25], 0.01, 0, 'Beta d/dβ');
      // Dirichlet(α), S = Σα = 6: E[x₁] = α₁/S, so dE[x₁]/dα₁ = (S − α₁)/S² and dE[x₁]/dα_j = −α₁/S² for the others.
      const c = tensor([1, 2, 3], { requiresGrad: true });
      T.select(T.mean(new D.Dirichlet(c).rsample([n]), 0), 0, 0).backward();
      expectClose(nums(c.grad!), [5 / 36, -1 / 36, -1 / 36], 0.01, 0, 'Dirichlet');
      // Chi2(df): E[x] = df.
      const df = tensor([0.8, 5], { requiresGrad: true });
      T.sum(T.mean(new D.Chi2(df).rsample([n]), 0)).backward();
      expectClose(nums(df.grad!), [1, 1], 0.04, 0, 'Chi2');
    });
  });

  it('Weibull: scale·(−log1p(−u))^(1/k); Kumaraswamy: (1 − u^(1/b))^(1/a), for the uniform the seed draws', () => {
    scope(() => {
      const scale = tensor([1, 2.5], { requiresGrad: true });
      const k = tensor([0.7, 3], { requiresGrad: true });
      const z = new D.Weibull(scale, k).rsample([6], { generator: new Generator(3) });
      const e = T.neg(T.log1p(T.neg(rand([6, 2], { generator: new Generator(3) }))));
      expectClose(nums(z), nums(T.mul(scale.detach(), T.pow(e, T.reciprocal(k.detach())))), 1e-6, 1e-5, 'Weibull');
      T.sum(z).backward();
      expectClose(nums(scale.grad!), nums(T.sum(T.div(z.detach(), scale.detach()), 0)), 1e-5, 1e-5, 'd/dscale = Σ z/scale');
      expect(nums(k.grad!).every(Number.isFinite)).toBe(true);
      const a = tensor([0.5, 2]);
      const b = tensor([3, 0.8]);
      const u = rand([6, 2], { generator: new Generator(8) });
      const kz = new D.Kumaraswamy(a, b).rsample([6], { generator: new Generator(8) });
      expectClose(nums(kz), nums(T.pow(T.sub(1, T.pow(u, T.reciprocal(b))), T.reciprocal(a))), 1e-6, 1e-5, 'Kumaraswamy');
      expect(nums(kz).every((v) => v >= 0 && v <= 1)).toBe(true);
    });
  });

  it('draws of tiny concentrations stay in the support (clamped to float32\'s smallest normal, as PyTorch\'s)', () => {
    scope(() => {
      const g = new D.Gamma(1e-3, 1);
      const x = g.rsample([2000]);
      expect(Math.min(...nums(x))).toBeGreaterThanOrEqual(TINY);
      expect(nums(g.logProb(x)).every((v) => !Number.isNaN(v))).toBe(true);
      const d = nums(new D.Dirichlet(tensor([1e-3, 1e-3, 1e-3])).rsample([200]));
      expect(d.every((v) => v >= 0 && v <= 1)).toBe(true);
      const bt = nums(new D.Beta(1e-3, 1e-3).rsample([200]));
      expect(bt.every((v) => v >= 0 && v <= 1)).toBe(true);
    });
  });
});

describe('sampling', () => {
  const stats = sampleStats;

  it('20k draws have the mean and variance the distribution gives', () => {
    scope(() => {
      manualSeed(2024);
      // [distribution, tolerance of the mean, relative tolerance of the variance] (≈ 4 standard errors)
      const cases: [D.Distribution, number, number][] = [
        [new D.Gamma(3, 2), 0.03, 0.06],
        [new D.Gamma(0.4, 1), 0.03, 0.12],
        [new D.Chi2(4), 0.09, 0.08],
        [new D.Beta(2, 5), 0.005, 0.05],
        [new D.Beta(0.5, 0.5), 0.01, 0.05],
        [new D.StudentT(7, 1, 2), 0.06, 0.12], // variance 5.6; heavy tails widen its error
        [new D.Poisson(3.5), 0.06, 0.06],
        [new D.Poisson(0.2), 0.015, 0.08],
        [new D.NegativeBinomial(3, 0.4), 0.06, 0.08],
        [new D.NegativeBinomial(0.5, { logits: 1 }), 0.1, 0.2],
        [new D.Binomial(10, 0.3), 0.05, 0.05],
        [new D.Binomial(1000, { logits: -2 }), 0.5, 0.05],
        [new D.Weibull(2, 1.5), 0.03, 0.06],
        [new D.Kumaraswamy(2, 3), 0.006, 0.05],
      ];
      for (const [d, meanTol, varTol] of cases) {
        const s = stats(d.sample([20000]));
        expect(Math.abs(s.mean - d.mean.itemSync()), `${d} mean ${s.mean} vs ${d.mean.itemSync()}`).toBeLessThan(meanTol);
        expect(Math.abs(s.variance / d.variance.itemSync() - 1), `${d} variance ${s.variance} vs ${d.variance.itemSync()}`).toBeLessThan(varTol);
      }
      const dir = new D.Dirichlet(tensor([1, 2, 5]));
      const draws = dir.sample([20000]);
      expectClose(nums(T.mean(draws, 0)), nums(dir.mean), 0.005, 0, 'Dirichlet mean');
      expectClose(nums(T.variance(draws, 0)), nums(dir.variance), 0.002, 0.05, 'Dirichlet variance');
    });
  });

  it('Poisson draws the poisson op; NegativeBinomial Poisson at gamma-drawn rates, from one seed; integer counts', () => {
    scope(() => {
      const rate = tensor([0, 0.5, 4, 30]);
      const p = new D.Poisson(rate).sample([3], { generator: new Generator(1) });
      expect(nums(p)).toEqual(nums(T.poisson(T.expand(rate, [3, 4]), { generator: new Generator(1) })));
      expect(nums(p).slice(0, 1)).toEqual([0]);
      const n = tensor([0.5, 2, 6]);
      const logits = tensor([-1, 0.3, 1.2]);
      const g = new Generator(3);
      const lam = T.clamp(T.div(T.standardGamma(T.expand(n, [4, 3]), { generator: g }), T.exp(T.neg(logits))), { min: TINY });
      const want = T.poisson(lam, { generator: g });
      expect(nums(new D.NegativeBinomial(n, { logits }).sample([4], { generator: new Generator(3) }))).toEqual(nums(want));
      const zero = new D.NegativeBinomial(tensor([0, 0]), 0.5).sample([5]);
      expect(nums(zero).every((v) => v === 0)).toBe(true);
      for (const d of [new D.Poisson(2.5), new D.NegativeBinomial(2, 0.5), new D.Binomial(7, 0.4)]) {
        expect(nums(d.sample([100])).every((v) => Number.isInteger(v) && v >= 0), `${d}`).toBe(true);
      }
    });
  });

  it('Binomial draws the binomial op at totalCount and probs expanded to the sample shape; any totalCount', () => {
    scope(() => {
      const count = tensor([0, 1, 3, 6]);
      const probs = tensor([0.5, 0.9, 0.4, 0.7]);
      const s = new D.Binomial(count, probs).sample([5], { generator: new Generator(2) });
      expect(nums(s)).toEqual(nums(T.binomial(T.expand(count, [5, 4]), T.expand(probs, [5, 4]), { generator: new Generator(2) })));
      nums(s).forEach((v, i) => expect(v).toBeLessThanOrEqual(nums(count)[i % 4]));
      expect(nums(new D.Binomial(4, T.ones([3])).sample())).toEqual([4, 4, 4]);
      expect(nums(new D.Binomial(0, T.full([2], 0.5)).sample([2]))).toEqual([0, 0, 0, 0]);
      expect(new D.Binomial(tensor([5, 5000]), 0.5).sample([0]).shape).toEqual([0, 2]);
      const big = nums(new D.Binomial(1e6, { logits: -1 }).sample([200]));
      const { mean } = stats(big);
      expect(Math.abs(mean / (1e6 * (1 / (1 + Math.E))) - 1)).toBeLessThan(0.001);
    });
  });

  it('a seed repeats the draws, through manualSeed or a Generator', () => {
    expectSeededDraws(() => [
      new D.Gamma(T.full([3], 2), 1),
      new D.Chi2(3),
      new D.Beta(T.full([2], 2), 3),
      new D.Dirichlet(T.ones([2, 3])),
      new D.StudentT(T.full([3], 4)),
      new D.Poisson(T.full([5], 3)),
      new D.NegativeBinomial(T.full([5], 3), 0.5),
      new D.Binomial(10, T.full([5], 0.5)),
      new D.Weibull(1, T.full([3], 2)),
      new D.Kumaraswamy(T.full([3], 2), 2),
    ]);
  });

  it('Weibull.icdf and Kumaraswamy.icdf invert their cdfs', () => {
    scope(() => {
      const u = tensor([[0.1, 0.9], [0.5, 0.3]]);
      const w = new D.Weibull(tensor([1, 3]), tensor([0.5, 2]));
      expectClose(nums(w.cdf(w.icdf(u))), nums(u), 1e-6, 1e-5, 'Weibull');
      const k = new D.Kumaraswamy(tensor([0.5, 2]), tensor([3, 0.8]));
      expectClose(nums(k.cdf(k.icdf(u))), nums(u), 1e-6, 1e-5, 'Kumaraswamy');
    });
  });
});

describe('klDivergence', () => {
  it('KL(p ‖ p) is 0; Chi2 takes Gamma‖Gamma; the Poisson point mass at 0 gives q\'s rate (PyTorch: NaN)', () => {
    scope(() => {
      const dists: D.Distribution[] = [
        new D.Gamma(tensor([0.5, 3]), 2),
        new D.Chi2(tensor([1, 4])),
        new D.Beta(tensor([0.5, 3]), 2),
        new D.Dirichlet(tensor([[0.5, 3, 1]])),
        new D.Poisson(tensor([0.5, 3])),
        new D.Binomial(5, tensor([0.2, 0.6])),
      ];
      for (const d of dists) expectClose(nums(D.klDivergence(d, d)), nums(T.zeros(d.batchShape)), 1e-5, 0, `${d}`);
      expect(Math.abs(D.klDivergence(new D.Chi2(4), new D.Gamma(2, 0.5)).itemSync())).toBeLessThan(1e-6);
      expectClose(nums(D.klDivergence(new D.Poisson(tensor([0, 0])), new D.Poisson(tensor([2, 0])))), [2, 0], 0, 0, 'rate 0');
    });
  });

  it('refusals: Binomial where p.totalCount < q.totalCount (as PyTorch), Dirichlets of different K, unregistered pairs', () => {
    scope(() => {
      expect(() => D.klDivergence(new D.Binomial(tensor([3, 5]), 0.5), new D.Binomial(tensor([4, 5]), 0.5))).toThrow(
        /^klDivergence: Binomial p\.totalCount expected >= q\.totalCount \(PyTorch has no closed form where p's is smaller\), got 1 of 2 values below$/,
      );
      expect(() => D.klDivergence(new D.Dirichlet(T.ones([3])), new D.Dirichlet(T.ones([4])))).toThrow(/^klDivergence: Dirichlet p and q expected the same eventShape, got \[3\] and \[4\]$/);
      expect(() => D.klDivergence(new D.StudentT(3), new D.StudentT(4))).toThrow(/^klDivergence: no KL divergence is registered for StudentT‖StudentT \(none registered with StudentT; add one with registerKl\)$/);
      expect(() => D.klDivergence(new D.Weibull(1, 2), new D.Weibull(1, 2))).toThrow(/no KL divergence is registered for Weibull‖Weibull/);
    });
  });
});

describe('validateArgs and refusals', () => {
  it('numbers are checked by default; tensors with validateArgs: true, naming the distribution, the argument, expected and got', () => {
    scope(() => {
      const on = { validateArgs: true };
      const cases: [() => unknown, new (m: string) => Error, RegExp][] = [
        [() => new D.Gamma(0, 1), ValueError, /^Gamma: concentration expected a number > 0, got 0$/],
        [() => new D.Gamma(1, tensor([1, -1]), on), ValueError, /^Gamma: rate expected values > 0, got 1 of 2 values outside \(found by validateArgs\)$/],
        [() => new D.Gamma(1, 1, on).logProb(tensor([-1])), ValueError, /^Gamma\.logProb: value expected values >= 0, got 1 of 1 value outside/],
        [() => new D.Gamma('1' as never, 1), ValueError, /^Gamma: concentration expected a tensor or a number, got string$/],
        [() => new D.Gamma(T.ones([2]), T.ones([3])), ShapeError, /^Gamma: concentration and rate expected shapes that broadcast together, got concentration \[2\], rate \[3\]$/],
        [() => new D.Gamma(1, 1, { validate: true } as never), ValueError, /^Gamma: unknown option 'validate'/],
        [() => new D.Chi2(-1), ValueError, /^Chi2: df expected a number > 0, got -1$/],
        [() => new D.Chi2(tensor([2, 0]), on), ValueError, /^Chi2: df expected values > 0, got 1 of 2/],
        [() => new D.Beta(1, 0), ValueError, /^Beta: concentration0 expected a number > 0, got 0$/],
        [() => new D.Beta(2, 2, on).logProb(tensor([1.5])), ValueError, /^Beta\.logProb: value expected values in \[0, 1\], got 1 of 1/],
        [() => new D.Dirichlet(tensor(1)), ShapeError, /^Dirichlet: concentration expected a tensor of at least 1 dimension \(the last holds the K concentrations\), got \[\]$/],
        [() => new D.Dirichlet(2 as never), ShapeError, /^Dirichlet: concentration expected a tensor of at least 1 dimension .*got a number$/],
        [() => new D.Dirichlet(tensor([1, -1]), on), ValueError, /^Dirichlet: concentration expected values > 0, got 1 of 2/],
        [() => new D.Dirichlet(T.ones([3]), on).logProb(tensor([0.5, 0.5, 0.5])), ValueError, /^Dirichlet\.logProb: value expected vectors on the simplex \(a sum of 1 over the last dim\), got 1 of 1 vector outside/],
        [() => new D.Dirichlet(T.ones([2]), on).logProb(tensor([[1.5, -0.5], [0.5, 0.5]])), ValueError, /^Dirichlet\.logProb: value expected vectors on the simplex \(values >= 0\), got 1 of 2 vectors outside/],
        [() => new D.Dirichlet(T.ones([3])).logProb(T.zeros([2, 4])), ShapeError, /^Dirichlet\.logProb: value \[2,4\] expected to end in the eventShape \[3\]$/],
        [() => new D.StudentT(0), ValueError, /^StudentT: df expected a number > 0, got 0$/],
        [() => new D.StudentT(1, 0, -1), ValueError, /^StudentT: scale expected a number > 0, got -1$/],
        [() => new D.StudentT(1, tensor([NaN]), 1, on), ValueError, /^StudentT: loc expected real values \(not NaN\), got 1 of 1/],
        [() => new D.Poisson(-1), ValueError, /^Poisson: rate expected a number >= 0, got -1$/],
        [() => new D.Poisson(tensor([1, -2]), on), ValueError, /^Poisson: rate expected values >= 0, got 1 of 2/],
        [() => new D.Poisson(1, on).logProb(tensor([1.5, 2, -1])), ValueError, /^Poisson\.logProb: value expected counts \(integers >= 0\), got 2 of 3/],
        [() => new D.NegativeBinomial(-1, 0.5), ValueError, /^NegativeBinomial: totalCount expected a number >= 0, got -1$/],
        [() => new D.NegativeBinomial(2, 1), ValueError, /^NegativeBinomial: probs expected a probability in \[0, 1\), got 1$/],
        [() => new D.NegativeBinomial(2, { logits: NaN }), ValueError, /^NegativeBinomial: logits expected a real number, got NaN$/],
        [() => new D.NegativeBinomial(2, tensor([1]), on), ValueError, /^NegativeBinomial: probs expected probabilities in \[0, 1\), got 1 of 1/],
        [() => new D.Binomial(2.5, 0.3), ValueError, /^Binomial: totalCount expected an integer >= 0, got 2\.5$/],
        [() => new D.Binomial(tensor([2.5, 3]), 0.3, on), ValueError, /^Binomial: totalCount expected integers >= 0, got 1 of 2/],
        [() => new D.Binomial(3, 1.5), ValueError, /^Binomial: probs expected a probability in \[0, 1\], got 1\.5$/],
        [() => new D.Binomial(3, { probs: 0.5, logits: 0 } as never), ValueError, /^Binomial: expected exactly one of probs or logits, got both$/],
        [() => new D.Binomial(3, { logits: 0 } as never, on), ValueError, /^Binomial: options go in the object with probs or logits/],
        [() => new D.Binomial(tensor([3n], { dtype: 'int64' }), 0.5), DTypeError, /^Binomial: totalCount expected float32, got int64$/],
        [() => new D.Binomial(3, 0.5, on).logProb(tensor([4, 1])), ValueError, /^Binomial\.logProb: value expected integers in \[0, totalCount\], got 1 of 2/],
        [() => new D.Binomial(tensor([3]), 0.5).entropy(), ValueError, /^Binomial\.entropy: totalCount expected a number \(entropy sums over the support 0 … totalCount, one size for the whole batch\), got a tensor$/],
        [() => new D.Weibull(0, 1), ValueError, /^Weibull: scale expected a number > 0, got 0$/],
        [() => new D.Weibull(1, 1, on).logProb(tensor([0])), ValueError, /^Weibull\.logProb: value expected values > 0, got 1 of 1/],
        [() => new D.Weibull(1, 1, on).icdf(tensor([1.5])), ValueError, /^Weibull\.icdf: value expected probabilities in \[0, 1\]/],
        [() => new D.Kumaraswamy(1, -1), ValueError, /^Kumaraswamy: concentration0 expected a number > 0, got -1$/],
        [() => new D.Kumaraswamy(1, 1, on).cdf(tensor([-0.5])), ValueError, /^Kumaraswamy\.cdf: value expected values in \[0, 1\]/],
      ];
      for (const [make, cls, message] of cases) {
        expect(make, String(message)).toThrow(cls);
        expect(make).toThrow(message);
      }
      // Good arguments pass the reads; validateArgs: false skips the number checks.
      expect(new D.Dirichlet(T.ones([3]), on).logProb(tensor([0.2, 0.3, 0.5])).shape).toEqual([]);
      expect(new D.Binomial(tensor([3, 4]), { logits: tensor([0.2, 1]), validateArgs: true }).logProb(tensor([3, 0])).shape).toEqual([2]);
      expect(new D.Poisson(tensor([0, 2]), on).logProb(tensor([0, 5])).shape).toEqual([2]);
      expect(new D.Gamma(-1, 1, { validateArgs: false }).batchShape).toEqual([]);
    });
  });

  it('methods PyTorch lacks here are refused; PyTorch spellings name ours; extra arguments refused', () => {
    scope(() => {
      const g = new D.Gamma(T.ones([2]), 1);
      const b = new D.Binomial(3, 0.5);
      expect(() => g.icdf(0.5)).toThrow(/^Gamma\.icdf: not defined for Gamma$/);
      expect(() => new D.Chi2(2).icdf(0.5)).toThrow(/^Chi2\.icdf: not defined for Chi2$/);
      expect(() => new D.Poisson(1).entropy()).toThrow(/^Poisson\.entropy: not defined for Poisson$/);
      expect(() => new D.StudentT(3).cdf(0)).toThrow(/^StudentT\.cdf: not defined for StudentT$/);
      expect(() => (g as unknown as { log_prob: unknown }).log_prob).toThrow(/^Gamma\.log_prob: this API spells it logProb$/);
      expect(() => (b as unknown as { total_count: unknown }).total_count).toThrow(/^Binomial\.total_count: this API spells it totalCount$/);
      expect(() => (new D.NegativeBinomial(2, 0.5) as unknown as { total_count: unknown }).total_count).toThrow(/^NegativeBinomial\.total_count: this API spells it totalCount$/);
      expect(() => (new D.Dirichlet(T.ones([2])) as unknown as { event_shape: unknown }).event_shape).toThrow(/^Dirichlet\.event_shape: this API spells it eventShape$/);
      expect(() => (new D.Chi2(2) as unknown as { has_rsample: unknown }).has_rsample).toThrow(/^Chi2\.has_rsample: this API spells it hasRsample$/);
      expect(() => (g.logProb as (...a: unknown[]) => Tensor)(1, 2)).toThrow(/Gamma\.logProb: takes at most 1 argument, got 2/);
      expect(() => (b.entropy as (...a: unknown[]) => Tensor)(1)).toThrow(/Binomial\.entropy: takes no arguments, got 1/);
      expect(() => (new D.Beta(1, 1).sample as (...a: unknown[]) => Tensor)([2], {}, 3)).toThrow(/Beta\.sample: takes at most 2 arguments, got 3/);
    });
  });
});

describe('tensor lifetimes', () => {
  it('each method leaves only its result; a scope leaves nothing, backward included', () => {
    const before = memory().liveTensors;
    scope(() => {
      const x = T.full([2, 3], 0.4);
      const k = T.full([2, 3], 2);
      const simplex = T.full([2, 3], 1 / 3);
      const dists: D.Distribution[] = [
        new D.Gamma(T.full([3], 2), 1.5),
        new D.Chi2(T.full([3], 3)),
        new D.Beta(T.full([3], 2), 3),
        new D.Dirichlet(T.ones([2, 3])),
        new D.StudentT(T.full([3], 4), 0, 2),
        new D.Poisson(T.full([3], 2)),
        new D.NegativeBinomial(T.full([3], 2), 0.4),
        new D.Binomial(4, T.full([3], 0.3)),
        new D.Binomial(T.full([3], 4), { logits: T.zeros([3]) }),
        new D.Weibull(1, T.full([3], 2)),
        new D.Kumaraswamy(T.full([3], 2), 3),
      ];
      // What returns the distribution's own tensor (Poisson's mean and variance are its rate, StudentT's mode its loc).
      const own = (d: D.Distribution, what: string) => (d instanceof D.Poisson && (what === 'mean' || what === 'variance')) || (d instanceof D.StudentT && what === 'mode');
      for (const d of dists) {
        const discrete = d instanceof D.Poisson || d instanceof D.NegativeBinomial || d instanceof D.Binomial;
        const calls: [string, () => Tensor][] = [
          ['sample', () => d.sample([4])],
          ['logProb', () => d.logProb(d instanceof D.Dirichlet ? simplex : discrete ? k : x)],
          ['mean', () => d.mean],
          ['mode', () => (d as unknown as { mode: Tensor }).mode],
          ['variance', () => d.variance],
        ];
        if (d.hasRsample) calls.push(['rsample', () => d.rsample([2])]);
        // (PyTorch defines no entropy for Poisson and NegativeBinomial; Binomial's needs a number totalCount.)
        if (!(d instanceof D.Poisson || d instanceof D.NegativeBinomial || d === dists[8])) calls.push(['entropy', () => d.entropy()]);
        if (!(d instanceof D.Dirichlet)) calls.push(['logProb of a number', () => d.logProb(1)]);
        if (d instanceof D.Weibull || d instanceof D.Kumaraswamy) calls.push(['cdf', () => d.cdf(x)], ['icdf', () => d.icdf(x)], ['stddev', () => d.stddev]);
        for (const [what, call] of calls) {
          const n = memory().liveTensors;
          call();
          expect(memory().liveTensors - n, `${d}.${what}`).toBe(own(d, what) ? 0 : 1);
        }
      }
      const [gamma, , beta, dirichlet, , poisson, , binomial, binomialT] = dists;
      for (const [p, q] of [[gamma, gamma], [beta, beta], [dirichlet, dirichlet], [poisson, poisson], [binomialT, binomialT], [binomial, binomial], [beta, new D.Normal(0, 1)], [new D.Uniform(0.2, 0.7), gamma], [poisson, new D.Bernoulli(0.5)]] as const) {
        const n = memory().liveTensors;
        D.klDivergence(p, q);
        expect(memory().liveTensors - n, `kl ${p} ‖ ${q}`).toBe(1);
      }
      const conc = tensor([0.5, 2], { requiresGrad: true });
      const q = new D.Beta(conc, 2);
      T.add(T.sum(q.logProb(q.rsample([3]))), T.sum(D.klDivergence(q, new D.Beta(1, 1)))).backward();
      const df = tensor([3, 5], { requiresGrad: true });
      T.sum(new D.StudentT(df).rsample([2])).backward();
    });
    expect(memory().liveTensors).toBe(before);
  });
});
