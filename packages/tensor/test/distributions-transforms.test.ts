// The transforms, TransformedDistribution and the KL pairs of src/distributions/kl-cross.ts against
// PyTorch 2.13: each transform's forward, inverse and log|det J|; TransformedDistribution's
// logProb (SAC's tanh-squashed Gaussian, cached and not), cdf and icdf; the KL pairs — values and
// gradients, from test/fixtures/distributions-transforms.safetensors
// (scripts/fixtures_distributions_transforms.py). Then what PyTorch cannot give goldens for (our
// Philox stream is not its generator): rsample against its formula for the noise the same seed
// draws, with the gradients of logProb(rsample) (SAC's policy loss); shapes and event-dim
// bookkeeping; statistics of 20k draws; the transform API; refusals, PyTorch spellings and tensor
// lifetimes, the caches included.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { DeviceError, Generator, ShapeError, ValueError, backends, distributions as D, manualSeed, memory, randn, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';
import { expectSeededDraws } from './seeded-draws.js';
import { describeGoldenCases, nums, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('distributions-transforms');
const td = (base: D.Distribution, transforms: D.Transform | D.Transform[], options?: D.DistributionOptions) => new D.TransformedDistribution(base, transforms, options);
const ladj = (t: D.Transform, x: Tensor) => t.logAbsDetJacobian(x, t.forward(x));
const invLadj = (t: D.Transform, y: Tensor) => t.inv.logAbsDetJacobian(y, t.inv.forward(y));
const normal = (l: Tensor | number, s: Tensor | number) => new D.Normal(l, s);

/** SAC's policy: log_prob of tanh(mu + eps·sigma), the draw Normal.rsample makes of that noise. */
function sac(mu: Tensor, sigma: Tensor, eps: Tensor, cacheSize: 0 | 1): Tensor {
  const t = new D.TanhTransform({ cacheSize });
  const y = t.forward(T.add(mu, T.mul(eps, sigma)));
  return td(normal(mu, sigma), [t]).logProb(y);
}

const logistic = (a: Tensor, b: Tensor) => td(new D.Uniform(0, 1), [new D.SigmoidTransform().inv, new D.AffineTransform(a, b)]);
const weibull = (lam: Tensor, k: Tensor) => td(new D.Exponential(T.onesLike(lam)), [new D.PowerTransform(T.reciprocal(k)), new D.AffineTransform(0, lam)]);
const expAffine = () => [new D.ExpTransform(), new D.AffineTransform(1, 2)];
const compose = (l: Tensor, s: Tensor, e: Tensor) => new D.ComposeTransform([new D.AffineTransform(l, s), new D.ExpTransform(), new D.PowerTransform(e)]);

const calls: Record<string, GoldenCall> = {
  expForward: (x) => new D.ExpTransform().forward(x),
  expInverse: (y) => new D.ExpTransform().inv.forward(y),
  expLadj: (x) => ladj(new D.ExpTransform(), x),
  expInverseLadj: (y) => invLadj(new D.ExpTransform(), y),
  powerForward: (e, x) => new D.PowerTransform(e).forward(x),
  powerInverse: (e, y) => new D.PowerTransform(e).inv.forward(y),
  powerLadj: (e, x) => ladj(new D.PowerTransform(e), x),
  powerLadjNumber: (x) => ladj(new D.PowerTransform(2.5), x),
  sigmoidForward: (x) => new D.SigmoidTransform().forward(x),
  sigmoidInverse: (y) => new D.SigmoidTransform().inv.forward(y),
  sigmoidLadj: (x) => ladj(new D.SigmoidTransform(), x),
  tanhForward: (x) => new D.TanhTransform().forward(x),
  tanhInverse: (y) => new D.TanhTransform().inv.forward(y),
  tanhLadj: (x) => ladj(new D.TanhTransform(), x),
  tanhInverseLadj: (y) => invLadj(new D.TanhTransform(), y),
  absForward: (x) => new D.AbsTransform().forward(x),
  affineForward: (l, s, x) => new D.AffineTransform(l, s).forward(x),
  affineInverse: (l, s, y) => new D.AffineTransform(l, s).inv.forward(y),
  affineLadj: (l, s, x) => ladj(new D.AffineTransform(l, s), x),
  affineLadjNumber: (x) => ladj(new D.AffineTransform(1.5, -2), x),
  affineLadjEvent: (s, x) => ladj(new D.AffineTransform(0, s, { eventDim: 1 }), x),
  affineLadjNumberEvent: (x) => ladj(new D.AffineTransform(0, 3, 2), x),
  softmaxForward: (x) => new D.SoftmaxTransform().forward(x),
  softmaxInverse: (y) => new D.SoftmaxTransform().inv.forward(y),
  composeForward: (l, s, e, x) => compose(l, s, e).forward(x),
  composeLadj: (l, s, e, x) => ladj(compose(l, s, e), x),
  composeInverse: (l, s, y) => new D.ComposeTransform([new D.ExpTransform(), new D.AffineTransform(l, s)]).inv.forward(y),
  composeInverseLadj: (l, s, y) => invLadj(new D.ComposeTransform([new D.ExpTransform(), new D.AffineTransform(l, s)]), y),
  composeEventLadj: (x) => ladj(new D.ComposeTransform([new D.AffineTransform(0, 2, { eventDim: 1 }), new D.ExpTransform()]), x),
  tanhAsCompose: (x) => {
    const t = new D.ComposeTransform([new D.AffineTransform(0, 2), new D.SigmoidTransform(), new D.AffineTransform(-1, 2)]);
    return [t.forward(x), ladj(t, x)];
  },
  composeEmptyLadj: (x) => ladj(new D.ComposeTransform([]), x),
  tdLogNormalLogProb: (l, s, x) => td(normal(l, s), new D.ExpTransform()).logProb(x),
  tdLogNormalCdf: (l, s, x) => td(normal(l, s), new D.ExpTransform()).cdf(x),
  tdLaplaceExpIcdf: (l, s, u) => td(new D.Laplace(l, s), new D.ExpTransform()).icdf(u),
  tdSacLogProb: (m, s, e) => sac(m, s, e, 0),
  tdSacLogProbCached: (m, s, e) => sac(m, s, e, 1),
  tdSacIndependentLogProb: (m, s, e) => {
    const t = new D.TanhTransform({ cacheSize: 1 });
    const y = t.forward(T.add(m, T.mul(e, s)));
    return td(new D.Independent(normal(m, s), 1), t).logProb(y);
  },
  tdSacScaledLogProb: (m, s, e, bias, scale) => {
    const ts = [new D.TanhTransform({ cacheSize: 1 }), new D.AffineTransform(bias, scale, { eventDim: 1, cacheSize: 1 })];
    const y = ts[1].forward(ts[0].forward(T.add(m, T.mul(e, s))));
    return td(normal(m, s), ts).logProb(y);
  },
  tdLogisticLogProb: (a, b, x) => logistic(a, b).logProb(x),
  tdLogisticCdf: (a, b, x) => logistic(a, b).cdf(x),
  tdCauchySigmoidIcdf: (l, s, a, b, u) => td(new D.Cauchy(l, s), [new D.SigmoidTransform(), new D.AffineTransform(a, b)]).icdf(u),
  tdWeibullLogProb: (lam, k, x) => weibull(lam, k).logProb(x),
  tdWeibullCdf: (lam, k, x) => weibull(lam, k).cdf(x),
  tdWeibullIcdf: (lam, k, u) => weibull(lam, k).icdf(u),
  tdSignedAffineCdf: (l, s, sc, x) => td(normal(l, s), new D.AffineTransform(1, sc)).cdf(x),
  tdSignedAffineIcdf: (l, s, sc, u) => td(new D.Laplace(l, s), new D.AffineTransform(1, sc)).icdf(u),
  tdNegativeAffineCdf: (l, s, x) => td(normal(l, s), new D.AffineTransform(0.5, -2)).cdf(x),
  tdNegativeAffineLogProb: (l, s, x) => td(normal(l, s), new D.AffineTransform(0.5, -2)).logProb(x),
  tdInversePowerLogProb: (r, x) => td(new D.Exponential(r), new D.PowerTransform(-1)).logProb(x),
  tdInversePowerCdf: (r, x) => td(new D.Exponential(r), new D.PowerTransform(-1)).cdf(x),
  tdInversePowerIcdf: (r, u) => td(new D.Exponential(r), new D.PowerTransform(-1)).icdf(u),
  tdAffineEventLogProb: (l, s, l2, s2, x) => td(normal(l, s), new D.AffineTransform(l2, s2, { eventDim: 1 })).logProb(x),
  tdBroadcastLogProb: (l, s, x) => td(normal(0, 1), new D.AffineTransform(l, s)).logProb(x),
  tdBroadcastCdf: (l, s, x) => td(normal(0, 1), new D.AffineTransform(l, s)).cdf(x),
  tdNoTransformsLogProb: (l, s, x) => td(normal(l, s), []).logProb(x),
  tdComposeLogProb: (l, s, l2, s2, x) => td(normal(l, s), new D.ComposeTransform([new D.AffineTransform(l2, s2), new D.ExpTransform()])).logProb(x),
  tdComposeCdf: (l, s, l2, s2, x) => td(normal(l, s), new D.ComposeTransform([new D.AffineTransform(l2, s2), new D.ExpTransform()])).cdf(x),
  klGumbelGumbel: (a, b, c, d) => D.klDivergence(new D.Gumbel(a, b), new D.Gumbel(c, d)),
  klUniformUniform: (a, b, c, d) => D.klDivergence(new D.Uniform(a, b), new D.Uniform(c, d)),
  klUniformNormal: (a, b, c, d) => D.klDivergence(new D.Uniform(a, b), normal(c, d)),
  klBetaExponential: (a, b, r) => D.klDivergence(new D.Beta(a, b), new D.Exponential(r)),
  klExponentialGamma: (r, a, b) => D.klDivergence(new D.Exponential(r), new D.Gamma(a, b)),
  klGammaExponential: (a, b, r) => D.klDivergence(new D.Gamma(a, b), new D.Exponential(r)),
  klGammaGumbel: (a, b, l, s) => D.klDivergence(new D.Gamma(a, b), new D.Gumbel(l, s)),
  klChi2Exponential: (df, r) => D.klDivergence(new D.Chi2(df), new D.Exponential(r)),
  klParetoGamma: (s, al, a, b) => D.klDivergence(new D.Pareto(s, al), new D.Gamma(a, b)),
  klParetoGammaBelowOne: (s, al, a, b) => D.klDivergence(new D.Pareto(s, al), new D.Gamma(a, b)),
  klInfinite: (a, b, c) => [
    D.klDivergence(new D.Beta(a, b), new D.Pareto(c, a)),
    D.klDivergence(new D.Exponential(a), new D.Beta(b, c)),
    D.klDivergence(new D.Gamma(a, b), new D.Pareto(c, a)),
    D.klDivergence(new D.Gumbel(a, b), new D.Beta(b, c)),
    D.klDivergence(new D.Gumbel(a, b), new D.Gamma(b, c)),
    D.klDivergence(normal(a, b), new D.Uniform(T.neg(c), c)),
    D.klDivergence(new D.Pareto(a, b), new D.Beta(b, c)),
  ],
  klTransformedTransformed: (a, b, c, d) => D.klDivergence(td(normal(a, b), expAffine()), td(normal(c, d), expAffine())),
  klTransformedTensorParams: (a, b, c, d, lo) => D.klDivergence(td(normal(a, b), new D.AffineTransform(lo, 2)), td(normal(c, d), new D.AffineTransform(T.clone(lo), 2))),
  klTransformedIndependent: (a, b, c, d) => D.klDivergence(td(normal(a, b), new D.AffineTransform(0, 2, 1)), td(normal(c, d), new D.AffineTransform(0, 2, 1))),
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
});

