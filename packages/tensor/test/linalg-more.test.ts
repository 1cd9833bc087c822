// The composed norms and matrix functions against PyTorch (src/ops/table/linalg-norms.ts,
// linalg-lowrank.ts): linalg.vectorNorm, matrixNorm, norm, cond, multiDot, matrixPower,
// svdLowrank; logdet, diagEmbed, cov, corrcoef, pcaLowrank; the methods x.svd(), x.qr(),
// x.pinverse(), x.logdet(), x.matrixPower(n), x.diagEmbed(), x.cholesky(), x.cov(), x.corrcoef(); the linalg namespace's
// snake_case refusals. Fixture from scripts/fixtures_linalg_more.py. The low-rank cases compare
// what does not depend on the random draw (Note [low-rank randomness]).
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { gradcheck } from '../src/testing/index.js';
import { describeGoldenCases, devices, nums, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('linalg-more');
const { linalg } = T;
/** A low-rank result as the fixture holds it: S, and U·diag(S)·Vᵀ detached. */
const usv = ({ U, S, V }: { U: Tensor; S: Tensor; V: Tensor }) => [S, T.matmul(T.mul(U, T.unsqueeze(S, -2)), T.transpose(V, -2, -1)).detach()];

const calls: Record<string, GoldenCall> = {
  vectorNormDefault: (x) => linalg.vectorNorm(x),
  vectorNormOrd3Keepdim: (x) => T.vectorNorm(x, { ord: 3, dim: 1, keepdim: true }),
  vectorNormInfDims: (x) => linalg.vectorNorm(x, { ord: Infinity, dim: [0, 2] }),
  vectorNormInfTies: (x) => T.vectorNorm(x, { ord: Infinity, dim: 1 }),
  vectorNormNegInf: (x) => T.vectorNorm(x, { ord: -Infinity, dim: -1 }),
  vectorNormOne: (x) => T.vectorNorm(x, { ord: 1, dim: 0 }),
  vectorNormHalfWithZeros: (x) => T.vectorNorm(x, { ord: 0.5, dim: 1 }),
  vectorNormNegative: (x) => T.vectorNorm(x, { ord: -1.5, dim: 1 }),
  vectorNormNegativeWithZeros: (x) => T.vectorNorm(x, { ord: -1, dim: 1 }),
  vectorNormZero: (x) => T.vectorNorm(x, { ord: 0, dim: 1 }),
  vectorNormZeroVector: (x) => T.vectorNorm(x, { dim: 1 }),
  vectorNormScalar: (x) => T.vectorNorm(x, { ord: 3 }),
  matrixNormFro: (a) => linalg.matrixNorm(a),
  matrixNormNuc: (a) => T.matrixNorm(a, { ord: 'nuc' }),
  matrixNormInf: (a) => T.matrixNorm(a, { ord: Infinity }),
  matrixNormNegInf: (a) => T.matrixNorm(a, { ord: -Infinity }),
  matrixNormOne: (a) => T.matrixNorm(a, { ord: 1 }),
  matrixNormNegOne: (a) => T.matrixNorm(a, { ord: -1 }),
  matrixNormTwo: (a) => T.matrixNorm(a, { ord: 2 }),
  matrixNormNegTwo: (a) => T.matrixNorm(a, { ord: -2 }),
  matrixNormDimsKeepdim: (a) => T.matrixNorm(a, { ord: 1, dim: [0, 2], keepdim: true }),
  matrixNormNucDimsKeepdim: (a) => T.matrixNorm(a, { ord: 'nuc', dim: [2, 0], keepdim: true }),
  matrixNormEmpty: (a) => T.matrixNorm(a, { ord: 1 }),
  normDefault: (a) => linalg.norm(a),
  normMatrixInf: (a) => linalg.norm(a, { ord: Infinity }),
  normVectorOrd: (a) => linalg.norm(a, { ord: 3 }),
  normOneDim: (a) => linalg.norm(a, { ord: -1, dim: 1 }),
  normTwoDimsNuc: (a) => linalg.norm(a, { ord: 'nuc', dim: [1, 2] }),
  normFro: (a) => linalg.norm(a, { ord: 'fro' }),
  condDefault: (a) => linalg.cond(a),
  condMinusTwoWide: (a) => T.cond(a, { p: -2 }),
  condFro: (a) => T.cond(a, { p: 'fro' }),
  condNuc: (a) => T.cond(a, { p: 'nuc' }),
  condInf: (a) => T.cond(a, { p: Infinity }),
  condOne: (a) => T.cond(a, { p: 1 }),
  condNegOne: (a) => T.cond(a, { p: -1 }),
  condSingular: (a) => T.cond(a, { p: 1 }),
  condEmpty: (a) => T.cond(a),
  multiDotChain: (a, b, c, d) => linalg.multiDot([a, b, c, d]),
  multiDotVectors: (a, b, c, d) => T.multiDot([a, b, c, d]),
  multiDotRowVector: (a, b) => T.multiDot([a, b]),
  multiDotColumnVector: (a, b, c) => T.multiDot([a, b, c]),
  matrixPowerThree: (a) => linalg.matrixPower(a, 3),
  matrixPowerZero: (a) => a.matrixPower(0),
  matrixPowerOne: (a) => T.matrixPower(a, 1),
  matrixPowerMinusTwo: (a) => T.matrixPower(a, -2),
  matrixPowerMinusOne: (a) => a.matrixPower(-1),
  matrixPowerSixBatched: (a) => T.matrixPower(a, 6),
  logdet: (a) => T.logdet(a),
  logdetSigns: (a) => a.logdet(),
  logdetSingular: (a) => T.logdet(a),
  diagEmbed: (x) => T.diagEmbed(x),
  diagEmbedOffsetDims: (x) => x.diagEmbed({ offset: 1, dim1: 0, dim2: 2 }),
  diagEmbedNegativeOffset: (x) => T.diagEmbed(x, { offset: -2, dim1: -1, dim2: 0 }),
  cov: (x) => T.cov(x),
  covCorrection0: (x) => x.cov({ correction: 0 }),
  covOneVariable: (x) => T.cov(x),
  covFweights: (x, f) => T.cov(x, { fweights: f }),
  covAweights: (x, a) => T.cov(x, { aweights: a }),
  covBothWeights: (x, f, a) => T.cov(x, { correction: 2, fweights: f, aweights: a }),
  corrcoef: (x) => x.corrcoef(),
  corrcoefOneVariable: (x) => T.corrcoef(x),
  svdLowrankTall: (a) => usv(linalg.svdLowrank(a, { q: 2 })),
  svdLowrankWideBatched: (a) => usv(T.svdLowrank(a, { q: 3, niter: 1 })),
  svdLowrankM: (a, m) => usv(T.svdLowrank(a, { q: 2, M: m })),
  pcaLowrank: (a) => usv(T.pcaLowrank(a, { q: 2 })),
  pcaLowrankUncentred: (a) => usv(T.pcaLowrank(a, { q: 3, center: false, niter: 3 })),
  tensorSvd: (a) => [...a.svd()],
  tensorSvdWideBatched: (a) => [...a.svd()],
};
describeGoldenCases(fx, calls, (device) => `norms and matrix functions match PyTorch, forward and backward (${device})`, { output: [3e-4, 3e-4], grad: [1e-3, 1e-3] });

describe('gradients by finite differences', () => {
  for (const device of devices) {
    it(`cond in the norms PyTorch cannot differentiate, and other compositions (${device})`, () => {
      T.scope(() => {
        const A = T.add(T.mul(T.randn([3, 3], { device }), 0.3), T.mul(T.eye(3, { device }), 1.5)).requiresGrad_();
        for (const p of [1, -1, Infinity, 'fro', 'nuc'] as const) expect(gradcheck((a) => T.cond(a, { p }), [A]).details, `cond p=${p}`).toEqual([]);
        expect(gradcheck((a) => T.matrixPower(a, -3), [A]).details).toEqual([]);
        expect(gradcheck((a) => T.logdet(T.matmul(a, T.transpose(a, 0, 1))), [A]).details).toEqual([]);
        const x = T.add(T.randn([3, 5], { device }), 0).requiresGrad_();
        const w = T.tensor([0.5, 1, 2, 0.25, 1.5], { device, requiresGrad: true });
        expect(gradcheck((x, w) => T.cov(x, { aweights: w }), [x, w]).details).toEqual([]);
        expect(gradcheck((x) => T.corrcoef(x), [x]).details).toEqual([]);
        expect(gradcheck((x) => T.vectorNorm(x, { ord: -1.5, dim: 0 }), [x]).details).toEqual([]);
        expect(gradcheck((x) => T.diagEmbed(x, { offset: -1, dim1: 0, dim2: 1 }), [x]).details).toEqual([]);
        const B = T.randn([5, 4], { device, requiresGrad: true });
        expect(gradcheck((x, b) => T.multiDot([x, b, T.transpose(b, 0, 1)]), [x, B]).details).toEqual([]);
      });
    });
  }
});

describe('semantics', () => {
  for (const device of devices) {
    describe(device, () => {
      const m = (rows: number[][]) => T.tensor(rows, { device });

      it("vectorNorm reduces every dim when dim is omitted or empty, keeping them as 1's with keepdim", () => {
        const x = m([[3, 0], [0, 4]]);
        expect(T.vectorNorm(x, { keepdim: true }).shape).toEqual([1, 1]);
        expect(nums(T.vectorNorm(x, { dim: [] }))).toEqual([5]);
        expect(T.linalg.norm(x, { keepdim: true }).shape).toEqual([1, 1]);
        expect(nums(T.matrixNorm(T.zeros([2, 3, 0], { device }), { ord: 2 }))).toEqual([0, 0]);
      });

      it('cond of a singular matrix is +inf in the inverse-based norms, and of an empty matrix 0', () => {
        const singular = m([[1, 2], [2, 4]]);
        for (const p of [1, -1, Infinity, -Infinity, 'fro'] as const) expect(nums(T.cond(singular, { p })), `p=${p}`).toEqual([Infinity]);
        expect(nums(T.cond(T.zeros([3, 0, 0], { device })))).toEqual([0, 0, 0]);
      });

      it('multiDot picks the cheap order and gives the left-to-right product', () => {
        T.scope(() => {
          const a = T.randn([10, 2], { device });
          const b = T.randn([2, 10], { device });
          const c = T.randn([10, 3], { device });
          const ordered = nums(T.multiDot([a, b, c]));
          const plain = nums(T.matmul(T.matmul(a, b), c));
          ordered.forEach((v, i) => expect(v).toBeCloseTo(plain[i], 4));
        });
      });

      it('matrixPower(A, 0) is the identity per matrix, with no history', () => {
        const A = T.randn([2, 3, 3], { device, requiresGrad: true });
        const I = T.matrixPower(A, 0);
        expect(I.requiresGrad).toBe(false);
        expect(nums(I)).toEqual(nums(T.expand(T.eye(3, { device }), [2, 3, 3])));
      });

      it("logdet: NaN for a negative determinant, -inf for a singular matrix, as PyTorch's", () => {
        expect(nums(T.logdet(m([[0, 1], [1, 0]])))).toEqual([NaN]);
        expect(nums(T.logdet(m([[1, 2], [2, 4]])))).toEqual([-Infinity]);
        expect(nums(T.logdet(m([[2, 0], [0, 3]])))[0]).toBeCloseTo(Math.log(6), 5);
      });

      it('diagEmbed keeps integer and bool dtypes', () => {
        const ints = T.diagEmbed(T.tensor([1, 2], { dtype: 'int64', device }));
        expect(ints.dtype).toBe('int64');
        expect(nums(ints)).toEqual([1, 0, 0, 2]);
        expect(T.diagEmbed(T.tensor([true, false], { dtype: 'bool', device })).dtype).toBe('bool');
      });

      it('pcaLowrank: S²/(m − 1) are the top eigenvalues of the covariance of the columns', () => {
        T.scope(() => {
          const A = T.add(T.matmul(T.randn([40, 3], { device }), T.randn([3, 6], { device })), T.mul(T.randn([40, 6], { device }), 0.01));
          const { S, V } = T.pcaLowrank(A, { q: 3, generator: new T.Generator(1) });
          expect(V.shape).toEqual([6, 3]);
          const variances = nums(S).map((s) => (s * s) / 39);
          const eig = nums(T.eigvalsh(T.cov(T.transpose(A, 0, 1)))).reverse().slice(0, 3);
          variances.forEach((v, i) => expect(Math.abs(v - eig[i])).toBeLessThan(1e-3 * (1 + eig[i])));
        });
      });

      it('svdLowrank repeats a run with the same generator, and with q = min(m, n) finds every singular value', () => {
        T.scope(() => {
          const A = T.randn([30, 8], { device });
          const first = T.svdLowrank(A, { q: 8, generator: new T.Generator(7) });
          const again = T.svdLowrank(A, { q: 8, generator: new T.Generator(7) });
          expect(nums(again.U)).toEqual(nums(first.U));
          const exact = nums(T.svdvals(A));
          nums(first.S).forEach((s, i) => expect(Math.abs(s - exact[i])).toBeLessThan(1e-4 * (1 + exact[i])));
        });
      });

      it("x.svd() is PyTorch's Tensor.svd: V, not Vh; reduced unless some: false", () => {
        T.scope(() => {
          const A = T.randn([5, 3], { device });
          const { U, S, V } = A.svd();
          expect([U.shape, S.shape, V.shape]).toEqual([[5, 3], [3], [3, 3]]);
          const back = nums(T.matmul(T.mul(U, S), T.transpose(V, 0, 1)));
          nums(A).forEach((v, i) => expect(back[i]).toBeCloseTo(v, 4));
          const full = A.svd({ some: false });
          expect([full.U.shape, full.V.shape]).toEqual([[5, 5], [3, 3]]);
          expect(nums(full.V)).toEqual(nums(V)); // V is square for a tall A either way
          const wide = T.randn([2, 4], { device }).svd({ some: false });
          expect(wide.V.shape).toEqual([4, 4]);
        });
      });

      it("x.qr({ some }), x.cholesky(), x.pinverse() and x.logdet() as PyTorch's methods", () => {
        T.scope(() => {
          const A = T.randn([4, 3], { device });
          expect(A.qr().Q.shape).toEqual([4, 3]);
          expect(A.qr({ some: false }).Q.shape).toEqual([4, 4]);
          expect(nums(A.pinverse())).toEqual(nums(T.pinv(A, { rtol: 1e-15 })));
          const spd = m([[4, 2], [2, 3]]);
          expect(nums(spd.cholesky())).toEqual(nums(T.cholesky(spd)));
          expect(nums(spd.cholesky({ upper: true }))).toEqual(nums(T.cholesky(spd, { upper: true })));
          expect(nums(spd.logdet())[0]).toBeCloseTo(Math.log(8), 5);
        });
      });
    });
  }
});

describe('cov warns when no degrees of freedom are left', () => {
  it("warns once (PyTorch's warning), and the result is inf or NaN", async () => {
    const seen: Error[] = [];
    const listener = (w: Error) => seen.push(w);
    process.on('warning', listener);
    try {
      const c = T.cov(T.tensor([[1], [2]]));
      expect(nums(c).every((v) => !Number.isFinite(v))).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      const ours = seen.filter((w) => (w as { code?: string }).code === T.DEGREES_OF_FREEDOM_WARNING && w.message.startsWith('cov:'));
      expect(ours.map((w) => w.message)).toEqual(['cov: degrees of freedom is <= 0 (1 observations, correction 1), so the result is NaN or infinite; correction should be less than the number of observations']);
    } finally {
      process.off('warning', listener);
    }
  });
});

describe('refusals name the function, the argument, what was expected and what came', () => {
  const x = T.tensor([[1, 2, 3], [4, 5, 6]]);
  const sq = T.tensor([[2, 1], [1, 3]]);
  const cases: [string, () => unknown, RegExp][] = [
    ['vectorNorm of a matrix order', () => T.vectorNorm(x, { ord: 'fro' as never }), /^vectorNorm: ord expected a number \(0, Infinity and -Infinity included\), got 'fro' \('fro' is a matrix norm: linalg\.matrixNorm\(A, \{ ord: 'fro' \}\)\)$/],
    ['vectorNorm of an int tensor', () => T.vectorNorm(T.tensor([1, 2], { dtype: 'int64' })), /^vectorNorm: x expected float32, got int64$/],
    ['vectorNorm inf over an empty dim', () => T.vectorNorm(T.zeros([0, 3]), { ord: Infinity }), /^vectorNorm: cannot compute the inf norm over dim 0 of size 0 \(x \[0,3\]\): it has no identity$/],
    ['vectorNorm with a dim twice', () => T.vectorNorm(x, { dim: [1, -1] }), /^vectorNorm: dim \[1,-1\] names a dimension twice$/],
    ['vectorNorm with a dim out of range', () => T.vectorNorm(x, { dim: 2 }), /^vectorNorm: dim 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/],
    ['vectorNorm with keepDim', () => T.vectorNorm(x, { keepDim: true } as never), /^vectorNorm: unknown option 'keepDim' \(it takes 'ord', 'dim', 'keepdim'\); did you mean 'keepdim'\?$/],
    ['matrixNorm of order 3', () => T.matrixNorm(x, { ord: 3 }), /^matrixNorm: ord expected 'fro', 'nuc', Infinity, -Infinity, 1, -1, 2 or -2, got 3 \(vector norms of any order: linalg\.vectorNorm\)$/],
    ['matrixNorm of a vector', () => T.matrixNorm(T.tensor([1, 2, 3])), /^matrixNorm: A expected at least 2 dimensions \(a matrix or a batch of them\), got \[3\]$/],
    ['matrixNorm over one dim', () => T.matrixNorm(x, { dim: [0] }), /^matrixNorm: dim expected two dims \[d0, d1\], got \[0\]$/],
    ['matrixNorm over a dim twice', () => T.matrixNorm(x, { dim: [0, -2] }), /^matrixNorm: dim expected two different dims, got \[0,-2\] \(both dim 0\)$/],
    ['linalg.norm with ord of a 3-d tensor', () => T.linalg.norm(T.zeros([2, 2, 2]), { ord: 2 }), /^linalg\.norm: with ord and no dim, A expected 1 or 2 dimensions, got \[2,2,2\] \(name the dims: \{ dim: \[-2, -1\] \} for matrices, \{ dim: -1 \} for vectors\)$/],
    ['linalg.norm over three dims', () => T.linalg.norm(T.zeros([2, 2, 2]), { dim: [0, 1, 2] }), /^linalg\.norm: dim expected one dim \(a vector norm\) or two \(a matrix norm\), got \[0,1,2\]$/],
    ["linalg.norm 'fro' of a vector", () => T.linalg.norm(T.tensor([1, 2]), { ord: 'fro' }), /^linalg\.norm: A expected at least 2 dimensions \(a matrix or a batch of them\), got \[2\]$/],
    ['linalg.norm with a third argument', () => (T.linalg.norm as (...a: unknown[]) => Tensor)(x, {}, 1), /^linalg\.norm: takes at most 2 arguments, got 3/],
    ['cond of order 3', () => T.cond(sq, { p: 3 }), /^cond: p expected 2, -2, 'fro', 'nuc', Infinity, -Infinity, 1 or -1, got 3$/],
    ['cond p=1 of a non-square matrix', () => T.cond(x, { p: 1 }), /^cond: A expected a square matrix or a batch of them \[\.\.\., n, n\] for p = 1 \(p = 2 takes any shape\), got \[2,3\]$/],
    ['multiDot of one tensor', () => T.multiDot([x]), /^multiDot: tensors expected at least 2 tensors, got 1$/],
    ['multiDot of a tensor, not a list', () => T.multiDot(x as never), /^multiDot: tensors expected an array of tensors, got a Tensor \(pass \[A, B, …\]\)$/],
    ['multiDot of a vector in the middle', () => T.multiDot([x, T.tensor([1, 2, 3]), sq]), /^multiDot: tensors\[1\] expected a matrix \(2 dimensions\), got \[3\]$/],
    ['multiDot of shapes that do not chain', () => T.multiDot([x, sq]), /^multiDot: tensors\[0\] \[2,3\] and tensors\[1\] \[2,2\] cannot be multiplied \(3 ≠ 2\)$/],
    ['matrixPower to 1.5', () => T.matrixPower(sq, 1.5), /^matrixPower: n expected an integer, got 1\.5$/],
    ['matrixPower of a non-square matrix', () => T.matrixPower(x, 2), /^matrixPower: A expected a square matrix or a batch of them \[\.\.\., n, n\], got \[2,3\]$/],
    ['logdet of a non-square matrix', () => T.logdet(x), /^logdet: A expected a square matrix or a batch of them \[\.\.\., n, n\], got \[2,3\]$/],
    ['diagEmbed into one dim twice', () => T.diagEmbed(x, { dim1: 0, dim2: -3 }), /^diagEmbed: dim1 and dim2 expected different dims, got 0 and -3 \(both dim 0 of the 3-d result\)$/],
    ['diagEmbed of a 0-d tensor', () => T.diagEmbed(T.tensor(1)), /^diagEmbed: input expected at least 1 dimension \(its last dim goes on the diagonal\), got a 0-d tensor$/],
    ['diagEmbed with offset 0.5', () => T.diagEmbed(x, { offset: 0.5 }), /^diagEmbed: offset expected an integer, got 0\.5$/],
    ['cov of a 3-d tensor', () => T.cov(T.zeros([2, 2, 2])), /^cov: input expected at most 2 dimensions \(variables in rows, observations in columns\), got \[2,2,2\]$/],
    ['cov with float fweights', () => T.cov(x, { fweights: T.tensor([1, 2, 3]) }), /^cov: fweights expected an integer dtype \(int64, int32, uint8\), got float32 \(float weights are aweights\)$/],
    ['cov with too few aweights', () => T.cov(x, { aweights: T.tensor([1, 2]) }), /^cov: aweights expected 3 weights \(one per observation, the input's columns\), got 2$/],
    ['corrcoef of a 3-d tensor', () => T.corrcoef(T.zeros([2, 2, 2])), /^corrcoef: input expected at most 2 dimensions \(variables in rows, observations in columns\), got \[2,2,2\]$/],
    ['svdLowrank with q 0', () => T.svdLowrank(x, { q: 0 }), /^svdLowrank: q expected an integer >= 1 \(a little over A's rank\), got 0$/],
    ['svdLowrank with an M that does not broadcast', () => T.svdLowrank(x, { M: T.zeros([2]) }), /^svdLowrank: M expected a shape that broadcasts to A's \[2,3\], got \[2\]$/],
    ['svdLowrank with a seed for a generator', () => T.svdLowrank(x, { generator: 7 as never }), /^svdLowrank: generator expected a Generator, got 7$/],
    ['pcaLowrank with q over min(m, n)', () => T.pcaLowrank(x, { q: 3 }), /^pcaLowrank: q expected an integer from 1 to min\(m, n\) = 2 \(A \[2,3\]\), got 3$/],
    ['pcaLowrank with niter -1', () => T.pcaLowrank(x, { niter: -1 }), /^pcaLowrank: niter expected an integer >= 0, got -1$/],
    ['x.svd with some: 1', () => x.svd({ some: 1 as never }), /^svd: some expected true or false, got 1$/],
    ["x.qr with linalg.qr's mode", () => x.qr({ mode: 'complete' } as never), /^qr: unknown option 'mode' \(it takes 'some'\)$/],
    ['x.pinverse with rcond -1', () => x.pinverse({ rcond: -1 }), /^pinverse: rcond expected a number >= 0, got -1$/],
  ];
  for (const [name, f, message] of cases) it(name, () => expect(f).toThrow(message));
});

describe('the linalg namespace', () => {
  it('holds the new functions next to the old ones', () => {
    expect(Object.keys(T.linalg).sort()).toEqual(
      ['cholesky', 'choleskyEx', 'choleskyInverse', 'choleskySolve', 'cond', 'cross', 'det', 'eigh', 'eigvalsh', 'inv', 'lstsq', 'luFactor', 'luFactorEx', 'luSolve', 'matrixNorm', 'matrixPower', 'matrixRank', 'multiDot', 'norm', 'pinv', 'qr', 'slogdet', 'solve', 'solveTriangular', 'svd', 'svdLowrank', 'svdvals', 'vecdot', 'vectorNorm'].sort(),
    );
    expect(Object.isFrozen(T.linalg)).toBe(true);
    expect(T.linalg.choleskySolve).toBe(T.choleskySolve);
    expect(T.linalg.norm).not.toBe(T.norm); // torch.linalg.norm, not the flat vector p-norm
  });

  it("refuses PyTorch's snake_case spellings with a TypeError naming ours", () => {
    const ns = T.linalg as unknown as Record<string, unknown>;
    const spellings: [string, string][] = [
      ['matrix_rank', 'matrixRank'], ['solve_triangular', 'solveTriangular'], ['vector_norm', 'vectorNorm'], ['matrix_norm', 'matrixNorm'],
      ['cholesky_ex', 'choleskyEx'], ['lu_factor', 'luFactor'], ['lu_factor_ex', 'luFactorEx'], ['lu_solve', 'luSolve'], ['multi_dot', 'multiDot'],
      ['matrix_power', 'matrixPower'], ['svd_lowrank', 'svdLowrank'], ['cholesky_solve', 'choleskySolve'], ['cholesky_inverse', 'choleskyInverse'],
    ];
    for (const [snake, ours] of spellings) {
      expect(() => ns[snake], snake).toThrow(TypeError);
      expect(() => ns[snake], snake).toThrow(new RegExp(`^linalg\\.${snake}: this API spells it linalg\\.${ours}$`));
    }
    expect(typeof T.linalg.eigvalsh).toBe('function');
  });

  it('answers symbols, then, and names it lacks with undefined, as a plain object', async () => {
    const ns = T.linalg as unknown as Record<string | symbol, unknown>;
    expect(ns.then).toBeUndefined();
    expect(ns[Symbol.toStringTag]).toBeUndefined();
    expect(ns.matrix_exp).toBeUndefined();
    expect(ns.vectornorm).toBeUndefined();
    expect('matrix_rank' in ns).toBe(false);
    expect(await Promise.resolve(T.linalg)).toBe(T.linalg); // awaitable: no throwing `then`
    expect(String(Object.prototype.toString.call(T.linalg))).toBe('[object Object]');
  });

  it("refuses the methods' snake_case spellings as every Tensor method's", () => {
    const x = T.tensor([[1, 0], [0, 1]]);
    expect(() => (x as unknown as Record<string, unknown>).matrix_power).toThrow(/^Tensor\.matrix_power: this API spells it matrixPower$/);
    expect(() => (x as unknown as Record<string, unknown>).diag_embed).toThrow(/^Tensor\.diag_embed: this API spells it diagEmbed$/);
  });
});
