// Scaled dot-product attention, PyTorch's F.scaled_dot_product_attention, composed of matmul
// (oneDNN / cuBLAS), softmax and dropout, so gradients come from those ops:
//   weights = softmax(q·kᵀ·scale + mask), output = dropout(weights)·v
// nn's MultiheadAttention builds on attentionWeights, which also hands back the weights.

import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { add, mul, where } from './binary.js';
import { eq } from './compare.js';
import { all, tril } from './composed-ops.js';
import { ones } from './creation.js';
import { matmul } from './linalg.js';
import { dropout, type Generator } from './random.js';
import { softmax } from './softmax.js';
import { transpose } from './shape.js';
import { tensorArg } from '../check-args.js';

export interface AttentionOptions {
  /**
   * Added to the scores when float (−inf hides a position); when bool, true marks the positions
   * that take part (PyTorch's sdpa convention). Broadcasts to [..., L, S].
   */
  attnMask?: Tensor | null;
  /** Dropout on the attention weights (default 0; applied only where `training` is not false). */
  dropoutP?: number;
  /** Each query sees only keys at or before its position (the top-left causal mask). */
  isCausal?: boolean;
  /** Multiplies the scores (default 1/sqrt(E), E the query's last dim). */
  scale?: number;
  /** Whether dropout applies (default true, as the functional PyTorch form). */
  training?: boolean;
  /** The stream dropout draws from. */
  generator?: Generator;
}

const ATTENTION_KEYS = ['attnMask', 'dropoutP', 'isCausal', 'scale', 'training', 'generator'] as const;

/**
 * softmax(q·kᵀ·scale + mask) and those weights times v: q [..., L, E], k [..., S, E],
 * v [..., S, Ev] → { output [..., L, Ev], weights [..., L, S] } (weights after dropout, as
 * PyTorch's MultiheadAttention returns them).
 */
export function attentionWeights(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): { output: Tensor; weights: Tensor } {
  const fn = 'scaledDotProductAttention';
  checkOptions(fn, options, ATTENTION_KEYS);
  for (const [name, t] of [['query', q], ['key', k], ['value', v]] as const) {
    tensorArg(fn, name, t);
    if (t.dtype !== 'float32') throw new DTypeError(`${fn}: ${name} expected float32, got ${t.dtype}`);
    if (t.shape.length < 2) throw new ShapeError(`${fn}: ${name} expected at least 2 dimensions [..., length, features], got ${fmtShape(t.shape)}`);
  }
  const [L, E] = q.shape.slice(-2);
  const S = k.shape[k.shape.length - 2];
  if (k.shape[k.shape.length - 1] !== E) throw new ShapeError(`${fn}: key's last dim expected the query's ${E}, got ${fmtShape(k.shape)} (query ${fmtShape(q.shape)})`);
  if (v.shape[v.shape.length - 2] !== S) throw new ShapeError(`${fn}: value expected ${S} positions like the key, got ${fmtShape(v.shape)} (key ${fmtShape(k.shape)})`);
  const p = options.dropoutP ?? 0;
  if (!(p >= 0 && p <= 1)) throw new ValueError(`${fn}: dropoutP expected a probability in [0, 1], got ${p}`);
  const scale = options.scale ?? 1 / Math.sqrt(E);
  const mask = options.attnMask ?? null;
  if (mask && options.isCausal) throw new ValueError(`${fn}: pass either attnMask or isCausal, not both (as PyTorch)`);
  if (mask) checkMask(fn, mask, q, k, L, S);
  return scope(() => {
    let scores = mul(matmul(q, transpose(k, -2, -1)), scale);
    if (options.isCausal) scores = where(tril(ones([L, S], { dtype: 'bool', device: q.device })), scores, -Infinity);
    if (mask) scores = mask.dtype === 'bool' ? where(mask, scores, -Infinity) : add(scores, mask);
    // A query that may attend to nothing gets zero weights (PyTorch 2.5+'s choice), not the NaN
    // of softmax over −inf alone, which would poison every gradient upstream.
    const blind = mask ? all(eq(scores, -Infinity), { dim: -1, keepdim: true }) : null;
    let weights = softmax(blind ? where(blind, 0, scores) : scores, -1);
    if (blind) weights = where(blind, 0, weights);
    if (p > 0 && (options.training ?? true)) weights = dropout(weights, p, true, { generator: options.generator });
    return { output: matmul(weights, v), weights };
  });
}

function checkMask(fn: string, mask: Tensor, q: Tensor, k: Tensor, L: number, S: number): void {
  tensorArg(fn, 'attnMask', mask);
  if (mask.dtype !== 'bool' && mask.dtype !== 'float32') throw new DTypeError(`${fn}: attnMask expected bool or float32, got ${mask.dtype}`);
  const [ml, ms] = mask.shape.length >= 2 ? mask.shape.slice(-2) : [1, mask.shape[0] ?? 1];
  if ((ml !== 1 && ml !== L) || (ms !== 1 && ms !== S)) {
    throw new ShapeError(`${fn}: attnMask ${fmtShape(mask.shape)} does not broadcast to the scores [..., ${L}, ${S}] (query ${fmtShape(q.shape)}, key ${fmtShape(k.shape)})`);
  }
}

/**
 * PyTorch's F.scaled_dot_product_attention: softmax(q·kᵀ·scale + mask)·v for q [..., L, E],
 * k [..., S, E], v [..., S, Ev]; batch dims broadcast. A bool attnMask marks with true the
 * positions that take part; a float one is added; isCausal hides the future.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  return scope(() => attentionWeights(q, k, v, options).output);
}
