// torch.cdist: the distance of every row of x1 to every row of x2, by either of PyTorch's paths.
import { defineFunction } from '../../autograd/function.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { broadcastShapes, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { tensorArg } from '../check-args.js';
import { div, mul, sub, where } from './binary.js';
import { cast } from './cast.js';
import { le, ne } from './compare.js';
import { floatInput, norm } from './composed-ops.js';
import { ones } from './creation.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { cat, transpose, unsqueeze } from './shape.js';
import { clamp, sqrt } from './unary.js';

export type CdistComputeMode = 'use_mm_for_euclid_dist_if_necessary' | 'use_mm_for_euclid_dist' | 'donot_use_mm_for_euclid_dist';

export interface CdistOptions {
  /** The norm's order: any p ≥ 0 (0 counts the features that differ), or Infinity. Default 2. */
  p?: number;
  /**
   * PyTorch's compute_mode, for p = 2: the matrix-product path (|a|² + |b|² − 2a·b, one matmul)
   * when either side has more than 25 rows (the default), always, or never.
   */
  computeMode?: CdistComputeMode;
}

const MODES: readonly CdistComputeMode[] = ['use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist'];

/*
 * Note [cdist paths]: the exact path takes the difference of every pair, [..., P, R, M], then its
 * norm: for retrieval over 2000 × 2000 rows of 64 features that was 1 GiB per intermediate and
 * 9–15 s (PyTorch: 0.13 s) in a user trial. PyTorch's euclidean path (aten _euclidean_dist) is
 * one matmul of the rows widened by their squared norms, x1' = [−2·x1, |x1|², 1] against
 * x2' = [x2, 1, |x2|²], clamped at 1e-30 before the root; written here the same way, so values
 * agree with PyTorch's to rounding, and with its backward (_euclidean_dist_backward): for the
 * ratio r = g / d (0 where d is 0 — or was clamped), dx1 = x1·Σ_j r − r·x2, dx2 = x2·Σ_i r − rᵀ·x1, two matmuls
 * and no [P, R, M] anywhere. It loses digits for near-equal rows (the cancellation PyTorch's docs
 * warn of), hence computeMode. Batch dims must match for this path (else the exact one runs).
 */
const euclidean = defineFunction({
  name: 'cdist',
  forward(ctx, x1: Tensor, x2: Tensor): Tensor {
    const n1 = sum(mul(x1, x1), { dim: -1, keepdim: true });
    const n2 = sum(mul(x2, x2), { dim: -1, keepdim: true });
    const one1 = ones(n1.shape, { device: x1.device });
    const one2 = ones(n2.shape, { device: x2.device });
    const a = cat([mul(x1, -2), n1, one1], -1);
    const b = cat([x2, one2, n2], -1);
    const d = sqrt(clamp(matmul(a, transpose(b, -1, -2)), 1e-30));
    ctx.saveForBackward(x1, x2, d);
    return d;
  },
  backward(ctx, g: Tensor) {
    const [x1, x2, d] = ctx.savedTensors;
    // PyTorch masks d == 0, which its clamp never lets happen: a squared distance that rounded
    // to ≤ 0 (a row against itself) became d = 1e-15 and a ratio of 1e15·g. Masked here as 0.
    const ratio = where(le(d, 1e-15), 0, div(g, d));
    const g1 = sub(mul(x1, sum(ratio, { dim: -1, keepdim: true })), matmul(ratio, x2));
    const g2 = sub(mul(x2, unsqueeze(sum(ratio, { dim: -2 }), -1)), matmul(transpose(ratio, -1, -2), x1));
    return [g1, g2];
  },
});

/**
 * ‖x1_i − x2_j‖_p for every row i of x1 [..., P, M] and row j of x2 [..., R, M]: [..., P, R]
 * (torch.cdist; leading batch dims broadcast). For p = 2 with more than 25 rows on either side,
 * PyTorch's matrix-product path (Note [cdist paths]); otherwise the difference of every pair and
 * its norm. The gradient at a zero distance is 0, as PyTorch's.
 */
export function cdist(x1: Tensor, x2: Tensor, options: CdistOptions = {}): Tensor {
  tensorArg('cdist', 'x1', x1);
  tensorArg('cdist', 'x2', x2);
  checkOptions('cdist', options, ['p', 'computeMode']);
  const p = options.p ?? 2;
  if (typeof p !== 'number' || !(p >= 0)) throw new ValueError(`cdist: option 'p' expected a number >= 0 or Infinity, got ${p}`);
  const mode = options.computeMode ?? 'use_mm_for_euclid_dist_if_necessary';
  if (!MODES.includes(mode)) throw new ValueError(`cdist: option 'computeMode' expected one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`);
  for (const [name, t] of [['x1', x1], ['x2', x2]] as const) {
    if (t.ndim < 2) throw new ShapeError(`cdist: ${name} expected [..., rows, features] (2 or more dims), got ${fmtShape(t.shape)}`);
  }
  if (x1.shape[x1.ndim - 1] !== x2.shape[x2.ndim - 1]) {
    throw new ShapeError(`cdist: x1 and x2 expected the same number of features (last dim), got ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)}`);
  }
  broadcastShapes('cdist', x1.shape.slice(0, -2), x2.shape.slice(0, -2));
  const [rows1, rows2] = [x1.shape[x1.ndim - 2], x2.shape[x2.ndim - 2]];
  const matrixPath = p === 2 && mode !== 'donot_use_mm_for_euclid_dist' && (mode === 'use_mm_for_euclid_dist' || rows1 > 25 || rows2 > 25) && sameShape(x1.shape.slice(0, -2), x2.shape.slice(0, -2));
  return scope(() => {
    const a = floatInput('cdist', 'x1', x1);
    const b = floatInput('cdist', 'x2', x2);
    if (matrixPath) return euclidean(a, b);
    const diff = sub(unsqueeze(a, -2), unsqueeze(b, -3));
    if (p === 0) return sum(cast(ne(diff, 0), 'float32'), { dim: -1 });
    return norm(diff, { p, dim: -1 });
  });
}