describe('SAC: logProb of rsample through TanhTransform', () => {
  /** log N(x; mu, sigma) − 2·(log 2 − x − softplus(−2x)), the squashed Gaussian's log-density at tanh(x). */
  const formula = (mu: Tensor, sigma: Tensor, x: Tensor) =>
    T.sub(normal(mu, sigma).logProb(x), T.mul(T.sub(T.sub(Math.LN2, x), T.softplus(T.mul(x, -2))), 2));

  it('rsample is tanh(loc + ε·scale) for ε from the seed; logProb(rsample), cached, has the formula\'s values and gradients (far draws included)', () => {
    scope(() => {
      const mv = [[0.2, -1], [3, 0.5], [-2, 1]];
      const sv = [[1, 0.5], [4, 1], [5, 0.8]];
      const [mu, sigma] = [tensor(mv, { requiresGrad: true }), tensor(sv, { requiresGrad: true })];
      const [mu2, sigma2] = [tensor(mv, { requiresGrad: true }), tensor(sv, { requiresGrad: true })];
      const d = td(normal(mu, sigma), new D.TanhTransform({ cacheSize: 1 }));
      const y = d.rsample([64], { generator: new Generator(5) });
      const x = T.add(mu2, T.mul(randn([64, 3, 2], { generator: new Generator(5) }), sigma2));
      expectClose(nums(y), nums(T.tanh(x)), 1e-6, 1e-6, 'draws');
      const lp = d.logProb(y);
      const want = formula(mu2, sigma2, x);
      expectClose(nums(lp), nums(want), 1e-4, 1e-5, 'logProb');
      // Draws this far out (|x| > 9) make atanh(tanh(x)) infinite: only the cache keeps logProb finite.
      expect(nums(x).some((v) => Math.abs(v) > 9), 'some draws far out').toBe(true);
      expect(nums(lp).every(Number.isFinite)).toBe(true);
      // SAC's actor loss, α·logπ(a|s) − Q(s, a) with Q(s, a) = Σ a²: gradients reach mu and sigma through both terms.
      const loss = (l: Tensor, a: Tensor) => T.sum(T.sub(T.mul(l, 0.2), T.square(a)));
      loss(lp, y).backward();
      loss(want, T.tanh(x)).backward();
      expectClose(nums(mu.grad!), nums(mu2.grad!), 1e-3, 1e-4, 'gradient of mu');
      expectClose(nums(sigma.grad!), nums(sigma2.grad!), 1e-3, 1e-4, 'gradient of sigma');
    });
  });

  it('without the cache, logProb of a draw with |x| > 9 is not finite (atanh(1) = ∞, as PyTorch); with it, it is the formula\'s', () => {
    scope(() => {
      const x = tensor([12, -0.5, -10]);
      const plain = new D.TanhTransform();
      expect(nums(td(normal(0, 4), plain).logProb(plain.forward(x))).map(Number.isFinite)).toEqual([false, true, false]);
      const cached = new D.TanhTransform({ cacheSize: 1 });
      const y = cached.forward(x);
      expect(cached.inv.forward(y)).toBe(x);
      expectClose(nums(td(normal(0, 4), cached).logProb(y)), nums(formula(tensor(0), tensor(4), x)), 1e-5, 1e-5, 'cached');
      // Another tensor of the same values is not the cached one: computed, so infinite again.
      expect(Number.isFinite(nums(td(normal(0, 4), cached).logProb(T.clone(y)))[0])).toBe(false);
    });
  });

  it('Independent actions and rescaled bounds: one log-density per state, the Affine\'s log|scale| summed over the action dims', () => {
    scope(() => {
      const [mu, sigma] = [tensor([[0.1, -0.3], [1, 2]]), tensor([[0.5, 1], [0.3, 0.7]])];
      const scale = tensor([2, 0.5]);
      const d = td(normal(mu, sigma), [new D.TanhTransform({ cacheSize: 1 }), new D.AffineTransform(tensor([0.5, -1]), scale, { eventDim: 1, cacheSize: 1 })]);
      expect([d.batchShape, d.eventShape]).toEqual([[2], [2]]);
      expect(d.baseDist).toBeInstanceOf(D.Independent);
      const a = d.rsample([3], { generator: new Generator(1) });
      expect(a.shape).toEqual([3, 2, 2]);
      const x = T.add(mu, T.mul(randn([3, 2, 2], { generator: new Generator(1) }), sigma));
      const want = T.sub(T.sum(formula(mu, sigma, x), -1), Math.log(2 * 0.5));
      expectClose(nums(d.logProb(a)), nums(want), 1e-4, 1e-5, 'logProb');
    });
  });
});

