// MultivariateNormal (src/distributions/multivariate-normal.ts) against PyTorch 2.13: log_prob,
// entropy, mean, mode, variance, stddev, scale_tril, covariance_matrix, precision_matrix for each
// parameterisation, batched and broadcast, and KL(MultivariateNormal ‖ MultivariateNormal), values
// and gradients w.r.t. loc, the matrix and the value, from
// test/fixtures/multivariate-normal.safetensors (scripts/fixtures_multivariate_normal.py). Then
// what PyTorch cannot give goldens for (our Philox stream is not its generator): rsample against
// loc + L·ε for the ε the same seed draws, with those gradients; statistics of 40k draws; seeds;
// refusals, validateArgs, PyTorch spellings and tensor lifetimes.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { DTypeError, Generator, ShapeError, ValueError, distributions as D, manualSeed, memory, randn, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose, gradcheck } from '../src/testing/index.js';
import { describeGoldenCases, nums, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('multivariate-normal');
const cov = (loc: Tensor, covarianceMatrix: Tensor) => new D.MultivariateNormal(loc, { covarianceMatrix });
const prec = (loc: Tensor, precisionMatrix: Tensor) => new D.MultivariateNormal(loc, { precisionMatrix });
const tril = (loc: Tensor, scaleTril: Tensor) => new D.MultivariateNormal(loc, { scaleTril });

const calls: Record<string, GoldenCall> = {
  logProbCov: (l, m, x) => cov(l, m).logProb(x),
  logProbPrecision: (l, m, x) => prec(l, m).logProb(x),
  logProbScaleTril: (l, m, x) => tril(l, m).logProb(x),
  logProbBatched: (l, m, x) => cov(l, m).logProb(x),
  logProbBroadcastValue: (l, m, x) => tril(l, m).logProb(x),
  logProbPrecisionBatched: (l, m, x) => prec(l, m).logProb(x),
  logProbOneDim: (l, m, x) => cov(l, m).logProb(x),
  entropyCov: (l, m) => cov(l, m).entropy(),
  entropyPrecision: (l, m) => prec(l, m).entropy(),
  entropyScaleTril: (l, m) => tril(l, m).entropy(),
  entropyBatched: (l, m) => cov(l, m).entropy(),
  meanBatched: (l, m) => cov(l, m).mean,
  modeBatched: (l, m) => tril(l, m).mode,
  varianceCov: (l, m) => cov(l, m).variance,
  variancePrecision: (l, m) => prec(l, m).variance,
  varianceScaleTrilBatched: (l, m) => tril(l, m).variance,
  stddevCov: (l, m) => cov(l, m).stddev,
  scaleTrilFromCov: (l, m) => cov(l, m).scaleTril,
  scaleTrilFromPrecision: (l, m) => prec(l, m).scaleTril,
  scaleTrilGivenBroadcast: (l, m) => tril(l, m).scaleTril,
  covarianceFromScaleTril: (l, m) => tril(l, m).covarianceMatrix,
  covarianceFromPrecision: (l, m) => prec(l, m).covarianceMatrix,
  covarianceGivenBroadcast: (l, m) => cov(l, m).covarianceMatrix,
  precisionFromCov: (l, m) => cov(l, m).precisionMatrix,
  precisionFromScaleTril: (l, m) => tril(l, m).precisionMatrix,
  precisionGiven: (l, m) => prec(l, m).precisionMatrix,
  klCovCov: (a, b, c, d) => D.klDivergence(cov(a, b), cov(c, d)),
  klPrecisionScaleTril: (a, b, c, d) => D.klDivergence(prec(a, b), tril(c, d)),
  klBatched: (a, b, c, d) => D.klDivergence(tril(a, b), cov(c, d)),
  klSelf: (a, b) => D.klDivergence(cov(a, b), cov(a, b)),
};
describeGoldenCases(fx, calls, (device) => `values and gradients match PyTorch (${device})`, { output: [1e-4, 1e-4], grad: [5e-4, 5e-4] });

/** A 3×3 covariance with correlations, and its Cholesky factor written out. */
const COV = [
  [2, 0.6, -0.4],
  [0.6, 1, 0.3],
  [-0.4, 0.3, 0.5],
];

describe('shapes', () => {
  it('batchShape broadcasts loc [..., d] with the matrix [..., d, d]; eventShape is [d]; samples and logProb follow', () => {
    scope(() => {
      const cases: [D.MultivariateNormal, number[]][] = [
        [cov(T.zeros([3]), tensor(COV)), []],
        [cov(T.zeros([2, 3]), tensor(COV)), [2]],
        [tril(T.zeros([3]), T.expand(T.eye(3), [4, 1, 3, 3])), [4, 1]],
        [prec(T.zeros([2, 3]), T.expand(tensor(COV), [4, 1, 3, 3])), [4, 2]],
      ];
      for (const [d, batch] of cases) {
        expect(d.batchShape, String(d)).toEqual(batch);
        expect(d.eventShape).toEqual([3]);
        expect(d.hasRsample).toBe(true);
        for (const sampleShape of [[], [5], [2, 1]]) {
          const s = d.sample(sampleShape);
          expect(s.shape).toEqual([...sampleShape, ...batch, 3]);
          expect(s.requiresGrad).toBe(false);
          expect(d.rsample(sampleShape).shape).toEqual([...sampleShape, ...batch, 3]);
          expect(d.logProb(s).shape).toEqual([...sampleShape, ...batch]);
        }
        expect(d.mean.shape).toEqual([...batch, 3]);
        expect(d.variance.shape).toEqual([...batch, 3]);
        expect(d.entropy().shape).toEqual(batch);
        for (const m of [d.scaleTril, d.covarianceMatrix, d.precisionMatrix]) expect(m.shape).toEqual([...batch, 3, 3]);
        expect(d.sample([0]).shape).toEqual([0, ...batch, 3]);
      }
      expect(String(cases[3][0])).toBe('MultivariateNormal(batchShape: [4,2], eventShape: [3])');
      // A value of fewer batch dims broadcasts; one of more adds sample dims.
      expect(cases[3][0].logProb(T.zeros([3])).shape).toEqual([4, 2]);
      expect(cases[1][0].logProb(T.zeros([7, 1, 3])).shape).toEqual([7, 2]);
    });
  });

  it('the three parameterisations of one Σ agree on everything', () => {
    scope(() => {
      const loc = tensor([0.5, -1, 2]);
      const S = tensor(COV);
      const ds = [cov(loc, S), prec(loc, T.inv(S)), tril(loc, T.cholesky(S))];
      const x = randn([4, 3]);
      const [a, ...rest] = ds;
      for (const d of rest) {
        expectClose(nums(d.logProb(x)), nums(a.logProb(x)), 1e-5, 1e-5, 'logProb');
        expectClose([d.entropy().itemSync()], [a.entropy().itemSync()], 1e-5, 1e-5, 'entropy');
        for (const k of ['scaleTril', 'covarianceMatrix', 'precisionMatrix', 'variance', 'stddev'] as const) expectClose(nums(d[k]), nums(a[k]), 1e-5, 1e-4, k);
        expect(Math.abs(D.klDivergence(d, a).itemSync())).toBeLessThan(1e-5);
      }
    });
  });

  it('a diagonal covariance is an Independent Normal', () => {
    scope(() => {
      const loc = tensor([[0.5, -1], [2, 0]]);
      const scale = tensor([[1.5, 0.3], [0.7, 2]]);
      const m = cov(loc, T.mul(T.unsqueeze(T.square(scale), -1), T.eye(2)));
      const n = new D.Independent(new D.Normal(loc, scale), 1);
      const x = randn([3, 2, 2]);
      expectClose(nums(m.logProb(x)), nums(n.logProb(x)), 1e-5, 1e-5, 'logProb');
      expectClose(nums(m.entropy()), nums(n.entropy()), 1e-5, 1e-5, 'entropy');
      expectClose(nums(m.variance), nums(n.variance), 1e-6, 1e-6, 'variance');
      const q = cov(T.zeros([2, 2]), T.eye(2));
      expectClose(nums(D.klDivergence(m, q)), nums(D.klDivergence(n, new D.Independent(new D.Normal(T.zeros([2, 2]), 1), 1))), 1e-5, 1e-5, 'KL');
    });
  });
});

describe('rsample is reparameterised', () => {
  it('loc + L·ε for the ε the generator draws, with gradients dloc = Σ g and dL = Σ g·εᵀ', () => {
    scope(() => {
      const loc = tensor([[0.5, -1, 2], [0, 0, 1]], { requiresGrad: true });
      const L = T.cholesky(tensor(COV)).detach().requiresGrad_();
      const z = tril(loc, L).rsample([4], { generator: new Generator(5) });
      const eps = randn([4, 2, 3], { generator: new Generator(5) });
      expectClose(nums(z), nums(T.add(loc.detach(), T.matmul(eps, T.transpose(L.detach(), 0, 1)))), 1e-6, 1e-5, 'draws');
      const up = randn([4, 2, 3]);
      T.sum(T.mul(z, up)).backward();
      expectClose(nums(loc.grad!), nums(T.sum(up, 0)), 1e-5, 1e-5, 'd/dloc');
      const want = T.sum(T.mul(T.unsqueeze(up, -1), T.unsqueeze(eps, -2)), [0, 1]); // Σ g_i ε_j
      expectClose(nums(L.grad!), nums(want), 1e-5, 1e-4, 'd/dL');
    });
  });

  it('gradients reach covarianceMatrix and precisionMatrix through their factors; batched factors draw per batch element', () => {
    scope(() => {
      for (const make of [cov, prec]) {
        const S = tensor(COV, { requiresGrad: true });
        T.sum(T.square(make(T.zeros([3]), S).rsample([8]))).backward();
        expect(S.grad!.shape).toEqual([3, 3]);
        expect(nums(S.grad!).every(Number.isFinite) && nums(S.grad!).some((v) => v !== 0)).toBe(true);
      }
      // Two scales in one batch: each element's draws scale with its own factor.
      const d = tril(T.zeros([3]), T.stack([T.eye(3), T.mul(T.eye(3), 10)]));
      const s = d.sample([2], { generator: new Generator(1) });
      const eps = randn([2, 2, 3], { generator: new Generator(1) });
      expectClose(nums(s), nums(T.mul(eps, tensor([[1], [10]]))), 1e-6, 1e-5, 'per-element factors');
    });
  });
});

describe('sampling', () => {
  it('40k draws have the mean and covariance the distribution gives', () => {
    scope(() => {
      manualSeed(2024);
      const loc = tensor([1, -2, 0.5]);
      const S = tensor(COV);
      for (const d of [cov(loc, S), prec(loc, T.inv(S)), tril(loc, T.cholesky(S))]) {
        const s = d.sample([40000]);
        const mean = T.mean(s, 0);
        const centred = T.sub(s, mean);
        const sampleCov = T.div(T.matmul(T.transpose(centred, 0, 1), centred), 39999);
        // ≈ 4 standard errors: σ/√n ≤ 0.007 for the mean; ~ (σ_i σ_j)·√(2/n) for the covariance.
        expectClose(nums(mean), [1, -2, 0.5], 0.03, 0, `${String(d)} mean`);
        expectClose(nums(sampleCov), COV.flat(), 0.04, 0.03, 'covariance');
      }
    });
  });

  it('a seed repeats the draws, through manualSeed or a Generator', () => {
    scope(() => {
      const d = cov(T.zeros([2, 3]), tensor(COV));
      manualSeed(7);
      const a = nums(d.sample([4]));
      const b = nums(d.sample([4]));
      manualSeed(7);
      expect(nums(d.sample([4]))).toEqual(a);
      expect(a).not.toEqual(b);
      expect(nums(d.rsample([3], { generator: new Generator(11) }))).toEqual(nums(d.sample([3], { generator: new Generator(11) })));
    });
  });
});

describe('gradients', () => {
  it('agree with finite differences through a symmetric covariance, for logProb, entropy and KL', () => {
    scope(() => {
      const spd = (b: Tensor) => T.add(T.matmul(b, T.transpose(b, -2, -1)), T.mul(T.eye(3), 1.5));
      const B = T.mul(randn([3, 3]), 0.5).requiresGrad_();
      const loc = randn([2, 3], { requiresGrad: true });
      const x = randn([4, 2, 3]);
      expect(gradcheck((l, b) => cov(l, spd(b)).logProb(x), [loc, B]).details).toEqual([]);
      expect(gradcheck((b) => prec(T.zeros([3]), spd(b)).entropy(), [B]).details).toEqual([]);
      const L = T.add(T.tril(T.mul(randn([3, 3]), 0.3), -1), T.diag(tensor([1, 0.8, 1.2]))).requiresGrad_();
      expect(gradcheck((l, b, lt) => D.klDivergence(cov(l, spd(b)), tril(T.zeros([3]), lt)), [loc, B, L]).details).toEqual([]);
    });
  });
});

describe('klDivergence', () => {
  it('is zero for the same distribution, positive otherwise; refuses other sizes and batch shapes that do not broadcast', () => {
    scope(() => {
      const p = cov(tensor([1, 0, -1]), tensor(COV));
      expect(Math.abs(D.klDivergence(p, p).itemSync())).toBeLessThan(1e-6);
      expect(D.klDivergence(p, cov(T.zeros([3]), T.eye(3))).itemSync()).toBeGreaterThan(0);
      expect(() => D.klDivergence(p, cov(T.zeros([2]), T.eye(2)))).toThrow(ShapeError);
      expect(() => D.klDivergence(p, cov(T.zeros([2]), T.eye(2)))).toThrow(/^klDivergence: MultivariateNormal p and q expected the same eventShape, got \[3\] and \[2\]$/);
      expect(() => D.klDivergence(cov(T.zeros([2, 3]), T.eye(3)), cov(T.zeros([4, 3]), T.eye(3)))).toThrow(
        /^klDivergence: MultivariateNormal p and q expected batch shapes that broadcast together, got \[2\] and \[4\]$/,
      );
      expect(() => D.klDivergence(p, new D.Normal(0, 1))).toThrow(/^klDivergence: no KL divergence is registered for MultivariateNormal‖Normal \(registered with MultivariateNormal or Normal: Normal‖Normal, .*MultivariateNormal‖MultivariateNormal.*; add one with registerKl\)$/);
    });
  });
});

describe('validateArgs and refusals', () => {
  it('exactly one matrix, in the options object; PyTorch spellings name ours', () => {
    scope(() => {
      const loc = T.zeros([2]);
      const I = T.eye(2);
      const cases: [() => unknown, new (m: string) => Error, RegExp][] = [
        [() => new D.MultivariateNormal(loc, undefined as never), ValueError, /^MultivariateNormal: expected exactly one of covarianceMatrix, precisionMatrix or scaleTril \(new MultivariateNormal\(loc, \{ covarianceMatrix \| precisionMatrix \| scaleTril \}\)\), got none$/],
        [() => new D.MultivariateNormal(loc, {} as never), ValueError, /^MultivariateNormal: expected exactly one of covarianceMatrix, precisionMatrix or scaleTril .*, got none$/],
        [() => new D.MultivariateNormal(loc, { validateArgs: true } as never), ValueError, /got none$/],
        [() => new D.MultivariateNormal(loc, { covarianceMatrix: I, scaleTril: I } as never), ValueError, /^MultivariateNormal: expected exactly one of .*, got covarianceMatrix and scaleTril$/],
        [() => new D.MultivariateNormal(loc, I as never), ValueError, /^MultivariateNormal: options expected an object, as new MultivariateNormal\(loc, \{ covarianceMatrix \| precisionMatrix \| scaleTril \}\) \(PyTorch's MultivariateNormal\(loc, cov\) is \{ covarianceMatrix: cov \} here\), got a tensor$/],
        [() => new D.MultivariateNormal(loc, { covariance_matrix: I } as never), ValueError, /^MultivariateNormal: unknown option 'covariance_matrix' \(it takes 'covarianceMatrix', 'precisionMatrix', 'scaleTril', 'validateArgs'\); did you mean 'covarianceMatrix'\?$/],
        [() => new D.MultivariateNormal(loc, { scale_tril: I } as never), ValueError, /unknown option 'scale_tril' .*; did you mean 'scaleTril'\?$/],
        [() => new D.MultivariateNormal(loc, { precision_matrix: I } as never), ValueError, /unknown option 'precision_matrix' .*; did you mean 'precisionMatrix'\?$/],
        [() => new D.MultivariateNormal(loc, { scaleTril: I, validate_args: true } as never), ValueError, /unknown option 'validate_args' .*; did you mean 'validateArgs'\?$/],
        [() => new D.MultivariateNormal(loc, { scaleTril: I, validateArgs: 1 } as never), ValueError, /^MultivariateNormal: option 'validateArgs' expected a boolean, got number$/],
      ];
      for (const [make, cls, message] of cases) {
        expect(make, String(message)).toThrow(cls);
        expect(make).toThrow(message);
      }
      const d = tril(loc, I);
      for (const [snake, ours] of [['log_prob', 'logProb'], ['scale_tril', 'scaleTril'], ['covariance_matrix', 'covarianceMatrix'], ['precision_matrix', 'precisionMatrix'], ['batch_shape', 'batchShape'], ['has_rsample', 'hasRsample']]) {
        expect(() => (d as unknown as Record<string, unknown>)[snake]).toThrow(new RegExp(`^MultivariateNormal\\.${snake}: this API spells it ${ours}$`));
      }
      expect(() => (d.logProb as (...a: unknown[]) => Tensor)(T.zeros([2]), 1)).toThrow(/MultivariateNormal\.logProb: takes at most 1 argument, got 2/);
      expect(() => d.sample(3 as never)).toThrow(/^MultivariateNormal\.sample: sampleShape expected an array of non-negative integers, got number \(write \[3\], as PyTorch's sample\(\(3,\)\)\)$/);
      expect(() => d.cdf(T.zeros([2]))).toThrow(/^MultivariateNormal\.cdf: not defined for MultivariateNormal$/);
    });
  });

  it('types, dtypes and shapes are refused at once, naming the argument, expected and got', () => {
    scope(() => {
      const I = T.eye(3);
      const cases: [() => unknown, new (m: string) => Error, RegExp][] = [
        [() => cov(0 as never, I), ShapeError, /^MultivariateNormal: loc expected a tensor of at least 1 dimension \[\.\.\., d\], got a number$/],
        [() => cov(tensor(1), I), ShapeError, /^MultivariateNormal: loc expected a tensor of at least 1 dimension \[\.\.\., d\], got \[\]$/],
        [() => cov([0, 0, 0] as never, I), ValueError, /^MultivariateNormal: loc expected a tensor or a number, got an array \(make it a tensor with tensor\(\[\.\.\.\]\)\)$/],
        [() => cov(T.zeros([3]), 1 as never), ShapeError, /^MultivariateNormal: covarianceMatrix expected a square matrix or a batch of them \[\.\.\., d, d\], got a number$/],
        [() => tril(T.zeros([3]), T.zeros([3, 2])), ShapeError, /^MultivariateNormal: scaleTril expected a square matrix or a batch of them \[\.\.\., d, d\], got \[3,2\]$/],
        [() => prec(T.zeros([3]), T.zeros([3])), ShapeError, /^MultivariateNormal: precisionMatrix expected a square matrix .*, got \[3\]$/],
        [() => cov(T.zeros([2]), I), ShapeError, /^MultivariateNormal: loc \[2\] and covarianceMatrix \[3,3\] expected the same size d \(loc \[\.\.\., d\], covarianceMatrix \[\.\.\., d, d\]\), got 2 and 3$/],
        [() => cov(T.zeros([2, 3]), T.expand(I, [4, 3, 3])), ShapeError, /^MultivariateNormal: loc \[2,3\] and covarianceMatrix \[4,3,3\] expected batch dims that broadcast together, got \[2\] and \[4\]$/],
        [() => cov(T.zeros([3], { dtype: 'int64' }), I), DTypeError, /^MultivariateNormal: loc expected float32, got int64$/],
        [() => tril(T.zeros([3]), T.eye(3, { dtype: 'int32' })), DTypeError, /^MultivariateNormal: scaleTril expected float32, got int32$/],
        [() => cov(T.zeros([3]), I).logProb(T.zeros([2])), ShapeError, /^MultivariateNormal\.logProb: value \[2\] expected to end in the eventShape \[3\]$/],
        [() => cov(T.zeros([2, 3]), I).logProb(T.zeros([4, 3])), ShapeError, /^MultivariateNormal\.logProb: value \[4,3\] expected to broadcast with batchShape \+ eventShape \[2,3\]$/],
      ];
      for (const [make, cls, message] of cases) {
        expect(make, String(message)).toThrow(cls);
        expect(make).toThrow(message);
      }
    });
  });

  it('a covariance or precision that is not positive-definite is refused as PyTorch refuses it, validateArgs or not', () => {
    scope(() => {
      const indefinite = tensor([[1, 2], [2, 1]]);
      expect(() => cov(T.zeros([2]), indefinite)).toThrow(
        /^MultivariateNormal: covarianceMatrix expected positive-definite matrices, got one that is not \(cholesky: The factorization could not be completed because the input is not positive-definite \(the leading minor of order 2 is not positive-definite\)\.\)$/,
      );
      expect(() => prec(T.zeros([2]), indefinite)).toThrow(/^MultivariateNormal: precisionMatrix expected positive-definite matrices, got one that is not \(cholesky of the matrix flipped in both dims: The factorization/);
    });
  });

  it('with validateArgs, one read checks loc and the matrix, naming what is wrong and how many', () => {
    scope(() => {
      const on = { validateArgs: true } as const;
      const I = T.eye(2);
      const batch = (...ms: number[][][]) => tensor(ms);
      const cases: [() => unknown, RegExp][] = [
        [() => new D.MultivariateNormal(tensor([NaN, 0]), { covarianceMatrix: I, ...on }), /^MultivariateNormal: loc expected real values \(not NaN\), got 1 of 2 values outside \(found by validateArgs\)$/],
        [() => new D.MultivariateNormal(T.zeros([2]), { covarianceMatrix: batch([[1, 0], [0, 1]], [[1, 0.5], [0, 1]]), ...on }), /^MultivariateNormal: covarianceMatrix expected symmetric matrices \(within atol 1e-6, rtol 1e-5\), got 1 of 2 matrices outside \(found by validateArgs\)$/],
        [() => new D.MultivariateNormal(T.zeros([2]), { covarianceMatrix: batch([[1, 2], [2, 1]], [[1, 0], [0, -1]], [[1, 0], [0, 1]]), ...on }), /^MultivariateNormal: covarianceMatrix expected positive-definite matrices, got 2 of 3 matrices outside \(found by validateArgs\)$/],
        [() => new D.MultivariateNormal(T.zeros([2]), { precisionMatrix: tensor([[-1, 0], [0, 1]]), ...on }), /^MultivariateNormal: precisionMatrix expected positive-definite matrices, got 1 of 1 matrix outside/],
        [() => new D.MultivariateNormal(T.zeros([2]), { precisionMatrix: tensor([[NaN, 0], [0, 1]]), ...on }), /^MultivariateNormal: precisionMatrix expected real values \(not NaN\), got 1 of 4 values outside/],
        [() => new D.MultivariateNormal(T.zeros([2]), { scaleTril: tensor([[1, 0.5], [0, 1]]), ...on }), /^MultivariateNormal: scaleTril expected lower-triangular matrices \(zeros above the diagonal\), got 1 of 1 matrix outside/],
        [() => new D.MultivariateNormal(T.zeros([2]), { scaleTril: batch([[1, 0], [0.5, 0]], [[1, 0], [3, 2]]), ...on }), /^MultivariateNormal: scaleTril expected matrices with a positive diagonal, got 1 of 2 matrices outside/],
        [() => new D.MultivariateNormal(T.zeros([2]), { scaleTril: I, ...on }).logProb(tensor([[0, NaN]])), /^MultivariateNormal\.logProb: value expected real values \(not NaN\), got 1 of 2 values outside/],
      ];
      for (const [make, message] of cases) {
        expect(make, String(message)).toThrow(ValueError);
        expect(make).toThrow(message);
      }
      // Good arguments pass the reads; without validateArgs nothing is read (a bad scaleTril shows in the values).
      const ok = new D.MultivariateNormal(T.zeros([2]), { covarianceMatrix: tensor([[2, 0.5], [0.5, 1]]), ...on });
      expectClose(nums(ok.scaleTril), nums(T.cholesky(tensor([[2, 0.5], [0.5, 1]]))), 0, 0, 'validated factor');
      expect(ok.logProb(T.zeros([2])).shape).toEqual([]);
      expect(Number.isNaN(tril(T.zeros([2]), tensor([[-1, 0], [0, 1]])).entropy().itemSync())).toBe(true);
      D.setDefaultValidateArgs(true);
      try {
        expect(() => tril(T.zeros([2]), tensor([[-1, 0], [0, 1]]))).toThrow(/scaleTril expected matrices with a positive diagonal/);
        expect(() => new D.MultivariateNormal(T.zeros([2]), { scaleTril: tensor([[-1, 0], [0, 1]]), validateArgs: false })).not.toThrow();
      } finally {
        D.setDefaultValidateArgs(false);
      }
    });
  });
});

describe('tensor lifetimes', () => {
  it('each method leaves only its result; a getter of what the distribution holds leaves nothing; a scope leaves nothing, backward included', () => {
    const before = memory().liveTensors;
    scope(() => {
      const S = tensor(COV);
      const dists = [cov(T.zeros([3]), S), prec(T.zeros([2, 3]), S), tril(T.zeros([3]), T.cholesky(S))];
      const x = randn([4, 1, 3]);
      for (const d of dists) {
        const made: [string, () => Tensor][] = [
          ['sample', () => d.sample([4])],
          ['rsample', () => d.rsample([2])],
          ['logProb', () => d.logProb(x)],
          ['entropy', () => d.entropy()],
          ['variance', () => d.variance],
          ['stddev', () => d.stddev],
        ];
        const batched = d.batchShape.length > 0;
        const given = d === dists[0] ? 'covarianceMatrix' : d === dists[1] ? 'precisionMatrix' : 'scaleTril';
        for (const k of ['scaleTril', 'covarianceMatrix', 'precisionMatrix'] as const) {
          // The matrix given, or the factor of a covariance, is returned as held where it has the batch shape.
          const held = !batched && (k === given || (k === 'scaleTril' && given === 'covarianceMatrix'));
          (held ? [] : made).push([k, () => d[k]]);
          if (held) {
            const n = memory().liveTensors;
            void d[k];
            expect(memory().liveTensors - n, `${d}.${k}`).toBe(0);
          }
        }
        for (const [what, call] of made) {
          const n = memory().liveTensors;
          call();
          expect(memory().liveTensors - n, `${d}.${what}`).toBe(1);
        }
        for (const k of ['mean', 'mode'] as const) {
          const n = memory().liveTensors;
          expect(d[k]).toBe(d.loc);
          expect(memory().liveTensors - n).toBe(0);
        }
      }
      for (const [p, q] of [[dists[0], dists[1]], [dists[2], dists[0]]]) {
        const n = memory().liveTensors;
        D.klDivergence(p, q);
        expect(memory().liveTensors - n, `kl ${p}`).toBe(1);
      }
      const loc = tensor([0.1, 0.2, 0.3], { requiresGrad: true });
      const C = tensor(COV, { requiresGrad: true });
      const q = cov(loc, C);
      T.add(T.sum(q.logProb(q.rsample([3]))), D.klDivergence(q, dists[2])).backward();
      expect(C.grad!.shape).toEqual([3, 3]);
    });
    expect(memory().liveTensors).toBe(before);
  });

  it('made in a scope, each constructor leaves only what the distribution holds; returned from one, the distribution keeps it', () => {
    scope(() => {
      const S = tensor(COV);
      // Each holds its loc (a new zeros) and L (for scaleTril, the matrix given): the rest is freed.
      for (const [make, made] of [[() => cov(T.zeros([3]), S), 2], [() => prec(T.zeros([3]), S), 2], [() => tril(T.zeros([3]), S), 1]] as const) {
        const n = memory().liveTensors;
        make();
        expect(memory().liveTensors - n).toBe(made);
      }
      const d = scope(() => cov(randn([2, 3]), tensor(COV)));
      expect(d.logProb(T.zeros([3])).shape).toEqual([2]);
      expect(d.sample([2]).shape).toEqual([2, 2, 3]);
      expect(nums(d.covarianceMatrix).slice(0, 9)).toEqual(COV.flat().map(Math.fround));
    });
  });
});
