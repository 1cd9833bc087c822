// Activations composed of declared ops (no kernel of their own, so both devices run them and
// their gradients come from the ops they are made of), under PyTorch's names and defaults:
// silu, mish, hardtanh, relu6, hardswish, hardsigmoid, logSigmoid, selu, celu, softsign, glu, prelu.

import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import { elu, sigmoid, softplus, tanh } from './activation.js';
import { add, div, mul, where } from './binary.js';
import { ge, gt, le } from './compare.js';
import { reshape, chunk } from './shape.js';
import { abs, neg } from './unary.js';

/** x·σ(x) (SiLU, a.k.a. swish). */
export const silu = (x: Tensor): Tensor => scope(() => mul(x, sigmoid(x)));

/** x·tanh(softplus(x)). */
export const mish = (x: Tensor): Tensor => scope(() => mul(x, tanh(softplus(x))));

// The piecewise ones pick their branch with where(), the flat one at the kink itself (x ≤ min,
// x ≥ max), so the gradient there is 0, as PyTorch's backward kernels give it (clamp's gradient
// would pass there).

/** x clamped to [min, max] (default [−1, 1]); gradient 1 strictly inside, 0 elsewhere. */
export function hardtanh(x: Tensor, min = -1, max = 1): Tensor {
  if (!(min <= max)) throw new ValueError(`hardtanh: min (${min}) expected <= max (${max})`);
  return scope(() => where(le(x, min), min, where(ge(x, max), max, x)));
}

/** min(max(x, 0), 6). */
export const relu6 = (x: Tensor): Tensor => hardtanh(x, 0, 6);

/** 0 up to −3, x/6 + 1/2 between, 1 from 3: PyTorch's piecewise-linear sigmoid. */
export const hardsigmoid = (x: Tensor): Tensor => scope(() => where(le(x, -3), 0, where(ge(x, 3), 1, add(div(x, 6), 0.5))));

/** 0 up to −3, x·(x + 3)/6 between, x from 3. */
export const hardswish = (x: Tensor): Tensor => scope(() => where(le(x, -3), 0, where(ge(x, 3), x, div(mul(x, add(x, 3)), 6))));

/** log σ(x) = −softplus(−x), accurate for large |x|. */
export const logSigmoid = (x: Tensor): Tensor => scope(() => neg(softplus(neg(x))));

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
/** scale·elu(x, alpha) with the self-normalising constants of Klambauer et al. (PyTorch's). */
export const selu = (x: Tensor): Tensor => scope(() => mul(elu(x, SELU_ALPHA), SELU_SCALE));

/** max(0, x) + min(0, alpha·(e^(x/alpha) − 1)). */
export function celu(x: Tensor, alpha = 1): Tensor {
  if (!(alpha !== 0 && Number.isFinite(alpha))) throw new ValueError(`celu: alpha expected a finite nonzero number, got ${alpha}`);
  return scope(() => mul(elu(div(x, alpha), 1), alpha));
}

/** x / (1 + |x|). */
export const softsign = (x: Tensor): Tensor => scope(() => div(x, add(abs(x), 1)));

/** a·σ(b), a and b the two halves of `dim` (default −1, PyTorch's). */
export function glu(x: Tensor, dim = -1): Tensor {
  if (!x?.isTensor) throw new ValueError('glu: expected a tensor');
  const d = dim < 0 ? dim + x.shape.length : dim;
  if (d < 0 || d >= x.shape.length) throw new ShapeError(`glu: dim ${dim} is out of range for ${fmtShape(x.shape)}`);
  if (x.shape[d] % 2 !== 0) throw new ShapeError(`glu: dim ${dim} expected an even size to halve, got ${fmtShape(x.shape)}`);
  return scope(() => {
    const [a, b] = chunk(x, 2, d);
    return mul(a, sigmoid(b));
  });
}

/**
 * x where x > 0, weight·x elsewhere; weight is one value ([1]) or one per channel (dim 1 of x,
 * [C]), as PyTorch's prelu.
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  if (!x?.isTensor || !weight?.isTensor) throw new ValueError('prelu: expected input and weight tensors');
  const channels = x.shape.length >= 2 ? x.shape[1] : 1;
  if (weight.shape.length !== 1 || (weight.shape[0] !== 1 && weight.shape[0] !== channels)) {
    throw new ShapeError(`prelu: weight expected shape [1] or [${channels}] (one per channel, dim 1 of input ${fmtShape(x.shape)}), got ${fmtShape(weight.shape)}`);
  }
  return scope(() => {
    // [C] → [C, 1, …] so it lines up with dim 1 of x.
    const w = weight.shape[0] === 1 || x.shape.length < 2 ? weight : reshape(weight, [channels, ...x.shape.slice(2).map(() => 1)]);
    return where(gt(x, 0), x, mul(x, w));
  });
}