describe('shapes and event dims', () => {
  it('batchShape and eventShape as PyTorch gives them', () => {
    scope(() => {
      const z23 = T.zeros([2, 3]);
      const cases: [D.TransformedDistribution, number[], number[]][] = [
        [td(normal(z23, 1), new D.ExpTransform()), [2, 3], []],
        [td(normal(z23, 1), []), [2, 3], []],
        [td(normal(z23, 1), new D.AffineTransform(0, 2, { eventDim: 1 })), [2], [3]],
        [td(normal(z23, 1), new D.SoftmaxTransform()), [2], [3]],
        [td(normal(z23, 1), [new D.ExpTransform(), new D.SoftmaxTransform()]), [2], [3]],
        [td(new D.Independent(normal(z23, 1), 1), new D.ExpTransform()), [2], [3]],
        [td(normal(T.zeros([2, 1]), 1), new D.AffineTransform(T.zeros([3]), 1)), [2, 3], []],
        [td(normal(0, 1), new D.AffineTransform(T.zeros([4, 3]), 1)), [4, 3], []],
        [td(new D.Dirichlet(T.ones([2, 3])), new D.AffineTransform(0, 2)), [2], [3]],
        [td(new D.MultivariateNormal(T.zeros([3]), { scaleTril: T.eye(3) }), new D.AffineTransform(T.zeros([2, 3]), 1, 1)), [2], [3]],
      ];
      for (const [d, batch, event] of cases) {
        expect([d.batchShape, d.eventShape], `${d}`).toEqual([batch, event]);
        for (const sampleShape of [[], [5], [4, 1]]) {
          const s = d.sample(sampleShape);
          expect(s.shape, `${d}.sample(${JSON.stringify(sampleShape)})`).toEqual([...sampleShape, ...batch, ...event]);
          if (!(d.transforms.some((t) => t instanceof D.SoftmaxTransform))) expect(d.logProb(s).shape).toEqual([...sampleShape, ...batch]);
          if (d.hasRsample) expect(d.rsample(sampleShape).shape).toEqual([...sampleShape, ...batch, ...event]);
        }
      }
      expect(td(normal(0, 1), new D.AffineTransform(T.zeros([3]), 1)).logProb(T.zeros([4, 1])).shape).toEqual([4, 3]);
      expect(td(new D.Exponential(1), new D.PowerTransform(-1)).icdf(tensor([0.1, 0.5])).shape).toEqual([2]);
      // The base is not expanded (nutshell has no Distribution.expand); the draws are.
      expect(td(normal(T.zeros([2, 1]), 1), new D.AffineTransform(T.zeros([3]), 1)).baseDist.batchShape).toEqual([2, 1]);
    });
  });

  it('a base broadcast by the transforms draws independently along the new and the size-1 dims (PyTorch\'s expand)', () => {
    scope(() => {
      manualSeed(8);
      const d = td(normal(T.zeros([2, 1]), tensor([[1], [3]])), new D.AffineTransform(T.zeros([3]), 1));
      const s = d.sample([20000]);
      const col = (i: number, j: number) => nums(T.select(T.select(s, 1, i), 1, j));
      const corr = (a: number[], b: number[]) => {
        const m = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
        const [ma, mb] = [m(a), m(b)];
        const cov = m(a.map((v, k) => (v - ma) * (b[k] - mb)));
        return cov / Math.sqrt(m(a.map((v) => (v - ma) ** 2)) * m(b.map((v) => (v - mb) ** 2)));
      };
      expect(Math.abs(corr(col(0, 0), col(0, 1)))).toBeLessThan(0.03);
      expect(Math.abs(corr(col(1, 1), col(1, 2)))).toBeLessThan(0.03);
      const sd = (v: number[]) => Math.sqrt(v.reduce((p, q) => p + q * q, 0) / v.length);
      expectClose([sd(col(0, 2)), sd(col(1, 0))], [1, 3], 0.05, 0.02, 'each row its own scale');
      // A new leading dim: Uniform(0, 1) through loc [3].
      const u = nums(td(new D.Uniform(0, 1), new D.AffineTransform(tensor([0, 10, 20]), 1)).sample());
      expect(new Set(u.map((v) => v % 10)).size).toBe(3);
    });
  });
});

