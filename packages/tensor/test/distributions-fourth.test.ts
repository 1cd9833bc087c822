// InverseGamma, FisherSnedecor, VonMises, GeneralizedPareto, LowRankMultivariateNormal,
// LogisticNormal, Wishart, LKJCholesky, the transforms StickBreaking, CorrCholesky,
// LowerCholesky, PositiveDefinite, Softplus, Reshape, Cat, Stack, Independent and
// CumulativeDistribution, bijectTo / transformTo, and the KL pairs of LowRankMultivariateNormal
// (src/distributions/) against PyTorch 2.13: values and gradients from
// test/fixtures/distributions-fourth.safetensors (scripts/fixtures_distributions_fourth.py). Then
// what PyTorch cannot give goldens for (our Philox stream is not its generator): rsample against
// its formula for the noise the same seed draws, with those gradients; finite-difference checks
// of the reparameterised paths; statistics of seeded draws; shapes, expand, the transform and
// registry API; refusals with their messages; tensor lifetimes.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { DTypeError, DeviceError, Generator, ShapeError, ValueError, distributions as D, manualSeed, memory, rand, randn, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose, gradcheck } from '../src/testing/index.js';
import { expectSeededDraws } from './seeded-draws.js';
import { sampleStats } from './sample-stats.js';
import { describeGoldenCases, nums, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('distributions-fourth');
const C = D.constraints;
const ladj = (t: D.Transform, x: Tensor) => t.logAbsDetJacobian(x, t.forward(x));
const mT = (x: Tensor) => T.transpose(x, -2, -1);
/** A Cholesky factor from an unconstrained square matrix (the generator's tril_pos). */
const trilPos = (a: Tensor) => T.add(T.tril(a, -1), T.diagEmbed(T.exp(T.diagonal(a))));
/** B·Bᵀ + I/2 (the generator's spd). */
const spd = (b: Tensor) => T.add(T.matmul(b, mT(b)), T.mul(T.eye(b.shape[b.shape.length - 1], { device: b.device }), 0.5));
const catT = (l: Tensor, s: Tensor) => new D.CatTransform([new D.ExpTransform(), D.identityTransform, new D.AffineTransform(l, s)], -1, [2, 1, 2]);
const catVecT = () => new D.CatTransform([new D.IndependentTransform(new D.ExpTransform(), 1), new D.AffineTransform(0, 2, 1)], -1, [2, 3]);
const stackT = () => new D.StackTransform([new D.ExpTransform(), new D.SoftplusTransform(), new D.AffineTransform(1, -2)], 1);
const cdt = (l: Tensor, s: Tensor) => new D.CumulativeDistributionTransform(new D.Normal(l, s));
const bij = (c: D.Constraint) => (x: Tensor) => [D.bijectTo(c).forward(x), ladj(D.bijectTo(c), x)];
const lr = (l: Tensor, w: Tensor, d: Tensor) => new D.LowRankMultivariateNormal(l, w, d);
const wTril = (df: Tensor, a: Tensor) => new D.Wishart(df, { scaleTril: trilPos(a) });

const calls: Record<string, GoldenCall> = {
  invGammaLogProb: (c, r, x) => new D.InverseGamma(c, r).logProb(x),
  invGammaCdf: (c, r, x) => new D.InverseGamma(c, r).cdf(x),
  invGammaEntropy: (c, r) => new D.InverseGamma(c, r).entropy(),
  invGammaMean: (c, r) => new D.InverseGamma(c, r).mean,
  invGammaMode: (c, r) => new D.InverseGamma(c, r).mode,
  invGammaVariance: (c, r) => new D.InverseGamma(c, r).variance,
  invGammaMomentsInfinite: (c, r) => [new D.InverseGamma(c, r).mean, new D.InverseGamma(c, r).variance],
  fisherLogProb: (a, b, x) => new D.FisherSnedecor(a, b).logProb(x),
  fisherMean: (a, b) => new D.FisherSnedecor(a, b).mean,
  fisherMode: (a, b) => new D.FisherSnedecor(a, b).mode,
  fisherVariance: (a, b) => new D.FisherSnedecor(a, b).variance,
  fisherMomentsUndefined: (a, b) => [new D.FisherSnedecor(a, b).mean, new D.FisherSnedecor(a, b).mode, new D.FisherSnedecor(a, b).variance],
  vonMisesLogProb: (l, k, x) => new D.VonMises(l, k).logProb(x),
  vonMisesVariance: (l, k) => new D.VonMises(l, k).variance,
  vonMisesMean: (l, k) => T.mul(new D.VonMises(l, k).mean, 1),
  genParetoLogProb: (l, s, c, x) => new D.GeneralizedPareto(l, s, c).logProb(x),
  genParetoCdf: (l, s, c, x) => new D.GeneralizedPareto(l, s, c).cdf(x),
  genParetoLogCdf: (l, s, c, x) => new D.GeneralizedPareto(l, s, c).logCdf(x),
  genParetoLogSurvival: (l, s, c, x) => new D.GeneralizedPareto(l, s, c).logSurvivalFunction(x),
  genParetoIcdf: (l, s, c, u) => new D.GeneralizedPareto(l, s, c).icdf(u),
  genParetoEntropy: (l, s, c) => new D.GeneralizedPareto(l, s, c).entropy(),
  genParetoMean: (l, s, c) => new D.GeneralizedPareto(l, s, c).mean,
  genParetoVariance: (l, s, c) => new D.GeneralizedPareto(l, s, c).variance,
  genParetoMomentsUndefined: (l, s, c) => [new D.GeneralizedPareto(l, s, c).mean, new D.GeneralizedPareto(l, s, c).variance],
  lowRankLogProb: (l, w, d, x) => lr(l, w, d).logProb(x),
  lowRankLogProbBatchedFactor: (l, w, d, x) => lr(l, w, d).logProb(x),
  lowRankEntropy: (l, w, d) => lr(l, w, d).entropy(),
  lowRankVariance: (l, w, d) => lr(l, w, d).variance,
  lowRankMatrices: (l, w, d) => [lr(l, w, d).covarianceMatrix, lr(l, w, d).precisionMatrix, lr(l, w, d).scaleTril],
  logisticNormalLogProb: (l, s, x) => new D.LogisticNormal(l, s).logProb(x),
  logisticNormalLogProbScalar: (l, s, x) => new D.LogisticNormal(l, s).logProb(x),
  wishartLogProbTril: (df, a, x) => wTril(df, a).logProb(x),
  wishartLogProbCovariance: (df, b, x) => new D.Wishart(df, { covarianceMatrix: spd(b) }).logProb(x),
  wishartLogProbPrecision: (df, b, x) => new D.Wishart(df, { precisionMatrix: spd(b) }).logProb(x),
  wishartEntropy: (df, a) => wTril(df, a).entropy(),
  wishartMean: (df, a) => wTril(df, a).mean,
  wishartMode: (df, a) => wTril(df, a).mode,
  wishartVariance: (df, a) => wTril(df, a).variance,
  lkjLogProb: (c, x) => new D.LKJCholesky(4, c).logProb(x),
  lkjLogProbDim2: (c, x) => new D.LKJCholesky(2, c).logProb(x),
  stickBreakingForward: (x) => new D.StickBreakingTransform().forward(x),
  stickBreakingInverse: (y) => new D.StickBreakingTransform().inv.forward(y),
  stickBreakingLadj: (x) => ladj(new D.StickBreakingTransform(), x),
  corrCholeskyForward: (x) => new D.CorrCholeskyTransform().forward(x),
  corrCholeskyInverse: (y) => new D.CorrCholeskyTransform().inv.forward(y),
  corrCholeskyLadj: (x) => ladj(new D.CorrCholeskyTransform(), x),
  corrCholeskyForward2: (x) => new D.CorrCholeskyTransform().forward(x),
  lowerCholeskyForward: (x) => new D.LowerCholeskyTransform().forward(x),
  lowerCholeskyInverse: (y) => new D.LowerCholeskyTransform().inv.forward(y),
  positiveDefiniteForward: (x) => new D.PositiveDefiniteTransform().forward(x),
  positiveDefiniteInverse: (y) => new D.PositiveDefiniteTransform().inv.forward(spd(y)),
  softplusForward: (x) => new D.SoftplusTransform().forward(x),
  softplusInverse: (y) => new D.SoftplusTransform().inv.forward(y),
  softplusLadj: (x) => ladj(new D.SoftplusTransform(), x),
  reshapeForward: (x) => [new D.ReshapeTransform([2, 3], [3, 2]).forward(x), ladj(new D.ReshapeTransform([2, 3], [3, 2]), x)],
  catForward: (l, s, x) => catT(l, s).forward(x),
  catInverse: (l, s, y) => catT(l, s).inv.forward(y),
  catLadj: (l, s, x) => ladj(catT(l, s), x),
  catLadjVectors: (x) => [catVecT().forward(x), ladj(catVecT(), x)],
  stackForward: (x) => [stackT().forward(x), ladj(stackT(), x)],
  stackInverse: (y) => stackT().inv.forward(y),
  independentLadj: (x) => ladj(new D.IndependentTransform(new D.ExpTransform(), 2), x),
  cdtForward: (l, s, x) => [cdt(l, s).forward(x), ladj(cdt(l, s), x)],
  cdtInverse: (l, s, u) => cdt(l, s).inv.forward(u),
  bijectGreaterThan: bij(C.greaterThan(2)),
  bijectPositive: bij(C.positive),
  bijectLessThan: bij(C.lessThan(-1)),
  bijectInterval: bij(C.interval(-1, 2)),
  bijectUnitInterval: bij(C.unitInterval),
  bijectHalfOpen: bij(C.halfOpenInterval(0.5, 3)),
  bijectSimplex: bij(C.simplex),
  bijectCorrCholesky: bij(C.corrCholesky),
  bijectIndependent: bij(C.independent(C.positive, 1)),
  bijectCat: bij(C.cat([C.real, C.positive, C.interval(0, 5)], -1, [1, 2, 1])),
  bijectStack: bij(C.stack([C.positive, C.real, C.greaterThan(1)], 0)),
  transformToSimplex: (x) => D.transformTo(C.simplex).forward(x),
  transformToLowerCholesky: (x) => D.transformTo(C.lowerCholesky).forward(x),
  transformToPositiveDefinite: (x) => D.transformTo(C.positiveDefinite).forward(x),
  klLowRankLowRank: (a, w, d, b, w2, d2) => D.klDivergence(lr(a, w, d), lr(b, w2, d2)),
  klMvnLowRank: (a, m, b, w, d) => D.klDivergence(new D.MultivariateNormal(a, { covarianceMatrix: spd(m) }), lr(b, w, d)),
  klLowRankMvn: (a, w, d, b, m) => D.klDivergence(lr(a, w, d), new D.MultivariateNormal(b, { scaleTril: trilPos(m) })),
  klInverseGamma: (a, b, c, d) => D.klDivergence(new D.InverseGamma(a, b), new D.InverseGamma(c, d)),
  klLogisticNormal: (a, b, c, d) => D.klDivergence(new D.LogisticNormal(a, b), new D.LogisticNormal(c, d)),
};
describeGoldenCases(fx, calls, (device) => `values and gradients match PyTorch (${device})`, { output: [1e-5, 1e-4], grad: [1e-4, 1e-3] });

describe('infinities and NaNs where PyTorch has them', () => {
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
});

/**
 * rsample against `formula` for the same seed: the draws, and the gradients of Σ upstream·draws
 * w.r.t. each parameter against those of the formula on copies of the parameters.
 */
function expectRsample(what: string, params: (number[] | number[][])[], make: (...ps: Tensor[]) => D.Distribution, formula: (g: Generator, shape: number[], ...ps: Tensor[]) => Tensor, tol = 1e-5): void {
  scope(() => {
    const ours = params.map((v) => tensor(v, { requiresGrad: true }));
    const theirs = params.map((v) => tensor(v, { requiresGrad: true }));
    const d = make(...ours);
    const z = d.rsample([4], { generator: new Generator(5) });
    const ref = formula(new Generator(5), d.extendedShape([4]), ...theirs);
    expect(z.shape, `${what} shape`).toEqual(d.extendedShape([4]));
    expectClose(nums(z), nums(ref), tol, tol, `${what} draws`);
    const up = randn(z.shape, { generator: new Generator(9) });
    T.sum(T.mul(z, up)).backward();
    T.sum(T.mul(ref, up)).backward();
    ours.forEach((p, i) => expectClose(nums(p.grad!), nums(theirs[i].grad!), 1e-4, 1e-4, `${what}: gradient of parameter ${i}`));
    expect(nums(z).every((v) => !Number.isNaN(v)), `${what} draws are numbers`).toBe(true);
    expect(d.sample([2]).requiresGrad, `${what}.sample carries no gradient`).toBe(false);
  });
}

const gammaRsample = (g: Generator, shape: number[], c: Tensor, r: Tensor | number) => new D.Gamma(T.expand(c, shape), r).rsample([], { generator: g });

describe('rsample is reparameterised', () => {
  it('InverseGamma: 1 / Gamma(α, rate)\'s draw for the same seed; gradients reach α and rate', () => {
    expectRsample('InverseGamma', [[2.5, 4, 7], [1, 0.5, 3]], (c, r) => new D.InverseGamma(c, r), (g, shape, c, r) => T.reciprocal(gammaRsample(g, shape, c, r)));
  });

  it('FisherSnedecor: X₁/X₂ for X₁ ~ Gamma(df1/2, df1) then X₂ ~ Gamma(df2/2, df2) from one seed', () => {
    expectRsample('FisherSnedecor', [[3, 5, 10], [4, 8, 20]], (a, b) => new D.FisherSnedecor(a, b), (g, shape, a, b) => {
      const x1 = gammaRsample(g, shape, T.mul(a, 0.5), a);
      const x2 = gammaRsample(g, shape, T.mul(b, 0.5), b);
      return T.div(x1, x2);
    });
  });

  it('GeneralizedPareto: icdf(u) for u ~ U[0, 1) from the seed, ξ = 0 included', () => {
    expectRsample('GeneralizedPareto', [[0, 1, -1], [1, 2, 0.5], [0.3, 0, -0.2]], (l, s, c) => new D.GeneralizedPareto(l, s, c), (g, shape, l, s, c) => {
      const u = rand(shape, { generator: g });
      const logu = T.log1p(T.neg(u));
      const zero = T.le(T.abs(c), 1e-8);
      const safe = T.where(zero, 1, c);
      return T.where(zero, T.sub(l, T.mul(s, logu)), T.add(l, T.mul(T.div(s, safe), T.expm1(T.mul(T.neg(safe), logu)))));
    });
  });

  it('LowRankMultivariateNormal: loc + W·ε_W + √D·ε_D, ε_W then ε_D from one seed', () => {
    expectRsample('LowRankMultivariateNormal', [[0.5, -1, 2], [[1, 0], [0.3, 2], [-1, 0.5]], [0.5, 1, 2]], (l, w, d) => lr(l, w, d), (g, shape, l, w, d) => {
      const epsW = randn([...shape.slice(0, -1), 2], { generator: g });
      const epsD = randn(shape, { generator: g });
      return T.add(T.add(l, T.matmul(epsW, mT(w))), T.mul(T.sqrt(d), epsD));
    });
  });

  it('LogisticNormal: StickBreakingTransform of Normal(loc, scale)\'s draw for the same seed', () => {
    expectRsample('LogisticNormal', [[0.5, -1, 2], [1, 0.5, 2]], (l, s) => new D.LogisticNormal(l, s), (g, shape, l, s) => {
      const x = T.add(l, T.mul(randn([...shape.slice(0, -1), 3], { generator: g }), s));
      return new D.StickBreakingTransform().forward(x);
    });
  });

  it('Wishart: Bartlett\'s L·A·Aᵀ·Lᵀ, A\'s diagonal √χ²(ν − i) then N(0, 1) below it from one seed', () => {
    expectRsample('Wishart', [[5, 7], [[1, 0, 0], [0.5, 1.5, 0], [-0.3, 0.2, 0.8]]], (df, L) => new D.Wishart(df, { scaleTril: L }), (g, shape, df, L) => {
      const outer = shape.slice(0, -2);
      const chi2 = gammaRsample(g, [...outer, 3], T.mul(T.sub(T.unsqueeze(df, -1), T.arange(3)), 0.5), 0.5);
      const A = T.add(T.diagEmbed(T.sqrt(chi2)), T.tril(randn(shape, { generator: g }), -1));
      const LA = T.matmul(L, A);
      return T.matmul(LA, mT(LA));
    }, 1e-4);
  });

  it('finite differences agree with the pathwise gradients (a fixed generator makes each draw a function of the parameters)', () => {
    scope(() => {
      const seeded = (f: (g: Generator) => Tensor) => () => f(new Generator(3));
      const cases: [string, (...xs: Tensor[]) => Tensor, Tensor[]][] = [
        ['GeneralizedPareto', (l, s, c) => seeded((g) => new D.GeneralizedPareto(l, s, c).rsample([3], { generator: g }))(), [tensor([0, 1]), tensor([1, 2]), tensor([0.3, -0.2])]],
        ['LowRankMultivariateNormal', (l, w, d) => seeded((g) => lr(l, w, d).rsample([2], { generator: g }))(), [tensor([0.5, -1, 2]), tensor([[1, 0], [0.3, 2], [-1, 0.5]]), tensor([0.5, 1, 2])]],
        ['LogisticNormal', (l, s) => seeded((g) => new D.LogisticNormal(l, s).rsample([2], { generator: g }))(), [tensor([0.5, -1]), tensor([1, 0.5])]],
        ['InverseGamma (rate)', (r) => seeded((g) => new D.InverseGamma(3, r).rsample([3], { generator: g }))(), [tensor([1, 0.5, 2])]],
        ['Wishart (scaleTril)', (a) => seeded((g) => new D.Wishart(5, { scaleTril: trilPos(a) }).rsample([2], { generator: g }))(), [tensor([[0.1, 0, 0], [0.5, -0.2, 0], [-0.3, 0.2, 0.3]])]],
      ];
      for (const [what, f, xs] of cases) {
        expect(gradcheck(f, xs.map((x) => x.requiresGrad_())).details, what).toEqual([]);
      }
    });
  });

  it('finite differences agree with logProb\'s and entropy\'s gradients where PyTorch has none recorded (Wishart df, LKJ η, VonMises κ around 3.75, GeneralizedPareto ξ near 0)', () => {
    scope(() => {
      const X = spd(tensor([[1, 0.2, 0], [0.4, 1, 0.3], [0, -0.5, 1]]));
      const L = tensor([[1, 0, 0], [0.3, 0.9, 0], [-0.2, 0.4, 0.8]]);
      const corr = new D.CorrCholeskyTransform().forward(tensor([0.3, -0.5, 0.8]));
      const cases: [string, (...xs: Tensor[]) => Tensor, Tensor[]][] = [
        ['Wishart logProb', (df, a) => new D.Wishart(df, { scaleTril: trilPos(a) }).logProb(X), [tensor([4, 6]), tensor([[0.1, 0, 0], [0.5, -0.2, 0], [-0.3, 0.2, 0.3]])]],
        ['Wishart entropy', (df) => new D.Wishart(df, { scaleTril: L }).entropy(), [tensor([3.5, 9])]],
        ['LKJCholesky logProb', (c) => new D.LKJCholesky(3, c).logProb(corr), [tensor([0.5, 1, 4])]],
        ['VonMises logProb', (k) => new D.VonMises(0.3, k).logProb(tensor([0.1, 1, -2, 3])), [tensor([0.5, 3.6, 3.9, 20])]],
        ['GeneralizedPareto logProb', (c) => new D.GeneralizedPareto(0, 1, c).logProb(tensor([0.5, 1.5, 0.2])), [tensor([0.05, -0.1, 0.3])]],
        ['CorrCholeskyTransform', (x) => new D.CorrCholeskyTransform().forward(x), [tensor([0.3, -0.5, 0.8, 1.2, -0.1, 0.4])]],
        ['StickBreakingTransform log|det J|', (x) => ladj(new D.StickBreakingTransform(), x), [tensor([[0.3, -0.5, 0.8], [2, -1, 0]])]],
        ['KL LowRank‖LowRank', (w) => D.klDivergence(lr(tensor([0, 1, 0]), w, tensor([1, 2, 0.5])), lr(tensor([1, 0, 0]), tensor([[1], [0], [0.5]]), tensor([0.7, 1, 1]))), [tensor([[1, 0], [0.3, 1], [0, -0.4]])]],
      ];
      for (const [what, f, xs] of cases) {
        expect(gradcheck(f, xs.map((x) => x.requiresGrad_())).details, what).toEqual([]);
      }
    });
  });
});

/** The circular mean direction and 1 − R̄ (the circular variance) of angles. */
function circularStats(xs: number[]): { direction: number; variance: number } {
  const c = xs.reduce((a, x) => a + Math.cos(x), 0) / xs.length;
  const s = xs.reduce((a, x) => a + Math.sin(x), 0) / xs.length;
  return { direction: Math.atan2(s, c), variance: 1 - Math.hypot(c, s) };
}

describe('sampling', () => {
  const N = 20000;

  it('20k draws have the mean and variance the distribution gives (tolerances ≈ 4 standard errors)', () => {
    scope(() => {
      manualSeed(2026);
      // [distribution, tolerance of the mean, relative tolerance of the variance]
      const cases: [D.Distribution, number, number][] = [
        [new D.InverseGamma(8, 2), 0.004, 0.12], // 4th moment finite for α > 4; a heavy right tail all the same
        [new D.FisherSnedecor(10, 20), 0.02, 0.15],
        [new D.GeneralizedPareto(1, 2, 0.1), 0.05, 0.15],
        [new D.GeneralizedPareto(-1, 0.5, 0), 0.015, 0.06],
        [new D.GeneralizedPareto(0, 1, -0.3), 0.01, 0.04],
      ];
      for (const [d, meanTol, varTol] of cases) {
        const s = sampleStats(d.sample([N]));
        expect(Math.abs(s.mean - d.mean.itemSync()), `${d} mean`).toBeLessThan(meanTol);
        expect(Math.abs(s.variance / d.variance.itemSync() - 1), `${d} variance`).toBeLessThan(varTol);
      }
      // GeneralizedPareto with ξ < 0 stays inside [loc, loc − scale/ξ].
      const bounded = nums(new D.GeneralizedPareto(0, 1, -0.5).sample([N]));
      expect(Math.min(...bounded)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...bounded)).toBeLessThanOrEqual(2);
    });
  });

  it('VonMises: angles in [−π, π) around loc (wrapped), circular variance 1 − I₁/I₀, for κ from 10⁻³ to 10⁷ (float32 throughout: Note [von Mises sampler])', () => {
    scope(() => {
      manualSeed(7);
      for (const [loc, kappa] of [[2.8, 2], [-1, 0.3], [0.5, 50], [3, 1e-3], [-2, 1e7]]) {
        const d = new D.VonMises(loc, kappa);
        const xs = nums(d.sample([N]));
        expect(xs.every((x) => x >= -Math.PI && x < Math.PI), `κ ${kappa}: in [−π, π)`).toBe(true);
        const { direction, variance } = circularStats(xs);
        const want = d.variance.itemSync();
        // R̄'s standard error is about √((1 − R̄²)/(2N)): 4 of them, and no less than float32's spacing near loc.
        expect(Math.abs(variance - want), `κ ${kappa}: circular variance ${variance} vs ${want}`).toBeLessThan(Math.max(4 * Math.sqrt((1 - (1 - want) ** 2) / (2 * N)), 1e-6));
        if (kappa > 0.1) expect(Math.abs(direction - loc), `κ ${kappa}: mean direction`).toBeLessThan(kappa > 1e3 ? 1e-4 : 0.05);
      }
      // A huge κ is a normal of variance 1/κ around loc.
      const tight = sampleStats(new D.VonMises(-2, 1e6).sample([N]));
      expect(Math.abs(Math.sqrt(tight.variance) * 1e3 - 1)).toBeLessThan(0.05);
    });
  });

  it('LowRankMultivariateNormal: the draws\' covariance is W·Wᵀ + diag(D)', () => {
    scope(() => {
      manualSeed(11);
      const d = lr(tensor([1, -2, 0.5]), tensor([[1, 0], [0.5, 1.5], [-1, 0.3]]), tensor([0.5, 0.2, 1]));
      const x = d.sample([N]);
      const mean = T.mean(x, 0);
      const centred = T.sub(x, mean);
      const cov = T.div(T.matmul(mT(centred), centred), N - 1);
      expectClose(nums(mean), [1, -2, 0.5], 0.05, 0, 'mean');
      expectClose(nums(cov), nums(d.covarianceMatrix), 0.08, 0.04, 'covariance');
    });
  });

  it('LogisticNormal: draws on the simplex whose stick-breaking logits have the Normal\'s moments', () => {
    scope(() => {
      manualSeed(12);
      const d = new D.LogisticNormal(tensor([0.5, -1]), tensor([1, 0.3]));
      const x = d.sample([N]);
      expect(x.shape).toEqual([N, 3]);
      expectClose(nums(T.sum(x, -1)), Array<number>(N).fill(1), 1e-5, 0, 'rows sum to 1');
      const logits = new D.StickBreakingTransform().inv.forward(x);
      for (const [k, [m, s]] of [[0.5, 1], [-1, 0.3]].entries()) {
        const st = sampleStats(nums(T.select(logits, -1, k)));
        expect(Math.abs(st.mean - m), `logit ${k} mean`).toBeLessThan(4 * s / Math.sqrt(N));
        expect(Math.abs(st.variance / (s * s) - 1), `logit ${k} variance`).toBeLessThan(0.05);
      }
    });
  });

  it('Wishart: the draws\' mean is ν·Σ and their variance ν·(Σ² + diag⊗diag); each draw symmetric positive-definite', () => {
    scope(() => {
      manualSeed(13);
      const d = new D.Wishart(6, { covarianceMatrix: tensor([[1, 0.3, 0], [0.3, 2, -0.5], [0, -0.5, 0.8]]) });
      const x = d.sample([N]);
      expectClose(nums(T.mean(x, 0)), nums(d.mean), 0.07, 0.02, 'mean');
      expectClose(nums(T.variance(x, { dim: 0 })), nums(d.variance), 0.25, 0.06, 'variance');
      expect(nums(T.sub(x, mT(x))).every((v) => v === 0)).toBe(true);
      expect(nums(T.linalg.choleskyEx(x).info).every((v) => v === 0)).toBe(true);
    });
  });

  it('LKJCholesky: Cholesky factors of correlation matrices whose off-diagonal correlations have variance 1/(2η + dim − 1) and mean 0', () => {
    scope(() => {
      manualSeed(14);
      for (const eta of [0.5, 1, 3]) {
        const d = new D.LKJCholesky(4, eta);
        const L = d.sample([N]);
        expect(L.shape).toEqual([N, 4, 4]);
        const corr = T.matmul(L, mT(L));
        expectClose(nums(T.diagonal(corr)), Array<number>(4 * N).fill(1), 1e-5, 0, `η ${eta}: unit diagonal`);
        expect(nums(T.triu(L, 1)).every((v) => v === 0), `η ${eta}: lower-triangular`).toBe(true);
        expect(nums(T.diagonal(L)).every((v) => v > 0), `η ${eta}: positive diagonal`).toBe(true);
        for (const [i, j] of [[1, 0], [2, 1], [3, 0]]) {
          const r = nums(T.select(T.select(corr, -2, i), -1, j));
          const st = sampleStats(r);
          const want = 1 / (2 * eta + 3);
          expect(Math.abs(st.mean), `η ${eta}: E r${i}${j}`).toBeLessThan(4 * Math.sqrt(want / N));
          expect(Math.abs(st.variance / want - 1), `η ${eta}: Var r${i}${j}`).toBeLessThan(0.05);
        }
      }
    });
  });

  it('a seed repeats the draws, through manualSeed or a Generator', () => {
    expectSeededDraws(() => [
      new D.InverseGamma(T.full([3], 2), 1),
      new D.FisherSnedecor(3, 5),
      new D.VonMises(0, T.full([3], 2)),
      new D.GeneralizedPareto(0, 1, 0.2),
      lr(T.zeros([2]), T.ones([2, 1]), T.ones([2])),
      new D.LogisticNormal(T.zeros([2]), 1),
      new D.Wishart(3, { scaleTril: T.eye(2) }),
      new D.LKJCholesky(3, 1.5),
    ]);
  });

  it('icdf inverts cdf (GeneralizedPareto, each sign of ξ and 0)', () => {
    scope(() => {
      const u = tensor([0.001, 0.1, 0.5, 0.9, 0.999]);
      for (const c of [0.4, 0, -0.3]) {
        const d = new D.GeneralizedPareto(1, 2, c);
        expectClose(nums(d.cdf(d.icdf(u))), nums(u), 1e-5, 1e-4, `ξ ${c}`);
      }
    });
  });
});

