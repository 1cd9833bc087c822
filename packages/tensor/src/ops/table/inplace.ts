// In-place writes (Note: tensors are immutable through ordinary ops; these exist for optimiser
// steps and for loading weights into parameters that an optimiser already references).
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { isGradEnabled, noGrad } from '../../autograd/grad-mode.js';
import { isFloating } from '../../dtype.js';
import { scope } from '../../memory.js';
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

/**
 * PyTorch's in-place methods (x.add_(y), x.zero_() …): `result`, computed from x by ordinary ops,
 * is written back into x's storage, which must keep its shape and dtype (a float result is not
 * cast into an integer tensor, as PyTorch refuses it). Refused on a tensor that requires grad
 * while grad mode is on — the same rule as PyTorch's for leaves; here for every tensor, since the
 * write is not recorded — so parameters are changed in place under noGrad, as under
 * torch.no_grad(). A graph that saved x refuses its backward afterwards (version counters).
 */
export function writeBack(op: string, x: Tensor, result: () => Tensor): Tensor {
  if (!x?.isTensor) throw new DTypeError(`${op}: expected a tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.requiresGrad && isGradEnabled()) {
    throw new ValueError(`${op}: a tensor that requires grad cannot be changed in place while grad mode is on; do it inside noGrad(() => …), as under PyTorch's torch.no_grad()`);
  }
  return noGrad(() =>
    scope(() => {
      const r = result();
      if (r.shape.length !== x.shape.length || r.shape.some((d, i) => d !== x.shape[i])) {
        throw new ShapeError(`${op}: the result's shape ${fmtShape(r.shape)} does not match the tensor's ${fmtShape(x.shape)} (in-place results cannot broadcast the tensor itself)`);
      }
      if (isFloating(r.dtype) && !isFloating(x.dtype)) throw new DTypeError(`${op}: a ${r.dtype} result cannot be written into a ${x.dtype} tensor in place`);
      apply(copyIntoOp, [x, r]);
      return x;
    }),
  );
}
