// clamp and its spellings (clip, clampMin, clampMax): number bounds run the clamp op; a tensor
// bound (broadcast with the input, as PyTorch's clamp.Tensor) is composed of comparisons and
// where(), so gradients reach the bounds too. Kept outside ops/table/ so the helper is not a
// public function of its own.
//
// Note [clamp with tensor bounds]: y = where(x < min or min is NaN, min, x), then the same with
// max on that result, which is PyTorch's min(max(x, min), max) with its NaN rule (a NaN bound
// gives NaN, a NaN input stays NaN) and its gradients: the input gets the gradient where
// min ≤ x ≤ max (ties go to the input), min where x < min ≤ max, max where x > max or min > max.
// One case differs: where min == max and x < min, PyTorch's clamp_backward_min_max gives no
// element any gradient; here min gets it. maximum()/minimum() were not used because they split
// the gradient of ties between both sides.
import { DeviceError, ValueError } from '../errors.js';
import { scope } from '../memory.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { apply } from './apply.js';
import { tensorArg } from './check-args.js';
import { where } from './table/binary.js';
import { gt, logicalOr, lt } from './table/compare.js';
import { isnan } from './table/composed-ops.js';
import { full } from './table/creation.js';
import { clampOp, type ClampOptions } from './table/unary.js';

export type ClampBound = number | Tensor | null | undefined;

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `string '${v}'` : typeof v;
}

function checkBound(fn: string, name: string, b: unknown, x: Tensor): ClampBound {
  if (b === null || b === undefined || typeof b === 'number') return b as ClampBound;
  if ((b as Tensor).isTensor) {
    const t = b as Tensor;
    tensorArg(fn, 'input', x);
    if (t.device !== x.device) throw new DeviceError(`${fn}: ${name} expected a tensor on input's device ${x.device}, got one on ${t.device}`);
    return t;
  }
  throw new ValueError(`${fn}: ${name} expected a number, a tensor or null, got ${describe(b)}`);
}

// The condition under which a bound replaces y: beyond it, or the bound is NaN.
function beyond(y: Tensor, bound: number | Tensor, past: (a: Tensor, b: number | Tensor) => Tensor): Tensor {
  if (typeof bound === 'number') return Number.isNaN(bound) ? full([], 1, { dtype: 'bool', device: y.device }) : past(y, bound);
  return logicalOr(past(y, bound), isnan(bound));
}

/**
 * clamp under the name `fn`: clamp(x, { min, max }) or clamp(x, min, max), each bound a number, a
 * tensor (broadcast with x) or null/absent, at least one given.
 */
export function clampAs(fn: string, x: Tensor, minOrOptions: ClampOptions | ClampBound = {}, max?: ClampBound): Tensor {
  let lo: unknown;
  let hi: unknown;
  const positional = typeof minOrOptions === 'number' || minOrOptions === null || (minOrOptions as Tensor | undefined)?.isTensor || max !== undefined;
  if (positional) {
    lo = minOrOptions;
    hi = max;
  } else {
    checkOptions(fn, minOrOptions as object, ['min', 'max']);
    ({ min: lo, max: hi } = minOrOptions as ClampOptions);
  }
  const min = checkBound(fn, 'min', lo, x) ?? undefined;
  const top = checkBound(fn, 'max', hi, x) ?? undefined;
  if (min === undefined && top === undefined) throw new ValueError(`${fn}: at least one of 'min' or 'max' must be given`);
  if (typeof min !== 'object' && typeof top !== 'object') return apply(clampOp, [x], { min, max: top })[0];
  // A bound that is a tensor: broadcast shapes checked under fn's name first.
  for (const b of [min, top]) if (typeof b === 'object') broadcastShapes(fn, x.shape, b.shape);
  if (typeof min === 'object' && typeof top === 'object') broadcastShapes(fn, broadcastShapes(fn, x.shape, min.shape), top.shape);
  return scope(() => {
    let y = x;
    if (min !== undefined) y = where(beyond(y, min, lt), min, y);
    if (top !== undefined) y = where(beyond(y, top, gt), top, y);
    return y;
  });
}
