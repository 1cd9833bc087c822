// Laplace, LogNormal, OneHotCategorical and ContinuousBernoulli (src/distributions/) against
// PyTorch 2.13: log_prob, cdf, icdf, entropy, mean, mode, variance, stddev and the KL pairs PyTorch
// registers, values and gradients w.r.t. the parameters and the value, from
// test/fixtures/distributions-more.safetensors (scripts/fixtures_distributions_more.py). Then what
// PyTorch cannot give goldens for (our Philox stream is not its generator): rsample against its
// formula for the noise the same seed draws, with those gradients; sample shapes, seeds,
// statistics of 20k draws; refusals, validateArgs, PyTorch spellings and tensor lifetimes.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { DTypeError, Generator, ShapeError, ValueError, distributions as D, manualSeed, memory, rand, randn, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';
import { expectSeededDraws } from './seeded-draws.js';
import { sampleStats } from './sample-stats.js';
import { describeGoldenCases, nums, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('distributions-more');
const lap = (loc: Tensor, scale: Tensor) => new D.Laplace(loc, scale);
const logn = (loc: Tensor, scale: Tensor) => new D.LogNormal(loc, scale);
const cb = (probs: Tensor) => new D.ContinuousBernoulli(probs);
const cbl = (logits: Tensor) => new D.ContinuousBernoulli({ logits });

const calls: Record<string, GoldenCall> = {
  laplaceLogProb: (l, s, x) => lap(l, s).logProb(x),
  laplaceCdf: (l, s, x) => lap(l, s).cdf(x),
  laplaceIcdf: (l, s, u) => lap(l, s).icdf(u),
  laplaceEntropy: (l, s) => lap(l, s).entropy(),
  laplaceMean: (l, s) => lap(l, s).mean,
  laplaceMode: (l, s) => lap(l, s).mode,
  laplaceVariance: (l, s) => lap(l, s).variance,
  laplaceStddev: (l, s) => lap(l, s).stddev,
  logNormalLogProb: (l, s, x) => logn(l, s).logProb(x),
  logNormalCdf: (l, s, x) => logn(l, s).cdf(x),
  logNormalEntropy: (l, s) => logn(l, s).entropy(),
  logNormalMean: (l, s) => logn(l, s).mean,
  logNormalMode: (l, s) => logn(l, s).mode,
  logNormalVariance: (l, s) => logn(l, s).variance,
  oneHotLogProbProbs: (p, x) => new D.OneHotCategorical(p).logProb(x),
  oneHotLogProbLogits: (lg, x) => new D.OneHotCategorical({ logits: lg }).logProb(x),
  oneHotEntropy: (lg) => new D.OneHotCategorical({ logits: lg }).entropy(),
  oneHotEntropyZeroProbs: (p) => new D.OneHotCategorical(p).entropy(),
  oneHotMean: (p) => new D.OneHotCategorical(p).mean,
  oneHotMode: (lg) => new D.OneHotCategorical({ logits: lg }).mode,
  oneHotVariance: (lg) => new D.OneHotCategorical({ logits: lg }).variance,
  cbLogProb: (p, x) => cb(p).logProb(x),
  cbLogProbLogits: (lg, x) => cbl(lg).logProb(x),
  cbLogProbLims: (p, x) => new D.ContinuousBernoulli(p, { lims: [0.4, 0.6] }).logProb(x),
  cbLimsEdges: (p, x) => new D.ContinuousBernoulli(p, { lims: [0.25, 0.75] }).logProb(x),
  cbLimsEdgesMean: (p) => new D.ContinuousBernoulli(p, { lims: [0.25, 0.75] }).mean,
  cbCdf: (p, x) => cb(p).cdf(x),
  cbIcdf: (p, u) => cb(p).icdf(u),
  cbEntropy: (p) => cb(p).entropy(),
  cbEntropyLogits: (lg) => cbl(lg).entropy(),
  cbMean: (p) => cb(p).mean,
  cbVariance: (p) => cb(p).variance,
  cbStddev: (lg) => cbl(lg).stddev,
  klLaplaceLaplace: (a, b, c, d) => D.klDivergence(lap(a, b), lap(c, d)),
  klLaplaceNormal: (a, b, c, d) => D.klDivergence(lap(a, b), new D.Normal(c, d)),
  klNormalLaplace: (a, b, c, d) => D.klDivergence(new D.Normal(a, b), lap(c, d)),
  klLaplaceUniform: (a, b, c, d) => D.klDivergence(lap(a, b), new D.Uniform(c, d)),
  klLogNormalLogNormal: (a, b, c, d) => D.klDivergence(logn(a, b), logn(c, d)),
  klOneHotOneHot: (p, lg) => D.klDivergence(new D.OneHotCategorical(p), new D.OneHotCategorical({ logits: lg })),
  klOneHotZeroProbs: (p, q) => D.klDivergence(new D.OneHotCategorical(p), new D.OneHotCategorical(q)),
  klCbCb: (p, q) => D.klDivergence(cb(p), cb(q)),
  klCbNormal: (p, a, b) => D.klDivergence(cb(p), new D.Normal(a, b)),
  klCbUniform: (p, a, b) => D.klDivergence(cb(p), new D.Uniform(a, b)),
  klUniformCb: (a, b, p) => D.klDivergence(new D.Uniform(a, b), cb(p)),
  klNormalCb: (a, b, p) => D.klDivergence(new D.Normal(a, b), cb(p)),
};
describeGoldenCases(fx, calls, (device) => `values and gradients match PyTorch (${device})`, { output: [1e-5, 1e-4], grad: [1e-4, 1e-3] });

describe('shapes', () => {
  it('sample(sampleShape) is sampleShape + batchShape + eventShape; logProb of the draws is sampleShape + batchShape', () => {
    scope(() => {
      const dists: [D.Distribution, number[]][] = [
        [new D.Laplace(T.zeros([2, 3]), 1), []],
        [new D.LogNormal(0, T.ones([2, 3])), []],
        [new D.ContinuousBernoulli(T.full([2, 3], 0.3)), []],
        [new D.ContinuousBernoulli({ logits: T.zeros([2, 3]) }), []],
        [new D.OneHotCategorical(T.ones([2, 3, 4])), [4]],
      ];
      for (const [d, event] of dists) {
        expect(d.eventShape).toEqual(event);
        for (const sampleShape of [[], [5], [4, 1]]) {
          const s = d.sample(sampleShape);
          expect(s.shape, `${d}.sample(${JSON.stringify(sampleShape)})`).toEqual([...sampleShape, 2, 3, ...event]);
          expect(s.dtype).toBe('float32');
          expect(d.logProb(s).shape).toEqual([...sampleShape, 2, 3]);
          if (d.hasRsample) expect(d.rsample(sampleShape).shape).toEqual([...sampleShape, 2, 3]);
        }
        expect(d.sample([0]).shape).toEqual([0, 2, 3, ...event]);
      }
      expect(new D.OneHotCategorical(tensor([0.2, 0.8])).sample().shape).toEqual([2]);
      expect(new D.Laplace(0, 1).rsample().shape).toEqual([]);
      expect(new D.Laplace(T.zeros([3]), 1).logProb(T.zeros([4, 1])).shape).toEqual([4, 3]);
      expect(new D.ContinuousBernoulli(0.3).icdf(tensor([0.1, 0.5])).shape).toEqual([2]);
    });
  });

  it('hasRsample as PyTorch: Laplace, LogNormal, ContinuousBernoulli; not OneHotCategorical', () => {
    expect([new D.Laplace(0, 1), new D.LogNormal(0, 1), new D.ContinuousBernoulli(0.3), new D.OneHotCategorical(T.ones([2]))].map((d) => d.hasRsample)).toEqual([true, true, true, false]);
    expect(() => new D.OneHotCategorical(T.ones([2])).rsample()).toThrow(/^OneHotCategorical\.rsample: OneHotCategorical has no reparameterised sampler/);
  });
});

describe('rsample is reparameterised', () => {
  it('Laplace: loc − scale·sign(u)·log1p(−|u|) for u uniform in [eps − 1, 1) from the seed, with those gradients', () => {
    scope(() => {
      const loc = tensor([0.5, -1, 2], { requiresGrad: true });
      const scale = tensor([1, 0.5, 2], { requiresGrad: true });
      const z = new D.Laplace(loc, scale).rsample([4], { generator: new Generator(5) });
      const u = T.uniform([4, 3], 2 ** -23 - 1, 1, { generator: new Generator(5) });
      const noise = T.mul(T.sign(u), T.log1p(T.neg(T.abs(u)))); // z = loc − scale·noise
      expectClose(nums(z), nums(T.sub(loc.detach(), T.mul(scale.detach(), noise))), 1e-6, 1e-6, 'draws');
      const up = randn([4, 3]);
      T.sum(T.mul(z, up)).backward();
      expectClose(nums(loc.grad!), nums(T.sum(up, 0)), 1e-5, 1e-5, 'd/dloc');
      expectClose(nums(scale.grad!), nums(T.sum(T.neg(T.mul(up, noise)), 0)), 1e-5, 1e-5, 'd/dscale');
      expect(nums(u).every((v) => v > -1 && v < 1)).toBe(true);
    });
  });

  it("LogNormal: exp of Normal's draw for the same seed; gradients reach loc and scale", () => {
    scope(() => {
      const loc = tensor([0.2, -0.3], { requiresGrad: true });
      const scale = tensor([0.5, 1.2], { requiresGrad: true });
      const z = new D.LogNormal(loc, scale).rsample([3], { generator: new Generator(8) });
      const eps = randn([3, 2], { generator: new Generator(8) });
      expectClose(nums(z), nums(T.exp(T.add(loc.detach(), T.mul(eps, scale.detach())))), 1e-6, 1e-5, 'draws');
      T.sum(z).backward();
      expectClose(nums(loc.grad!), nums(T.sum(z.detach(), 0)), 1e-5, 1e-5, 'd/dloc = Σ z');
      expectClose(nums(scale.grad!), nums(T.sum(T.mul(z.detach(), eps), 0)), 1e-5, 1e-5, 'd/dscale = Σ z·ε');
    });
  });

  it('ContinuousBernoulli: icdf of the uniform the seed draws; the gradient reaches probs and logits', () => {
    scope(() => {
      const probs = tensor([0.1, 0.3, 0.5, 0.8], { requiresGrad: true });
      const d = new D.ContinuousBernoulli(probs);
      const z = d.rsample([6], { generator: new Generator(3) });
      expectClose(nums(z), nums(d.icdf(rand([6, 4], { generator: new Generator(3) }))), 0, 0, 'draws');
      expect(nums(z).every((v) => v >= 0 && v <= 1)).toBe(true);
      T.sum(z).backward();
      const g = nums(probs.grad!);
      expect(g.slice(0, 2).concat(g[3]).every((v) => v > 0), 'a larger λ moves draws up').toBe(true);
      expect(g[2]).toBe(0); // λ = ½ is inside lims: the draw is u itself, as PyTorch's
      const logits = tensor([-1, 2], { requiresGrad: true });
      T.sum(new D.ContinuousBernoulli({ logits }).rsample([5])).backward();
      expect(nums(logits.grad!).every((v) => v > 0)).toBe(true);
      expect(d.sample([2]).requiresGrad).toBe(false);
    });
  });

  it('a VAE on [0, 1] pixels: the continuous Bernoulli likelihood of a decoded batch trains the decoder', () => {
    scope(() => {
      const decoderLogits = tensor([[0.3, -1.2, 2], [0, 0.001, -0.5]], { requiresGrad: true });
      const pixels = tensor([[0.4, 0.1, 0.95], [0.5, 0.5, 0.2]]);
      const nll = T.neg(T.sum(new D.Independent(new D.ContinuousBernoulli({ logits: decoderLogits }), 1).logProb(pixels)));
      nll.backward();
      expect(decoderLogits.grad!.shape).toEqual([2, 3]);
      expect(nums(decoderLogits.grad!).every(Number.isFinite)).toBe(true);
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
        [new D.Laplace(1, 2), 0.08, 0.08], // variance 8; Laplace's kurtosis 6 widens its error
        [new D.LogNormal(0, 0.5), 0.02, 0.1],
        [new D.ContinuousBernoulli(0.2), 0.01, 0.05],
        [new D.ContinuousBernoulli(0.5), 0.01, 0.05],
        [new D.ContinuousBernoulli({ logits: 3 }), 0.01, 0.05],
      ];
      for (const [d, meanTol, varTol] of cases) {
        const s = stats(d.sample([20000]));
        expect(Math.abs(s.mean - d.mean.itemSync()), `${d} mean`).toBeLessThan(meanTol);
        expect(Math.abs(s.variance / d.variance.itemSync() - 1), `${d} variance`).toBeLessThan(varTol);
      }
    });
  });

  it('OneHotCategorical draws one-hot rows, each category as often as its probability', () => {
    scope(() => {
      const d = new D.OneHotCategorical(tensor([[1, 2, 7, 0], [0, 0, 0, 1]]));
      const s = d.sample([20000]);
      expect(nums(T.sum(s, -1)).every((v) => v === 1)).toBe(true);
      const freq = nums(T.mean(s, 0));
      expectClose(freq.slice(0, 4), [0.1, 0.2, 0.7, 0], 0.015, 0, 'row 0 frequencies');
      expect(freq.slice(4)).toEqual([0, 0, 0, 1]);
      expect(nums(d.mode)).toEqual([0, 0, 1, 0, 0, 0, 0, 1]);
    });
  });

  it('a seed repeats the draws, through manualSeed or a Generator', () => {
    expectSeededDraws(() => [new D.Laplace(T.zeros([3]), 1), new D.LogNormal(0, 1), new D.ContinuousBernoulli(T.full([5], 0.3)), new D.OneHotCategorical(T.ones([2, 6]))]);
  });

  it('Laplace.icdf inverts cdf; ContinuousBernoulli.icdf inverts its cdf off the Taylor region', () => {
    scope(() => {
      const l = new D.Laplace(tensor([0.5, -2]), tensor([1, 3]));
      const u = tensor([[0.1, 0.9], [0.5, 0.3]]);
      expectClose(nums(l.cdf(l.icdf(u))), nums(u), 1e-6, 1e-5, 'Laplace');
      const c = new D.ContinuousBernoulli(tensor([0.1, 0.3, 0.8, 0.5]));
      const v = tensor([0.2, 0.6, 0.9, 0.4]);
      expectClose(nums(c.cdf(c.icdf(v))), nums(v), 1e-5, 1e-4, 'ContinuousBernoulli');
    });
  });
});