describe('shapes and expand', () => {
  it('sample(sampleShape) is sampleShape + batchShape + eventShape; logProb of the draws is sampleShape + batchShape', () => {
    scope(() => {
      const dists: [D.Distribution, number[]][] = [
        [new D.InverseGamma(T.ones([2, 3]), 2), []],
        [new D.FisherSnedecor(T.full([2, 1], 3), T.full([3], 4)), []],
        [new D.VonMises(T.zeros([2, 3]), 1), []],
        [new D.GeneralizedPareto(0, T.ones([2, 3]), 0.1), []],
        [lr(T.zeros([2, 3, 4]), T.ones([4, 2]), T.ones([3, 4])), [4]],
        [new D.LogisticNormal(T.zeros([2, 3, 4]), 1), [5]],
        [new D.Wishart(T.full([2, 3], 4), { scaleTril: T.eye(3) }), [3, 3]],
        [new D.LKJCholesky(3, T.ones([2, 3])), [3, 3]],
      ];
      for (const [d, event] of dists) {
        expect(d.batchShape, `${d}`).toEqual([2, 3]);
        expect(d.eventShape, `${d}`).toEqual(event);
        for (const sampleShape of [[], [5]]) {
          const s = d.sample(sampleShape);
          expect(s.shape, `${d}.sample(${JSON.stringify(sampleShape)})`).toEqual([...sampleShape, 2, 3, ...event]);
          expect(d.logProb(s).shape).toEqual([...sampleShape, 2, 3]);
          if (d.hasRsample) expect(d.rsample(sampleShape).shape).toEqual([...sampleShape, 2, 3, ...event]);
        }
      }
      expect([new D.LogisticNormal(0, 1).batchShape, new D.LogisticNormal(0, 1).eventShape]).toEqual([[], [2]]);
      expect(new D.Wishart(tensor([3, 4]), { covarianceMatrix: T.eye(2) }).batchShape).toEqual([2]);
    });
  });

  it('hasRsample as PyTorch: all but VonMises and LKJCholesky', () => {
    scope(() => {
      const has = [new D.InverseGamma(1, 1), new D.FisherSnedecor(1, 1), new D.GeneralizedPareto(0, 1, 0), lr(T.zeros([2]), T.ones([2, 1]), T.ones([2])), new D.LogisticNormal(T.zeros([2]), 1), new D.Wishart(2, { scaleTril: T.eye(2) })];
      expect(has.map((d) => d.hasRsample)).toEqual(has.map(() => true));
      for (const d of [new D.VonMises(0, 1), new D.LKJCholesky(2)]) {
        expect(d.hasRsample).toBe(false);
        expect(() => d.rsample()).toThrow(new RegExp(`^${d.constructor.name}\\.rsample: ${d.constructor.name} has no reparameterised sampler`));
      }
    });
  });

  it('expand gives the same class with the parameters expanded, whose logProb and moments are the original\'s broadcast', () => {
    scope(() => {
      const dists: [D.Distribution, Tensor][] = [
        [new D.InverseGamma(tensor([2, 3]), 1.5), tensor([0.5, 2])],
        [new D.FisherSnedecor(tensor([3, 7]), 9), tensor([0.5, 2])],
        [new D.VonMises(tensor([0, 1]), 2), tensor([0.5, 2])],
        [new D.GeneralizedPareto(0, tensor([1, 2]), 0.1), tensor([0.5, 2])],
        [lr(tensor([[0, 1, 2], [1, 1, 1]]), T.ones([3, 1]), T.ones([3])), tensor([0.5, 0, 1])],
        [new D.LogisticNormal(tensor([[0, 1], [1, 0]]), 1), tensor([0.2, 0.3, 0.5])],
        [new D.Wishart(tensor([3, 5]), { scaleTril: T.eye(2) }), T.eye(2)],
        [new D.LKJCholesky(2, tensor([1, 3])), T.eye(2)],
      ];
      for (const [d, x] of dists) {
        const e = d.expand([4, 2]);
        expect(e.constructor, `${d}`).toBe(d.constructor);
        expect(e.batchShape).toEqual([4, 2]);
        expect(e.eventShape).toEqual(d.eventShape);
        expectClose(nums(e.logProb(x)), nums(T.expand(d.logProb(x), [4, 2])), 1e-5, 1e-5, `${d} logProb`);
        expect(e.sample([3]).shape).toEqual([3, 4, 2, ...d.eventShape]);
      }
    });
  });
});

