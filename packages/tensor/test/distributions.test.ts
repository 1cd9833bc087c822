// src/distributions/ (torch.distributions' essentials) against PyTorch 2.13: logProb, entropy,
// cdf, mean, stddev, variance and klDivergence, values and gradients w.r.t. every parameter and
// the value, from test/fixtures/distributions.json (scripts/fixtures_distributions.py). Then what
// PyTorch cannot give goldens for, since our Philox stream is not its generator: rsample's
// gradients against loc + ε·scale for the ε the same seed draws, sample shapes, statistics of
// 20k draws, seeds; and the shapes, refusals, validateArgs and tensor lifetimes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { DTypeError, Generator, ShapeError, ValueError, backends, distributions as D, manualSeed, memory, noGrad, rand, randn, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';
import { expectSeededDraws } from './seeded-draws.js';
import { sampleStats } from './sample-stats.js';

type Encoded = { shape: number[]; dtype: 'float32' | 'int64'; data: (number | string)[] };
type Spec = { type: 'Independent'; base: Spec; n: number } | { type: 'Normal' | 'Bernoulli' | 'Categorical' | 'Uniform'; args: Record<string, Encoded | number> };
type Result = { out: Encoded; shape: number[]; upstream?: Encoded; grads?: Record<string, Encoded> };
type Fixture = {
  torch: string;
  cases: Record<string, { dist: Spec; value: Encoded; results: Record<string, Result> }>;
  kl: Record<string, { p: Spec; q: Spec } & Result>;
};
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/distributions.json', import.meta.url)), 'utf8')) as Fixture;
const devices = ['cpu', ...(backends().cuda.available ? ['cuda'] : [])];

const decoded = (e: Encoded): number[] => e.data.map((v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : (v as number)));
const load = (e: Encoded, device: string, requiresGrad = false): Tensor =>
  e.dtype === 'int64'
    ? tensor(decoded(e).map(BigInt), { shape: e.shape, dtype: 'int64', device })
    : tensor(decoded(e), { shape: e.shape, device, requiresGrad });
const nums = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);

/** The distribution a spec describes, every tensor parameter a leaf recorded under its path. */
function build(spec: Spec, device: string, leaves: Map<string, Tensor>, prefix = ''): D.Distribution {
  if (spec.type === 'Independent') return new D.Independent(build(spec.base, device, leaves, `${prefix}base.`), spec.n);
  const args: Record<string, Tensor | number> = {};
  for (const [k, v] of Object.entries(spec.args)) {
    if (typeof v === 'number') args[k] = v;
    else leaves.set(prefix + k, (args[k] = load(v, device, true)));
  }
  switch (spec.type) {
    case 'Normal':
      return new D.Normal(args.loc, args.scale);
    case 'Uniform':
      return new D.Uniform(args.low, args.high);
    case 'Bernoulli':
      return new D.Bernoulli(args as unknown as D.ProbsOrLogits);
    case 'Categorical':
      return new D.Categorical(args as unknown as D.ProbsOrLogits<Tensor>);
  }
}

/** Compares an output and, where PyTorch recorded them, the gradients of sum(upstream · output). */
function expectMatches(out: Tensor, want: Result, leaves: Map<string, Tensor>, device: string, what: string): void {
  expect(out.shape, `${what} shape`).toEqual(want.out.shape);
  expectClose(nums(out), decoded(want.out), 1e-5, 1e-4, `${what} values`);
  if (!want.grads) return;
  T.sum(T.mul(out, load(want.upstream!, device))).backward();
  for (const [path, g] of Object.entries(want.grads)) {
    const leaf = leaves.get(path);
    expect(leaf, `leaf ${path}`).toBeDefined();
    const got = leaf!.grad ? nums(leaf!.grad) : new Array<number>(leaf!.numel).fill(0);
    expectClose(got, decoded(g), 1e-5, 1e-4, `${what}: gradient of ${path}`);
  }
}

describe('the fixture covers every distribution and KL pair', () => {
  it('was made by PyTorch and holds each function', () => {
    expect(fixture.torch).toMatch(/^2\./);
    const seen = new Set(Object.values(fixture.cases).flatMap((c) => Object.keys(c.results).map((fn) => `${c.dist.type}.${fn}`)));
    for (const want of ['Normal.logProb', 'Normal.entropy', 'Normal.cdf', 'Normal.mean', 'Normal.stddev', 'Normal.variance', 'Bernoulli.logProb', 'Bernoulli.entropy',
      'Categorical.logProb', 'Categorical.entropy', 'Uniform.logProb', 'Uniform.cdf', 'Uniform.entropy', 'Independent.logProb', 'Independent.entropy']) {
      expect(seen.has(want), want).toBe(true);
    }
    const pairs = new Set(Object.values(fixture.kl).map((c) => `${c.p.type}‖${c.q.type}`));
    expect(pairs).toEqual(new Set(['Normal‖Normal', 'Bernoulli‖Bernoulli', 'Categorical‖Categorical', 'Independent‖Independent']));
  });
});

