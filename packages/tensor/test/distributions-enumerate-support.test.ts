// enumerateSupport (PyTorch's enumerate_support) against PyTorch 2.13 (fixture from
// scripts/fixtures_enumerate_support.py): Bernoulli, Categorical, OneHotCategorical, Binomial,
// Independent and expanded distributions, with expand true and false — shapes, dtypes, values,
// and logProb of the support; then the refusals.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { ValueError, distributions as D, memory, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';
import { devices, nums } from './golden-cases.js';

type Encoded = { shape: number[]; dtype: 'float32' | 'int64'; data: number[] };
type Case = { params: Encoded[]; hasEnumerateSupport: boolean; expanded?: Encoded; unexpanded?: Encoded; logProb?: Encoded; refused?: string };
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/enumerate-support.json', import.meta.url)), 'utf8')) as { torch: string; cases: Record<string, Case> };

const load = (e: Encoded, device: string): Tensor =>
  e.dtype === 'int64' ? tensor(e.data.map(BigInt), { shape: e.shape, dtype: 'int64', device }) : tensor(e.data, { shape: e.shape, device });

// The script's builders, case by case.
const builders: Record<string, (...params: Tensor[]) => D.Distribution> = {
  bernoulliScalar: (p) => new D.Bernoulli(p),
  bernoulliBatch: (p) => new D.Bernoulli(p),
  bernoulliLogits: (l) => new D.Bernoulli({ logits: l }),
  categoricalVector: (p) => new D.Categorical(p),
  categoricalBatch: (l) => new D.Categorical({ logits: l }),
  oneHotVector: (p) => new D.OneHotCategorical(p),
  oneHotBatch: (l) => new D.OneHotCategorical({ logits: l }),
  binomialNumberCount: (p) => new D.Binomial(5, p),
  binomialScalar: (p) => new D.Binomial(3, p),
  binomialZeroCount: (p) => new D.Binomial(0, p),
  independentZeroDims: (p) => new D.Independent(new D.Bernoulli(p), 0),
  independentOfIndependent: (l) => new D.Independent(new D.Independent(new D.Categorical({ logits: l }), 0), 0),
  independentReinterpreted: (p) => new D.Independent(new D.Bernoulli(p), 1),
  expandedCategorical: (p) => new D.Categorical(p).expand([2, 3]),
  expandedBernoulli: (p) => new D.Bernoulli(p).expand([2, 3, 4]),
  expandedOneHot: (p) => new D.OneHotCategorical(p).expand([2, 2]),
  expandedBinomial: (p) => new D.Binomial(2, p).expand([3, 2]),
};

function expectTensor(got: Tensor, want: Encoded, what: string): void {
  expect(got.shape, `${what} shape`).toEqual(want.shape);
  expect(got.dtype, `${what} dtype`).toBe(want.dtype);
  expectClose(nums(got), want.data, 1e-6, 1e-5, `${what} values`);
}

describe('the fixture and the builders name the same cases', () => {
  it('every case has a builder and every builder a case', () => {
    expect(Object.keys(builders).sort()).toEqual(Object.keys(fixture.cases).sort());
  });
});

for (const device of devices) {
  describe(`enumerateSupport matches PyTorch's enumerate_support (${device})`, () => {
    for (const [name, c] of Object.entries(fixture.cases)) {
      it(name, () => {
        scope(() => {
          const d = builders[name](...c.params.map((p) => load(p, device)));
          expect(d.hasEnumerateSupport, 'hasEnumerateSupport').toBe(c.hasEnumerateSupport);
          if (c.refused !== undefined) {
            expect(() => d.enumerateSupport()).toThrow(ValueError);
            return;
          }
          const support = d.enumerateSupport();
          expect(support.device.type).toBe(device);
          expectTensor(support, c.expanded!, 'expand true');
          expectTensor(d.enumerateSupport(false), c.unexpanded!, 'expand false');
          // PyTorch's keyword, enumerate_support(expand=False), as an options object.
          expectTensor(d.enumerateSupport({ expand: false }), c.unexpanded!, '{ expand: false }');
          expectTensor(d.enumerateSupport({}), c.expanded!, '{}');
          expectTensor(d.logProb(support), c.logProb!, 'logProb of the support');
        });
      });
    }
  });
}