describe('support, argConstraints, bijectTo and transformTo', () => {
  it('each new distribution\'s support and argConstraints are PyTorch\'s', () => {
    scope(() => {
      const name = (c: D.Constraint) => c.name;
      expect(name(new D.InverseGamma(1, 1).support)).toBe('positive');
      expect(name(new D.FisherSnedecor(1, 1).support)).toBe('positive');
      expect(name(new D.VonMises(0, 1).support)).toBe('real');
      expect(name(new D.GeneralizedPareto(0, 1, 0.5).support)).toBe('interval(tensor [], tensor [])');
      expect(name(lr(T.zeros([2]), T.ones([2, 1]), T.ones([2])).support)).toBe('independent(real, 1)');
      expect(name(new D.LogisticNormal(T.zeros([2]), 1).support)).toBe('simplex');
      expect(name(new D.Wishart(2, { scaleTril: T.eye(2) }).support)).toBe('positiveDefinite');
      expect(name(new D.LKJCholesky(2).support)).toBe('corrCholesky');
      const args = (d: D.Distribution) => Object.fromEntries(Object.entries(d.argConstraints).map(([k, c]) => [k, c.name]));
      expect(args(lr(T.zeros([2]), T.ones([2, 1]), T.ones([2])))).toEqual({ loc: 'independent(real, 1)', covFactor: 'independent(real, 2)', covDiag: 'independent(positive, 1)' });
      expect(args(new D.Wishart(2.5, { scaleTril: T.eye(3) }))).toEqual({ covarianceMatrix: 'positiveDefinite', precisionMatrix: 'positiveDefinite', scaleTril: 'lowerCholesky', df: 'greaterThan(2)' });
      expect(args(new D.GeneralizedPareto(0, 1, 0))).toEqual({ loc: 'real', scale: 'positive', concentration: 'real' });
    });
  });

  it('the distributions before these have PyTorch\'s support and argConstraints too', () => {
    scope(() => {
      const sup = (d: D.Distribution) => d.support.name;
      expect([new D.Normal(0, 1), new D.Exponential(1), new D.LogNormal(0, 1), new D.Beta(1, 1), new D.Dirichlet(T.ones([3])), new D.Weibull(1, 1), new D.HalfNormal(1)].map(sup)).toEqual(['real', 'nonnegative', 'positive', 'interval(0, 1)', 'simplex', 'positive', 'nonnegative']);
      expect([new D.Bernoulli(0.5), new D.Geometric(0.5), new D.Poisson(1), new D.OneHotCategorical(T.ones([3]))].map(sup)).toEqual(['boolean', 'nonnegativeInteger', 'nonnegativeInteger', 'oneHot']);
      expect([new D.Categorical(T.ones([4])), new D.Binomial(5, 0.5), new D.Multinomial(3, T.ones([2])), new D.Pareto(2, 1), new D.Uniform(0, 2)].map(sup)).toEqual(['integerInterval(0, 3)', 'integerInterval(0, tensor [])', 'multinomial(3)', 'greaterThanEq(tensor [])', 'interval(tensor [], tensor [])']);
      expect(sup(new D.Independent(new D.Normal(T.zeros([2, 3]), 1), 1))).toBe('independent(real, 1)');
      expect(sup(new D.MultivariateNormal(T.zeros([2]), { scaleTril: T.eye(2) }))).toBe('independent(real, 1)');
      expect(sup(new D.TransformedDistribution(new D.Normal(0, 1), new D.ExpTransform()))).toBe('positive');
      expect(sup(new D.TransformedDistribution(new D.Normal(T.zeros([3]), 1), new D.AffineTransform(0, 1, 1)))).toBe('independent(real, 1)');
      expect(sup(new D.MixtureSameFamily(new D.Categorical(T.ones([2])), new D.Gamma(T.ones([2]), 1)))).toBe('nonnegative');
      expect(sup(new D.Normal(T.zeros([2]), 1).expand([3, 2]))).toBe('real');
      const args = (d: D.Distribution) => Object.fromEntries(Object.entries(d.argConstraints).map(([k, c]) => [k, c.name]));
      expect(args(new D.Normal(0, 1))).toEqual({ loc: 'real', scale: 'positive' });
      expect(args(new D.Chi2(2))).toEqual({ df: 'positive' });
      expect(args(new D.NegativeBinomial(2, 0.5))).toEqual({ totalCount: 'nonnegative', probs: 'halfOpenInterval(0, 1)', logits: 'real' });
      expect(args(new D.Categorical(T.ones([3])))).toEqual({ probs: 'simplex', logits: 'independent(real, 1)' });
      expect(args(new D.MultivariateNormal(T.zeros([2]), { scaleTril: T.eye(2) }))).toEqual({ loc: 'independent(real, 1)', covarianceMatrix: 'positiveDefinite', precisionMatrix: 'positiveDefinite', scaleTril: 'lowerCholesky' });
      expect(args(new D.Uniform(0, 1))).toEqual({ low: 'lessThan(tensor [])', high: 'greaterThan(tensor [])' });
      expect(args(new D.Independent(new D.Normal(T.zeros([2]), 1), 1))).toEqual({});
      // An optimised scale kept positive: transformTo of its argConstraint.
      const raw = tensor([-3, 0, 2], { requiresGrad: true });
      const scale = D.transformTo(new D.Normal(0, 1).argConstraints.scale).forward(raw);
      expect(nums(scale).every((v) => v > 0)).toBe(true);
      T.sum(new D.Normal(0, scale).logProb(tensor([0.5, 1, -1]))).backward();
      expect(nums(raw.grad!).every(Number.isFinite)).toBe(true);
    });
  });

  it('bijectTo(d.support) maps the reals into the support: its inverse gives the reals back, the draws pass the support\'s check', () => {
    scope(() => {
      const x = randn([5, 3], { generator: new Generator(1) });
      const dists: [D.Distribution, Tensor][] = [
        [new D.InverseGamma(2, 1), x],
        [new D.VonMises(0, 1), x],
        [new D.GeneralizedPareto(tensor(1), tensor(2), tensor(-0.5)), x],
        [new D.LogisticNormal(T.zeros([3]), 1), x],
        [new D.LKJCholesky(3, 1), x],
      ];
      for (const [d, u] of dists) {
        const t = D.bijectTo(d.support);
        expect(t.bijective, `${d}`).toBe(true);
        const y = t.forward(u);
        expect(() => d.logProb(y), `${d}`).not.toThrow();
        expect(d.support.violations(y).every((v) => nums(T.cast(v.bad, 'float32')).every((b) => b === 0)), `${d}: in the support`).toBe(true);
        expectClose(nums(t.inv.forward(y)), nums(u), 1e-4, 1e-3, `${d}: round trip`);
      }
    });
  });

  it('the registry\'s table: each constraint\'s transform, as PyTorch\'s (positive → ExpTransform, the map PyTorch\'s Exp then Affine(0, 1) is)', () => {
    scope(() => {
      const b = (c: D.Constraint) => String(D.bijectTo(c));
      const t = (c: D.Constraint) => String(D.transformTo(c));
      expect(b(C.real)).toBe('ComposeTransform([])');
      expect(D.bijectTo(C.real)).toBe(D.identityTransform);
      expect(b(C.realVector)).toBe('IndependentTransform(ComposeTransform([]), 1)');
      expect([b(C.positive), b(C.nonnegative)]).toEqual(['ExpTransform()', 'ExpTransform()']);
      expect(b(C.greaterThan(2))).toBe('ComposeTransform([ExpTransform(), AffineTransform(loc: 2, scale: 1)])');
      expect(b(C.greaterThanEq(-1))).toBe('ComposeTransform([ExpTransform(), AffineTransform(loc: -1, scale: 1)])');
      expect(b(C.lessThan(3))).toBe('ComposeTransform([ExpTransform(), AffineTransform(loc: 3, scale: -1)])');
      expect([b(C.unitInterval), b(C.interval(0, 1))]).toEqual(['SigmoidTransform()', 'SigmoidTransform()']);
      expect(b(C.interval(-1, 2))).toBe('ComposeTransform([SigmoidTransform(), AffineTransform(loc: -1, scale: 3)])');
      expect(b(C.halfOpenInterval(0, 2))).toBe('ComposeTransform([SigmoidTransform(), AffineTransform(loc: 0, scale: 2)])');
      expect([b(C.simplex), t(C.simplex)]).toEqual(['StickBreakingTransform()', 'SoftmaxTransform()']);
      expect([b(C.corrCholesky), t(C.corrCholesky)]).toEqual(['CorrCholeskyTransform()', 'CorrCholeskyTransform()']);
      expect([t(C.lowerCholesky), t(C.positiveDefinite), t(C.positiveSemidefinite)]).toEqual(['LowerCholeskyTransform()', 'PositiveDefiniteTransform()', 'PositiveDefiniteTransform()']);
      expect(b(C.independent(C.positive, 2))).toBe('IndependentTransform(ExpTransform(), 2)');
      expect(b(C.cat([C.real, C.positive], 0, [2, 3]))).toBe('CatTransform([ComposeTransform([]), ExpTransform()], dim: 0, lengths: [2, 3])');
      expect(t(C.stack([C.simplex, C.positive], -1))).toBe('StackTransform([SoftmaxTransform(), ExpTransform()], dim: -1)');
      // Tensor bounds: the affine's scale is their difference.
      const lo = tensor([0, 1]);
      const hi = tensor([1, 3]);
      const y = D.bijectTo(C.interval(lo, hi)).forward(tensor([0, 0]));
      expectClose(nums(y), [0.5, 2], 1e-6, 1e-6, 'tensor bounds');
      // Not bijective onto these in PyTorch: bijectTo refuses, naming transformTo.
      for (const c of [C.lowerCholesky, C.positiveDefinite, C.positiveSemidefinite]) {
        expect(() => D.bijectTo(c)).toThrow(new RegExp(`^bijectTo: cannot transform ${c.name} constraints \\(none registered for this constraint; transformTo has one, not bijective\\); register one with bijectTo\\.register\\(constraint, factory\\)$`));
      }
      for (const c of [C.boolean, C.oneHot]) {
        expect(() => D.transformTo(c), c.name).toThrow(/^transformTo: cannot transform \w+ constraints \(none registered for this constraint\); register one with transformTo\.register\(constraint, factory\)$/);
      }
      for (const c of [C.nonnegativeInteger, C.integerInterval(0, 3), C.multinomial(4)]) {
        expect(() => D.transformTo(c), c.name).toThrow(/^transformTo: cannot transform .* constraints \(none registered for its class \w+\); register one with transformTo\.register\(constraint, factory\)$/);
      }
    });
  });

  it('register adds a factory for a constraint class (a subclass of yours, or an instance\'s class, as PyTorch), or for a plain Constraint instance itself, replacing the one before', () => {
    scope(() => {
      class Even extends D.Constraint {
        constructor() {
          super('even', 0, () => []);
        }
      }
      const even = new Even();
      expect(() => D.bijectTo(even)).toThrow(/^bijectTo: cannot transform even constraints \(none registered for its class Even\)/);
      const factory = () => new D.AffineTransform(0, 2);
      expect(D.bijectTo.register(Even, factory)).toBe(factory);
      expect(String(D.bijectTo(even))).toBe('AffineTransform(loc: 0, scale: 2)');
      D.bijectTo.register(even, () => new D.ExpTransform());
      expect(String(D.bijectTo(even))).toBe('ExpTransform()');
      expect(() => D.transformTo(even)).toThrow(/^transformTo: cannot transform even constraints \(none registered for its class Even; bijectTo has one\)/);
      // A plain Constraint is keyed by the instance: another plain one stays unregistered.
      const mine = new D.Constraint('mine', 1, () => []);
      D.transformTo.register(mine, () => new D.SoftmaxTransform());
      expect(String(D.transformTo(mine))).toBe('SoftmaxTransform()');
      expect(() => D.transformTo(new D.Constraint('other', 1, () => []))).toThrow(/^transformTo: cannot transform other constraints \(none registered for this constraint\)/);
      expect(String(D.transformTo(C.simplex))).toBe('SoftmaxTransform()');
      expect(() => D.bijectTo.register({} as never, factory)).toThrow(/^bijectTo\.register: constraint expected a Constraint subclass or instance, got Object$/);
      expect(() => D.bijectTo.register(Even, 3 as never)).toThrow(/^bijectTo\.register: factory expected a function \(constraint\) => Transform, got number$/);
      expect(() => D.bijectTo('positive' as never)).toThrow(/^bijectTo: constraint expected a Constraint \(D\.constraints\.positive, a distribution's support …\), got string$/);
      expect(() => (D.bijectTo as unknown as (...a: unknown[]) => unknown)(C.positive, 1)).toThrow(/^bijectTo: takes at most 1 argument, got 2/);
      expect(() => (D.transformTo.register as unknown as (...a: unknown[]) => unknown)(Even, factory, 1)).toThrow(/^transformTo\.register: takes at most 2 arguments, got 3/);
    });
  });

  it('the new constraints: names, eventDim, isDiscrete, and the values they refuse', () => {
    scope(() => {
      const bad = (c: D.Constraint, x: Tensor) => c.violations(x).map((v) => nums(T.sum(T.cast(v.bad, 'int64')))[0]);
      expect([C.nonnegative, C.greaterThan(2), C.greaterThanEq(1), C.lessThan(0), C.halfOpenInterval(0, 1)].map(String)).toEqual(['nonnegative', 'greaterThan(2)', 'greaterThanEq(1)', 'lessThan(0)', 'halfOpenInterval(0, 1)']);
      expect([C.lowerCholesky, C.positiveDefinite, C.corrCholesky, C.simplex, C.oneHot].map((c) => c.eventDim)).toEqual([2, 2, 2, 1, 1]);
      expect([C.boolean, C.nonnegativeInteger, C.positiveInteger, C.oneHot, C.real, C.independent(C.nonnegativeInteger, 1)].map((c) => c.isDiscrete)).toEqual([true, true, true, true, false, true]);
      expect(bad(C.greaterThan(2), tensor([1, 2, 3]))).toEqual([2]);
      expect(bad(C.greaterThanEq(2), tensor([1, 2, 3]))).toEqual([1]);
      expect(bad(C.lessThan(2), tensor([1, 2, NaN]))).toEqual([2]);
      expect(bad(C.halfOpenInterval(0, 1), tensor([0, 0.5, 1]))).toEqual([1]);
      expect(bad(C.nonnegativeInteger, tensor([0, 1.5, -1, 3]))).toEqual([2]);
      expect(bad(C.integerInterval(0, 3), tensor([0, 3, 4, 2.5]))).toEqual([2]);
      expect(bad(C.boolean, tensor([0, 1, 0.5]))).toEqual([1]);
      expect(bad(C.oneHot, tensor([[0, 1, 0], [1, 1, 0], [0.5, 0.5, 0]]))).toEqual([1, 1]);
      expect(bad(C.multinomial(3), tensor([[1, 2, 0], [2, 2, 0], [-1, 1, 0]]))).toEqual([1, 1]);
      expect(bad(C.lowerCholesky, tensor([[[1, 0], [2, 1]], [[1, 1], [0, 1]], [[-1, 0], [0, 1]]]))).toEqual([1, 1]);
      expect(bad(C.positiveDefinite, tensor([[[2, 1], [1, 2]], [[1, 2], [2, 1]], [[1, 0.5], [0, 1]]]))).toEqual([1, 1]);
      expect(bad(C.positiveSemidefinite, tensor([[[1, 1], [1, 1]], [[1, 2], [2, 1]]]))).toEqual([0, 1]);
      const corr = new D.CorrCholeskyTransform().forward(tensor([0.3]));
      expect(bad(C.corrCholesky, T.stack([corr, T.mul(corr, 1.1)]))).toEqual([0, 0, 1]);
      expect(bad(C.cat([C.positive, C.real], -1, [1, 2]), tensor([[-1, -1, -1], [1, NaN, 2]]))).toEqual([1, 1]);
      expect(bad(C.stack([C.positive, C.unitInterval], 0), tensor([[1, -1], [0.5, 2]]))).toEqual([1, 1]);
      expect(C.stack([C.positive, C.simplex], -1).eventDim).toBe(1);
      expect(C.stack([C.positive, C.real], -1).eventDim).toBe(1);
      expect(C.stack([C.positive, C.real], 0).eventDim).toBe(0);
      expect(C.cat([C.positive, C.simplex], 0, [1, 1]).eventDim).toBe(1);
      expect(() => C.greaterThan('1' as never)).toThrow(/^constraints\.greaterThan: lowerBound expected a number or a tensor, got string$/);
      expect(() => C.halfOpenInterval(2, 2)).toThrow(/^constraints\.halfOpenInterval: expected numbers lo < hi, got 2 and 2$/);
      expect(() => C.cat([C.real], 0, [1, 2])).toThrow(/^constraints\.cat: lengths expected 1 non-negative integers \(one per part\), got \[1, 2\]$/);
      expect(() => C.stack([])).toThrow(/^constraints\.stack: parts expected a non-empty array of Constraints, got an empty array$/);
      expect(() => C.independent(C.real, -1)).toThrow(/^constraints\.independent: reinterpretedBatchNdims expected a non-negative integer, got -1$/);
      expect(() => bad(C.lowerCholesky, tensor([1, 2]))).toThrow(/^constraints\.lowerCholesky: value expected square matrices \[\.\.\., n, n\], got \[2\]$/);
      expect(() => bad(C.cat([C.real, C.real], 0, [1, 1]), tensor([1, 2, 3]))).toThrow(/^constraints\.cat: value \[3\] expected 2 \(the lengths' sum\) along dim 0, got 3$/);
    });
  });
});

describe('the transforms', () => {
  it('domain, codomain, bijective, sign and shapes as PyTorch\'s', () => {
    scope(() => {
      const dom = (t: D.Transform) => [t.domain.name, t.codomain.name, t.bijective];
      expect(dom(new D.StickBreakingTransform())).toEqual(['independent(real, 1)', 'simplex', true]);
      expect(dom(new D.CorrCholeskyTransform())).toEqual(['independent(real, 1)', 'corrCholesky', true]);
      expect(dom(new D.LowerCholeskyTransform())).toEqual(['independent(real, 2)', 'lowerCholesky', false]);
      expect(dom(new D.PositiveDefiniteTransform())).toEqual(['independent(real, 2)', 'positiveDefinite', false]);
      expect(dom(new D.SoftplusTransform())).toEqual(['real', 'positive', true]);
      expect(dom(new D.ReshapeTransform([6], [2, 3]))).toEqual(['independent(real, 1)', 'independent(real, 2)', true]);
      expect(dom(new D.IndependentTransform(new D.ExpTransform(), 1))).toEqual(['independent(real, 1)', 'independent(positive, 1)', true]);
      expect(dom(new D.CumulativeDistributionTransform(new D.Gamma(2, 1)))).toEqual(['nonnegative', 'interval(0, 1)', true]);
      expect(dom(catT(tensor(0), tensor(1)))).toEqual(['cat([real, real, real], dim -1, lengths [2, 1, 2])', 'cat([positive, real, real], dim -1, lengths [2, 1, 2])', true]);
      expect(dom(new D.StackTransform([new D.ExpTransform(), new D.AbsTransform()]))).toEqual(['stack([real, real], dim 0)', 'stack([positive, positive], dim 0)', false]);
      expect([new D.SoftplusTransform().sign, new D.CumulativeDistributionTransform(new D.Normal(0, 1)).sign, new D.IndependentTransform(new D.AffineTransform(0, -2), 1).sign]).toEqual([1, 1, -1]);
      expect(new D.StickBreakingTransform().forwardShape([4, 3])).toEqual([4, 4]);
      expect(new D.StickBreakingTransform().inverseShape([4, 3])).toEqual([4, 2]);
      expect(new D.CorrCholeskyTransform().forwardShape([5, 6])).toEqual([5, 4, 4]);
      expect(new D.CorrCholeskyTransform().inverseShape([5, 4, 4])).toEqual([5, 6]);
      expect(new D.ReshapeTransform([2, 3], [6]).forwardShape([4, 2, 3])).toEqual([4, 6]);
      expect(new D.ReshapeTransform([2, 3], [6]).inverseShape([4, 6])).toEqual([4, 2, 3]);
      expect(new D.CatTransform([new D.ExpTransform()]).length).toBe(1);
    });
  });

  it('inv.forward undoes forward; the inverse\'s log|det J| is minus the forward\'s', () => {
    scope(() => {
      const cases: [D.Transform, Tensor][] = [
        [new D.StickBreakingTransform(), tensor([[0.3, -1, 2], [0, 0, 0]])],
        [new D.CorrCholeskyTransform(), tensor([[0.3, -1, 2, 0.1, -0.4, 1.5]])],
        [new D.LowerCholeskyTransform(), tensor([[0.3, 0, 0], [-1, 2, 0], [0.5, 0.2, -0.1]])],
        [new D.PositiveDefiniteTransform(), tensor([[0.3, 0, 0], [-1, 0.2, 0], [0.5, 0.2, -0.1]])],
        [new D.SoftplusTransform(), tensor([-5, 0, 3])],
        [new D.ReshapeTransform([2, 2], [4]), tensor([[[0, 1], [2, 3]], [[4, 5], [6, 7]]])],
        [catT(tensor(0.5), tensor(-2)), tensor([[0.1, 0.2, 0.3, 0.4, 0.5]])],
        [stackT(), tensor([[0, 1, 2], [3, 4, 5]])],
        [new D.IndependentTransform(new D.SigmoidTransform(), 1), tensor([[0.1, -2]])],
        [new D.CumulativeDistributionTransform(new D.Normal(1, 2)), tensor([-1, 0, 3])],
      ];
      for (const [t, x] of cases) {
        const y = t.forward(x);
        expectClose(nums(t.inv.forward(y)), nums(x), 1e-4, 1e-4, `${t}`);
        if (t.bijective) expectClose(nums(t.inv.logAbsDetJacobian(y, x)), nums(T.neg(t.logAbsDetJacobian(x, y))), 1e-5, 1e-5, `${t} inverse log|det J|`);
      }
      // PositiveDefinite's inverse gives the log-diagonal Cholesky parameters back: the diagonal was exp'd.
      expect(() => new D.LowerCholeskyTransform().logAbsDetJacobian(T.eye(2), T.eye(2))).toThrow(/^LowerCholeskyTransform\.logAbsDetJacobian: not defined for LowerCholeskyTransform \(it is not bijective, as in PyTorch\)$/);
    });
  });

  it('a TransformedDistribution through the new transforms: a Dirichlet-like LogisticNormal by hand, a Gaussian copula, and LKJ through CorrCholesky', () => {
    scope(() => {
      const loc = tensor([0.2, -0.5]);
      const scale = tensor([1, 2]);
      const byHand = new D.TransformedDistribution(new D.Normal(loc, scale), new D.StickBreakingTransform());
      const x = tensor([0.3, 0.5, 0.2]);
      expectClose(nums(byHand.logProb(x)), nums(new D.LogisticNormal(loc, scale).logProb(x)), 1e-6, 1e-6, 'LogisticNormal');
      expect([byHand.batchShape, byHand.eventShape]).toEqual([[], [3]]);
      // A Gaussian copula: uniform marginals.
      const copula = new D.TransformedDistribution(new D.MultivariateNormal(T.zeros([2]), { covarianceMatrix: tensor([[1, 0.6], [0.6, 1]]) }), new D.CumulativeDistributionTransform(new D.Normal(0, 1)));
      manualSeed(3);
      const u = copula.sample([20000]);
      expect(u.shape).toEqual([20000, 2]);
      expectClose(nums(T.mean(u, 0)), [0.5, 0.5], 0.01, 0, 'uniform marginals');
      expectClose(nums(T.variance(u, { dim: 0 })), [1 / 12, 1 / 12], 0.003, 0, 'uniform marginals');
      // logProb of the copula at the uniforms: the MVN's minus the marginals'.
      const z = tensor([[0.3, -0.2]]);
      const uz = new D.Normal(0, 1).cdf(z);
      const want = T.sub(new D.MultivariateNormal(T.zeros([2]), { covarianceMatrix: tensor([[1, 0.6], [0.6, 1]]) }).logProb(z), T.sum(new D.Normal(0, 1).logProb(z), -1));
      expectClose(nums(copula.logProb(uz)), nums(want), 1e-4, 1e-4, 'copula density');
      const tr = new D.TransformedDistribution(new D.Normal(T.zeros([3]), 1), new D.CorrCholeskyTransform());
      expect([tr.batchShape, tr.eventShape]).toEqual([[], [3, 3]]);
      const L = tr.sample([4]);
      expect(nums(new D.LKJCholesky(3).logProb(L)).every(Number.isFinite)).toBe(true);
      expect(nums(tr.logProb(L)).every(Number.isFinite)).toBe(true);
    });
  });

  it('equals, withCache, and the cache through IndependentTransform', () => {
    scope(() => {
      expect(new D.StickBreakingTransform().equals(new D.StickBreakingTransform())).toBe(true);
      expect(new D.CorrCholeskyTransform().equals(new D.StickBreakingTransform())).toBe(false);
      expect(new D.ReshapeTransform([2, 3], [6]).equals(new D.ReshapeTransform([2, 3], [6]))).toBe(true);
      expect(new D.ReshapeTransform([2, 3], [6]).equals(new D.ReshapeTransform([3, 2], [6]))).toBe(false);
      expect(catT(tensor(0), tensor(1)).equals(catT(tensor(0), tensor(1)))).toBe(true);
      expect(catT(tensor(0), tensor(1)).equals(catT(tensor(0), tensor(2)))).toBe(false);
      expect(new D.IndependentTransform(new D.ExpTransform(), 1).equals(new D.IndependentTransform(new D.ExpTransform(), 2))).toBe(false);
      for (const t of [new D.StickBreakingTransform(), new D.ReshapeTransform([2], [2]), catT(tensor(0), tensor(1)), stackT(), new D.IndependentTransform(new D.TanhTransform(), 1), new D.CumulativeDistributionTransform(new D.Normal(0, 1)), new D.SoftplusTransform()]) {
        const c = t.withCache(1);
        expect([c.constructor, c.cacheSize], `${t}`).toEqual([t.constructor, 1]);
        expect(c.withCache(1)).toBe(c);
      }
      const ind = new D.IndependentTransform(new D.TanhTransform(), 1, { cacheSize: 1 });
      expect(ind.baseTransform.cacheSize).toBe(1);
      const x = tensor([[12, -0.5]]);
      const y = ind.forward(x);
      expect(ind.inv.forward(y)).toBe(x);
    });
  });

  it('refusals name the transform, the argument, expected and got', () => {
    scope(() => {
      const cases: [() => unknown, new (m: string) => Error, RegExp][] = [
        [() => new D.StickBreakingTransform().forward(tensor(1)), ShapeError, /^StickBreakingTransform\.forward: x \[\] expected at least 1 dims \(the event dims of independent\(real, 1\)\)$/],
        [() => new D.CorrCholeskyTransform().forward(tensor([1, 2])), ShapeError, /^CorrCholeskyTransform\.forward: a last dim of 2 expected a count D·\(D − 1\)\/2 of the entries below a D×D diagonal \(0, 1, 3, 6, 10 …\)$/],
        [() => new D.CorrCholeskyTransform().inv.forward(T.ones([2, 3])), ShapeError, /^CorrCholeskyTransform\.inv\.forward: y \[2,3\] expected square matrices \[\.\.\., D, D\]$/],
        [() => new D.LowerCholeskyTransform().forward(T.ones([2, 3])), ShapeError, /^LowerCholeskyTransform\.forward: x \[2,3\] expected square matrices \[\.\.\., n, n\]$/],
        [() => new D.PositiveDefiniteTransform().forward(T.ones([3])), ShapeError, /^PositiveDefiniteTransform\.forward: x \[3\] expected at least 2 dims/],
        [() => new D.ReshapeTransform([2, 3], [5]), ShapeError, /^ReshapeTransform: inShape \[2,3\] and outShape \[5\] expected the same number of elements, got 6 and 5$/],
        [() => new D.ReshapeTransform([2, 3], [6]).forward(T.ones([3, 2])), ShapeError, /^ReshapeTransform\.forward: x \[3,2\] expected to end in \[2,3\]$/],
        [() => new D.ReshapeTransform([2, 3], [6]).forwardShape([6]), ShapeError, /^ReshapeTransform\.forwardShape: shape \[6\] expected to end in \[2,3\]$/],
        [() => new D.CatTransform([new D.ExpTransform()], 0, [1, 2]), ValueError, /^CatTransform: lengths expected 1 non-negative integers \(one per transform\), got \[1, 2\]$/],
        [() => new D.CatTransform([]), ValueError, /^CatTransform: tseq expected a non-empty array of Transforms, got an empty array$/],
        [() => new D.CatTransform([new D.ExpTransform(), 'x' as never]), ValueError, /^CatTransform: tseq\[1\] expected a Transform, got string$/],
        [() => catT(tensor(0), tensor(1)).forward(T.ones([2, 4])), ShapeError, /^CatTransform\.forward: x \[2,4\] expected 5 \(the lengths' sum\) along dim -1, got 4$/],
        [() => new D.CatTransform([new D.ExpTransform()], 2).forward(T.ones([1])), ShapeError, /^CatTransform\.forward: dim 2 out of range for x \[1\]$/],
        [() => new D.StackTransform([new D.ExpTransform()], 0.5), ValueError, /^StackTransform: dim expected an integer, got number$/],
        [() => stackT().forward(T.ones([2, 2])), ShapeError, /^StackTransform\.forward: x \[2,2\] expected 3 \(one per transform\) along dim 1, got 2$/],
        [() => new D.IndependentTransform({} as never, 1), ValueError, /^IndependentTransform: baseTransform expected a Transform, got Object$/],
        [() => new D.IndependentTransform(new D.ExpTransform(), -1), ValueError, /^IndependentTransform: reinterpretedBatchNdims expected a non-negative integer, got number$/],
        [() => new D.IndependentTransform(new D.ExpTransform(), 2).forward(T.ones([3])), ShapeError, /^IndependentTransform\.forward: x \[3\] expected at least 2 dims \(the event dims of independent\(real, 2\)\)$/],
        [() => new D.CumulativeDistributionTransform(T.ones([2]) as never), ValueError, /^CumulativeDistributionTransform: distribution expected a Distribution, got Tensor$/],
        [() => new D.SoftplusTransform({ cache_size: 1 } as never), ValueError, /SoftplusTransform: unknown option 'cache_size'.*cacheSize/],
      ];
      for (const [make, cls, message] of cases) {
        expect(make, String(message)).toThrow(cls);
        expect(make).toThrow(message);
      }
      expect(() => (new D.IndependentTransform(new D.ExpTransform(), 1) as unknown as { base_transform: unknown }).base_transform).toThrow(/^IndependentTransform\.base_transform: this API spells it baseTransform$/);
      expect(() => (new D.ReshapeTransform([1], [1]) as unknown as { in_shape: unknown }).in_shape).toThrow(/^ReshapeTransform\.in_shape: this API spells it inShape$/);
    });
  });
});

describe('klDivergence', () => {
  it('LowRank‖LowRank, MVN‖LowRank and LowRank‖MVN equal MVN‖MVN of the same covariances; 0 for p‖p', () => {
    scope(() => {
      const p = lr(tensor([[0, 1, 2], [1, -1, 0]]), tensor([[1, 0], [0.5, 1], [0, -0.3]]), tensor([[1, 2, 0.5], [0.3, 1, 1]]));
      const q = lr(tensor([1, 0, 0]), tensor([[[0.5], [1], [0]]]), tensor([0.7, 1, 2]));
      const asMvn = (d: D.LowRankMultivariateNormal) => new D.MultivariateNormal(d.loc, { covarianceMatrix: d.covarianceMatrix });
      const want = nums(D.klDivergence(asMvn(p), asMvn(q)));
      expectClose(nums(D.klDivergence(p, q)), want, 1e-4, 1e-4, 'LowRank‖LowRank');
      expectClose(nums(D.klDivergence(asMvn(p), q)), want, 1e-4, 1e-4, 'MVN‖LowRank');
      expectClose(nums(D.klDivergence(p, asMvn(q))), want, 1e-4, 1e-4, 'LowRank‖MVN');
      expectClose(nums(D.klDivergence(p, p)), [0, 0], 1e-5, 0, 'p‖p');
      expect(D.klDivergence(p, q).shape).toEqual([2]);
      // p's diagonal batched where its factor is not: broadcast here (PyTorch's expand of diag(√D) to the factor's batch fails).
      const pd = lr(tensor([0, 1, 2]), tensor([[1], [0.5], [0]]), tensor([[1, 2, 0.5], [0.3, 1, 1]]));
      expectClose(nums(D.klDivergence(pd, asMvn(q))), nums(D.klDivergence(asMvn(pd), asMvn(q))), 1e-4, 1e-4, 'LowRank‖MVN, batched diagonal');
      expect(() => D.klDivergence(p, lr(T.zeros([2]), T.ones([2, 1]), T.ones([2])))).toThrow(/^klDivergence: LowRankMultivariateNormal p and LowRankMultivariateNormal q expected the same eventShape, got \[3\] and \[2\]$/);
      expect(() => D.klDivergence(asMvn(p), lr(T.zeros([2]), T.ones([2, 1]), T.ones([2])))).toThrow(/^klDivergence: MultivariateNormal p and LowRankMultivariateNormal q expected the same eventShape, got \[3\] and \[2\]$/);
    });
  });

  it('InverseGamma and LogisticNormal through TransformedDistribution‖TransformedDistribution (the bases\' KL); the others have none, as in PyTorch', () => {
    scope(() => {
      expectClose(nums(D.klDivergence(new D.InverseGamma(2, 3), new D.InverseGamma(4, 1))), nums(D.klDivergence(new D.Gamma(2, 3), new D.Gamma(4, 1))), 1e-6, 1e-6, 'InverseGamma');
      for (const d of [new D.VonMises(0, 1), new D.FisherSnedecor(2, 3), new D.GeneralizedPareto(0, 1, 0.1), new D.Wishart(2, { scaleTril: T.eye(2) }), new D.LKJCholesky(2)]) {
        expect(() => D.klDivergence(d, d)).toThrow(new RegExp(`^klDivergence: no KL divergence is registered for ${d.constructor.name}‖${d.constructor.name}`));
      }
    });
  });
});

describe('validateArgs and refusals', () => {
  it('numbers are checked by default; tensors with validateArgs: true, naming the distribution, the argument, expected and got', () => {
    scope(() => {
      const on = { validateArgs: true };
      const cases: [() => unknown, new (m: string) => Error, RegExp][] = [
        [() => new D.InverseGamma(0, 1), ValueError, /^InverseGamma: concentration expected a number > 0, got 0$/],
        [() => new D.InverseGamma(1, tensor([1, -1]), on), ValueError, /^InverseGamma: rate expected values > 0, got 1 of 2 values outside \(found by validateArgs\)$/],
        [() => new D.InverseGamma(1, 1, on).logProb(tensor([1, 0])), ValueError, /^InverseGamma\.logProb: value expected values > 0, got 1 of 2 values outside \(found by validateArgs\)$/],
        [() => new D.InverseGamma('1' as never, 1), ValueError, /^InverseGamma: concentration expected a tensor or a number, got string$/],
        [() => new D.FisherSnedecor(1, -2), ValueError, /^FisherSnedecor: df2 expected a number > 0, got -2$/],
        [() => new D.FisherSnedecor(tensor([1, 0]), 1, on), ValueError, /^FisherSnedecor: df1 expected values > 0, got 1 of 2 values outside/],
        [() => new D.FisherSnedecor(T.ones([2]), T.ones([3])), ShapeError, /^FisherSnedecor: df1 and df2 expected shapes that broadcast together, got df1 \[2\], df2 \[3\]$/],
        [() => new D.FisherSnedecor(1, 1, on).logProb(tensor([-1])), ValueError, /^FisherSnedecor\.logProb: value expected values > 0, got 1 of 1/],
        [() => new D.FisherSnedecor(1, tensor([1n], { dtype: 'int64' })), DTypeError, /^FisherSnedecor: df2 expected float32, got int64$/],
        [() => new D.VonMises(NaN, 1), ValueError, /^VonMises: loc expected a real number, got NaN$/],
        [() => new D.VonMises(0, 0), ValueError, /^VonMises: concentration expected a number > 0, got 0$/],
        [() => new D.VonMises(0, tensor([1, -1]), on), ValueError, /^VonMises: concentration expected values > 0, got 1 of 2/],
        [() => new D.VonMises(0, 1, on).logProb(tensor([NaN])), ValueError, /^VonMises\.logProb: value expected real values \(not NaN\)/],
        [() => new D.VonMises(0, NaN, { validateArgs: false }).sample([2]), ValueError, /^VonMises\.sample: no proposal accepted after 256 rounds for some elements .*concentration expected values > 0, not NaN/],
        [() => new D.GeneralizedPareto(0, 0, 0), ValueError, /^GeneralizedPareto: scale expected a number > 0, got 0$/],
        [() => new D.GeneralizedPareto(0, 1, NaN), ValueError, /^GeneralizedPareto: concentration expected a real number, got NaN$/],
        [() => new D.GeneralizedPareto(0, tensor([1, -1]), 0, on), ValueError, /^GeneralizedPareto: scale expected values > 0, got 1 of 2/],
        [() => new D.GeneralizedPareto(0, 1, -0.5, on).logProb(tensor([1, 3, -1])), ValueError, /^GeneralizedPareto\.logProb: value expected values in \[loc, upper\] \(upper = loc − scale\/concentration where concentration < 0, else \+∞\), got 2 of 3/],
        [() => new D.GeneralizedPareto(0, 1, 0, on).icdf(tensor([1.5])), ValueError, /^GeneralizedPareto\.icdf: value expected probabilities in \[0, 1\]/],
        [() => lr(tensor(0), T.ones([1, 1]), T.ones([1])), ShapeError, /^LowRankMultivariateNormal: loc expected a tensor of at least 1 dimension \[\.\.\., d\], got \[\]$/],
        [() => lr(T.zeros([3]), T.ones([2, 1]), T.ones([3])), ShapeError, /^LowRankMultivariateNormal: covFactor expected \[\.\.\., 3, rank\] \(d = 3 from loc \[3\]\), got \[2,1\]$/],
        [() => lr(T.zeros([3]), T.ones([3]), T.ones([3])), ShapeError, /^LowRankMultivariateNormal: covFactor expected \[\.\.\., 3, rank\] \(d = 3 from loc \[3\]\), got \[3\]$/],
        [() => lr(T.zeros([3]), T.ones([3, 1]), T.ones([2])), ShapeError, /^LowRankMultivariateNormal: covDiag expected \[\.\.\., 3\] \(d = 3 from loc \[3\]\), got \[2\]$/],
        [() => lr(T.zeros([2, 3]), T.ones([3, 3, 1]), T.ones([3])), ShapeError, /^LowRankMultivariateNormal: loc \[2,3\], covFactor \[3,3,1\] and covDiag \[3\] expected batch dims that broadcast together$/],
        [() => new D.LowRankMultivariateNormal(T.zeros([2]), T.ones([2, 1]), tensor([1, -1]), on), ValueError, /^LowRankMultivariateNormal: covDiag expected values > 0, got 1 of 2/],
        [() => lr(T.zeros([2]), T.ones([2, 1]), tensor([-1, -1])), ValueError, /^LowRankMultivariateNormal: covDiag expected values > 0 \(the capacitance I \+ Wᵀ·D⁻¹·W is then positive-definite\), got a capacitance that is not/],
        [() => new D.LowRankMultivariateNormal(T.zeros([2]), T.ones([2, 1]), T.ones([2]), { validate: 1 } as never), ValueError, /^LowRankMultivariateNormal: unknown option 'validate'/],
        [() => new D.LogisticNormal(0, -1), ValueError, /^LogisticNormal: scale expected a number > 0, got -1$/],
        [() => new D.LogisticNormal(T.zeros([2]), 1, on).logProb(tensor([0.5, 0.6, 0])), ValueError, /^LogisticNormal\.logProb: value expected points of the simplex \(summing to 1 over the last dim, within 1e-6\), got 1 of 1 event outside/],
        [() => new D.Wishart(2, T.eye(2) as never), ValueError, /^Wishart: options expected an object, as new Wishart\(df, \{ covarianceMatrix \| precisionMatrix \| scaleTril \}\), got a tensor$/],
        [() => new D.Wishart(2, {} as never), ValueError, /^Wishart: expected exactly one of covarianceMatrix, precisionMatrix or scaleTril \(new Wishart\(df, \{ covarianceMatrix \| precisionMatrix \| scaleTril \}\)\), got none$/],
        [() => new D.Wishart(2, { covarianceMatrix: T.eye(2), scaleTril: T.eye(2) } as never), ValueError, /^Wishart: expected exactly one of covarianceMatrix, precisionMatrix or scaleTril .*got covarianceMatrix and scaleTril$/],
        [() => new D.Wishart(2, { scaleTril: T.ones([2, 3]) }), ShapeError, /^Wishart: scaleTril expected a square matrix or a batch of them \[\.\.\., p, p\], got \[2,3\]$/],
        [() => new D.Wishart(1.5, { scaleTril: T.eye(3) }), ValueError, /^Wishart: df expected a number > 2 \(p − 1 for 3×3 matrices\), got 1\.5$/],
        [() => new D.Wishart(tensor([3, 1.5]), { scaleTril: T.eye(3), validateArgs: true }), ValueError, /^Wishart: df expected values > 2 \(p − 1 for 3×3 matrices\), got 1 of 2 values outside/],
        [() => new D.Wishart(T.full([3], 4), { scaleTril: T.eye(2).expand([2, 2, 2]) }), ShapeError, /^Wishart: df \[3\] and scaleTril \[2,2,2\] expected batch dims that broadcast together, got \[3\] and \[2\]$/],
        [() => new D.Wishart(3, { covarianceMatrix: tensor([[1, 2], [2, 1]]) }), ValueError, /^Wishart: covarianceMatrix expected positive-definite matrices, got one that is not \(cholesky:/],
        [() => new D.Wishart(3, { covarianceMatrix: tensor([[1, 0.5], [0, 1]]), validateArgs: true }), ValueError, /^Wishart: covarianceMatrix expected symmetric matrices \(within atol 1e-6, rtol 1e-5\), got 1 of 1 matrix outside/],
        [() => new D.Wishart(3, { scaleTril: T.eye(2), validateArgs: true }).logProb(tensor([[1, 2], [2, 1]])), ValueError, /^Wishart\.logProb: value expected positive-definite matrices, got 1 of 1 matrix outside/],
        [() => new D.LKJCholesky(1), ValueError, /^LKJCholesky: dim expected an integer >= 2, got 1$/],
        [() => new D.LKJCholesky(2.5 as never), ValueError, /^LKJCholesky: dim expected an integer >= 2, got 2\.5$/],
        [() => new D.LKJCholesky(3, 0), ValueError, /^LKJCholesky: concentration expected a number > 0, got 0$/],
        [() => new D.LKJCholesky(3, tensor([1, -1]), { validateArgs: true }), ValueError, /^LKJCholesky: concentration expected values > 0, got 1 of 2/],
        [() => new D.LKJCholesky(2, 1, { validateArgs: true }).logProb(tensor([[1, 0], [0.5, 1]])), ValueError, /^LKJCholesky\.logProb: value expected matrices whose rows have unit length \(within 2\.38e-6\), got 1 of 1 matrix outside/],
        [() => new D.LKJCholesky(2).logProb(T.ones([3])), ShapeError, /^LKJCholesky\.logProb: value \[3\] expected to end in the eventShape \[2,2\]$/],
      ];
      for (const [make, cls, message] of cases) {
        expect(make, String(message)).toThrow(cls);
        expect(make).toThrow(message);
      }
      // Good arguments pass the reads; validateArgs: false skips the number checks.
      expect(new D.Wishart(3, { covarianceMatrix: tensor([[2, 0.5], [0.5, 1]]), validateArgs: true }).logProb(T.eye(2)).shape).toEqual([]);
      expect(new D.LKJCholesky(3, 1, { validateArgs: true }).logProb(new D.CorrCholeskyTransform().forward(tensor([0.1, 0.2, 0.3]))).shape).toEqual([]);
      expect(nums(new D.InverseGamma(-1, 1, { validateArgs: false }).mode)).toEqual([Infinity]);
    });
  });

  it('methods PyTorch does not define are refused; PyTorch spellings name ours; extra arguments refused', () => {
    scope(() => {
      expect(() => new D.VonMises(0, 1).entropy()).toThrow(/^VonMises\.entropy: not defined for VonMises$/);
      expect(() => new D.FisherSnedecor(1, 1).cdf(1)).toThrow(/^FisherSnedecor\.cdf: not defined for FisherSnedecor$/);
      expect(() => new D.LKJCholesky(2).mean).toThrow(/^LKJCholesky\.mean: not defined for LKJCholesky$/);
      expect(() => new D.LogisticNormal(T.zeros([2]), 1).mean).toThrow(/^LogisticNormal\.mean: not defined for LogisticNormal$/);
      expect(() => new D.InverseGamma(1, 1).icdf(0.5)).toThrow(/^Gamma\.icdf: not defined for Gamma$/);
      expect(() => (lr(T.zeros([2]), T.ones([2, 1]), T.ones([2])) as unknown as { cov_factor: unknown }).cov_factor).toThrow(/^LowRankMultivariateNormal\.cov_factor: this API spells it covFactor$/);
      expect(() => (new D.GeneralizedPareto(0, 1, 0) as unknown as { log_survival_function: unknown }).log_survival_function).toThrow(/^GeneralizedPareto\.log_survival_function: this API spells it logSurvivalFunction$/);
      expect(() => (new D.Wishart(2, { scaleTril: T.eye(2) }) as unknown as { arg_constraints: unknown }).arg_constraints).toThrow(/^Wishart\.arg_constraints: this API spells it argConstraints$/);
      expect(() => (new D.GeneralizedPareto(0, 1, 0).logCdf as (...a: unknown[]) => Tensor)(0.5, 1)).toThrow(/GeneralizedPareto\.logCdf: takes at most 1 argument, got 2/);
      expect(() => (new D.VonMises(0, 1).sample as (...a: unknown[]) => Tensor)([2], {}, 1)).toThrow(/VonMises\.sample: takes at most 2 arguments, got 3/);
      expect(String(new D.InverseGamma(T.ones([2]), 1))).toBe('InverseGamma(batchShape: [2], eventShape: [])');
      expect(String(new D.LogisticNormal(T.zeros([2]), 1))).toBe('LogisticNormal(batchShape: [], eventShape: [3])');
      expect(new D.InverseGamma(2, 3).baseDist).toBeInstanceOf(D.Gamma);
      expect(new D.LogisticNormal(T.zeros([2]), 1).baseDist).toBeInstanceOf(D.Independent);
    });
  });

  it('devices must agree (cuda where present)', () => {
    if (!T.backends().cuda.available) return;
    scope(() => {
      expect(() => lr(T.zeros([2], { device: 'cuda' }), T.ones([2, 1]), T.ones([2]))).toThrow(DeviceError);
      expect(() => new D.Wishart(T.full([1], 3, { device: 'cuda' }), { scaleTril: T.eye(2) })).toThrow(DeviceError);
    });
  });
});

describe('tensor lifetimes', () => {
  it('each method leaves only its result; a scope leaves nothing, backward included', () => {
    const before = memory().liveTensors;
    scope(() => {
      const corr = new D.CorrCholeskyTransform().forward(tensor([0.1, 0.2, 0.3]));
      const dists: [D.Distribution, Tensor][] = [
        [new D.InverseGamma(T.full([3], 3), 2), T.full([3], 0.5)],
        [new D.FisherSnedecor(T.full([3], 5), 6), T.full([3], 0.5)],
        [new D.VonMises(T.zeros([3]), 2), T.full([3], 0.5)],
        [new D.GeneralizedPareto(0, T.ones([3]), 0.2), T.full([3], 0.5)],
        [lr(T.zeros([2, 3]), T.ones([3, 1]), T.ones([3])), T.zeros([3])],
        [new D.LogisticNormal(T.zeros([2]), 1), T.full([3], 1 / 3)],
        [new D.Wishart(4, { covarianceMatrix: T.eye(3) }), T.eye(3)],
        [new D.LKJCholesky(3, 2), corr],
      ];
      for (const [d, x] of dists) {
        const calls: [string, () => Tensor][] = [
          ['sample', () => d.sample([4])],
          ['logProb', () => d.logProb(x)],
        ];
        if (d.hasRsample) calls.push(['rsample', () => d.rsample([2])]);
        for (const m of ['mean', 'variance', 'mode'] as const) {
          try {
            if ((d as unknown as Record<string, Tensor | undefined>)[m] !== undefined) calls.push([m, () => (d as unknown as Record<string, Tensor>)[m]]);
          } catch {
            // not defined for this class
          }
        }
        try {
          d.entropy();
          calls.push(['entropy', () => d.entropy()]);
        } catch {
          // not defined for this class
        }
        for (const [what, call] of calls) {
          const n = memory().liveTensors;
          const out = call();
          const made = memory().liveTensors - n;
          // mean and mode may be the distribution's own tensor (loc), made by no one.
          expect(made, `${d}.${what}`).toBe(out === (d as unknown as { loc?: Tensor }).loc ? 0 : 1);
        }
      }
      const p = lr(T.zeros([3]), T.ones([3, 1]), T.ones([3]));
      for (const q of [p, new D.MultivariateNormal(T.zeros([3]), { covarianceMatrix: T.eye(3) })]) {
        const n = memory().liveTensors;
        D.klDivergence(p, q);
        D.klDivergence(q, p);
        expect(memory().liveTensors - n, `kl with ${q}`).toBe(2);
      }
      for (const t of [new D.StickBreakingTransform(), new D.CorrCholeskyTransform(), catT(tensor(0), tensor(1)), stackT()]) {
        const x = t instanceof D.CorrCholeskyTransform ? tensor([0.1, 0.2, 0.3]) : t instanceof D.StackTransform ? T.ones([2, 3]) : T.ones([2, 5]);
        const n = memory().liveTensors;
        const y = t.forward(x);
        t.inv.forward(y);
        t.logAbsDetJacobian(x, y);
        expect(memory().liveTensors - n, `${t}`).toBe(3);
      }
      const k = tensor([0.5, 2], { requiresGrad: true });
      const w = tensor([[1], [0.5]], { requiresGrad: true });
      T.add(T.sum(new D.VonMises(0, k).logProb(tensor([0.1, 1]))), T.sum(lr(T.zeros([2]), w, T.ones([2])).rsample([3]))).backward();
    });
    expect(memory().liveTensors).toBe(before);
  });

  it('a distribution returned from a scope keeps its tensors (GeneralizedPareto\'s bound, LKJ\'s Beta concentrations, LowRank\'s capacitance)', () => {
    const before = memory().liveTensors;
    scope(() => {
      const [gp, lkj, low] = scope(() => [new D.GeneralizedPareto(0, 1, tensor(-0.5)), new D.LKJCholesky(3, 2), lr(T.zeros([2]), T.ones([2, 1]), T.ones([2]))]);
      expect(nums(T.cast(gp.support.violations(tensor([1, 3]))[0].bad, 'float32'))).toEqual([0, 1]);
      expect(lkj.sample([2]).shape).toEqual([2, 3, 3]);
      expect(low.logProb(T.zeros([2])).shape).toEqual([]);
    });
    expect(memory().liveTensors).toBe(before);
  });
});
