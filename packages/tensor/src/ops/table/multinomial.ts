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
import { add, div, minimum, sub } from './binary.js';
import { cumsum } from './scan.js';
import { rand, type Generator } from './random.js';
import { narrow, reshape, unsqueeze } from './shape.js';
import { topk } from './sort.js';
import { countBelow } from './count-below.js';
import { log, neg } from './unary.js';
import { tensorArg } from '../check-args.js';
import { apply } from '../apply.js';
import { defineOp, FLOAT } from '../declare.js';

export interface MultinomialOptions {
  /** Draw with replacement (default false: each category at most once per row). */
  replacement?: boolean;
  /** The stream to draw from (default: the shared default generator). */
  generator?: Generator;
  /**
   * Check the weights (default true), on the device beside the draw (Note [weights checked on the
   * device]): bad weights make the samples an error, thrown at the call or at their read. false
   * skips the check; bad weights then give meaningless indices.
   */
  validate?: boolean;
}

// Note [weights checked on the device]: the weights were checked by reading two counts back,
// which waited for the queue on the JS thread at every call (and Categorical.sample skipped it,
// so a policy whose logits became NaN kept drawing action 0 in a user trial). The multinomial op
// (a check only; the draw is composed) scans them where they are: its kernel fails on the first bad weight (negative, infinite, NaN)
// or row with too few positive weights, which marks its one-element output; the samples are
// made to depend on that output (plus a zero), so they carry the error to their read — as a
// gather's out-of-range index does — and a draw never waits.
export const multinomialCheckOp = defineOp<{ needed: number }>({
  name: 'multinomial',
  inputs: [{ name: 'weights', dtypes: FLOAT }],
  attrs: { needed: { kind: 'int' } },
  outputs: ([w], a) => {
    if (w.shape.length !== 2 || w.shape[1] === 0) throw new ShapeError(`multinomial: weights expected [rows, categories] with at least one category, got ${fmtShape(w.shape)}`);
    if (!(a.needed >= 1)) throw new ValueError(`multinomial: needed expected a positive integer, got ${a.needed}`);
    return [{ shape: [], dtype: 'int64' }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    noGolden: 'a check of torch.multinomial\'s arguments: its output is always 0, its errors are what is tested',
    samples: [
      { name: 'fine', inputs: [{ shape: [2, 3], fill: [0.2, 0, 1, 3, 3, 0.5] }], attrs: { needed: 2 } },
      { name: 'one row', inputs: [{ shape: [1, 4], fill: [0, 0, 1e-30, 0] }], attrs: { needed: 1 } },
    ],
    bad: [
      { name: 'no categories', inputs: [{ shape: [2, 0] }], attrs: { needed: 1 }, error: 'ShapeError', message: /^multinomial: weights expected \[rows, categories\] with at least one category, got \[2,0\]$/ },
      { name: 'NaN', inputs: [{ shape: [2, 2], fill: [1, 1, NaN, 1] }], attrs: { needed: 1 }, error: 'ValueError', message: /^multinomial: weights expected finite non-negative numbers, got nan at row 1, category 0$/ },
      { name: 'negative', inputs: [{ shape: [1, 3], fill: [1, -0.5, 1] }], attrs: { needed: 1 }, error: 'ValueError', message: /^multinomial: weights expected finite non-negative numbers, got -0\.5 at row 0, category 1$/ },
      { name: 'infinite', inputs: [{ shape: [1, 2], fill: [Infinity, 1] }], attrs: { needed: 1 }, error: 'ValueError', message: /^multinomial: weights expected finite non-negative numbers, got inf at row 0, category 0$/ },
      { name: 'zero row', inputs: [{ shape: [2, 2], fill: [1, 1, 0, 0] }], attrs: { needed: 1 }, error: 'ValueError', message: /^multinomial: row 1 of the weights sums to 0 \(no category can be drawn\)$/ },
      { name: 'too few', inputs: [{ shape: [1, 3], fill: [1, 0, 0] }], attrs: { needed: 2 }, error: 'ValueError', message: /^multinomial: row 0 has fewer than 2 categories of positive weight, too few to draw 2 without replacement$/ },
    ],
  },
});

/**
 * @internal The weights check alone: a 0-d int64 zero that carries the error of the first bad
 * weight (or empty row) of `weights` [rows, K] to whatever depends on it.
 */
export function multinomialWeightsCheck(weights: Tensor): Tensor {
  return apply(multinomialCheckOp, [weights], { needed: 1 })[0];
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
    const rows = w.shape[0];
    let out = replacement ? withReplacement(w, rows, n, numSamples, options.generator) : withoutReplacement(w, rows, n, numSamples, options.generator);
    if (options.validate ?? true) out = add(out, apply(multinomialCheckOp, [w], { needed: replacement ? 1 : numSamples })[0]);
    return rank === 1 ? reshape(out, [numSamples]) : out;
  });
}

function withReplacement(w: Tensor, rows: number, n: number, k: number, generator?: Generator): Tensor {
  const running = cumsum(w, 1);
  const cdf = div(running, narrow(running, 1, n - 1, 1)); // [rows, n], last column 1
  const v = sub(1, rand([rows, k], { device: w.device, generator })); // (0, 1]
  const below = countBelow(cdf, v, false); // [rows, k]: cdf entries below each draw (Note [counting by sorting])
  // Rounding could leave the cdf's last step a hair under v: stay in range.
  return minimum(below, n - 1);
}

function withoutReplacement(w: Tensor, rows: number, n: number, k: number, generator?: Generator): Tensor {
  // E = -log(1 - u) ~ Exp(1) with u in [0, 1), so 1 - u > 0 and E is finite.
  const u = rand([rows, n], { device: w.device, generator });
  const exponential = neg(log(sub(1, u)));
  return topk(div(w, exponential), k).indices;
}