describe('klDivergence', () => {
  it('the pairs PyTorch registers; +∞ where q misses what p can draw; the rest refused, listing every pair', () => {
    scope(() => {
      const l = new D.Laplace(0, 1);
      expect(D.klDivergence(l, new D.Uniform(-1, 1)).itemSync()).toBe(Infinity);
      expect(D.klDivergence(l, new D.ContinuousBernoulli(0.3)).itemSync()).toBe(Infinity);
      expect(D.klDivergence(new D.Normal(0, 1), new D.ContinuousBernoulli(0.3)).itemSync()).toBe(Infinity);
      expect(D.klDivergence(l, l).itemSync()).toBe(0);
      expect(Math.abs(D.klDivergence(new D.LogNormal(1, 2), new D.LogNormal(1, 2)).itemSync())).toBeLessThan(1e-7);
      expect(() => D.klDivergence(new D.LogNormal(0, 1), new D.Normal(0, 1))).toThrow(
        /^klDivergence: no KL divergence is registered for LogNormal‖Normal \(registered with LogNormal or Normal: Normal‖Normal, .*Laplace‖Normal, Normal‖Laplace, .*LogNormal‖LogNormal.*; add one with registerKl\)$/,
      );
      expect(() => D.klDivergence(new D.OneHotCategorical(T.ones([3])), new D.Categorical(T.ones([3])))).toThrow(/no KL divergence is registered for OneHotCategorical‖Categorical/);
      expect(() => D.klDivergence(new D.OneHotCategorical(T.ones([3])), new D.OneHotCategorical(T.ones([4])))).toThrow(/^klDivergence: p has 3 categories but q has 4$/);
    });
  });

  it('Note [KL at the unit interval\'s ends]: Uniform(0, 1) covers ContinuousBernoulli\'s support, so KL is finite both ways (PyTorch: +∞)', () => {
    scope(() => {
      const c = new D.ContinuousBernoulli(0.3);
      const u = new D.Uniform(0, 1);
      expectClose([D.klDivergence(c, u).itemSync()], [T.neg(c.entropy()).itemSync()], 1e-6, 1e-6, 'KL(cb ‖ U(0, 1)) = −H(cb)');
      expect(Number.isFinite(D.klDivergence(u, c).itemSync())).toBe(true);
      expect(D.klDivergence(c, new D.Uniform(0.01, 1)).itemSync()).toBe(Infinity);
      expect(D.klDivergence(new D.Uniform(-0.01, 1), c).itemSync()).toBe(Infinity);
    });
  });
});

