// Probabilities → logits as PyTorch's distributions/utils.py converts them. Probabilities are
// clamped to [eps, 1 − eps] (float32's machine epsilon) before the log, so a probability of 0 or
// 1 gives large finite logits rather than ∓∞ — PyTorch's values, gradients (zero where clamped)
// included.
import type { Tensor } from '../tensor.js';
import { sub } from '../ops/table/binary.js';
import { log1p } from '../ops/table/math.js';
import { clamp, log, neg } from '../ops/table/unary.js';

const FLOAT32_EPS = 2 ** -23;

export const clampProbs = (probs: Tensor): Tensor => clamp(probs, { min: FLOAT32_EPS, max: 1 - FLOAT32_EPS });

/** log p for categories; log p − log(1 − p) for a binary probability. */
export function probsToLogits(probs: Tensor, binary: boolean): Tensor {
  const p = clampProbs(probs);
  return binary ? sub(log(p), log1p(neg(p))) : log(p);
}
