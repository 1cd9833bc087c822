// Sampling categories: PyTorch's torch.multinomial, composed from ops that already run on both
// devices, drawing from the shared Philox stream (so a seed gives the same samples on cpu and cuda).
//   with replacement: v = 1 − u ∈ (0, 1] per sample (u ~ U[0, 1)); the sample is how many entries
//     of the normalised cumulative weights lie below v — the first category whose cdf reaches v
//     (a category of weight 0 spans an empty interval, so it is never drawn, even for v = 1);
//   without replacement: the exponential race (what PyTorch does too): category i gets
//     key w_i / E_i with E_i ~ Exp(1); the k largest keys are a sample of k categories drawn one
//     after another with probability proportional to weight among those left.

import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { isFloating } from '../../dtype.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { div, minimum, sub } from './binary.js';
import { cast } from './cast.js';
import { gt, logicalNot, logicalOr, lt } from './compare.js';
import { cumsum, isfinite } from './composed-ops.js';
import { rand, type Generator } from './random.js';
import { sum } from './reduce.js';
import { narrow, reshape, stack, unsqueeze } from './shape.js';
import { topk } from './sort.js';
import { log, neg } from './unary.js';
import { tensorArg } from '../check-args.js';

export interface MultinomialOptions {
  /** Draw with replacement (default false: each category at most once per row). */
  replacement?: boolean;
  /** The stream to draw from (default: the shared default generator). */
  generator?: Generator;
  /**
   * Check the weights first (default true): one read of two counts from the device, which waits
   * for the work queued before it. false skips the wait on a hot path; bad weights then give
   * meaningless indices instead of an error.
   */
  validate?: boolean;
}

/**
 * `numSamples` category indices (int64) per row of `weights` ([n] or [rows, n], non-negative,
 * need not sum to 1), as torch.multinomial. The weights are checked as PyTorch checks them
 * (see `validate`).
 */
export function multinomial(weights: Tensor, numSamples: number, options: MultinomialOptions = {}): Tensor {
  checkOptions('multinomial', options, ['replacement', 'generator', 'validate']);
  tensorArg('multinomial', 'input', weights);
  if (!isFloating(weights.dtype)) throw new ValueError(`multinomial: input expected float32 weights, got ${weights.dtype}`);
  const rank = weights.shape.length;
  if (rank !== 1 && rank !== 2) throw new ShapeError(`multinomial: input expected 1 or 2 dimensions, got ${fmtShape(weights.shape)}`);
  const n = weights.shape[rank - 1];
  const replacement = options.replacement ?? false;
  if (!Number.isSafeInteger(numSamples) || numSamples < 1) throw new ValueError(`multinomial: numSamples expected a positive integer, got ${numSamples}`);
  if (n === 0) throw new ShapeError(`multinomial: input has no categories (${fmtShape(weights.shape)})`);
  if (!replacement && numSamples > n) {
    throw new ValueError(`multinomial: cannot draw ${numSamples} samples without replacement from ${n} categories (pass { replacement: true })`);
  }
  return scope(() => {
    const w = rank === 1 ? unsqueeze(weights, 0) : weights;
    if (options.validate ?? true) checkWeights(w, replacement ? 1 : numSamples);
    const rows = w.shape[0];
    const out = replacement ? withReplacement(w, rows, n, numSamples, options.generator) : withoutReplacement(w, rows, n, numSamples, options.generator);
    return rank === 1 ? reshape(out, [numSamples]) : out;
  });
}

// One read from the device: the count of bad weights and of rows with too few positive ones.
function checkWeights(w: Tensor, needed: number): void {
  const bad = sum(cast(logicalOr(lt(w, 0), logicalNot(isfinite(w))), 'int64'));
  const tooFew = sum(cast(lt(sum(cast(gt(w, 0), 'int64'), 1), needed), 'int64'));
  const [badCount, fewRows] = Array.from(stack([bad, tooFew]).dataSync() as BigInt64Array, Number);
  if (badCount > 0) throw new ValueError('multinomial: weights expected finite non-negative numbers, got a negative, infinite or NaN value');
  if (fewRows > 0) {
    throw new ValueError(
      needed === 1
        ? 'multinomial: a row of weights sums to 0 (no category can be drawn)'
        : `multinomial: a row has fewer than ${needed} categories of positive weight, too few to draw ${needed} without replacement`,
    );
  }
}

function withReplacement(w: Tensor, rows: number, n: number, k: number, generator?: Generator): Tensor {
  const running = cumsum(w, 1);
  const cdf = div(running, narrow(running, 1, n - 1, 1)); // [rows, n], last column 1
  const v = sub(1, rand([rows, k, 1], { device: w.device, generator })); // (0, 1]
  const below = sum(cast(lt(unsqueeze(cdf, 1), v), 'int64'), { dim: 2 }); // [rows, k]
  // Rounding could leave the cdf's last step a hair under v: stay in range.
  return minimum(below, n - 1);
}

function withoutReplacement(w: Tensor, rows: number, n: number, k: number, generator?: Generator): Tensor {
  // E = -log(1 - u) ~ Exp(1) with u in [0, 1), so 1 - u > 0 and E is finite.
  const u = rand([rows, n], { device: w.device, generator });
  const exponential = neg(log(sub(1, u)));
  return topk(div(w, exponential), k).indices;
}
