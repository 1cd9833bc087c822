// logaddexp, xlogy, logit, varMean, stdMean against PyTorch (fixture from
// scripts/fixtures_log_math.py), and gumbelSoftmax's properties (it samples).
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { expectClose } from '../src/testing/index.js';
import { describeGoldenCases, nums, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('composed-log-math');
const calls: Record<string, GoldenCall> = {
  logaddexp: (a, b) => T.logaddexp(a, b),
  logaddexpBroadcast: (a, b) => T.logaddexp(a, b),
  logaddexpTies: (a, b) => T.logaddexp(a, b),
  logaddexpInfinities: (a, b) => T.logaddexp(a, b),
  xlogy: (x, y) => T.xlogy(x, y),
  xlogyZerosAndNaN: (x, y) => T.xlogy(x, y),
  xlogyNumberInput: (y) => T.xlogy(2, y),
  logit: (p) => T.logit(p),
  logitEps: (p) => T.logit(p, 0.05),
  logitEdges: (p) => T.logit(p),
  logitEpsEdges: (p) => T.logit(p, 0.1),
  logitEpsZero: (p) => T.logit(p, 0),
  varMean: (x) => T.varMean(x, 1),
  varMeanAll: (x) => T.varMean(x),
  varMeanCorrectionKeepdim: (x) => T.varMean(x, { dim: [0, 2], correction: 0, keepdim: true }),
  stdMean: (x) => T.stdMean(x, -1),
  stdMeanKeepdim: (x) => T.stdMean(x, { dim: 0, keepdim: true, correction: 2 }),
};
describeGoldenCases(fx, calls, (device) => `logaddexp, xlogy, logit, varMean, stdMean match PyTorch, forward and backward (${device})`, { output: [1e-6, 1e-5], grad: [1e-6, 1e-5] });

describe('logit', () => {
  it("has PyTorch's second derivative through its written-out gradient (torch.autograd.grad twice, create_graph=True)", () => {
    T.scope(() => {
      for (const [eps, values, first, second] of [
        [null, [0.2, 0.5, 0.7], [6.25, 4, 4.7619047], [-23.437496, 0, 9.0702934]],
        [0.1, [0.05, 0.2, 0.5, 0.7, 0.95], [0, 6.25, 4, 4.7619047, 0], [0, -23.437496, 0, 9.0702934, 0]],
      ] as const) {
        const x = T.tensor([...values], { requiresGrad: true });
        const [g] = T.grad(T.sum(T.logit(x, eps)), [x], { createGraph: true }) as T.Tensor[];
        const [gg] = T.grad(T.sum(g), [x]) as T.Tensor[];
        expectClose(nums(g), [...first], 1e-5, 1e-5, `first derivative (eps ${eps})`);
        expectClose(nums(gg), [...second], 1e-4, 1e-5, `second derivative (eps ${eps})`);
      }
    });
  });
});

describe('gumbelSoftmax', () => {
  it('gives rows that sum to 1, repeatable with a generator; hard gives one-hots carrying the soft gradient', () => {
    T.scope(() => {
      const logits = T.randn([6, 5]).requiresGrad_();
      const draw = (hard: boolean) => T.gumbelSoftmax(logits, { tau: 0.5, hard, generator: new T.Generator(7) });
      const soft = draw(false);
      const sums = T.sum(soft, -1).dataSync();
      for (const s of sums) expect(s).toBeCloseTo(1, 5);
      expect(Array.from(draw(false).dataSync())).toEqual(Array.from(soft.dataSync()));
      const hard = draw(true);
      const h = hard.dataSync();
      for (let r = 0; r < 6; r++) {
        const row = Array.from(h.slice(r * 5, r * 5 + 5));
        expect(row.filter((v) => v === 1)).toHaveLength(1);
        expect(row.filter((v) => v === 0)).toHaveLength(4);
        // The one-hot sits at the soft sample's largest entry.
        const softRow = Array.from(soft.dataSync().slice(r * 5, r * 5 + 5));
        expect(row.indexOf(1)).toBe(softRow.indexOf(Math.max(...softRow)));
      }
      const weights = T.randn([6, 5]);
      const [gHard] = T.grad(T.sum(T.mul(hard, weights)), [logits]) as T.Tensor[];
      const [gSoft] = T.grad(T.sum(T.mul(draw(false), weights)), [logits]) as T.Tensor[];
      const a = gHard.dataSync();
      const b = gSoft.dataSync();
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 6);
    });
  });

  it('refuses a bad tau or hard, naming the option', () => {
    const x = T.zeros([2, 3]);
    expect(() => T.gumbelSoftmax(x, { tau: 0 })).toThrow(/^gumbelSoftmax: option 'tau' expected a number > 0, got 0$/);
    expect(() => T.gumbelSoftmax(x, { hard: 1 as never })).toThrow(/^gumbelSoftmax: option 'hard' expected a boolean, got number$/);
    expect(() => T.logit(x, 0.7)).toThrow(/^logit: eps expected a number from 0 to 0.5, got 0.7$/);
  });
});