describe('sampling', () => {
  it('20k draws of the logistic distribution have mean a and variance b²π²/3; draws fall below icdf(q) a fraction q of the time', () => {
    scope(() => {
      manualSeed(2025);
      const xs = nums(logistic(tensor(1), tensor(0.5)).sample([20000]));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
      expect(Math.abs(mean - 1)).toBeLessThan(0.03);
      expect(Math.abs(variance / ((0.25 * Math.PI ** 2) / 3) - 1)).toBeLessThan(0.05);
      const q = tensor([0.1, 0.5, 0.9]);
      for (const d of [td(new D.Exponential(0.7), new D.PowerTransform(-1)), td(new D.Laplace(0, 1), new D.ExpTransform()), td(new D.Cauchy(0, 1), [new D.SigmoidTransform(), new D.AffineTransform(1, -3)])]) {
        const draws = nums(d.sample([20000]));
        const cut = nums(d.icdf(q));
        expectClose(cut.map((c) => draws.filter((v) => v <= c).length / draws.length), [0.1, 0.5, 0.9], 0.015, 0, `${d}`);
        expectClose(nums(d.cdf(d.icdf(q))), [0.1, 0.5, 0.9], 1e-5, 1e-5, `${d} cdf(icdf)`);
      }
    });
  });

  it('a seed repeats the draws, through manualSeed or a Generator', () => {
    expectSeededDraws(() => [
      td(normal(T.zeros([3]), 1), new D.TanhTransform()),
      td(new D.Uniform(0, 1), [new D.SigmoidTransform().inv, new D.AffineTransform(0, 2)]),
      td(normal(T.zeros([2, 1]), 1), new D.AffineTransform(T.zeros([3]), 1)),
    ]);
  });

  it('TransformedDistribution(Normal, ExpTransform) is LogNormal: logProb, cdf, draws for the same seed', () => {
    scope(() => {
      const [loc, scale] = [tensor([0.3, -1]), tensor([0.5, 2])];
      const [a, b] = [td(normal(loc, scale), new D.ExpTransform()), new D.LogNormal(loc, scale)];
      const x = tensor([[0.5, 2], [3, 0.1]]);
      expectClose(nums(a.logProb(x)), nums(b.logProb(x)), 1e-6, 1e-6, 'logProb');
      expectClose(nums(a.cdf(x)), nums(b.cdf(x)), 1e-6, 1e-6, 'cdf');
      expectClose(nums(a.sample([3], { generator: new Generator(2) })), nums(b.sample([3], { generator: new Generator(2) })), 0, 1e-6, 'draws');
    });
  });
});