for (const device of devices) {
  describe(`values and gradients match PyTorch (${device})`, () => {
    for (const [name, c] of Object.entries(fixture.cases)) {
      for (const [fn, want] of Object.entries(c.results)) {
        it(`${name}: ${fn}`, () => {
          scope(() => {
            const leaves = new Map<string, Tensor>();
            const d = build(c.dist, device, leaves);
            let out: Tensor;
            if (fn === 'logProb' || fn === 'cdf') {
              const value = load(c.value, device, c.value.dtype === 'float32');
              if (c.value.dtype === 'float32') leaves.set('value', value);
              out = fn === 'logProb' ? d.logProb(value) : d.cdf(value);
            } else if (fn === 'entropy') out = d.entropy();
            else out = (d as unknown as Record<string, Tensor>)[fn];
            // Made from numbers, a distribution lives on cpu on either pass (as PyTorch's) and scores
            // a value where the value is (Note [cpu scalars on other devices]).
            expect(out.device.type).toBe(fn === 'logProb' || fn === 'cdf' ? device : d.device.type);
            expectMatches(out, want, leaves, device, `${name}.${fn}`);
          });
        });
      }
    }
    for (const [name, c] of Object.entries(fixture.kl)) {
      it(`klDivergence: ${name}`, () => {
        scope(() => {
          const pLeaves = new Map<string, Tensor>();
          const qLeaves = new Map<string, Tensor>();
          const kl = D.klDivergence(build(c.p, device, pLeaves), build(c.q, device, qLeaves));
          const leaves = new Map([...[...pLeaves].map(([k, v]) => [`p.${k}`, v] as const), ...[...qLeaves].map(([k, v]) => [`q.${k}`, v] as const)]);
          expectMatches(kl, c, leaves, device, `kl ${name}`);
        });
      });
    }
  });
}

describe('shapes as PyTorch', () => {
  it('batchShape and eventShape; parameters broadcast against each other', () => {
    scope(() => {
      const n = new D.Normal(tensor([0, 1, 2]), tensor([[1], [2]]));
      expect([n.batchShape, n.eventShape, n.loc.shape, n.scale.shape]).toEqual([[2, 3], [], [2, 3], [2, 3]]);
      expect(new D.Normal(0, 1).batchShape).toEqual([]);
      expect(new D.Normal(tensor([1, 2]), 1).scale.shape).toEqual([2]);
      const u = new D.Uniform(tensor([0, 0]), tensor([[1], [2], [3]]));
      expect(u.batchShape).toEqual([3, 2]);
      const b = new D.Bernoulli({ logits: T.zeros([4, 2]) });
      expect([b.batchShape, b.probs.shape]).toEqual([[4, 2], [4, 2]]);
      const c = new D.Categorical(T.ones([3, 2, 5]));
      expect([c.batchShape, c.eventShape, c.numCategories]).toEqual([[3, 2], [], 5]);
      const i = new D.Independent(n, 1);
      expect([i.batchShape, i.eventShape]).toEqual([[2], [3]]);
      const all = new D.Independent(n, 2);
      expect([all.batchShape, all.eventShape]).toEqual([[], [2, 3]]);
      expect(new D.Independent(new D.Independent(n, 1), 1).eventShape).toEqual([2, 3]);
      expect(String(i)).toBe('Independent(Normal(batchShape: [2,3], eventShape: []), 1)');
    });
  });

  it("Independent takes validateArgs as PyTorch's validate_args (default: the base's) and refuses other options (user trial AJ)", () => {
    scope(() => {
      const base = new D.Exponential(T.ones([2, 3]));
      expect(new D.Independent(base, 1).validateArgs).toBe(false);
      const checked = new D.Independent(base, 1, { validateArgs: true });
      expect(checked.validateArgs).toBe(true);
      expect(() => checked.logProb(T.full([2, 3], -1))).toThrow(/^Independent\.logProb: value expected values >= 0, got 6 of 6 values outside/);
      expect(checked.logProb(T.ones([2, 3])).shape).toEqual([2]);
      expect(new D.Independent(new D.Exponential(T.ones([2]), { validateArgs: true }), 1, { validateArgs: false }).validateArgs).toBe(false);
      expect(() => new D.Independent(base, 1, { bogus: 1 } as never)).toThrow(/^Independent: unknown option 'bogus'/);
      expect(() => new D.Independent(base, 1, { validate_args: true } as never)).toThrow(/^Independent: unknown option 'validate_args'.*validateArgs/);
    });
  });

  it('sample(sampleShape) is sampleShape + batchShape + eventShape for every distribution', () => {
    scope(() => {
      const dists: [string, D.Distribution, string][] = [
        ['Normal', new D.Normal(T.zeros([2, 3]), 1), 'float32'],
        ['Uniform', new D.Uniform(0, T.ones([2, 3])), 'float32'],
        ['Bernoulli', new D.Bernoulli(T.full([2, 3], 0.5)), 'float32'],
        ['Categorical', new D.Categorical(T.ones([2, 3, 4])), 'int64'],
        ['Independent', new D.Independent(new D.Normal(T.zeros([2, 3]), 1), 1), 'float32'],
      ];
      for (const [name, d, dtype] of dists) {
        for (const sampleShape of [[], [5], [4, 1]]) {
          const s = d.sample(sampleShape);
          expect(s.shape, `${name}.sample(${JSON.stringify(sampleShape)})`).toEqual([...sampleShape, 2, 3]);
          expect(s.dtype).toBe(dtype);
          expect(d.extendedShape(sampleShape)).toEqual([...sampleShape, 2, 3]);
          expect(d.logProb(s).shape, `${name}.logProb of its samples`).toEqual(name === 'Independent' ? [...sampleShape, 2] : [...sampleShape, 2, 3]);
        }
        expect(d.sample([0, 2]).shape).toEqual([0, 2, 2, 3]);
      }
      expect(new D.Normal(0, 1).sample().shape).toEqual([]);
      expect(new D.Categorical(tensor([0.2, 0.8])).sample([3]).shape).toEqual([3]);
      expect(new D.Categorical(tensor([0.2, 0.8])).sample().shape).toEqual([]);
      expect(new D.Normal(tensor([1, 2]), 1).rsample([3]).shape).toEqual([3, 2]);
    });
  });

  it('values broadcast against the batch shape in logProb and cdf', () => {
    scope(() => {
      const n = new D.Normal(T.zeros([3]), 1);
      expect(n.logProb(T.zeros([4, 1])).shape).toEqual([4, 3]);
      expect(n.cdf(0.5).shape).toEqual([3]);
      expect(n.logProb(1).shape).toEqual([3]);
      const c = new D.Categorical(T.ones([2, 4]));
      expect(c.logProb(tensor([[1n], [3n], [0n]], { dtype: 'int64' })).shape).toEqual([3, 2]);
      expect(c.logProb(tensor([1, 3])).shape).toEqual([2]); // float category indices, as .long()
      expect(new D.Bernoulli(T.full([3], 0.5)).logProb(tensor([[1], [0]])).shape).toEqual([2, 3]);
    });
  });
});

