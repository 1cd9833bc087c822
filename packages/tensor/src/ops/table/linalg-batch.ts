// Solves over batches of matrices, shared by luSolve (linalg-lu.ts) and triangularSolve
// (linalg-decomp.ts): the native ops take matching batch dims, the user functions broadcast.
import { scope } from '../../memory.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { movedim } from './composed-shape.js';
import { expand, reshape } from './shape.js';

const numel = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * @internal `solve(factor, pivots, b)` for a factor [..., n, n] (with its pivots [..., n], or
 * none) and B [..., n, k], their batch dims broadcast: a single factor takes every right-hand
 * side of a batched B as columns of one call ([..., n, k] as [n, ...·k]); otherwise each operand
 * is expanded to the common batch where it differs.
 */
export function solveOverBatch(fn: string, factor: Tensor, pivots: Tensor | null, b: Tensor, solve: (factor: Tensor, pivots: Tensor | null, b: Tensor) => Tensor): Tensor {
  const n = factor.shape[factor.shape.length - 1];
  const k = b.shape[b.shape.length - 1];
  const batchA = factor.shape.slice(0, -2);
  const batch = broadcastShapes(fn, batchA, b.shape.slice(0, -2));
  return scope(() => {
    if (numel(batchA) === 1 && numel(batch) > 1) {
      const cols = reshape(movedim(expand(b, [...batch, n, k]), -2, 0), [n, numel(batch) * k]);
      const x = solve(reshape(factor, [n, n]), pivots && reshape(pivots, [n]), cols);
      return movedim(reshape(x, [n, ...batch, k]), 0, -2);
    }
    const same = (t: Tensor, tail: number[]) => (sameShape(t.shape, [...batch, ...tail]) ? t : expand(t, [...batch, ...tail]));
    return solve(same(factor, [n, n]), pivots && same(pivots, [n]), same(b, [n, k]));
  });
}