describe('the transforms', () => {
  it('domain and codomain with their event dims, bijective, sign, as PyTorch', () => {
    scope(() => {
      const dom = (t: D.Transform) => [t.domain.name, t.domain.eventDim, t.codomain.name, t.codomain.eventDim];
      expect(dom(new D.ExpTransform())).toEqual(['real', 0, 'positive', 0]);
      expect(dom(new D.SigmoidTransform())).toEqual(['real', 0, 'interval(0, 1)', 0]);
      expect(dom(new D.TanhTransform())).toEqual(['real', 0, 'interval(-1, 1)', 0]);
      expect(dom(new D.TanhTransform().inv)).toEqual(['interval(-1, 1)', 0, 'real', 0]);
      expect(dom(new D.PowerTransform(2))).toEqual(['positive', 0, 'positive', 0]);
      expect(dom(new D.AbsTransform())).toEqual(['real', 0, 'positive', 0]);
      expect(dom(new D.AffineTransform(0, 1, { eventDim: 2 }))).toEqual(['independent(real, 2)', 2, 'independent(real, 2)', 2]);
      expect(dom(new D.SoftmaxTransform())).toEqual(['independent(real, 1)', 1, 'simplex', 1]);
      expect(dom(new D.ComposeTransform([new D.ExpTransform(), new D.SoftmaxTransform()]))).toEqual(['independent(real, 1)', 1, 'simplex', 1]);
      expect(dom(new D.ComposeTransform([new D.SoftmaxTransform(), new D.ExpTransform()]))).toEqual(['independent(real, 1)', 1, 'independent(positive, 1)', 1]);
      expect(dom(D.identityTransform)).toEqual(['real', 0, 'real', 0]);
      expect(new D.AffineTransform(0, 1, 1).eventDim).toBe(1);
      expect(String(new D.SoftmaxTransform().codomain)).toBe('simplex');
      const bijective = [new D.ExpTransform(), new D.TanhTransform(), new D.AffineTransform(0, 1), new D.PowerTransform(2), new D.SigmoidTransform().inv];
      expect(bijective.every((t) => t.bijective)).toBe(true);
      expect([new D.AbsTransform(), new D.SoftmaxTransform(), new D.ComposeTransform([new D.ExpTransform(), new D.AbsTransform()])].some((t) => t.bijective)).toBe(false);
      expect([new D.ExpTransform().sign, new D.TanhTransform().inv.sign, new D.AffineTransform(0, -2).sign, new D.PowerTransform(-0.5).sign]).toEqual([1, 1, -1, -1]);
      expect(nums(new D.AffineTransform(0, tensor([1.5, -2, 0])).sign as Tensor)).toEqual([1, -1, 0]);
      expect(nums(new D.PowerTransform(tensor([-1, 2])).sign as Tensor)).toEqual([-1, 1]);
      expect(new D.ComposeTransform([new D.AffineTransform(0, -1), new D.ExpTransform(), new D.AffineTransform(0, -3)]).sign).toBe(1);
      expect(nums(new D.ComposeTransform([new D.AffineTransform(0, -1), new D.PowerTransform(tensor([1, -1]))]).sign as Tensor)).toEqual([-1, 1]);
      expect(() => new D.AbsTransform().sign).toThrow(/^AbsTransform\.sign: not defined for AbsTransform \(only a monotone elementwise transform has one\)$/);
      expect(() => new D.ComposeTransform([new D.ExpTransform(), new D.SoftmaxTransform()]).sign).toThrow(/^SoftmaxTransform\.sign: not defined/);
    });
  });

  it('inv is one object whose inv is the transform; a composition\'s inverse is the parts\' inverses reversed', () => {
    scope(() => {
      const t = new D.TanhTransform();
      expect(t.inv).toBe(t.inv);
      expect(t.inv.inv).toBe(t);
      expect(t.inv).toBeInstanceOf(D.InverseTransform);
      const c = new D.ComposeTransform([new D.ExpTransform(), new D.AffineTransform(1, 2)]);
      expect(c.inv.inv).toBe(c);
      expect(String(c.inv)).toBe('ComposeTransform([InverseTransform(AffineTransform(loc: 1, scale: 2)), InverseTransform(ExpTransform())])');
      const x = tensor([0.3, -1]);
      expectClose(nums(c.inv.forward(c.forward(x))), nums(x), 1e-6, 1e-6, 'round trip');
      expect(D.identityTransform.forward(x)).toBe(x);
      expect(nums(D.identityTransform.logAbsDetJacobian(x, x))).toEqual([0, 0]);
    });
  });

  it('equals is PyTorch\'s ==: class and parameters, tensor parameters compared by value (and AffineTransform\'s eventDim)', () => {
    scope(() => {
      const eqs: [D.Transform, D.Transform, boolean][] = [
        [new D.ExpTransform(), new D.ExpTransform(), true],
        [new D.ExpTransform(), new D.TanhTransform(), false],
        [new D.ExpTransform().inv, new D.ExpTransform().inv, true],
        [new D.ExpTransform().inv, new D.ExpTransform(), false],
        [new D.AffineTransform(1, 2), new D.AffineTransform(1, 2), true],
        [new D.AffineTransform(1, 2), new D.AffineTransform(1, 3), false],
        // PyTorch's == ignores event_dim (True there): a map of scalars is not one of vectors here.
        [new D.AffineTransform(1, 2), new D.AffineTransform(1, 2, 1), false],
        [new D.AffineTransform(tensor([1, 2]), 2), new D.AffineTransform(tensor([1, 2]), tensor(2)), true],
        [new D.AffineTransform(tensor([1, 2]), 2), new D.AffineTransform(tensor([1, 3]), 2), false],
        [new D.AffineTransform(tensor([1, 2]), 2), new D.AffineTransform(tensor([1, 2, 3]), 2), false],
        [new D.PowerTransform(2), new D.PowerTransform(tensor(2)), true],
        [new D.ComposeTransform([new D.ExpTransform(), new D.AffineTransform(0, 2)]), new D.ComposeTransform([new D.ExpTransform(), new D.AffineTransform(0, 2)]), true],
        [new D.ComposeTransform([new D.ExpTransform()]), new D.ComposeTransform([new D.ExpTransform(), new D.ExpTransform()]), false],
        [new D.TanhTransform(), new D.TanhTransform({ cacheSize: 1 }), true],
      ];
      for (const [a, b, want] of eqs) expect(a.equals(b), `${a} == ${b}`).toBe(want);
    });
  });

  it('withCache: itself at the same size, else a copy with its parameters; a cached composition caches its parts', () => {
    scope(() => {
      const a = new D.AffineTransform(1, 2, { eventDim: 1 });
      expect(a.withCache(0)).toBe(a);
      const c = a.withCache() as D.AffineTransform;
      expect([c.cacheSize, c.loc, c.scale, c.eventDim]).toEqual([1, 1, 2, 1]);
      expect(new D.TanhTransform().withCache(1).cacheSize).toBe(1);
      expect(new D.TanhTransform().inv.withCache(1).inv.cacheSize).toBe(1);
      expect(new D.ComposeTransform([new D.ExpTransform(), a], { cacheSize: 1 }).parts.map((p) => p.cacheSize)).toEqual([1, 1]);
      expect(new D.AffineTransform(tensor([1, 2]), 1).forwardShape([4, 1])).toEqual([4, 2]);
      expect(new D.AffineTransform(tensor([1, 2]), 1).inv.forwardShape([3, 2])).toEqual([3, 2]);
      expect(new D.PowerTransform(T.ones([3, 1])).inverseShape([2])).toEqual([3, 2]);
    });
  });

  it("withCache of a user's subclass: made again from { cacheSize } where its constructor takes only options; refused, naming the override, where it takes its own arguments (user trial AJ)", () => {
    scope(() => {
      const real = D.constraints.real;
      expect([D.constraints.realVector.name, D.constraints.realVector.eventDim]).toEqual(['independent(real, 1)', 1]);
      expect([D.constraints.positive, D.constraints.unitInterval, D.constraints.simplex, D.constraints.interval(-2, 3)].map(String)).toEqual(['positive', 'interval(0, 1)', 'simplex', 'interval(-2, 3)']);
      expect(() => D.constraints.interval(3, 1)).toThrow(/^constraints\.interval: expected numbers lo <= hi, got 3 and 1$/);
      class Shift extends D.transforms.Transform {
        constructor(readonly c: number) {
          super();
        }
        get domain() {
          return real;
        }
        get codomain() {
          return real;
        }
        protected map(x: Tensor): Tensor {
          return T.add(x, this.c);
        }
      }
      class Twice extends D.transforms.Transform {
        get domain() {
          return real;
        }
        get codomain() {
          return real;
        }
        protected map(x: Tensor): Tensor {
          return T.mul(x, 2);
        }
      }
      expect(() => new Shift(1).withCache(1)).toThrow(/^Shift\.withCache: Shift cannot be made again from \{ cacheSize \} alone .*override copyWithCache\(cacheSize\)/);
      expect(() => new D.ComposeTransform([new Shift(1)], { cacheSize: 1 })).toThrow(/^Shift\.withCache: /);
      const twice = new Twice().withCache(1);
      expect([twice.constructor.name, twice.cacheSize]).toEqual(['Twice', 1]);
      expect(nums(twice.forward(tensor([1, 2])))).toEqual([2, 4]);
    });
  });

  it('the cache: forward and inv.forward return the kept tensor for the same tensor, and compute again once it is freed', () => {
    scope(() => {
      const t = new D.ExpTransform({ cacheSize: 1 });
      const x = tensor([1, 2]);
      const y = t.forward(x);
      expect(t.forward(x)).toBe(y);
      expect(t.inv.forward(y)).toBe(x);
      expect(t.forward(T.clone(x))).not.toBe(y);
      const u = new D.ExpTransform();
      const v = u.forward(x);
      expect(u.inv.forward(v)).not.toBe(x);
      const w = t.forward(x);
      x.dispose();
      expectClose(nums(t.inv.forward(w)), [1, 2], 1e-6, 1e-6, 'computed again');
      // Through a composition: each cached part keeps its own pair.
      const c = new D.ComposeTransform([new D.AffineTransform(0, 2), new D.TanhTransform()], { cacheSize: 1 });
      const x2 = tensor([6]);
      expect(c.inv.forward(c.forward(x2))).toBe(x2);
    });
  });
});