describe('sampling', () => {
  const stats = sampleStats;

  it('20k draws have the mean and variance they should', () => {
    scope(() => {
      const normal = stats(new D.Normal(1.5, 2).sample([20000]));
      expect(Math.abs(normal.mean - 1.5)).toBeLessThan(0.06); // 4 standard errors: 2/√20000 = 0.014
      expect(Math.abs(normal.variance / 4 - 1)).toBeLessThan(0.05);
      const uniform = stats(new D.Uniform(-1, 3).rsample([20000]));
      expect(Math.abs(uniform.mean - 1)).toBeLessThan(0.04);
      expect(Math.abs(uniform.variance - 16 / 12)).toBeLessThan(0.06);
      const bern = stats(new D.Bernoulli({ logits: Math.log(0.3 / 0.7) }).sample([20000]));
      expect(Math.abs(bern.mean - 0.3)).toBeLessThan(0.015);
      // Per batch element: columns with their own parameters.
      const draws = new D.Normal(tensor([-5, 5]), tensor([0.5, 3])).sample([20000]);
      const [left, right] = T.unbind(draws, 1).map(stats);
      expect(Math.abs(left.mean + 5)).toBeLessThan(0.02);
      expect(Math.abs(right.mean - 5)).toBeLessThan(0.09);
      expect(Math.abs(left.variance / 0.25 - 1)).toBeLessThan(0.05);
      expect(Math.abs(right.variance / 9 - 1)).toBeLessThan(0.05);
    });
  });

  it('Categorical.mode is the most likely category, the first of equals (a greedy action)', () => {
    const c = new D.Categorical({ logits: tensor([[1, 3, 3], [0, -1, -2]]) });
    expect(Array.from(c.mode.dataSync(), Number)).toEqual([1, 0]);
  });

  it('Categorical draws each category as often as its probability, per batch row', () => {
    scope(() => {
      const c = new D.Categorical(tensor([[1, 2, 7, 0], [0, 0, 0, 1]]));
      const s = nums(c.sample([20000])); // [20000, 2], row-major
      const counts = [[0, 0, 0, 0], [0, 0, 0, 0]];
      s.forEach((k, i) => counts[i % 2][k]++);
      expectClose(counts[0].map((n) => n / 20000), [0.1, 0.2, 0.7, 0], 0.015, 0, 'row 0 frequencies');
      expect(counts[1]).toEqual([0, 0, 0, 20000]);
    });
  });

  it('Categorical.sample of NaN logits (a diverged policy) is an error, not action 0 forever (found by a user trial)', async () => {
    const c = new D.Categorical({ logits: tensor([[NaN, NaN]]) });
    expect(() => c.sample()).toThrow(/^multinomial: weights expected finite non-negative numbers, got nan at row 0, category 0$/);
    // Too many to check inline, the check is queued: the error comes at the read, at no wait of its own.
    const big = new D.Categorical({ logits: T.where(T.eq(T.arange(100_000).reshape([200, 500]), 1234), NaN, T.zeros([200, 500])) });
    const drawn = big.sample();
    await expect(drawn.data()).rejects.toThrow(/got nan at row 2, category 0$/); // softmax spreads the NaN over the row
    // validateArgs: false skips it, as PyTorch's validate_args=False does.
    expect(new D.Categorical({ logits: tensor([[NaN, NaN]]), validateArgs: false }).sample().shape).toEqual([1]);
  });

  it('a queued check that failed surfaces at the read whether or not it has finished (a race in CI: "add: multinomial: …" thrown at an add)', async () => {
    const big = new D.Categorical({ logits: T.where(T.eq(T.arange(100_000).reshape([200, 500]), 7), NaN, T.zeros([200, 500])) });
    const drawn = big.sample();
    await T.zeros([1]).add(1).data(); // a read waits for the queue: the check has run and marked `drawn`
    const next = T.add(drawn, 1); // tiny: it would run inline and throw here
    await expect(next.data()).rejects.toThrow(/^multinomial: weights expected finite non-negative numbers, got nan at row 0, category 0$/);
  });

  it('a seed repeats the draws, through manualSeed or a Generator', () => {
    expectSeededDraws(() => [new D.Normal(T.zeros([3]), 1), new D.Uniform(0, 1), new D.Bernoulli(T.full([5], 0.5)), new D.Categorical(T.ones([2, 6]))]);
  });
});

