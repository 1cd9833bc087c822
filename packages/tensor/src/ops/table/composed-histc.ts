// histc (torch.histc), composed of declared ops (both devices): each element's bin from the
// range, in float32 as PyTorch's kernel computes it, then the counts are a scatterAdd.
// Async: where the range comes from the data (min == max, the default 0 and 0) its least and
// largest values are read back first (off the JS thread), so the function always returns a
// promise (`await histc(x)`), one type for every call.
import { noGrad } from '../../autograd/grad-mode.js';
import { isFloating } from '../../dtype.js';
import { DTypeError, ValueError } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { tensorArg } from '../check-args.js';
import { div, mul, sub, where } from './binary.js';
import { cast } from './cast.js';
import { ge, le, logicalAnd } from './compare.js';
import { zeros } from './creation.js';
import { scatterAdd } from './index-ops.js';
import { max, min } from './reduce.js';
import { reshape, stack } from './shape.js';
import { clamp, floor } from './unary.js';

export interface HistcOptions {
  /** The number of equal-width bins (default 100). */
  bins?: number;
  /** The lower end of the range (default 0; with max equal to it, the data's least value). */
  min?: number;
  /** The upper end of the range (default 0; with min equal to it, the data's largest value). */
  max?: number;
}

const numberText = (v: number) => (Number.isNaN(v) ? 'nan' : String(v));

/*
 * Note [histc bins]: PyTorch's histc (2.x, via histogramdd's linear-interpolation kernel) takes
 * the range [min, max] as given, or — when min == max (its documented "both zero", but any equal
 * pair) and the input is not empty — the data's least and largest values; a range still of zero
 * width becomes [min − 1, max + 1]. A range that is not finite, or with max < min, is refused.
 * The edges are float32 values; an element x with min <= x <= max (NaN never) goes to bin
 * floor((x − min)·bins / (max − min)), computed in float32 in that order, the last bin also
 * holding x == max; others are not counted. The counts are float32 (the input's dtype), and the
 * result takes no gradient (PyTorch's has none either).
 */

/**
 * torch.histc: a histogram of x's values (flattened, float32) in `bins` equal bins over
 * [min, max] (Note [histc bins]), float32 [bins]. Async: `await histc(x, { bins: 10 })` (the data's
 * range is read back when min == max, as by default).
 */
export async function histc(x: Tensor, options: HistcOptions = {}): Promise<Tensor> {
  const fn = 'histc';
  tensorArg(fn, 'input', x);
  checkOptions(fn, options, ['bins', 'min', 'max']);
  const { bins = 100, min: givenMin = 0, max: givenMax = 0 } = options;
  if (!Number.isSafeInteger(bins) || bins <= 0) throw new ValueError(`${fn}: option 'bins' expected an integer > 0, got ${JSON.stringify(bins)}`);
  for (const [name, v] of [['min', givenMin], ['max', givenMax]] as const) {
    if (typeof v !== 'number') throw new ValueError(`${fn}: option '${name}' expected a number, got ${JSON.stringify(v)}`);
  }
  if (!isFloating(x.dtype)) throw new DTypeError(`${fn}: input expected a float tensor, got ${x.dtype} (as PyTorch's histc; cast first: x.float())`);
  let lo = givenMin;
  let hi = givenMax;
  if (lo === hi && x.numel > 0) {
    const extremes = scope(() => stack([min(x), max(x)]));
    try {
      const read = (await extremes.data()) as Float32Array;
      [lo, hi] = [read[0], read[1]];
    } finally {
      extremes.dispose();
    }
  }
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new ValueError(`${fn}: range of [${numberText(lo)}, ${numberText(hi)}] is not finite`);
  if (lo > hi) throw new ValueError(`${fn}: option 'max' expected a number larger than min (${lo}), got ${hi}`);
  const left = Math.fround(lo);
  const right = Math.fround(hi);
  const width = Math.fround(right - left);
  return noGrad(() =>
    scope(() => {
      const values = reshape(x, [x.numel]);
      const inside = logicalAnd(ge(values, left), le(values, right));
      const bin = clamp(floor(div(mul(sub(values, left), bins), width)), 0, bins - 1);
      const at = cast(where(inside, bin, 0), 'int64');
      return scatterAdd(zeros([bins], { dtype: x.dtype, device: x.device }), 0, at, cast(inside, x.dtype));
    }),
  );
}