describe('klDivergence', () => {
  it('0 for p‖p; the Monte Carlo estimate E_p[log p − log q] agrees with the closed forms', () => {
    scope(() => {
      const same: D.Distribution[] = [new D.Gumbel(1, 2), new D.Uniform(-1, 3), td(normal(0.5, 2), [new D.ExpTransform(), new D.AffineTransform(1, 2)])];
      for (const d of same) expect(Math.abs(D.klDivergence(d, d).itemSync()), `${d}‖${d}`).toBeLessThan(1e-6);
      manualSeed(6);
      const pairs: [D.Distribution, D.Distribution][] = [
        [new D.Gumbel(0.5, 1.5), new D.Gumbel(-0.3, 2)],
        [new D.Uniform(0.5, 2), new D.Uniform(0, 3)],
        [new D.Uniform(-1, 2), normal(0.3, 1.5)],
        [new D.Beta(2, 3), new D.Exponential(1.5)],
        [new D.Exponential(1.5), new D.Gamma(2, 3)],
        [new D.Gamma(2, 1.5), new D.Exponential(0.7)],
        [new D.Gamma(3, 2), new D.Gumbel(1, 0.8)],
        [new D.Chi2(3), new D.Exponential(0.4)],
        [new D.Pareto(1, 4), new D.Gamma(2, 1.5)],
        [td(normal(0, 1), new D.SigmoidTransform()), td(normal(0.5, 2), new D.SigmoidTransform())],
      ];
      for (const [a, b] of pairs) {
        const x = a.sample([20000]);
        const mc = T.mean(T.sub(a.logProb(x), b.logProb(x))).itemSync();
        expect(Math.abs(mc - D.klDivergence(a, b).itemSync()), `${a}‖${b}`).toBeLessThan(0.05);
      }
    });
  });

  it('TransformedDistribution‖TransformedDistribution: the bases\' KL, of the broadcast batch shape; other transforms or event shapes refused', () => {
    scope(() => {
      const kl = D.klDivergence(td(normal(0, 1), new D.AffineTransform(T.zeros([3]), 2)), td(normal(1, 1), new D.AffineTransform(T.zeros([3]), 2)));
      expect(nums(kl)).toEqual([0.5, 0.5, 0.5]);
      expect(() => D.klDivergence(td(normal(0, 1), new D.ExpTransform()), td(normal(0, 1), new D.TanhTransform()))).toThrow(
        /^klDivergence: TransformedDistribution p and q expected equal transforms \(PyTorch has no KL otherwise\), got \[ExpTransform\(\)\] and \[TanhTransform\(\)\]$/,
      );
      expect(() => D.klDivergence(td(normal(0, 1), new D.AffineTransform(0, 2)), td(normal(0, 1), new D.AffineTransform(0, 3)))).toThrow(/expected equal transforms/);
      expect(() => D.klDivergence(td(normal(T.zeros([3]), 1), new D.ExpTransform()), td(new D.Independent(normal(T.zeros([3]), 1), 1), new D.ExpTransform()))).toThrow(
        /^klDivergence: TransformedDistribution p and q expected the same eventShape, got \[\] and \[3\]$/,
      );
      // LogNormal is not a TransformedDistribution here (PyTorch's is a subclass).
      expect(() => D.klDivergence(td(normal(0, 1), new D.ExpTransform()), new D.LogNormal(0, 1))).toThrow(/no KL divergence is registered for TransformedDistribution‖LogNormal/);
      expect(D.klDivergence(new D.Gumbel(0, 1), new D.Gumbel(0, 2)).shape).toEqual([]);
    });
  });
});

