// Randomized low-rank SVD and PCA (torch.svd_lowrank, torch.pca_lowrank; Halko, Martinsson and
// Tropp 2009, algorithm 5.1): a random range finder with power iterations on linalg.qr, then the
// SVD of the small projected matrix. Composed of declared ops (both devices; gradients from qr's,
// svd's and matmul's). And PyTorch's Tensor.svd (the old torch.svd, V rather than Vh) for the
// method x.svd().
//
// Note [low-rank randomness]: the random matrix is drawn with randn (a `generator` option makes it
// reproducible), so the singular vectors differ from PyTorch's run to run, as PyTorch's own do.
// What does not depend on the draw when q covers A's rank: S, U·diag(S)·Vᵀ, and S's gradient
// (the range finder's basis spans A's range whatever the draw) — which is what the tests compare.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { namedTuple, type NamedTuple } from '../../named-tuple.js';
import { checkOptions } from '../../options.js';
import { broadcastsTo } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { floatArg } from '../check-args.js';
import { sub } from './binary.js';
import { matmul } from './linalg.js';
import { mT } from './linalg-decomp.js';
import { qr } from './linalg-qr.js';
import { svd } from './linalg-svd.js';
import { Generator, randn } from './random.js';
import { mean } from './reduce.js';
import { expand } from './shape.js';

/** svdLowrank's, pcaLowrank's and x.svd()'s result: `{ U, S, V }` (V, not Vh, as PyTorch's), also `[U, S, V]`. */
export type UsvResult = NamedTuple<[U: Tensor, S: Tensor, V: Tensor], { U: Tensor; S: Tensor; V: Tensor }>;

export interface SvdLowrankOptions {
  /** How many singular triplets to find, a little over A's rank (default 6). */
  q?: number;
  /** Power iterations (default 2): more for slowly decaying singular values. */
  niter?: number;
  /** A matrix broadcasting to A's shape: the SVD is of A − M (PyTorch's M; pcaLowrank's centring). */
  M?: Tensor | null;
  /** The stream the random matrix is drawn from (default: the shared one). */
  generator?: Generator;
}

const quote = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === null ? 'null' : typeof v);

function matrixArg(fn: string, A: Tensor): [m: number, n: number] {
  floatArg(fn, 'A', A);
  if (A.shape.length < 2) throw new ShapeError(`${fn}: A expected a matrix or a batch of them [..., m, n], got ${fmtShape(A.shape)}`);
  return [A.shape[A.shape.length - 2], A.shape[A.shape.length - 1]];
}

function checkGenerator(fn: string, generator: unknown): Generator | undefined {
  if (generator !== undefined && !(generator instanceof Generator)) throw new ValueError(`${fn}: generator expected a Generator, got ${quote(generator)}`);
  return generator as Generator | undefined;
}

function checkNiter(fn: string, niter: unknown): number {
  if (typeof niter !== 'number' || !Number.isSafeInteger(niter) || niter < 0) throw new ValueError(`${fn}: niter expected an integer >= 0, got ${quote(niter)}`);
  return niter;
}

/** An orthonormal basis Q [..., m, q] of the range of A − M (get_approximate_basis). */
function approximateBasis(A: Tensor, q: number, niter: number, M: Tensor | null, generator: Generator | undefined): Tensor {
  const R = randn([A.shape[A.shape.length - 1], q], { device: A.device, generator });
  const times = (X: Tensor) => (M ? sub(matmul(A, X), matmul(M, X)) : matmul(A, X));
  const transposeTimes = (X: Tensor) => (M ? sub(matmul(mT(A), X), matmul(mT(M), X)) : matmul(mT(A), X));
  let Q = qr(times(R)).Q;
  for (let i = 0; i < niter; i++) {
    Q = qr(transposeTimes(Q)).Q;
    Q = qr(times(Q)).Q;
  }
  return Q;
}

/** torch's _svd_lowrank: the range finder on A (Aᵀ when wide), then the SVD of Qᵀ(A − M). */
function lowrank(A: Tensor, q: number, niter: number, M: Tensor | null, generator: Generator | undefined): UsvResult {
  const [U, S, V] = scope(() => {
    const [m, n] = A.shape.slice(-2);
    const wide = m < n;
    const a = wide ? mT(A) : A;
    const shift = M ? (wide ? mT(M) : M) : null;
    const Q = approximateBasis(a, q, niter, shift, generator);
    const B = shift ? sub(matmul(mT(Q), a), matmul(mT(Q), shift)) : matmul(mT(Q), a);
    const { U: UB, S, Vh } = svd(B, { fullMatrices: false });
    const left = matmul(Q, UB);
    const right = mT(Vh);
    return wide ? [right, S, left] : [left, S, right];
  });
  return namedTuple([U, S, V] as [Tensor, Tensor, Tensor], { U, S, V });
}

