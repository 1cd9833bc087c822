// cdist's two paths against PyTorch (Note [cdist paths] in src/ops/table/cdist.ts); fixture from
// scripts/fixtures_cdist.py.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { describeGoldenCases, readGoldenFixture, type GoldenCall } from './golden-cases.js';

const fx = readGoldenFixture('cdist');
const calls: Record<string, GoldenCall> = {
  matrixPathDefault: (a, b) => T.cdist(a, b),
  matrixPathRepeatedRows: (a, b) => T.cdist(a, b),
  matrixPathSelf: (a) => T.cdist(a, a),
  matrixPathBatched: (a, b) => T.cdist(a, b),
  matrixPathForced: (a, b) => T.cdist(a, b, { computeMode: 'use_mm_for_euclid_dist' }),
  exactPathSmall: (a, b) => T.cdist(a, b),
  exactPathForced: (a, b) => T.cdist(a, b, { computeMode: 'donot_use_mm_for_euclid_dist' }),
  exactPathBroadcastBatch: (a, b) => T.cdist(a, b),
  pZero: (a, b) => T.cdist(a, b, { p: 0 }),
  pThreeLarge: (a, b) => T.cdist(a, b, { p: 3 }),
};
// The matrix path cancels digits for near rows, as PyTorch's: the distance of a row to itself is
// the root of a rounding residue, 7e-4 in PyTorch (its matmul sums in another order) where it is
// 1e-15 here; so 1.5e-3 absolute.
describeGoldenCases(fx, calls, (device) => `cdist matches PyTorch on both paths, forward and backward (${device})`, { output: [1.5e-3, 1e-4], grad: [2e-4, 1e-3] });

describe('cdist', () => {
  it('needs no [P, R, M] difference on the matrix path: 2000 × 2000 rows of 64 stay within a few MiB of the result', () => {
    T.scope(() => {
      const a = T.randn([2000, 64]);
      a.dataSync();
      T.resetPeakMemoryStats('cpu');
      const before = T.memory('cpu', { wait: true }).peakBytes;
      const d = T.cdist(a, a);
      d.dataSync();
      const result = 2000 * 2000 * 4;
      // The exact path held [2000, 2000, 64] floats (1 GiB) per intermediate.
      expect(T.memory('cpu', { wait: true }).peakBytes - before).toBeLessThan(3 * result);
    });
  });

  it("a row's distance to itself has gradient 0 on the matrix path: its gradient is the exact path's", () => {
    T.scope(() => {
      const x = T.randn([30, 5]);
      const gradOf = (computeMode: T.CdistComputeMode) => {
        const a = x.clone().requiresGrad_();
        T.sum(T.mul(T.cdist(a, a, { computeMode }), T.arange(900, { dtype: 'float32' }).reshape([30, 30]).div(100))).backward();
        return a.grad!.dataSync();
      };
      const exact = gradOf('donot_use_mm_for_euclid_dist');
      const matrix = gradOf('use_mm_for_euclid_dist');
      for (let i = 0; i < exact.length; i++) expect(Math.abs(matrix[i] - exact[i])).toBeLessThan(1e-3 * (1 + Math.abs(exact[i])));
    });
  });

  it('refuses an unknown computeMode and a negative p, naming the option', () => {
    const x = T.ones([2, 3]);
    expect(() => T.cdist(x, x, { computeMode: 'mm' as never })).toThrow(/^cdist: option 'computeMode' expected one of 'use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist', got "mm"$/);
    expect(() => T.cdist(x, x, { p: -1 })).toThrow(/^cdist: option 'p' expected a number >= 0 or Infinity, got -1$/);
  });

  it('gives second derivatives on the matrix path (its backward is written with differentiable ops)', () => {
    T.scope(() => {
      const a = T.randn([30, 3]).requiresGrad_();
      const b = T.randn([28, 3]);
      const d = T.cdist(a, b);
      const [g] = T.grad(T.sum(d), [a], { createGraph: true }) as Tensor[];
      T.sum(T.mul(g, g)).backward();
      expect(a.grad!.shape).toEqual([30, 3]);
      expect(Number.isFinite(T.sum(a.grad!).itemSync())).toBe(true);
    });
  });
});
