// The decompositions against PyTorch (src/ops/table/linalg-decomp.ts, linalg-svd.ts): cholesky,
// eigh and svd (native ops: LAPACK on the cpu), solveTriangular, choleskySolve, choleskyInverse,
// eigvalsh, svdvals, pinv, matrixRank, lstsq, qr; fixture from scripts/fixtures_linalg_decomp.py. The op table holds their values,
// refusals and cpu↔cuda parity; gradients are checked here, through symmetric inputs (Note
// [symmetric inputs]), and against PyTorch's on the inputs directly.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { gradcheck } from '../src/testing/index.js';
import { describeGoldenCases, devices, nums, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('linalg-decomp');
const eigh = (a: Tensor, UPLO?: 'L' | 'U') => [...T.linalg.eigh(a, UPLO ? { UPLO } : {})];
const sym = (b: Tensor) => T.mul(T.add(b, T.transpose(b, -2, -1)), 0.5);
const calls: Record<string, GoldenCall> = {
  cholesky: (a) => T.cholesky(a),
  choleskyBatched: (a) => T.linalg.cholesky(a),
  choleskyUpper: (a) => T.cholesky(a, { upper: true }),
  choleskyOfProduct: (b) => T.cholesky(T.add(T.matmul(b, T.transpose(b, 0, 1)), T.mul(T.eye(4, { device: b.device }), 4))),
  choleskyLarger: (a) => T.cholesky(a),
  choleskyEx: (a) => [...T.choleskyEx(a)],
  solveTriangularLower: (a, b) => T.solveTriangular(a, b, { upper: false }),
  solveTriangularUpperRight: (a, b) => T.linalg.solveTriangular(a, b, { upper: true, left: false }),
  solveTriangularUnitBatched: (a, b) => T.solveTriangular(a, b, { upper: true, unitriangular: true }),
  solveTriangularBroadcast: (a, b) => T.solveTriangular(a, b, { upper: false }),
  choleskySolve: (b, l) => T.choleskySolve(b, l),
  choleskyInverse: (l) => T.choleskyInverse(l),
  eigh: (a) => eigh(a),
  eighBatched: (a) => eigh(a),
  eighUpper: (a) => eigh(a, 'U'),
  eighOfSymmetrized: (b) => eigh(sym(b)),
  eighLarger: (a) => eigh(a),
  eigvalsh: (a) => T.linalg.eigvalsh(a),
  svdSquare: (a) => [...T.svd(a, { fullMatrices: false })],
  svdTall: (a) => [...T.linalg.svd(a, { fullMatrices: false })],
  svdWideBatched: (a) => [...T.svd(a, { fullMatrices: false })],
  // Full matrices: the extra columns are not unique; the first k are, and carry the gradient.
  svdFullTall: (a) => {
    const { U, S, Vh } = T.svd(a);
    return [T.narrow(U, -1, 0, 3), S, T.narrow(Vh, -2, 0, 3)];
  },
  svdvals: (a) => T.svdvals(a),
  pinv: (a) => T.pinv(a),
  pinvWide: (a) => T.linalg.pinv(a),
  pinvRankDeficient: (a) => T.pinv(a),
  matrixRank: (a) => T.matrixRank(a),
  matrixRankAtol: (a) => T.linalg.matrixRank(a, { atol: 1.5 }),
  lstsqTall: (a, b) => [...T.lstsq(a, b)].slice(0, 2),
  lstsqSquare: (a, b) => [T.linalg.lstsq(a, b).solution],
  qrTall: (a) => [...T.qr(a)],
  qrSquareBatched: (a) => [...T.linalg.qr(a)],
  qrWide: (a) => [...T.qr(a, { mode: 'reduced' })],
  qrCompleteWide: (a) => [...T.qr(a, { mode: 'complete' })],
};
describeGoldenCases(fx, calls, (device) => `decompositions match PyTorch, forward and backward (${device})`, { output: [2e-4, 2e-4], grad: [5e-4, 5e-4] });

const read = (f: () => Tensor) => () => T.scope(() => f().dataSync());

describe('symmetric decompositions', () => {
  for (const device of devices) {
    describe(device, () => {
      const m = (rows: number[][]) => T.tensor(rows, { device });

      it("refuses a matrix that is not positive-definite with PyTorch's message; choleskyEx says where", () => {
        const batch = T.stack([m([[4, 0], [0, 1]]), m([[1, 2], [2, 1]])]);
        expect(read(() => T.cholesky(batch))).toThrow(/^cholesky: \(Batch element 1\): The factorization could not be completed because the input is not positive-definite \(the leading minor of order 2 is not positive-definite\)\.$/);
        const { L, info } = T.choleskyEx(batch);
        expect(nums(info)).toEqual([0, 2]);
        expect(nums(L)).toEqual([2, 0, 0, 1, 0, 0, 0, 0]);
      });

      it('reads only the triangle it is told to', () => {
        const lower = m([[4, 100], [2, 5]]);
        const clean = m([[4, 2], [2, 5]]);
        expect(nums(T.cholesky(lower))).toEqual(nums(T.cholesky(clean)));
        const upper = m([[4, 2], [-100, 5]]);
        expect(nums(T.eigvalsh(upper, { UPLO: 'U' }))).toEqual(nums(T.eigvalsh(clean)));
      });

      it('gives each eigenvector its largest entry positive', () => {
        // (No two entries of an eigenvector here are near in magnitude: the rule is then stable.)
        const { eigenvalues, eigenvectors } = T.eigh(m([[2, -1, 0], [-1, 3, -1], [0, -1, 5]]));
        expect(nums(eigenvalues).map((v) => +v.toFixed(4))).toEqual([1.3004, 3.2391, 5.4605]);
        const V = nums(eigenvectors);
        for (let c = 0; c < 3; c++) {
          const col = [V[c], V[3 + c], V[6 + c]];
          const big = col.reduce((b, v) => (Math.abs(v) > Math.abs(b) ? v : b), 0);
          expect(big).toBeGreaterThan(0);
        }
      });

      it('agrees with finite differences through symmetric inputs, to second order through solveTriangular', () => {
        T.scope(() => {
          const B = T.randn([4, 4], { device, requiresGrad: true });
          const spd = (b: Tensor) => T.add(T.matmul(b, T.transpose(b, 0, 1)), T.mul(T.eye(4, { device }), 4));
          expect(gradcheck((b) => T.cholesky(spd(b)), [B]).details).toEqual([]);
          expect(gradcheck((b) => [...T.eigh(T.add(sym(b), T.diag(T.tensor([3, -1, 1, -3], { device }))))], [B]).details).toEqual([]);
          const A = T.add(T.mul(T.randn([3, 3], { device }), 0.3), T.mul(T.eye(3, { device }), 2)).requiresGrad_();
          const rhs = T.randn([3, 2], { device, requiresGrad: true });
          expect(gradcheck((a, b) => T.solveTriangular(a, b, { upper: true }), [A, rhs]).details).toEqual([]);
          const [gA] = T.grad(T.sum(T.solveTriangular(A, rhs, { upper: false })), [A], { createGraph: true });
          const [ggA] = T.grad(T.sum(T.square(gA)), [A]);
          expect(nums(ggA).every(Number.isFinite)).toBe(true);
        });
      });

      it('names what is wrong', () => {
        expect(() => T.solveTriangular(m([[1, 0], [0, 1]]), m([[1], [2]]), {} as never)).toThrow(/^solveTriangular: upper expected true or false \(PyTorch requires it too\), got undefined$/);
        expect(() => T.solveTriangular(m([[1, 0], [0, 1]]), m([[1, 2, 3]]), { upper: true })).toThrow(/^solveTriangular: B expected \[\.\.\., 2, k\] to match A \[2,2\], got \[1,3\]$/);
        expect(() => T.eigh(m([[1, 0], [0, 1]]), { UPLO: 'X' as never })).toThrow(/^eigh: UPLO expected 'L' or 'U', got "X"$/);
        expect(() => T.cholesky(T.tensor([[1, 0], [0, 1]], { dtype: 'int64', device }))).toThrow(/^cholesky: A expected float32, got int64$/);
        expect(() => T.qr(m([[1, 2], [3, 4]]), { mode: 'full' as never })).toThrow(/^qr: mode expected 'reduced', 'complete' or 'r', got "full"$/);
        const A = T.randn([3, 2], { device, requiresGrad: true });
        expect(() => T.sum(T.qr(A, { mode: 'r' }).R).backward()).toThrow(/^qr: the derivative of qr depends on Q, which is not computed when mode='r'/);
        expect(() => T.sum(T.qr(A, { mode: 'complete' }).Q).backward()).toThrow(/^qr: the QR decomposition is not differentiable when mode='complete' and m > n/);
      });
    });
  }
});

describe('decompositions of non-finite matrices', () => {
  for (const device of devices) {
    it(`give NaN rather than an error, the same on every device (${device})`, () => {
      const bad = T.tensor([[1, NaN], [NaN, 2]], { device });
      expect(nums(T.svdvals(bad)).every(Number.isNaN)).toBe(true);
      expect(nums(T.eigvalsh(bad)).every(Number.isNaN)).toBe(true);
      expect(nums(T.choleskyEx(bad).info)).toEqual([2]); // stopped at the row of the first NaN
    });
  }
});

describe('tall matrices past 46340 rows (a user trial: PCA of 60000 images)', () => {
  it('thin svd and reduced qr of a 50000×3 matrix reconstruct it (LAPACK limits elements, not rows)', () => {
    T.scope(() => {
      const rows = 50000;
      const A = T.tensor(Array.from({ length: rows * 3 }, (_, i) => Math.sin(0.37 * i) + (i % 3 === 0 ? 2 : 0)), { shape: [rows, 3] });
      const { U, S, Vh } = T.linalg.svd(A, { fullMatrices: false });
      expect(U.shape).toEqual([rows, 3]);
      const back = T.matmul(T.mul(U, S), Vh);
      expect(T.max(T.abs(T.sub(back, A))).itemSync()).toBeLessThan(5e-3); // float32 over 50000 rows of values near 3
      const { Q, R } = T.linalg.qr(A);
      expect(T.max(T.abs(T.sub(T.matmul(Q, R), A))).itemSync()).toBeLessThan(5e-3);
    });
  });
});

describe('vector right-hand sides (user trials AA, AB)', () => {
  it('lstsq takes a vector b as PyTorch does: the solution a vector, residuals [..., 1]', () => {
    T.scope(() => {
      const A = T.tensor([[1, 0], [1, 1], [1, 2]]);
      const r = T.linalg.lstsq(A, T.tensor([1, 2, 4]));
      expect(r.solution.shape).toEqual([2]);
      expect(r.residuals.shape).toEqual([1]);
      const column = T.linalg.lstsq(A, T.tensor([[1], [2], [4]]));
      expect(nums(r.solution)).toEqual(nums(column.solution));
      expect(T.linalg.lstsq(T.stack([A, A]), T.tensor([[1, 2, 4], [0, 1, 2]])).solution.shape).toEqual([2, 2]);
    });
  });

  it('choleskySolve refuses a vector b naming itself and the fix (PyTorch needs a column too)', () => {
    T.scope(() => {
      const L = T.tensor([[2, 0], [1, 3]]);
      expect(() => T.choleskySolve(T.tensor([1, 2]), L)).toThrow(/^choleskySolve: B expected \[\.\.\., 2, k\] to match L \[2,2\], got \[2\] \(a vector b as a column: b\.unsqueeze\(-1\)/);
    });
  });
});

describe('gradcheck of a function steps a unit length along each direction (user trial AA)', () => {
  it('passes eigvalsh of an 8×8 matrix with an eigenvalue gap of 0.05 at the default step', () => {
    T.scope(() => {
      // The trial's matrix (symmetric; its two smallest eigenvalues 0.05 apart).
      const A = T.tensor([1.57746, 0.249989, -0.173578, 0.44455, -0.00182681, 0.638637, -0.0490083, -0.472237, 0.249989, 1.09648, -0.0678642, 0.546571, 0.058102, 0.0680795, -0.0879312, 0.119641, -0.173578, -0.0678642, 1.99796, -0.436963, 0.172694, -0.879222, -0.034634, 0.283624, 0.44455, 0.546571, -0.436963, 1.37792, 0.0844517, 0.480786, -0.15754, -0.28827, -0.00182681, 0.058102, 0.172694, 0.0844517, 0.686641, -0.113622, -0.000837728, 0.0632418, 0.638637, 0.0680795, -0.879222, 0.480786, -0.113622, 1.87173, -0.0911517, -0.633245, -0.0490083, -0.0879312, -0.034634, -0.15754, -0.000837728, -0.0911517, 0.877267, 0.650527, -0.472237, 0.119641, 0.283624, -0.28827, 0.0632418, -0.633245, 0.650527, 3.2726], { shape: [8, 8], requiresGrad: true });
      const result = gradcheck((a) => T.linalg.eigvalsh(sym(a)), [A]);
      expect(result.details).toEqual([]);
      expect(result.ok).toBe(true);
    });
  });
});

describe('pinv and matrixRank with hermitian (torch hermitian=True)', () => {
  it('match PyTorch on a symmetric rank-3 matrix and read only the lower triangle', () => {
    T.scope(() => {
      // torch.manual_seed(0); B = randn(4, 4); A = (B + B.T) / 2 with row and column 3 zeroed.
      const A = T.tensor([-1.1258398294448853, -0.1518249213695526, 0.03584817051887512, 0, -0.1518249213695526, 0.6920091509819031, -0.7896737456321716, 0, 0.03584817051887512, -0.7896737456321716, 0.34998318552970886, 0, 0, 0, 0, 0], { shape: [4, 4] });
      const want = [-0.8889728784561157, 0.0578700490295887, 0.2216293066740036, 0, 0.05787006393074989, -0.9214115142822266, -2.0849263668060303, 0, 0.2216293066740036, -2.0849263668060303, -1.869680404663086, 0, 0, 0, 0, 0];
      const got = nums(T.linalg.pinv(A, { hermitian: true }));
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
      expect(nums(T.linalg.matrixRank(A, { hermitian: true }))).toEqual([3]);
      const upperGarbage = T.add(A, T.triu(T.full([4, 4], 50), 1));
      expect(nums(T.linalg.pinv(upperGarbage, { hermitian: true }))).toEqual(got);
      expect(() => T.linalg.pinv(T.ones([2, 3]), { hermitian: true })).toThrow(/^pinv: hermitian expected a square A \[\.\.\., n, n\], got \[2,3\]$/);
    });
  });
});