describe('enumerateSupport', () => {
  it('sums the probabilities to 1 over the support in every batch element (exact marginalisation)', () => {
    scope(() => {
      for (const d of [new D.Categorical({ logits: T.randn([2, 3, 5]) }), new D.Binomial(4, T.rand([3])), new D.OneHotCategorical(T.rand([2, 4]))]) {
        const total = T.sum(T.exp(d.logProb(d.enumerateSupport())), 0);
        expect(total.shape).toEqual(d.batchShape);
        for (const v of nums(total)) expect(v).toBeCloseTo(1, 5);
      }
    });
  });

  it('leaves only its result behind', () => {
    const d = new D.Categorical(T.rand([2, 3, 4]));
    const expanded = d.expand([5, 2, 3]);
    const before = memory().liveTensors;
    const results = [d.enumerateSupport(), d.enumerateSupport(false), expanded.enumerateSupport(), new D.Independent(d, 0).enumerateSupport()];
    expect(memory().liveTensors).toBe(before + results.length);
    for (const r of results) r.dispose();
  });

  it('is refused where PyTorch has none, naming the class and why', () => {
    scope(() => {
      const n = new D.Normal(0, 1);
      expect(n.hasEnumerateSupport).toBe(false);
      expect(() => n.enumerateSupport()).toThrow(/^Normal\.enumerateSupport: not defined for Normal \(hasEnumerateSupport is false\)$/);
      expect(() => new D.Poisson(2).enumerateSupport()).toThrow(/^Poisson\.enumerateSupport: not defined for Poisson/);
      const b = new D.Bernoulli(T.rand([2, 3]));
      expect(() => new D.Independent(b, 1).enumerateSupport()).toThrow(/^Independent\.enumerateSupport: enumeration over the cartesian product of the reinterpreted dims is not implemented \(reinterpretedBatchNdims is 1; PyTorch refuses it too\)$/);
      // PyTorch reads a tensor totalCount to check it is homogeneous; here that would wait for the device.
      const tensorCount = new D.Binomial(tensor([3, 3]), T.rand([2]));
      expect(tensorCount.hasEnumerateSupport).toBe(true);
      expect(() => tensorCount.enumerateSupport()).toThrow(/^Binomial\.enumerateSupport: totalCount expected a number \(the support 0 … totalCount is one size for the whole batch\), got a tensor$/);
    });
  });

  it('checks expand, and refuses extra arguments and PyTorch spellings', () => {
    scope(() => {
      const d = new D.Categorical(T.rand([3]));
      expect(() => d.enumerateSupport(0 as never)).toThrow(/^Categorical\.enumerateSupport: expand expected a boolean \(or \{ expand \}\), got number$/);
      expect(() => d.enumerateSupport({ expnad: false } as never)).toThrow(/^Categorical\.enumerateSupport: unknown option 'expnad' \(it takes 'expand'\); did you mean 'expand'\?$/);
      expect(() => d.enumerateSupport({ expand: 'no' } as never)).toThrow(/^Categorical\.enumerateSupport: expand expected a boolean \(or \{ expand \}\), got string$/);
      expect(() => (d.enumerateSupport as (...a: unknown[]) => Tensor)(true, true)).toThrow(/Categorical\.enumerateSupport: takes at most 1 argument, got 2/);
      expect(() => (d as unknown as { enumerate_support: unknown }).enumerate_support).toThrow(/^Categorical\.enumerate_support: this API spells it enumerateSupport$/);
      expect(() => (d as unknown as { has_enumerate_support: unknown }).has_enumerate_support).toThrow(/^Categorical\.has_enumerate_support: this API spells it hasEnumerateSupport$/);
    });
  });
});