describe('rsample is reparameterised', () => {
  it("Normal: loc + ε·scale for the ε the generator's stream gives, with those gradients", () => {
    scope(() => {
      const loc = tensor([0.5, -1, 2], { requiresGrad: true });
      const scale = tensor([1, 0.5, 2], { requiresGrad: true });
      const z = new D.Normal(loc, scale).rsample([4], { generator: new Generator(123) });
      const eps = randn([4, 3], { generator: new Generator(123) });
      expectClose(nums(z), nums(T.add(loc.detach(), T.mul(eps, scale.detach()))), 1e-6, 1e-6, 'draws');
      const u = randn([4, 3]);
      T.sum(T.mul(z, u)).backward();
      expectClose(nums(loc.grad!), nums(T.sum(u, 0)), 1e-5, 1e-5, 'd/dloc');
      expectClose(nums(scale.grad!), nums(T.sum(T.mul(u, eps), 0)), 1e-5, 1e-5, 'd/dscale');
    });
  });

  it('Uniform: low + u·(high − low), with those gradients', () => {
    scope(() => {
      const low = tensor([0, -2], { requiresGrad: true });
      const high = tensor([1, 3], { requiresGrad: true });
      const z = new D.Uniform(low, high).rsample([5], { generator: new Generator(9) });
      const u01 = rand([5, 2], { generator: new Generator(9) });
      const u = randn([5, 2]);
      T.sum(T.mul(z, u)).backward();
      expectClose(nums(low.grad!), nums(T.sum(T.mul(u, T.sub(1, u01)), 0)), 1e-5, 1e-5, 'd/dlow');
      expectClose(nums(high.grad!), nums(T.sum(T.mul(u, u01), 0)), 1e-5, 1e-5, 'd/dhigh');
    });
  });

  it('the pathwise gradient of E[z²] is 2·loc and 2·scale over 20k draws; sample() carries none', () => {
    scope(() => {
      const loc = tensor([0.7], { requiresGrad: true });
      const scale = tensor([1.3], { requiresGrad: true });
      const q = new D.Normal(loc, scale);
      T.mean(T.square(q.rsample([20000]))).backward();
      expect(Math.abs(loc.grad!.itemSync() - 1.4)).toBeLessThan(0.08);
      expect(Math.abs(scale.grad!.itemSync() - 2.6)).toBeLessThan(0.08);
      expect(q.sample([3]).requiresGrad).toBe(false);
      expect(q.hasRsample && new D.Uniform(0, 1).hasRsample && new D.Independent(q, 1).hasRsample).toBe(true);
      expect(new D.Bernoulli(0.5).hasRsample || new D.Categorical(T.ones([2])).hasRsample).toBe(false);
    });
  });

  it("a VAE's KL and reconstruction terms train the encoder's outputs", () => {
    scope(() => {
      const mu = tensor([[0.5, -0.5], [1, 0]], { requiresGrad: true });
      const logVar = tensor([[0, -1], [0.5, 0]], { requiresGrad: true });
      const q = new D.Independent(new D.Normal(mu, T.exp(T.mul(logVar, 0.5))), 1);
      const prior = new D.Independent(new D.Normal(T.zerosLike(mu), T.onesLike(mu)), 1);
      const kl = D.klDivergence(q, prior);
      expect(kl.shape).toEqual([2]);
      // The textbook form: −½ Σ (1 + log σ² − μ² − σ²).
      const textbook = noGrad(() => T.mul(T.sum(T.sub(T.sub(T.add(logVar, 1), T.square(mu)), T.exp(logVar)), 1), -0.5));
      expectClose(nums(kl), nums(textbook), 1e-5, 1e-5, 'KL to the prior');
      const z = q.rsample();
      T.add(T.sum(kl), T.sum(T.square(z))).backward();
      expect(mu.grad!.shape).toEqual([2, 2]);
      expect(nums(logVar.grad!).every(Number.isFinite)).toBe(true);
    });
  });
});

