// torch.special's functions that are not ops of their own, composed of declared ops (both devices,
// gradients from the parts): ndtr, sinc, entr, exp2, xlog1py. The `special` namespace of
// index.ts gathers them with the ops torch.special also names (gammaln, digamma, erfinv …).
import { isFloating } from '../../dtype.js';
import { scope } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import { tensorArg } from '../check-args.js';
import { div, mul, pow, promoted, where, type Operand } from './binary.js';
import { cast } from './cast.js';
import { eq, le, logicalAnd, lt } from './compare.js';
import { isnan } from './composed-ops.js';
import { xlogy } from './composed-log-math.js';
import { erfc, log1p } from './math.js';
import { neg, sin } from './unary.js';

const floatOf = (x: Tensor): Tensor => (isFloating(x.dtype) ? x : cast(x, 'float32'));

/** The standard normal's cdf, ½·erfc(−x/√2) (torch.special.ndtr): accurate in the lower tail, where 1 + erf would cancel. */
export function ndtr(x: Tensor): Tensor {
  tensorArg('ndtr', 'input', x);
  return scope(() => mul(erfc(mul(floatOf(x), -Math.SQRT1_2)), 0.5));
}

/** sin(πx)/(πx), 1 at x = 0 (torch.sinc, torch.special.sinc); the gradient at 0 is 0, as PyTorch's. */
export function sinc(x: Tensor): Tensor {
  tensorArg('sinc', 'input', x);
  return scope(() => {
    const xf = floatOf(x);
    const zero = eq(xf, 0);
    // 0/0 at x = 0 is kept out of both the value and the gradient by dividing at 1 there instead.
    const safe = mul(where(zero, 1, xf), Math.PI);
    return where(zero, 1, div(sin(safe), safe));
  });
}

/** −x·ln x elementwise (torch.special.entr): 0 at x = 0, −∞ below 0, NaN stays NaN. */
export function entr(x: Tensor): Tensor {
  tensorArg('entr', 'input', x);
  return scope(() => {
    const xf = floatOf(x);
    return where(lt(xf, 0), -Infinity, neg(xlogy(xf, xf)));
  });
}

/** 2^x (torch.exp2, torch.special.exp2), float32. */
export function exp2(x: Tensor): Tensor {
  tensorArg('exp2', 'input', x);
  return scope(() => pow(2, floatOf(x)));
}

/** x·log1p(y), 0 where x is 0 (unless y is NaN), as torch.special.xlog1py. */
export function xlog1py(x: Operand, y: Operand): Tensor {
  if (typeof x !== 'number') tensorArg('xlog1py', 'input', x);
  if (typeof y !== 'number') tensorArg('xlog1py', 'other', y);
  return scope(() => {
    const [xt, yt] = promoted('xlog1py', x, y);
    const yf = floatOf(yt);
    // 0·log1p(y) is 0 by itself for y > −1, so only y ≤ −1 is masked, and log1p is never taken
    // there (0·−∞ would be NaN, in the gradient too): the gradient in x stays log1p(y) at x = 0,
    // as PyTorch's (xlogy's rule).
    const masked = logicalAnd(eq(xt, 0), le(yf, -1));
    return where(isnan(yf), NaN, where(masked, 0, mul(xt, log1p(where(masked, 0, yf)))));
  });
}
