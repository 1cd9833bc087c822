// The gamma family beyond what the op table's goldens cover: gammainc's identities and its
// gradient in a; the poles (where PyTorch's float trigamma gives large finite numbers and ours
// +∞), derivatives of every order through autograd, the spellings; then the rejection samplers,
// which have no goldens (our Philox stream is not PyTorch's generator): moments of 20k draws (and
// binomial's histogram against its pmf), the
// reparameterised gradient's mean (E[dx/dα] = 1 for a Gamma(α, 1) draw, since E[x] = α),
// determinism across seeds and thread counts, refusals.
import { afterEach, describe, expect, it } from 'vitest';
import {
  Generator,
  ValueError,
  binomial,
  digamma,
  full,
  gammainc,
  gammaincc,
  getNumThreads,
  grad,
  lgamma,
  memory,
  poisson,
  polygamma,
  scope,
  setNumThreads,
  standardGamma,
  tensor,
  type Tensor,
} from '../src/index.js';
import { sampleStats } from './sample-stats.js';

const values = (t: Tensor) => Array.from(t.dataSync() as Float32Array);
const moments = sampleStats;

describe('lgamma, digamma, polygamma', () => {
  it('are infinite at the poles and follow the signs of ±0', () => {
    expect(values(lgamma(tensor([0, -1, -2, -Infinity])))).toEqual([Infinity, Infinity, Infinity, Infinity]);
    expect(values(digamma(tensor([0, -0, -1, -3])))).toEqual([-Infinity, Infinity, NaN, NaN]);
    expect(values(polygamma(1, tensor([0, -1, -7])))).toEqual([Infinity, Infinity, Infinity]);
    expect(values(polygamma(2, tensor([0]))))
      .toEqual([-Infinity]);
  });

  it('polygamma(0, x) is digamma, and each is the derivative of the one before, to any order', () => {
    const x = tensor([0.3, 1, 2.5, 7], { requiresGrad: true });
    expect(values(polygamma(0, x))).toEqual(values(digamma(x)));
    const [d1] = grad(lgamma(x).sum(), [x], { createGraph: true });
    const [d2] = grad(d1!.sum(), [x], { createGraph: true });
    const [d3] = grad(d2!.sum(), [x]);
    const close = (a: Tensor, b: Tensor) => values(a).forEach((v, i) => expect(v).toBeCloseTo(values(b)[i]!, 4));
    close(d1!, digamma(x));
    close(d2!, polygamma(1, x));
    close(d3!, polygamma(2, x));
  });

  it('answers a huge order at once (the fuzz test found n = 2^52 looping for ever)', () => {
    const started = Date.now();
    const r = values(polygamma(2 ** 52, tensor([1.5, 2])));
    expect(r.every((v) => !Number.isFinite(v))).toBe(true); // n! has long overflowed
    expect(values(polygamma(300, tensor([2])))[0]).toBe(-Infinity);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('has PyTorch’s method spellings and refuses a negative or fractional order', () => {
    const x = tensor([1.5, 4]);
    expect(values(x.lgamma())).toEqual(values(lgamma(x)));
    expect(values(x.digamma())).toEqual(values(digamma(x)));
    expect(values(x.polygamma(3))).toEqual(values(polygamma(3, x)));
    expect(() => polygamma(-1, x)).toThrow(new ValueError('polygamma: n expected an integer >= 0, got -1'));
    expect(() => polygamma(1.5, x)).toThrow(/polygamma: n expected an integer >= 0, got 1.5/);
  });

  it('takes integer inputs as floats, like PyTorch', () => {
    const r = lgamma(tensor([1, 2, 5], { dtype: 'int32' }));
    expect(r.dtype).toBe('float32');
    values(r).forEach((v, i) => expect(v).toBeCloseTo(Math.log([1, 1, 24][i]!), 6));
  });
});

describe('gammainc, gammaincc', () => {
  it('broadcast, sum to 1, and take the CDF of Gamma draws to uniform values', () => {
    const a = tensor([[0.5], [4]]);
    const x = tensor([0.1, 2, 9]);
    const p = gammainc(a, x), q = gammaincc(a, x);
    expect(p.shape).toEqual([2, 3]);
    values(p).forEach((v, i) => expect(v + values(q)[i]!).toBeCloseTo(1, 6));
    // P(α, X) of X ~ Gamma(α, 1) is uniform on (0, 1): mean ½, variance 1/12.
    const alpha = full([20000], 3);
    const u = moments(values(gammainc(alpha, standardGamma(alpha, { generator: new Generator(9) }))));
    expect(Math.abs(u.mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / 20000));
    expect(Math.abs(u.variance - 1 / 12)).toBeLessThan(0.004);
  });

  it('is differentiable in a (PyTorch is not), matching central differences', () => {
    const a = tensor([0.7, 3, 12], { requiresGrad: true });
    const x = tensor([0.4, 2.5, 14]);
    const [g] = grad(gammaincc(a, x).sum(), [a]);
    const h = 1e-2;
    const fd = values(a.detach()).map((v, i) => {
      const at = (d: number) => values(gammaincc(tensor([v + d]), tensor([values(x)[i]!])))[0]!;
      return (at(h) - at(-h)) / (2 * h);
    });
    values(g!).forEach((v, i) => expect(v).toBeCloseTo(fd[i]!, 3));
  });

  it('refuses what is not a tensor and shapes that do not broadcast', () => {
    expect(() => gammainc(2 as never, tensor([1]))).toThrow(/^gammainc: /);
    expect(() => gammaincc(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/^gammaincc: .*broadcast/);
  });
});

describe('standardGamma', () => {
  const threads = getNumThreads();
  afterEach(() => setNumThreads(threads));

  it.each([0.05, 0.5, 1, 4, 200])('Gamma(%f, 1) draws have mean and variance α', (alpha) => {
    const xs = values(standardGamma(full([20000], alpha), { generator: new Generator(11) }));
    const { mean, variance } = moments(xs);
    // Standard errors: √(α/n) for the mean, about α·√(2/n)·√(1 + 3/α) for the variance.
    expect(Math.abs(mean - alpha)).toBeLessThan(5 * Math.sqrt(alpha / 20000));
    expect(Math.abs(variance - alpha)).toBeLessThan(5 * alpha * Math.sqrt((2 + 6 / alpha) / 20000));
    expect(Math.min(...xs)).toBeGreaterThan(0);
  });

  it.each([0.3, 2, 50])('the reparameterised gradient has mean 1 at α = %f (d/dα E[x] = 1)', (alpha) => {
    const a = full([20000], alpha).requiresGrad_();
    const x = standardGamma(a, { generator: new Generator(5) });
    const [g] = grad(x.sum(), [a]);
    const { mean, variance } = moments(values(g!));
    expect(Math.abs(mean - 1)).toBeLessThan(5 * Math.sqrt(variance / 20000));
  });

  it('depends only on the seed and the element: the same on 1 and 2 threads, new draws after each call', () => {
    const alpha = tensor(Array.from({ length: 3000 }, (_, i) => 0.1 + (i % 17)));
    setNumThreads(1);
    const one = values(standardGamma(alpha, { generator: new Generator(3) }));
    setNumThreads(2);
    const g = new Generator(3);
    const two = values(standardGamma(alpha, { generator: g }));
    expect(two).toEqual(one);
    expect(g.getState().offset).toBe(4 * 3000);
    const next = values(standardGamma(alpha, { generator: g }));
    expect(next.filter((v, i) => v === one[i]).length).toBeLessThan(5);
  });

  it('refuses a concentration that is not a finite positive number, naming the element', () => {
    expect(() => standardGamma(tensor([1, 2, -0.5])).dataSync()).toThrow(/standardGamma: concentration expected finite values > 0, got -0\.5\d* at element 2/);
    expect(() => standardGamma(tensor([NaN])).dataSync()).toThrow(/standardGamma: concentration expected finite values > 0, got nan at element 0/);
    expect(() => standardGamma(tensor([1]), { generator: 3 as never })).toThrow(/standardGamma: option 'generator' expected a Generator/);
  });
});

describe('poisson', () => {
  it.each([0.5, 5, 9.9, 10, 80, 5000])('Poisson(%f) counts are whole, with mean and variance λ', (rate) => {
    const xs = values(poisson(full([20000], rate), { generator: new Generator(21) }));
    expect(xs.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean - rate)).toBeLessThan(5 * Math.sqrt(rate / 20000));
    expect(Math.abs(variance - rate)).toBeLessThan(5 * rate * Math.sqrt((2 + 1 / rate) / 20000));
  });

  it('gives 0 at rate 0, refuses a negative rate, and keeps no tensors', () => {
    const before = memory().tensors;
    scope(() => {
      expect(values(poisson(tensor([0, 0])))).toEqual([0, 0]);
      expect(() => poisson(tensor([3, -1])).dataSync()).toThrow(/poisson: rate expected finite values >= 0, got -1\.?\d* at element 1/);
    });
    expect(memory().tensors).toBe(before);
  });
});

describe('binomial', () => {
  const threads = getNumThreads();
  afterEach(() => setNumThreads(threads));
  const logChoose = (n: number, k: number) => values(lgamma(tensor([n + 1, k + 1, n - k + 1]))).reduce((a, b, i) => (i === 0 ? b : a - b));

  // Both methods (n·min(p, 1 − p) under and over 10), p past ½ (failures of 1 − p), huge counts.
  it.each([
    [10, 0.3],
    [1000, 0.005],
    [40, 0.5],
    [200, 0.85],
    [1e6, 0.3],
    [1e9, 1e-8],
  ])('Binomial(%d, %f) counts are whole, in [0, n], with mean np and variance np(1 − p)', (n, p) => {
    const xs = values(binomial(full([20000], n), full([20000], p), { generator: new Generator(31) }));
    expect(xs.every((v) => Number.isInteger(v) && v >= 0 && v <= n)).toBe(true);
    const { mean, variance } = moments(xs);
    const v = n * p * (1 - p);
    expect(Math.abs(mean - n * p)).toBeLessThan(5 * Math.sqrt(v / 20000));
    expect(Math.abs(variance / v - 1)).toBeLessThan(5 * Math.sqrt(2 / 20000) + 0.01);
  });

  it.each([
    [12, 0.3],
    [60, 0.4],
  ])('Binomial(%d, %f): the histogram of 50k draws fits the pmf (chi-square)', (n, p) => {
    const draws = 50000;
    const xs = values(binomial(full([draws], n), full([draws], p), { generator: new Generator(8) }));
    const observed = new Array<number>(n + 1).fill(0);
    for (const k of xs) observed[k]++;
    let chi2 = 0;
    let cells = 0;
    for (let k = 0; k <= n; k++) {
      const expected = draws * Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
      if (expected < 20) continue;
      chi2 += (observed[k] - expected) ** 2 / expected;
      cells++;
    }
    // χ² with `cells` degrees of freedom has mean cells and sd √(2·cells): 5 sd is far past chance.
    expect(chi2).toBeLessThan(cells + 5 * Math.sqrt(2 * cells));
  });

  it('takes the edges exactly, broadcasts count and prob, casts integer counts, and keeps no tensors', () => {
    const before = memory().tensors;
    scope(() => {
      expect(values(binomial(tensor([0, 5, 7, 9]), tensor([0.5, 0, 1, 1])))).toEqual([0, 0, 7, 9]);
      expect(binomial(tensor([10]), tensor([0.5, 0.2, 0.9])).shape).toEqual([3]);
      const counts = values(binomial(tensor([3, 20], { dtype: 'int32' }), tensor(0.5)));
      expect(counts[0]).toBeLessThanOrEqual(3);
      expect(counts[1]).toBeLessThanOrEqual(20);
    });
    expect(memory().tensors).toBe(before);
  });

  it('depends only on the seed and the element: the same on 1 and 2 threads', () => {
    const draw = () => values(binomial(full([3000], 50), full([3000], 0.3), { generator: new Generator(4) }));
    setNumThreads(1);
    const one = draw();
    setNumThreads(2);
    expect(draw()).toEqual(one);
    const g = new Generator(4);
    const first = values(binomial(full([100], 50), full([100], 0.3), { generator: g }));
    expect(values(binomial(full([100], 50), full([100], 0.3), { generator: g }))).not.toEqual(first);
  });

  it('refuses a fractional or negative count and a probability outside [0, 1], naming the element', () => {
    expect(() => binomial(tensor([1, 2.5]), tensor([0.5, 0.5])).dataSync()).toThrow(/^binomial: count expected whole numbers >= 0, got 2\.50* at element 1$/);
    expect(() => binomial(tensor([-3]), tensor([0.5])).dataSync()).toThrow(/^binomial: count expected whole numbers >= 0, got -3\.?0* at element 0$/);
    expect(() => binomial(tensor([4, 4]), tensor([0.5, NaN])).dataSync()).toThrow(/^binomial: prob expected values in \[0, 1\], got nan at element 1$/);
    expect(() => binomial(tensor([1, 2]), tensor([0.5, 0.5, 0.5]))).toThrow(/^binomial: .*broadcast/);
    expect(() => binomial([3] as never, tensor([0.5]))).toThrow(/^binomial: /);
    expect(() => binomial(tensor([3]), tensor([0.5]), { seed: 1 } as never)).toThrow(/^binomial: unknown option 'seed'/);
  });
});