/**
 * A low-rank SVD of A [..., m, n] (torch.svd_lowrank): A ≈ U·diag(S)·Vᵀ with U [..., m, k],
 * S [..., k], V [..., n, k] (V, not Vh, as PyTorch's), k = min(q, m, n) usually q: a randomized
 * range finder with `niter` power iterations, then the SVD of the projected q-column matrix; of
 * A − M when M is given. Random (Note [low-rank randomness]): pass `generator` to repeat a run.
 */
export function svdLowrank(A: Tensor, options: SvdLowrankOptions = {}): UsvResult {
  const fn = 'svdLowrank';
  matrixArg(fn, A);
  checkOptions(fn, options, ['q', 'niter', 'M', 'generator']);
  const q = options.q ?? 6;
  if (typeof q !== 'number' || !Number.isSafeInteger(q) || q < 1) throw new ValueError(`${fn}: q expected an integer >= 1 (a little over A's rank), got ${quote(q)}`);
  const niter = checkNiter(fn, options.niter ?? 2);
  const generator = checkGenerator(fn, options.generator);
  const M = options.M ?? null;
  if (M !== null) {
    floatArg(fn, 'M', M);
    if (!broadcastsTo(M.shape, A.shape)) throw new ShapeError(`${fn}: M expected a shape that broadcasts to A's ${fmtShape(A.shape)}, got ${fmtShape(M.shape)}`);
  }
  if (M === null) return lowrank(A, q, niter, null, generator);
  const full = scope(() => expand(M, A.shape));
  try {
    return lowrank(A, q, niter, full, generator);
  } finally {
    full.dispose();
  }
}

export interface PcaLowrankOptions {
  /** How many components (default min(6, m, n)); at most min(m, n). */
  q?: number;
  /** Subtract each column's mean first (default true, as PyTorch's). */
  center?: boolean;
  /** Power iterations (default 2). */
  niter?: number;
  /** The stream the random matrix is drawn from (default: the shared one). */
  generator?: Generator;
}

/**
 * Principal component analysis of the rows of A [..., m, n] (torch.pca_lowrank): svdLowrank of A
 * less its column means (unless `center` is false). V's columns are the principal directions, S²/(m − 1)
 * the variances they explain; project with matmul(A − mean, V[:, :k]).
 */
export function pcaLowrank(A: Tensor, options: PcaLowrankOptions = {}): UsvResult {
  const fn = 'pcaLowrank';
  const [m, n] = matrixArg(fn, A);
  checkOptions(fn, options, ['q', 'center', 'niter', 'generator']);
  const most = Math.min(m, n);
  const q = options.q ?? Math.min(6, most);
  if (typeof q !== 'number' || !Number.isSafeInteger(q) || q < 1 || q > most) {
    throw new ValueError(`${fn}: q expected an integer from 1 to min(m, n) = ${most} (A ${fmtShape(A.shape)}), got ${quote(q)}`);
  }
  const center = options.center ?? true;
  if (typeof center !== 'boolean') throw new ValueError(`${fn}: center expected true or false, got ${quote(center)}`);
  const niter = checkNiter(fn, options.niter ?? 2);
  const generator = checkGenerator(fn, options.generator);
  if (!center) return lowrank(A, q, niter, null, generator);
  const centred = scope(() => sub(A, mean(A, { dim: -2, keepdim: true })));
  try {
    return lowrank(centred, q, niter, null, generator);
  } finally {
    centred.dispose(); // the graph keeps its own reference
  }
}

/**
 * @internal PyTorch's Tensor.svd (the old torch.svd): `{ U, S, V }` with V, not Vh; `some` (default
 * true) the reduced factors U [..., m, k], V [..., n, k], false the full ones. Signs as linalg.svd's
 * (Note [singular vector signs]).
 */
export function svdWithV(A: Tensor, options: { some?: boolean } = {}): UsvResult {
  floatArg('svd', 'A', A);
  checkOptions('svd', options, ['some']);
  const some = options.some ?? true;
  if (typeof some !== 'boolean') throw new ValueError(`svd: some expected true or false, got ${quote(some)}`);
  const [U, S, V] = scope(() => {
    const r = svd(A, { fullMatrices: !some });
    return [r.U, r.S, mT(r.Vh)];
  });
  return namedTuple([U, S, V] as [Tensor, Tensor, Tensor], { U, S, V });
}