describe('validateArgs and refusals', () => {
  it('numbers are checked by default; tensors with validateArgs: true, naming the distribution, the argument, expected and got', () => {
    scope(() => {
      const on = { validateArgs: true };
      const cases: [() => unknown, new (m: string) => Error, RegExp][] = [
        [() => new D.Laplace(0, 0), ValueError, /^Laplace: scale expected a number > 0, got 0$/],
        [() => new D.Laplace(NaN, 1), ValueError, /^Laplace: loc expected a real number, got NaN$/],
        [() => new D.Laplace(0, tensor([1, -1]), on), ValueError, /^Laplace: scale expected values > 0, got 1 of 2 values outside \(found by validateArgs\)$/],
        [() => new D.Laplace('0' as never, 1), ValueError, /^Laplace: loc expected a tensor or a number, got string$/],
        [() => new D.Laplace(T.zeros([2]), T.ones([3])), ShapeError, /^Laplace: loc and scale expected shapes that broadcast together, got loc \[2\], scale \[3\]$/],
        [() => new D.Laplace(0, 1, on).icdf(tensor([0.5, 1.5])), ValueError, /^Laplace\.icdf: value expected probabilities in \[0, 1\], got 1 of 2 values outside/],
        [() => new D.Laplace(0, 1, on).logProb(tensor([NaN])), ValueError, /^Laplace\.logProb: value expected real values \(not NaN\)/],
        [() => new D.LogNormal(0, -2), ValueError, /^LogNormal: scale expected a number > 0, got -2$/],
        [() => new D.LogNormal(tensor([NaN]), 1, on), ValueError, /^LogNormal: loc expected real values \(not NaN\), got 1 of 1 value outside/],
        [() => new D.LogNormal(tensor([1n], { dtype: 'int64' }), 1), DTypeError, /^LogNormal: loc expected float32, got int64$/],
        [() => new D.LogNormal(0, 1, on).logProb(tensor([1, 0])), ValueError, /^LogNormal\.logProb: value expected values > 0, got 1 of 2/],
        [() => new D.OneHotCategorical(tensor(0.5)), ShapeError, /^OneHotCategorical: probs expected a tensor of at least 1 dimension with at least one category in the last, got \[\]$/],
        [() => new D.OneHotCategorical(tensor([0.5, -0.5]), on), ValueError, /^OneHotCategorical: probs expected finite values >= 0, got 1 of 2/],
        [() => new D.OneHotCategorical({ logits: tensor([NaN, 0]), validateArgs: true }), ValueError, /^OneHotCategorical: logits expected real values \(not NaN\)/],
        [() => new D.OneHotCategorical({ probs: T.ones([2]), logits: T.ones([2]) } as never), ValueError, /^OneHotCategorical: expected exactly one of probs or logits, got both$/],
        [() => new D.OneHotCategorical(T.ones([3]), on).logProb(tensor([1, 1, 0])), ValueError, /^OneHotCategorical\.logProb: value expected one-hot vectors \(a single 1 in the last dim\), got 1 of 1/],
        [() => new D.OneHotCategorical(T.ones([3]), on).logProb(tensor([0.5, 0.5, 0])), ValueError, /^OneHotCategorical\.logProb: value expected one-hot vectors \(values 0 or 1\), got 2 of 3/],
        [() => new D.OneHotCategorical(T.ones([3])).logProb(T.zeros([2, 4])), ShapeError, /^OneHotCategorical\.logProb: value \[2,4\] expected to end in the eventShape \[3\]$/],
        [() => new D.ContinuousBernoulli(1.5), ValueError, /^ContinuousBernoulli: probs expected a number in \[0, 1\], got 1\.5$/],
        [() => new D.ContinuousBernoulli(tensor([0.5, -0.1]), on), ValueError, /^ContinuousBernoulli: probs expected values in \[0, 1\], got 1 of 2/],
        [() => new D.ContinuousBernoulli({ logits: NaN }), ValueError, /^ContinuousBernoulli: logits expected a real number, got NaN$/],
        [() => new D.ContinuousBernoulli(0.3, { lims: [0.6, 0.4] }), ValueError, /^ContinuousBernoulli: option 'lims' expected \[low, high\] with 0 < low < high < 1, got \[0\.6, 0\.4\]$/],
        [() => new D.ContinuousBernoulli(0.3, { lim: [0.4, 0.6] } as never), ValueError, /ContinuousBernoulli: unknown option 'lim' \(it takes 'validateArgs', 'lims'\)/],
        [() => new D.ContinuousBernoulli({ logits: 0 } as never, { lims: [0.4, 0.6] }), ValueError, /ContinuousBernoulli: options go in the object with probs or logits \(new ContinuousBernoulli\(\{ logits, lims, validateArgs \}\)\)/],
        [() => new D.ContinuousBernoulli(0.3, on).logProb(tensor([1.2])), ValueError, /^ContinuousBernoulli\.logProb: value expected values in \[0, 1\], got 1 of 1/],
        [() => new D.ContinuousBernoulli(0.3, on).icdf(tensor([-0.2])), ValueError, /^ContinuousBernoulli\.icdf: value expected probabilities in \[0, 1\]/],
      ];
      for (const [make, cls, message] of cases) {
        expect(make, String(message)).toThrow(cls);
        expect(make).toThrow(message);
      }
      // Good arguments pass the reads; validateArgs: false skips the number checks.
      expect(new D.OneHotCategorical(T.ones([3]), on).logProb(tensor([0, 1, 0])).shape).toEqual([]);
      expect(new D.ContinuousBernoulli({ logits: tensor([0.2]), lims: [0.45, 0.55], validateArgs: true }).lims).toEqual([0.45, 0.55]);
      expect(nums(new D.Laplace(2, 0, { validateArgs: false }).sample([2]))).toEqual([2, 2]);
    });
  });

  it("LogNormal.icdf is exp of Normal's (PyTorch's values; user trial AJ)", () => {
    scope(() => {
      const d = new D.LogNormal(tensor([0.5, -1]), tensor([2, 0.3]));
      // torch.distributions.LogNormal([0.5, -1], [2, 0.3]).icdf([[0.3, 0.9], [0.01, 0.5]])
      expectClose(nums(d.icdf(tensor([[0.3, 0.9], [0.01, 0.5]]))), [0.577642023563385, 0.5403519868850708, 0.015721963718533516, 0.3678794503211975], 1e-5, 1e-6);
      expectClose(nums(d.cdf(d.icdf(tensor([0.2, 0.7])))), [0.2, 0.7], 1e-5, 1e-6);
    });
  });

  it('methods the base does not define here are refused; PyTorch spellings name ours; extra arguments refused', () => {
    scope(() => {
      const l = new D.Laplace(T.zeros([2]), 1);
      const c = new D.ContinuousBernoulli(0.3);
      expect(() => new D.LogNormal(0, 1, { validateArgs: true }).icdf(1.5)).toThrow(/^LogNormal\.icdf: value expected probabilities in \[0, 1\]/);
      expect(() => new D.OneHotCategorical(T.ones([2])).cdf(0)).toThrow(/^OneHotCategorical\.cdf: not defined for OneHotCategorical$/);
      expect(() => new D.Bernoulli(0.5).icdf(0.5)).toThrow(/^Bernoulli\.icdf: not defined for Bernoulli$/);
      expect(() => (l as unknown as { log_prob: unknown }).log_prob).toThrow(/^Laplace\.log_prob: this API spells it logProb$/);
      expect(() => (c as unknown as { batch_shape: unknown }).batch_shape).toThrow(/^ContinuousBernoulli\.batch_shape: this API spells it batchShape$/);
      expect(() => (c as unknown as { has_rsample: unknown }).has_rsample).toThrow(/^ContinuousBernoulli\.has_rsample: this API spells it hasRsample$/);
      expect(() => (new D.LogNormal(0, 1) as unknown as { base_dist: unknown }).base_dist).toThrow(/^LogNormal\.base_dist: this API spells it baseDist$/);
      expect(() => (new D.OneHotCategorical(T.ones([2])) as unknown as { num_categories: unknown }).num_categories).toThrow(/this API spells it numCategories$/);
      expect(() => (l.icdf as (...a: unknown[]) => Tensor)(0.5, 1)).toThrow(/Laplace\.icdf: takes at most 1 argument, got 2/);
      expect(() => (c.logNormalizer as (...a: unknown[]) => Tensor)(1)).toThrow(/ContinuousBernoulli\.logNormalizer: takes no arguments, got 1/);
    });
  });
});

