// torch.linalg's essentials against PyTorch (src/ops/table/linalg-lu.ts, linalg-composed.ts);
// fixture from scripts/fixtures_linalg.py. The luFactor and luSolve ops have their own goldens,
// gradient checks and cpu↔cuda parity in the op table.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { gradcheck } from '../src/testing/index.js';
import { describeGoldenCases, devices, nums, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('linalg');
const slog = (a: Tensor) => [...T.slogdet(a)];
const calls: Record<string, GoldenCall> = {
  solveMatrix: (a, b) => T.solve(a, b),
  solveVector: (a, b) => T.solve(a, b),
  solveBatched: (a, b) => T.solve(a, b),
  solveBatchedVector: (a, b) => T.solve(a, b),
  solveOneFactorManyB: (a, b) => T.solve(a, b),
  solveBroadcastBoth: (a, b) => T.solve(a, b),
  solveVectorAgainstBatch: (a, b) => T.solve(a, b),
  solvePivoting: (a, b) => T.linalg.solve(a, b),
  solveOneByOne: (a, b) => T.solve(a, b),
  solveLarger: (a, b) => T.solve(a, b),
  inv: (a) => T.inv(a),
  invBatched: (a) => T.inv(a),
  invPivoting: (a) => a.inverse(),
  invOneByOne: (a) => T.linalg.inv(a),
  invLarger: (a) => T.inv(a),
  det: (a) => T.det(a),
  detBatched: (a) => T.det(a),
  detNegative: (a) => a.det(),
  detPivoting: (a) => T.linalg.det(a),
  detOneByOne: (a) => T.det(a),
  detSingular: (a) => T.det(a),
  detBatchWithSingular: (a) => T.det(a),
  slogdet: slog,
  slogdetBatched: slog,
  slogdetLarge: (a) => [...T.linalg.slogdet(a)],
  slogdetSingular: slog,
  luFactor: (a) => [...T.linalg.luFactor(a)],
  dot: (a, b) => T.dot(a, b),
  mv: (a, x) => T.mv(a, x),
  cross: (a, b) => T.linalg.cross(a, b),
  crossBroadcast: (a, b) => T.cross(a, b),
  crossDim0: (a, b) => T.cross(a, b, { dim: 0 }),
  vecdot: (a, b) => T.linalg.vecdot(a, b),
  vecdotDim: (a, b) => T.vecdot(a, b, { dim: 0 }),
};
// float32 against PyTorch's float32 LAPACK (blocked, another summation order): ~1e-6 relative
// for these matrices (singular values in [0.5, 2], n ≤ 16).
describeGoldenCases(fx, calls, (device) => `linalg matches PyTorch, forward and backward (${device})`, { output: [2e-5, 2e-5], grad: [5e-5, 5e-5] });

/** The call's first output read back: a data error surfaces at the call or at the read. */
const read = (f: () => Tensor) => () => T.scope(() => f().dataSync());

describe('linalg', () => {
  for (const device of devices) {
    describe(device, () => {
      const m = (rows: number[][]) => T.tensor(rows, { device });

      it("refuses a singular matrix in solve and inv with PyTorch's messages; det is 0", () => {
        const singular = m([[1, 2], [2, 4]]);
        expect(read(() => T.solve(singular, m([[1], [2]])))).toThrow(/^luSolve: linalg\.solve: The solver failed because the input matrix is singular\.$/);
        expect(read(() => T.inv(singular))).toThrow(/^luSolve: linalg\.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular\.$/);
        const batch = T.stack([m([[1, 0], [0, 1]]), singular]);
        expect(read(() => T.inv(batch))).toThrow(/^luSolve: linalg\.inv: \(Batch element 1\): The diagonal element 2 is zero/);
        expect(read(() => T.luFactor(batch).LU)).toThrow(/^luFactor: \(Batch element 1\): U\[2,2\] is zero and using it on luSolve would result in a division by zero/);
        expect(Math.abs(T.det(singular).itemSync())).toBe(0);
        const { LU, pivots, info } = T.luFactorEx(batch);
        expect(nums(info)).toEqual([0, 2]);
        expect(nums(pivots)).toEqual([1, 2, 2, 2]);
        expect(nums(LU).slice(4)).toEqual([2, 4, 0.5, 0]);
        const { sign, logabsdet } = T.slogdet(singular);
        expect(Math.abs(sign.itemSync())).toBe(0);
        expect(logabsdet.itemSync()).toBe(-Infinity);
      });

      it('solves with a factor: luSolve, its adjoint, and batch dims that broadcast', () => {
        T.scope(() => {
          const A = m([[0, 2, 1], [1, 1, 0.5], [3, -1, 2]]);
          const B = T.randn([4, 3, 2], { device });
          const { LU, pivots } = T.luFactor(A);
          const X = T.luSolve(LU, pivots, B);
          expect(nums(T.matmul(A, X))).toEqual(nums(B).map((v) => expect.closeTo(v, 4)));
          const Y = T.luSolve(LU, pivots, B, { adjoint: true });
          expect(nums(T.matmul(T.transpose(A, 0, 1), Y))).toEqual(nums(B).map((v) => expect.closeTo(v, 4)));
        });
      });

      it('gives second derivatives (the backward rules are written with differentiable functions)', () => {
        T.scope(() => {
          const A = m([[2, 0.5, -1], [0.3, 1.5, 0.2], [-0.4, 0.1, 1.8]]).requiresGrad_();
          const b = m([[1], [2], [-1]]);
          const loss = T.add(T.sum(T.mul(T.solve(A, b), T.solve(A, b))), T.add(T.det(A), T.sum(T.inv(A))));
          const [g] = T.grad(loss, [A], { createGraph: true }) as Tensor[];
          T.sum(T.mul(g, g)).backward();
          expect(nums(A.grad!).every(Number.isFinite)).toBe(true);
          // The gradient as a function of A, checked by finite differences (gradcheck evaluates it
          // without grad mode, so it makes its own leaf).
          const check = gradcheck((a: Tensor) => T.enableGrad(() => {
            const leaf = a.requiresGrad ? a : a.clone().requiresGrad_();
            const [ga] = T.grad(T.add(T.det(leaf), T.sum(T.mul(T.solve(leaf, b), T.inv(leaf)))), [leaf], { createGraph: true }) as Tensor[];
            return ga;
          }), [A], { tolerance: 2e-2 });
          expect(check.details).toEqual([]);
        });
      });
    });
  }

  it('refuses non-square matrices, other dtypes and mismatched shapes, naming the function, the argument, expected and got', () => {
    const sq = T.ones([3, 3]);
    expect(() => T.solve(T.ones([2, 3]), T.ones([2]))).toThrow(/^solve: A expected a square matrix or a batch of them \[\.\.\., n, n\], got \[2,3\]$/);
    expect(() => T.solve(sq, T.ones([2]))).toThrow(/^solve: B expected \[\.\.\., 3\] or \[\.\.\., 3, k\] to match A \[3,3\], got \[2\]$/);
    expect(() => T.solve(T.ones([2, 3, 3]), T.ones([4, 3, 1]))).toThrow(/^solve: the batch dims of A \[2,3,3\] and B \[4,3,1\] expected to broadcast, got \[2\] and \[4\]$/);
    expect(() => T.solve(sq, T.ones([3], { dtype: 'int32' }))).toThrow(/^solve: B expected float32, got int32$/);
    expect(() => T.inv(T.ones([3]))).toThrow(/^inv: A expected a square matrix or a batch of them \[\.\.\., n, n\], got \[3\]$/);
    expect(() => T.det(T.ones([2, 2], { dtype: 'int32' }))).toThrow(/^det: A expected float32, got int32$/);
    expect(() => T.slogdet(T.ones([2, 4]))).toThrow(/^slogdet: A expected a square matrix/);
    expect(() => T.luFactor(T.ones([2, 3]))).toThrow(/^luFactor: A expected a square matrix/);
    expect(() => T.luSolve(sq, T.ones([3], { dtype: 'int32' }), T.ones([2, 1]))).toThrow(/^luSolve: B expected \[\.\.\., 3, k\] to match LU \[3,3\], got \[2,1\]$/);
    expect(() => T.dot(T.ones([3]), T.ones([4]))).toThrow(/^dot: b expected the length of a \(3\), got 4$/);
    expect(() => T.dot(T.ones([3]), T.ones([3], { dtype: 'int32' }))).toThrow(/^dot: b expected the dtype of a \(float32\), got int32$/);
    expect(() => T.mv(sq, T.ones([2]))).toThrow(/^mv: x expected a vector \[3\] to match A \[3,3\], got \[2\]$/);
    expect(() => T.cross(T.ones([4, 2]), T.ones([4, 2]))).toThrow(/^cross: a and b expected length 3 in dimension -1, got \[4,2\] and \[4,2\]$/);
    expect(() => T.cross(T.ones([3]), T.ones([3]), { axis: 0 } as never)).toThrow(/^cross: /);
  });

  it('exports the torch.linalg spellings as one namespace and det/inverse as methods', () => {
    expect(Object.keys(T.linalg).sort()).toEqual(['cholesky', 'choleskyEx', 'choleskyInverse', 'choleskySolve', 'cond', 'cross', 'det', 'eigh', 'eigvalsh', 'inv', 'lstsq', 'luFactor', 'luFactorEx', 'luSolve', 'matrixNorm', 'matrixPower', 'matrixRank', 'multiDot', 'norm', 'pinv', 'qr', 'slogdet', 'solve', 'solveTriangular', 'svd', 'svdLowrank', 'svdvals', 'vecdot', 'vectorNorm']);
    expect(T.ones([1, 1]).mul(3).det().itemSync()).toBe(3);
    expect(T.ones([1, 1]).mul(4).inverse().itemSync()).toBe(0.25);
  });
});
