// torch.special: the composed functions (ndtr, sinc, entr, exp2, xlog1py) against PyTorch
// (fixture from scripts/fixtures_special.py), and the `special` namespace — torch's names for the
// ops it shares with the flat namespace, snake_case answered (Note [namespace spellings]).
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { describeGoldenCases, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('special');
const calls: Record<string, GoldenCall> = {
  ndtr: (x) => T.special.ndtr(x),
  ndtrTails: (x) => T.special.ndtr(x),
  sinc: (x) => T.sinc(x),
  sincAtZero: (x) => T.special.sinc(x),
  sincEdges: (x) => T.sinc(x),
  entr: (x) => T.special.entr(x),
  entrEdges: (x) => T.special.entr(x),
  exp2: (x) => T.exp2(x),
  xlog1py: (x, y) => T.special.xlog1py(x, y),
  xlog1pyZeros: (x, y) => T.special.xlog1py(x, y),
  xlog1pyZeroGrad: (x, y) => T.special.xlog1py(x, y),
  xlog1pyBroadcast: (x, y) => T.special.xlog1py(x, y),
};
describeGoldenCases(fx, calls, (device) => `ndtr, sinc, entr, exp2, xlog1py match PyTorch, forward and backward (${device})`, { output: [1e-6, 1e-5], grad: [1e-5, 1e-4] });

describe('the special namespace', () => {
  it('holds torch.special’s names for the shared ops', () => {
    T.scope(() => {
      const x = T.tensor([0.25, 1.5, 3]);
      const same = (a: T.Tensor, b: T.Tensor) => expect(Array.from(a.dataSync() as Float32Array)).toEqual(Array.from(b.dataSync() as Float32Array));
      same(T.special.gammaln(x), T.lgamma(x));
      same(T.special.psi(x), T.digamma(x));
      same(T.special.digamma(x), T.digamma(x));
      same(T.special.polygamma(2, x), T.polygamma(2, x));
      same(T.special.expit(x), T.sigmoid(x));
      same(T.special.erfinv(T.tensor([0.5, -0.25])), T.erfinv(T.tensor([0.5, -0.25])));
      same(T.special.logSoftmax(x, 0), T.logSoftmax(x, 0));
      same(T.special.logsumexp(x, 0), T.logsumexp(x, 0));
    });
  });

  it('answers torch’s snake_case with ours, and is undefined for what it lacks', () => {
    expect(() => (T.special as unknown as Record<string, unknown>).log_softmax).toThrow(new TypeError('special.log_softmax: this API spells it special.logSoftmax'));
    expect((T.special as unknown as Record<string, unknown>).bessel_j0).toBeUndefined();
    expect(() => (T.linalg as unknown as Record<string, unknown>).matrix_rank).toThrow(new TypeError('linalg.matrix_rank: this API spells it linalg.matrixRank'));
  });

  it('refuses what is not a tensor, naming the function', () => {
    expect(() => T.special.ndtr(0.5 as never)).toThrow(/^ndtr: /);
    expect(() => T.sinc([1, 2] as never)).toThrow(/^sinc: /);
    expect(() => T.special.xlog1py('a' as never, T.tensor([1]))).toThrow(/^xlog1py: /);
  });
});