describe('tensor lifetimes', () => {
  it('each method leaves only its result; a scope leaves nothing, backward included', () => {
    const before = memory().liveTensors;
    scope(() => {
      const x = T.full([2, 3], 0.4);
      const rows = tensor([[1, 0, 0], [0, 1, 0]]);
      const dists: D.Distribution[] = [
        new D.Laplace(T.zeros([3]), 2),
        new D.LogNormal(T.zeros([3]), T.ones([3])),
        new D.ContinuousBernoulli(T.full([3], 0.3)),
        new D.OneHotCategorical({ logits: T.zeros([2, 3]) }),
      ];
      for (const d of dists) {
        const oneHot = d instanceof D.OneHotCategorical;
        const calls: [string, () => Tensor][] = [
          ['sample', () => d.sample([4])],
          ['logProb', () => d.logProb(oneHot ? rows : x)],
          ['entropy', () => d.entropy()],
          ['variance', () => d.variance],
        ];
        if (d.hasRsample) calls.push(['rsample', () => d.rsample([2])]);
        if (!oneHot) calls.push(['logProb of a number', () => d.logProb(0.5)], ['cdf', () => d.cdf(x)]);
        if (d instanceof D.LogNormal || d instanceof D.ContinuousBernoulli) calls.push(['mean', () => d.mean]); // (Laplace's is its loc, OneHotCategorical's its probs)
        if (d instanceof D.LogNormal || d instanceof D.OneHotCategorical) calls.push(['mode', () => d.mode]);
        if (d instanceof D.Laplace || d instanceof D.ContinuousBernoulli) calls.push(['icdf', () => d.icdf(x)], ['stddev', () => d.stddev]);
        for (const [what, call] of calls) {
          const n = memory().liveTensors;
          call();
          expect(memory().liveTensors - n, `${d}.${what}`).toBe(1);
        }
      }
      for (const [p, q] of [[dists[0], new D.Normal(1, 1)], [dists[1], dists[1]], [dists[2], dists[2]], [dists[3], dists[3]], [new D.Uniform(0.2, 0.7), dists[2]]] as const) {
        const n = memory().liveTensors;
        D.klDivergence(p, q);
        expect(memory().liveTensors - n, `kl ${p}`).toBe(1);
      }
      const logits = tensor([0.1, 0.2], { requiresGrad: true });
      const q = new D.ContinuousBernoulli({ logits });
      T.add(T.sum(q.logProb(q.rsample([3]))), T.sum(D.klDivergence(q, new D.ContinuousBernoulli(0.5)))).backward();
    });
    expect(memory().liveTensors).toBe(before);
  });
});
