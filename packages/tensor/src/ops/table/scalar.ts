import { isFloating, type DType } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { full } from './creation.js';

/**
 * A 0-dim tensor holding `value` on `like`'s device: int dtype when both are integral (like
 * PyTorch's `int_tensor + 2`; int64 beside bool, as `mask + 1` counts in PyTorch), float32
 * otherwise.
 */
export function scalarLike(value: number, like: Tensor): Tensor {
  if (!like?.isTensor) throw new ValueError(`expected a Tensor beside the number ${value}, got ${typeof like}`);
  const dtype: DType = isFloating(like.dtype) || !Number.isInteger(value) ? 'float32' : like.dtype === 'bool' ? 'int64' : like.dtype;
  return full([], value, { dtype, device: like.device });
}