describe('klDivergence dispatch', () => {
  it('a subclass uses its base class pair; registerKl adds a pair and the nearest one wins', () => {
    scope(() => {
      class Gaussian extends D.Normal {}
      const p = new Gaussian(0, 1);
      const q = new D.Normal(1, 2);
      expectClose(nums(D.klDivergence(p, q)), nums(D.klDivergence(new D.Normal(0, 1), q)), 0, 0, 'inherited');
      D.registerKl(Gaussian, D.Normal, () => tensor(42));
      expect(D.klDivergence(p, q).itemSync()).toBe(42);
      expect(D.klDivergence(new D.Normal(0, 1), q).itemSync()).not.toBe(42);
      class NotADistribution {}
      expect(() => D.registerKl(NotADistribution as never, D.Normal, () => tensor(0))).toThrow(/registerKl: P expected a Distribution class, got NotADistribution/);
    });
  });
});

describe('validateArgs (Note [distribution argument checks])', () => {
  afterEach(() => D.setDefaultValidateArgs(false));

  it('by default, numbers are checked and tensors are not read: a bad tensor shows as NaN', () => {
    scope(() => {
      expect(() => new D.Normal(0, 0)).toThrow(ValueError);
      const d = new D.Normal(0, tensor([-1, 1]));
      expect(d.validateArgs).toBe(false);
      expect(nums(d.logProb(0)).map(Number.isNaN)).toEqual([true, false]);
      // validateArgs: false skips the number checks too (PyTorch's validate_args=False).
      expect(nums(new D.Normal(3, 0, { validateArgs: false }).sample([2]))).toEqual([3, 3]);
    });
  });

  it('by default, Categorical probs are still checked on the device, at no wait: logits passed as probs are refused', async () => {
    // A user trial passed logits where probs go; PyTorch's default validation refuses them.
    expect(() => new D.Categorical(tensor([[0, -1]]))).toThrow(/^Categorical: probs expected finite non-negative numbers, got -1(\.0+)? at row 0, category 1 \(logits go in \{ logits \}\)$/);
    expect(() => new D.OneHotCategorical(tensor([[1, 1], [0, 0]]))).toThrow(/^OneHotCategorical: probs row 1 sums to 0/);
    // Behind queued work the check cannot answer at the call: the error reaches the first read.
    const busy = T.matmul(T.ones([300, 300]), T.ones([300, 300]));
    const late = scope(() => { for (let i = 0; i < 20; i++) T.matmul(busy, busy); return new D.Categorical(tensor([[NaN, 1]])); });
    await expect(late.probs.data()).rejects.toThrow(/multinomial: weights expected finite non-negative numbers, got nan/);
    expect(() => new D.Categorical(tensor([[0, -1]]), { validateArgs: false })).not.toThrow();
    busy.dispose();
  });

  it('validateArgs: true reads parameters and values back and refuses what lies outside', () => {
    scope(() => {
      const on = { validateArgs: true };
      expect(() => new D.Normal(tensor([0]), tensor([1, 0]), on)).toThrow(/^Normal: scale expected values > 0, got 1 of 2 values outside \(found by validateArgs\)$/);
      expect(() => new D.Normal(tensor([NaN]), 1, on)).toThrow(/Normal: loc expected real values \(not NaN\), got 1 of 1 value outside/);
      expect(() => new D.Bernoulli(tensor([0.5, 1.5]), on)).toThrow(/Bernoulli: probs expected probabilities in \[0, 1\], got 1 of 2/);
      expect(() => new D.Bernoulli({ logits: tensor([NaN]), validateArgs: true })).toThrow(/Bernoulli: logits expected real values/);
      expect(() => new D.Categorical(tensor([[0.5, -0.1]]), on)).toThrow(/Categorical: probs expected finite values >= 0/);
      expect(() => new D.Categorical(tensor([[0, 0], [1, 1]]), on)).toThrow(/Categorical: probs expected a positive sum over the last dim, got 1 of 2/);
      expect(() => new D.Uniform(tensor([0, 2]), tensor([1, 2]), on)).toThrow(/Uniform: high expected values above low, got 1 of 2/);
      expect(() => new D.Bernoulli(0.5, on).logProb(tensor([0, 0.5]))).toThrow(/Bernoulli\.logProb: value expected 0 or 1, got 1 of 2/);
      expect(() => new D.Categorical(T.ones([3]), on).logProb(tensor([3n], { dtype: 'int64' }))).toThrow(/Categorical\.logProb: value expected category indices in \[0, 3\)/);
      expect(() => new D.Categorical(T.ones([3]), on).logProb(1.5)).toThrow(/Categorical\.logProb: value expected category indices/);
      expect(() => new D.Uniform(0, 1, on).cdf(tensor([0.5, 2]))).toThrow(/Uniform\.cdf: value expected values in \[low, high\]/);
      expect(() => new D.Independent(new D.Normal(T.zeros([2]), 1, on), 1).logProb(tensor([0, NaN]))).toThrow(/Normal\.logProb: value expected real values/);
      // Good arguments pass.
      expect(new D.Categorical(T.ones([3]), on).logProb(tensor([2n], { dtype: 'int64' })).shape).toEqual([1]);
    });
  });

  it('setDefaultValidateArgs(true) turns the reads on for every distribution not told otherwise', () => {
    scope(() => {
      D.setDefaultValidateArgs(true);
      expect(D.getDefaultValidateArgs()).toBe(true);
      expect(() => new D.Normal(0, tensor([-1]))).toThrow(/Normal: scale expected values > 0/);
      expect(() => new D.Normal(0, tensor([-1]), { validateArgs: false })).not.toThrow();
      expect(() => D.setDefaultValidateArgs('yes' as never)).toThrow(/setDefaultValidateArgs: value expected a boolean, got string/);
    });
  });
});