describe('validateArgs and refusals', () => {
  it('arguments are checked, naming the class, the argument, expected and got', () => {
    scope(() => {
      const on = { validateArgs: true };
      const cases: [() => unknown, new (m: string) => Error, RegExp][] = [
        [() => td({} as never, new D.ExpTransform()), ValueError, /^TransformedDistribution: baseDistribution expected a Distribution, got Object$/],
        [() => td(normal(0, 1), 'exp' as never), ValueError, /^TransformedDistribution: transforms expected a Transform or an array of Transforms, got string$/],
        [() => td(normal(0, 1), [new D.ExpTransform(), (x: Tensor) => x] as never), ValueError, /^TransformedDistribution: transforms\[1\] expected a Transform, got Function$/],
        [() => new D.TransformedDistribution(normal(0, 1), [], { validate_args: true } as never), ValueError, /^TransformedDistribution: unknown option 'validate_args'.*did you mean 'validateArgs'\?$/],
        [() => td(normal(0, 1), new D.SoftmaxTransform()), ShapeError, /^TransformedDistribution: baseDistribution expected batchShape \+ eventShape of at least 1 dims \(the transforms' domain independent\(real, 1\)\), got \[\]$/],
        [() => td(normal(0, 1), new D.ExpTransform()).rsample(5 as never), ShapeError, /sampleShape expected an array/],
        [() => td(new D.Poisson(2), new D.AffineTransform(0, 2)).rsample(), ValueError, /^TransformedDistribution\.rsample: the base Poisson has no reparameterised sampler \(hasRsample is false\); sample\(\) draws without gradients$/],
        [() => td(normal(0, 1), new D.AbsTransform()).logProb(1), ValueError, /^AbsTransform\.logAbsDetJacobian: not defined for AbsTransform \(it is not bijective, as in PyTorch\)$/],
        [() => td(normal(0, 1), new D.AbsTransform()).cdf(1), ValueError, /^TransformedDistribution\.cdf: needs monotone transforms, each with a sign \(PyTorch's rule\); AbsTransform\(\) has none$/],
        [() => td(normal(T.zeros([3]), 1), new D.SoftmaxTransform()).icdf(0.5), ValueError, /^TransformedDistribution\.icdf: needs monotone transforms/],
        [() => td(normal(T.zeros([3]), 1), new D.SoftmaxTransform()).logProb(T.full([3], 1 / 3)), ValueError, /^SoftmaxTransform\.logAbsDetJacobian: not defined/],
        [() => td(normal(0, 1), new D.ExpTransform()).entropy(), ValueError, /^TransformedDistribution\.entropy: not defined for TransformedDistribution$/],
        [() => td(normal(0, 1), new D.ExpTransform()).mean, ValueError, /^TransformedDistribution\.mean: not defined/],
        [() => td(normal(0, 1), new D.ExpTransform()).logProb(T.zeros([2]).toString() as never), ValueError, /^TransformedDistribution\.logProb: value expected a tensor or a number, got string$/],
        [() => td(normal(T.zeros([2]), 1), new D.ExpTransform()).logProb(T.ones([3])), ShapeError, /^TransformedDistribution\.logProb: value \[3\] expected to broadcast with batchShape \+ eventShape \[2\]$/],
        [() => td(normal(0, 1), new D.ExpTransform(), on).logProb(tensor([1, -1])), ValueError, /^TransformedDistribution\.logProb: value expected values > 0, got 1 of 2 values outside \(found by validateArgs\)$/],
        [() => td(normal(0, 1), new D.TanhTransform(), on).logProb(tensor([1.5])), ValueError, /^TransformedDistribution\.logProb: value expected values in \[-1, 1\]/],
        [() => td(normal(T.zeros([3]), 1), new D.SoftmaxTransform(), on).logProb(tensor([0.5, 0.6, 0])), ValueError, /^TransformedDistribution\.logProb: value expected points of the simplex \(summing to 1 over the last dim, within 1e-6\), got 1 of 1 event outside/],
        [() => td(new D.Uniform(0, 1), new D.ExpTransform(), on).cdf(tensor([0.5, 2])), ValueError, /^TransformedDistribution\.cdf: value carried back to the base expected values in \[low, high\], got 1 of 2 values outside \(found by validateArgs\)$/],
        [() => td(new D.Exponential(1), new D.PowerTransform(-1), on).icdf(tensor([1.5])), ValueError, /^TransformedDistribution\.icdf: value expected probabilities in \[0, 1\], got 1 of 1/],
        [() => new D.TanhTransform({ cacheSize: 2 as never }), ValueError, /^TanhTransform: option 'cacheSize' expected 0 or 1 \(PyTorch's only sizes\), got 2$/],
        [() => new D.TanhTransform({ cache_size: 1 } as never), ValueError, /^TanhTransform: unknown option 'cache_size' \(it takes 'cacheSize'\); did you mean 'cacheSize'\?$/],
        [() => new D.AffineTransform(0, 1, { event_dim: 1 } as never), ValueError, /^AffineTransform: unknown option 'event_dim'.*did you mean 'eventDim'\?$/],
        [() => new D.AffineTransform(0, 1, -1), ValueError, /^AffineTransform: eventDim expected a non-negative integer, got -1$/],
        [() => new D.AffineTransform(0, [1, 2] as never), ValueError, /^AffineTransform: scale expected a tensor or a number, got an array/],
        [() => new D.PowerTransform('2' as never), ValueError, /^PowerTransform: exponent expected a tensor or a number, got string$/],
        [() => new D.ComposeTransform(new D.ExpTransform() as never), ValueError, /^ComposeTransform: parts expected an array of Transforms, got ExpTransform$/],
        [() => new D.ComposeTransform([new D.ExpTransform(), 'x' as never]), ValueError, /^ComposeTransform: parts\[1\] expected a Transform, got string$/],
        [() => new D.ExpTransform().forward(2 as never), ValueError, /^ExpTransform\.forward: x expected a tensor, got number$/],
        [() => new D.ExpTransform().inv.forward(null as never), ValueError, /^ExpTransform\.inv\.forward: y expected a tensor, got null$/],
        [() => new D.SoftmaxTransform().forward(tensor(1)), ShapeError, /^SoftmaxTransform\.forward: x \[\] expected at least 1 dims \(the event dims of independent\(real, 1\)\)$/],
        [() => new D.SoftmaxTransform().forwardShape([]), ShapeError, /^SoftmaxTransform\.forwardShape: shape \[\] expected at least 1 dims/],
        [() => new D.AffineTransform(T.zeros([2]), 1).forwardShape([3]), ShapeError, /^AffineTransform\.forwardShape: shape \[3\] expected to broadcast with loc \[2\]$/],
        [() => new D.ExpTransform().logAbsDetJacobian(tensor([1]), 'y' as never), ValueError, /^ExpTransform\.logAbsDetJacobian: y expected a tensor, got string$/],
        [() => new D.TanhTransform().forward(new Promise(() => {}) as never), ValueError, /^TanhTransform\.forward: x expected a tensor, got a Promise/],
      ];
      for (const [make, cls, message] of cases) {
        expect(make, String(message)).toThrow(cls);
        expect(make).toThrow(message);
      }
      // Values inside the support pass the read.
      expect(nums(td(normal(0, 1), new D.ExpTransform(), on).logProb(tensor([1, 2]))).every(Number.isFinite)).toBe(true);
      expect(td(normal(T.zeros([3]), 1), new D.SoftmaxTransform(), on).sample([2]).shape).toEqual([2, 3]);
    });
  });

  it('transform parameters on another device are refused where a second device exists', () => {
    if (!backends().cuda.available) return;
    scope(() => {
      const loc = tensor([1, 2], { device: 'cuda' });
      expect(() => td(normal(tensor([0, 0]), 1), new D.AffineTransform(loc, 1))).toThrow(DeviceError);
      // A base made from numbers takes the transforms' device (Note [cpu scalars on other devices]).
      const fromNumbers = td(normal(0, 1), new D.AffineTransform(loc, 1));
      expect(fromNumbers.device.type).toBe('cuda');
      expect(fromNumbers.sample([3]).device.type).toBe('cuda');
      expect(fromNumbers.logProb(tensor([0.5, 1], { device: 'cuda' })).device.type).toBe('cuda');
      expect(() => new D.AffineTransform(loc, 1).forward(tensor([1, 2]))).toThrow(/^AffineTransform\.forward: x expected a tensor on the transform's device cuda/);
      expect(() => new D.AffineTransform(loc, tensor([1, 2]))).toThrow(/^AffineTransform: scale expected a tensor on loc's device cuda:0, got one on cpu$/);
    });
  });

  it('PyTorch spellings name ours; extra arguments are refused; toString', () => {
    scope(() => {
      const t = new D.TanhTransform() as unknown as Record<string, unknown>;
      const d = td(normal(0, 1), new D.TanhTransform()) as unknown as Record<string, unknown>;
      expect(() => t.log_abs_det_jacobian).toThrow(/^TanhTransform\.log_abs_det_jacobian: this API spells it logAbsDetJacobian$/);
      expect(() => t.forward_shape).toThrow(/^TanhTransform\.forward_shape: this API spells it forwardShape$/);
      expect(() => t.with_cache).toThrow(/^TanhTransform\.with_cache: this API spells it withCache$/);
      expect(() => t.cache_size).toThrow(/^TanhTransform\.cache_size: this API spells it cacheSize$/);
      expect(() => t.event_dim).toThrow(/^TanhTransform\.event_dim: this API spells it eventDim$/);
      expect(() => t._inverse).toThrow(/^TanhTransform\._inverse: this API spells it inv\.forward$/);
      expect(() => (new D.TanhTransform().domain as unknown as Record<string, unknown>).event_dim).toThrow(/^Constraint\.event_dim: this API spells it eventDim$/);
      expect(() => d.base_dist).toThrow(/^TransformedDistribution\.base_dist: this API spells it baseDist$/);
      expect(() => d.log_prob).toThrow(/^TransformedDistribution\.log_prob: this API spells it logProb$/);
      expect(() => (new D.TanhTransform().forward as (...a: unknown[]) => Tensor)(tensor(1), 1)).toThrow(/TanhTransform\.forward: takes at most 1 argument, got 2/);
      expect(() => (new D.TanhTransform().inv.forward as (...a: unknown[]) => Tensor)(tensor(0.5), 1)).toThrow(/InverseTransform\.forward: takes at most 1 argument, got 2/);
      expect(() => (new D.ExpTransform().logAbsDetJacobian as (...a: unknown[]) => Tensor)(tensor(1), tensor(1), 0)).toThrow(/ExpTransform\.logAbsDetJacobian: takes at most 2 arguments, got 3/);
      expect(() => ((d as unknown as D.Distribution).logProb as (...a: unknown[]) => Tensor)(0.5, 1)).toThrow(/TransformedDistribution\.logProb: takes at most 1 argument, got 2/);
      expect(D.transforms.TanhTransform).toBe(D.TanhTransform);
      expect(D.transforms.identityTransform).toBe(D.identityTransform);
      expect(String(d)).toBe('TransformedDistribution(Normal(batchShape: [], eventShape: []), [TanhTransform()])');
      expect(String(new D.AffineTransform(tensor([1, 2]), 3, 1))).toBe('AffineTransform(loc: tensor [2], scale: 3, eventDim: 1)');
      expect(String(new D.PowerTransform(0.5))).toBe('PowerTransform(exponent: 0.5)');
    });
  });
});

describe('tensor lifetimes', () => {
  it('each method leaves only its result (and a cached transform its pair); a scope leaves nothing, backward included', () => {
    const before = memory().liveTensors;
    scope(() => {
      const x = T.full([2, 3], 0.4);
      const loc = tensor([0.1, 0.2, 0.3]);
      const scale = tensor([1, -2, 0.5]);
      const dists: D.TransformedDistribution[] = [
        td(normal(T.zeros([3]), 1), new D.TanhTransform()),
        td(new D.Laplace(loc, 1), [new D.AffineTransform(loc, scale), new D.ExpTransform()]),
        td(normal(0, 1), new D.AffineTransform(T.zeros([3]), scale)),
        td(normal(T.zeros([2, 1]), 1), new D.AffineTransform(loc, 2)),
        td(normal(T.zeros([2, 3]), 1), new D.AffineTransform(0, 2, 1)),
      ];
      for (const d of dists) {
        const calls: [string, () => Tensor][] = [
          ['sample', () => d.sample([4])],
          ['rsample', () => d.rsample([2])],
          ['logProb', () => d.logProb(x)],
        ];
        if (d.eventShape.length === 0) calls.push(['logProb of a number', () => d.logProb(0.5)]);
        if (d.eventShape.length === 0) calls.push(['cdf', () => d.cdf(x)]);
        if (d.baseDist instanceof D.Laplace) calls.push(['icdf', () => d.icdf(x)]);
        for (const [what, call] of calls) {
          const n = memory().liveTensors;
          call();
          expect(memory().liveTensors - n, `${d}.${what}`).toBe(1);
        }
      }
      const transforms = [new D.ExpTransform(), new D.TanhTransform(), new D.SigmoidTransform(), new D.AffineTransform(loc, scale, 1), new D.PowerTransform(loc), new D.SoftmaxTransform(), new D.AbsTransform(), new D.ComposeTransform([new D.AffineTransform(loc, scale), new D.TanhTransform()])];
      for (const t of transforms) {
        for (const [what, call] of [['forward', () => t.forward(x)], ['inv.forward', () => t.inv.forward(T.full([2, 3], 0.4))]] as const) {
          const n = memory().liveTensors;
          call();
          // inv.forward's argument is made in the call; AbsTransform's inverse returns it as it is (PyTorch's).
          expect(memory().liveTensors - n, `${t}.${what}`).toBe(what === 'inv.forward' && !(t instanceof D.AbsTransform) ? 2 : 1);
        }
        if (t.bijective) {
          const y = t.forward(x);
          const n = memory().liveTensors;
          t.logAbsDetJacobian(x, y);
          t.inv.logAbsDetJacobian(y, x);
          expect(memory().liveTensors - n, `${t}.logAbsDetJacobian`).toBe(2);
        }
      }
      const klPairs: [D.Distribution, D.Distribution][] = [
        [new D.Gumbel(loc, 1), new D.Gumbel(0, 2)],
        [new D.Uniform(0, loc), new D.Uniform(-1, 1)],
        [new D.Gamma(loc, 1), new D.Gumbel(0, 2)],
        [new D.Pareto(1, T.add(loc, 1)), new D.Gamma(2, 1)],
        [new D.Beta(loc, 1), new D.Pareto(1, 1)],
        [dists[4], td(normal(T.ones([2, 3]), 1), new D.AffineTransform(0, 2, 1))],
        [dists[2], td(normal(1, 1), new D.AffineTransform(T.zeros([3]), scale))],
      ];
      for (const [p, q] of klPairs) {
        const n = memory().liveTensors;
        D.klDivergence(p, q);
        expect(memory().liveTensors - n, `kl ${p}‖${q}`).toBe(1);
      }
      // A cached transform's pair stays with the draw, in the caller's scope: the base draw x too.
      const cached = td(normal(T.zeros([3]), 1), [new D.AffineTransform(0, 2), new D.TanhTransform({ cacheSize: 1 })]);
      const n = memory().liveTensors;
      const y = cached.rsample([2]);
      expect(memory().liveTensors - n).toBe(2);
      cached.logProb(y);
      expect(memory().liveTensors - n).toBe(3);
      const mu = tensor([0.1, 0.2], { requiresGrad: true });
      const sac = td(normal(mu, 1), new D.TanhTransform({ cacheSize: 1 }));
      T.sum(sac.logProb(sac.rsample([3]))).backward();
      expect(mu.grad).not.toBeNull();
    });
    expect(memory().liveTensors).toBe(before);
  });

  it('a SAC-style loop of 200 steps in scopes has flat memory, the cache included', () => {
    const mu = tensor([0.1, -0.2], { requiresGrad: true });
    const logStd = tensor([0, -0.5], { requiresGrad: true });
    const squash = new D.TanhTransform({ cacheSize: 1 });
    const step = () =>
      scope(() => {
        const pi = td(new D.Independent(normal(mu, T.exp(logStd)), 1), squash);
        const a = pi.rsample([8]);
        T.sub(T.mul(T.sum(pi.logProb(a)), 0.2), T.sum(T.square(a))).backward();
        for (const p of [mu, logStd]) {
          p.grad?.dispose();
          p.grad = null;
        }
      });
    step();
    const before = memory().liveTensors;
    for (let i = 0; i < 200; i++) step();
    expect(memory().liveTensors).toBe(before);
  });

  it('a TransformedDistribution returned from a scope keeps its base\'s and its transforms\' tensors', () => {
    const before = memory().liveTensors;
    scope(() => {
      const d = scope(() => td(normal(tensor([0, 1]), tensor([1, 2])), [new D.AffineTransform(tensor([1, 1]), tensor([2, 3])), new D.ExpTransform()]));
      expect(d.sample([3]).shape).toEqual([3, 2]);
      expect(nums(d.logProb(tensor([1, 2]))).every(Number.isFinite)).toBe(true);
    });
    expect(memory().liveTensors).toBe(before);
  });
});

describe('where PyTorch differs', () => {
  it('AffineTransform with a 0-d tensor scale and eventDim 1 counts log|scale| per element, as a number scale does (PyTorch counts it once per event)', () => {
    scope(() => {
      const x = T.zeros([2, 3]);
      const number = new D.AffineTransform(0, 2, 1);
      const zeroD = new D.AffineTransform(0, tensor(2), 1);
      expectClose(nums(ladj(zeroD, x)), nums(ladj(number, x)), 1e-6, 1e-6, 'per element');
      expectClose(nums(ladj(number, x)), [3 * Math.LN2, 3 * Math.LN2], 1e-6, 1e-6, '3·log 2 per event');
    });
  });
});
