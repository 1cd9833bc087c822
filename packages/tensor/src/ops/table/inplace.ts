// In-place writes (Note: tensors are immutable through ordinary ops; these exist for optimiser
// steps and for loading weights into parameters that an optimiser already references).
import { DTypeError, ShapeError, fmtShape } from '../../errors.js';
import { noGrad } from '../../autograd/grad-mode.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp } from '../declare.js';

export const copyIntoOp = defineOp({
  name: 'copyInto',
  inputs: [{ name: 'dst', dtypes: ALL }, { name: 'src', dtypes: ALL }],
  attrs: {},
  outputs: ([dst, src]) => {
    if (dst.shape.length !== src.shape.length || dst.shape.some((d, i) => d !== src.shape[i])) {
      throw new ShapeError(`copyInto: src shape ${fmtShape(src.shape)} does not match dst shape ${fmtShape(dst.shape)}`);
    }
    return [{ shape: [...dst.shape], dtype: dst.dtype }];
  },
  inplace: { 0: 0 },
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      { name: 'same-dtype', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }] },
      { name: 'int-to-float', inputs: [{ shape: [4] }, { shape: [4], dtype: 'int32', fill: 'int:-3:3' }] },
    ],
    bad: [{ name: 'shape mismatch', inputs: [{ shape: [2, 3] }, { shape: [3, 2] }], error: 'ShapeError', message: /copyInto: src shape \[3,2\] does not match dst shape \[2,3\]/ }],
    torch: 'copyInto',
  },
});

/** Writes src's values into dst's storage (casting to dst's dtype); returns dst. Not recorded by autograd. */
export function copyInto(dst: Tensor, src: Tensor): Tensor {
  if (!dst?.isTensor || !src?.isTensor) throw new DTypeError('copyInto: expected two tensors');
  return noGrad(() => apply(copyIntoOp, [dst, src])[0]);
}