describe('refusals name the class, the argument, what was expected and what was given', () => {
  it('constructors', () => {
    scope(() => {
      const cases: [() => unknown, new (m: string) => Error, RegExp][] = [
        [() => new D.Normal('0' as never, 1), ValueError, /^Normal: loc expected a tensor or a number, got string$/],
        [() => new D.Normal([0, 1] as never, 1), ValueError, /Normal: loc expected a tensor or a number, got an array \(make it a tensor with tensor\(\[\.\.\.\]\)\)/],
        [() => new D.Normal(tensor([1n], { dtype: 'int64' }), 1), DTypeError, /^Normal: loc expected float32, got int64$/],
        [() => new D.Normal(T.zeros([2]), T.ones([3])), ShapeError, /^Normal: loc and scale expected shapes that broadcast together, got loc \[2\], scale \[3\]$/],
        [() => new D.Normal(0, -1), ValueError, /^Normal: scale expected a number > 0, got -1$/],
        [() => new D.Normal(NaN, 1), ValueError, /^Normal: loc expected a real number, got NaN$/],
        [() => new D.Normal(0, 1, { validate_args: true } as never), ValueError, /Normal: unknown option 'validate_args' \(it takes 'validateArgs'\); did you mean 'validateArgs'\?/],
        [() => new D.Normal(0, 1, { validateArgs: 1 } as never), ValueError, /^Normal: option 'validateArgs' expected a boolean, got number$/],
        [() => new D.Uniform(1, 1), ValueError, /^Uniform: expected low < high, got low=1, high=1$/],
        [() => new D.Uniform(0, Infinity), ValueError, /^Uniform: high expected a finite number, got Infinity$/],
        [() => new D.Bernoulli(1.5), ValueError, /^Bernoulli: probs expected a probability in \[0, 1\], got 1\.5$/],
        [() => new D.Bernoulli({ probs: 0.5, logits: 0 } as never), ValueError, /^Bernoulli: expected exactly one of probs or logits, got both$/],
        [() => new D.Bernoulli({} as never), ValueError, /^Bernoulli: expected exactly one of probs or logits, got neither$/],
        [() => new D.Bernoulli({ p: 0.5 } as never), ValueError, /Bernoulli: unknown option 'p' \(it takes 'probs', 'logits', 'validateArgs'\)/],
        [() => new D.Bernoulli({ logits: 0 } as never, { validateArgs: true }), ValueError, /Bernoulli: options go in the object with probs or logits/],
        [() => new D.Bernoulli(null as never), ValueError, /^Bernoulli: expected probs \(a tensor or a number\) or an object \{ probs \} or \{ logits \}, got null$/],
        [() => new D.Categorical(tensor(0.5)), ShapeError, /^Categorical: probs expected a tensor of at least 1 dimension with at least one category in the last, got \[\]$/],
        [() => new D.Categorical({ logits: 0.5 } as never), ShapeError, /Categorical: logits expected a tensor of at least 1 dimension .*got a number$/],
        [() => new D.Categorical(T.zeros([2, 0])), ShapeError, /Categorical: probs expected .* got \[2,0\]$/],
        [() => new D.Independent(new D.Normal(T.zeros([2]), 1), 2), ValueError, /^Independent: reinterpretedBatchNdims expected an integer in \[0, 1\] \(the base's batchShape \[2\]\), got 2$/],
        [() => new D.Independent({} as never, 1), ValueError, /^Independent: baseDist expected a Distribution, got Object$/],
      ];
      for (const [make, cls, message] of cases) {
        expect(make, String(message)).toThrow(cls);
        expect(make).toThrow(message);
      }
    });
  });

  it('methods', () => {
    scope(() => {
      const n = new D.Normal(T.zeros([3]), 1);
      const i = new D.Independent(new D.Normal(T.zeros([2, 3]), 1), 1);
      expect(() => n.sample(3 as never)).toThrow(/^Normal\.sample: sampleShape expected an array of non-negative integers, got number \(write \[3\], as PyTorch's sample\(\(3,\)\)\)$/);
      expect(() => n.rsample([-1])).toThrow(ShapeError);
      expect(() => n.sample([2], { generator: 1 } as never)).toThrow(/^Normal\.sample: option 'generator' expected a Generator, got number$/);
      expect(() => n.sample([2], { seed: 1 } as never)).toThrow(/Normal\.sample: unknown option 'seed' \(it takes 'generator'\)/);
      expect(() => n.logProb(T.zeros([4]))).toThrow(/^Normal\.logProb: value \[4\] expected to broadcast with batchShape \+ eventShape \[3\]$/);
      expect(() => n.cdf('1' as never)).toThrow(/^Normal\.cdf: value expected a tensor or a number, got string$/);
      expect(() => i.logProb(T.zeros([2, 4]))).toThrow(/^Independent\.logProb: value \[2,4\] expected to end in the eventShape \[3\]$/);
      expect(() => new D.Bernoulli(0.5).rsample()).toThrow(/^Bernoulli\.rsample: Bernoulli has no reparameterised sampler \(hasRsample is false\); sample\(\) draws without gradients$/);
      expect(() => new D.Categorical(T.ones([3])).mean).toThrow(/^Categorical\.mean: not defined for Categorical$/);
      expect(() => new D.Bernoulli(0.5).cdf(0)).toThrow(/^Bernoulli\.cdf: not defined for Bernoulli$/);
      expect(() => (n as unknown as { log_prob: unknown }).log_prob).toThrow(/^Normal\.log_prob: this API spells it logProb$/);
      expect(() => (n as unknown as { batch_shape: unknown }).batch_shape).toThrow(/^Normal\.batch_shape: this API spells it batchShape$/);
      expect(() => (i as unknown as { base_dist: unknown }).base_dist).toThrow(/^Independent\.base_dist: this API spells it baseDist$/);
      expect(i.baseDist.batchShape).toEqual([2, 3]);
      expect(() => (n.logProb as (...a: unknown[]) => Tensor)(T.zeros([3]), true)).toThrow(/Normal\.logProb: takes at most 1 argument, got 2/);
    });
  });

  it('klDivergence', () => {
    scope(() => {
      const n = new D.Normal(0, 1);
      expect(() => D.klDivergence(n, new D.Bernoulli(0.5))).toThrow(/^klDivergence: no KL divergence is registered for Normal‖Bernoulli \(registered with Normal or Bernoulli: Normal‖Normal, Bernoulli‖Bernoulli, .*; add one with registerKl\)$/);
      expect(() => D.klDivergence(n, {} as never)).toThrow(/^klDivergence: q expected a Distribution, got Object$/);
      const base = new D.Normal(T.zeros([2, 3]), 1);
      expect(() => D.klDivergence(new D.Independent(base, 1), new D.Independent(base, 2))).toThrow(/^klDivergence: Independent p and q expected the same reinterpretedBatchNdims, got 1 and 2$/);
      expect(() => D.klDivergence(new D.Categorical(T.ones([3])), new D.Categorical(T.ones([4])))).toThrow(/^klDivergence: p has 3 categories but q has 4$/);
      expect(() => (D.klDivergence as (...a: unknown[]) => Tensor)(n, n, 1)).toThrow(/klDivergence: takes at most 2 arguments, got 3/);
    });
  });
});

describe("PyTorch's snake_case names on the namespace (Note [namespace spellings]; a trial porting probabilistic models)", () => {
  it('D.kl_divergence, register_kl, biject_to, transform_to throw a TypeError naming ours when called', () => {
    const ns = D as unknown as Record<string, (...a: unknown[]) => unknown>;
    const n = new D.Normal(0, 1);
    for (const [snake, ours] of [['kl_divergence', 'klDivergence'], ['register_kl', 'registerKl'], ['biject_to', 'bijectTo'], ['transform_to', 'transformTo']]) {
      expect(typeof D[ours as keyof typeof D], ours).toBe('function');
      expect(() => ns[snake](n, n), snake).toThrow(TypeError);
      expect(() => ns[snake](n, n), snake).toThrow(new RegExp(`^distributions\\.${snake}: this API spells it distributions\\.${ours}$`));
    }
    // Names PyTorch does not have stay absent, as on any object.
    expect((D as unknown as Record<string, unknown>).kl_div).toBeUndefined();
  });

  it('D.constraints answers them when read, as linalg and special do; its own names and what it lacks as before', () => {
    const c = D.constraints as unknown as Record<string, unknown>;
    for (const [snake, ours] of [['greater_than', 'greaterThan'], ['real_vector', 'realVector'], ['unit_interval', 'unitInterval'], ['lower_cholesky', 'lowerCholesky'], ['half_open_interval', 'halfOpenInterval'], ['nonnegative_integer', 'nonnegativeInteger']]) {
      expect(() => c[snake], snake).toThrow(new TypeError(`distributions.constraints.${snake}: this API spells it distributions.constraints.${ours}`));
    }
    expect(c.dependent).toBeUndefined();
    expect(Object.isFrozen(D.constraints)).toBe(true);
    expect(D.constraints.positive.name).toBe('positive');
    expect(D.constraints.greaterThan(2).name).toBe('greaterThan(2)');
  });
});

describe('tensor lifetimes', () => {
  it('each method leaves only its result; a scope leaves nothing, backward included', () => {
    const before = memory().liveTensors;
    scope(() => {
      const x = T.zeros([2, 3]);
      const categories = tensor([0n, 2n], { dtype: 'int64' });
      const dists: D.Distribution[] = [
        new D.Normal(T.zeros([3]), 2),
        new D.Uniform(-1, T.ones([3])),
        new D.Bernoulli(T.full([3], 0.25)),
        new D.Categorical({ logits: T.zeros([2, 3]) }),
        new D.Independent(new D.Normal(T.zeros([2, 3]), T.ones([2, 3])), 1),
      ];
      for (const d of dists) {
        const calls: [string, () => Tensor][] = [
          ['sample', () => d.sample([4])],
          ['logProb', () => d.logProb(d instanceof D.Categorical ? categories : x)],
          ['logProb of a number', () => d.logProb(d instanceof D.Independent ? x : 0)],
          ['entropy', () => d.entropy()],
        ];
        if (d.hasRsample) calls.push(['rsample', () => d.rsample([2])]);
        if (d instanceof D.Normal || d instanceof D.Uniform) calls.push(['cdf', () => d.cdf(x)], ['variance', () => d.variance]);
        if (d instanceof D.Uniform || d instanceof D.Bernoulli) calls.push(['stddev', () => d.stddev]); // (Normal's is its scale)
        if (d instanceof D.Uniform) calls.push(['mean', () => d.mean]);
        for (const [what, call] of calls) {
          const n = memory().liveTensors;
          call();
          expect(memory().liveTensors - n, `${d}.${what}`).toBe(1);
        }
      }
      for (const [p, q] of [[dists[0], new D.Normal(1, 1)], [dists[2], new D.Bernoulli(0.5)], [dists[3], new D.Categorical(T.ones([3]))], [dists[4], dists[4]]] as const) {
        const n = memory().liveTensors;
        D.klDivergence(p, q);
        expect(memory().liveTensors - n, `kl ${p}`).toBe(1);
      }
      const [loc0, scale1] = [tensor([0, 1]), tensor([1, 1])];
      const n = memory().liveTensors;
      void new D.Normal(loc0, scale1, { validateArgs: true });
      expect(memory().liveTensors - n, 'a validated Normal of parameters already of the batch shape').toBe(0);
      // With gradients: the graph's saved tensors go with the scope too.
      const loc = tensor([0.1, 0.2], { requiresGrad: true });
      const q = new D.Independent(new D.Normal(loc, T.exp(loc)), 1);
      T.add(T.sum(q.logProb(q.rsample([3]))), D.klDivergence(q, new D.Independent(new D.Normal(T.zeros([2]), 1), 1))).backward();
    });
    expect(memory().liveTensors).toBe(before);
  });
});
