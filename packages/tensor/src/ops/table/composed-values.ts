// Value replacement and membership, as PyTorch's torch.nan_to_num and torch.isin, composed of
// elementwise ops (both devices; nanToNum's gradient reaches the input where it is finite).
import { isFloating } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { tensorArg } from '../check-args.js';
import { where } from './binary.js';
import { eq, logicalNot, ne } from './compare.js';
import { any } from './composed-ops.js';
import { reshape, unsqueeze } from './shape.js';
import { tensor } from '../../creation.js';

export interface NanToNumOptions {
  /** What NaN becomes (default 0). */
  nan?: number;
  /** What +∞ becomes (default the largest float32). */
  posinf?: number;
  /** What −∞ becomes (default the lowest float32). */
  neginf?: number;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** NaN, +∞ and −∞ replaced by finite numbers (torch.nan_to_num); integer and bool tensors come back as they are. */
export function nanToNum(x: Tensor, options: NanToNumOptions = {}): Tensor {
  tensorArg('nanToNum', 'input', x);
  checkOptions('nanToNum', options, ['nan', 'posinf', 'neginf']);
  for (const key of ['nan', 'posinf', 'neginf'] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) throw new ValueError(`nanToNum: option '${key}' expected a number, got ${typeof v === 'number' ? 'NaN' : typeof v}`);
  }
  if (!isFloating(x.dtype)) return scope(() => reshape(x, x.shape)); // a share: nothing to replace
  const { nan = 0, posinf = FLOAT32_MAX, neginf = -FLOAT32_MAX } = options;
  return scope(() => where(ne(x, x), nan, where(eq(x, Infinity), posinf, where(eq(x, -Infinity), neginf, x))));
}

export interface IsinOptions {
  /** Where elements are NOT in testElements (default false). */
  invert?: boolean;
  /** Accepted for PyTorch's signature; the result does not depend on it. */
  assumeUnique?: boolean;
}

/**
 * Where each element of `elements` equals some element of `testElements` (bool, elements' shape;
 * torch.isin). Either may be a number. Every pair is compared, O(elements · testElements).
 */
export function isin(elements: Tensor | number, testElements: Tensor | number, options: IsinOptions = {}): Tensor {
  checkOptions('isin', options, ['invert', 'assumeUnique']);
  if (typeof elements === 'number' && typeof testElements === 'number') throw new ValueError('isin: expected at least one tensor, got two numbers');
  const asTensor = (v: Tensor | number, name: string, like: Tensor): Tensor => {
    if (typeof v === 'number') return tensor(v, { dtype: like.dtype, device: like.device });
    tensorArg('isin', name, v);
    return v;
  };
  return scope(() => {
    const e = asTensor(elements, 'elements', testElements as Tensor);
    const t = asTensor(testElements, 'testElements', e);
    const hits = any(eq(unsqueeze(e, -1), reshape(t, [-1])), { dim: -1 });
    return options.invert ? logicalNot(hits) : hits;
  });
}
