// In-place writes (Note: tensors are immutable through ordinary ops; these exist for optimiser
// steps and for loading weights into parameters that an optimiser already references).
import { sameShape } from '../../shape.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { isGradEnabled, noGrad } from '../../autograd/grad-mode.js';
import { isFloating } from '../../dtype.js';
import { scope } from '../../memory.js';
import { isViewCopy } from '../../view-copies.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp } from '../declare.js';

export const copyIntoOp = defineOp({
  name: 'copyInto',
  inputs: [{ name: 'dst', dtypes: ALL }, { name: 'src', dtypes: ALL }],
  attrs: {},
  outputs: ([dst, src]) => {
    if (!sameShape(dst.shape, src.shape)) {
      throw new ShapeError(`copyInto: src shape ${fmtShape(src.shape)} does not match dst shape ${fmtShape(dst.shape)}`);
    }
    return [{ shape: [...dst.shape], dtype: dst.dtype }];
  },
  inplace: { 0: 0 },
  markedInputs: 'overwrite',
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

/** @internal
 * PyTorch's in-place methods (x.add_(y), x.zero_() …): `result`, computed from x by ordinary ops,
 * is written back into x's storage, which must keep its shape and dtype (a float result is not
 * cast into an integer tensor, as PyTorch refuses it). The write is not recorded by autograd, so
 * it is refused where PyTorch would record it — on a tensor that requires grad, or from `sources`
 * that do, while grad mode is on — and on a copy that PyTorch would have made a view (Note
 * [copies of views]). A graph that saved x refuses its backward afterwards (version counters).
 */
export function writeBack(op: string, x: Tensor, result: () => Tensor, sources: readonly unknown[] = []): Tensor {
  if (!x?.isTensor) throw new DTypeError(`${op}: expected a tensor, got ${x === null ? 'null' : typeof x}`);
  if (isGradEnabled()) {
    if (x.requiresGrad && x.isLeaf) {
      throw new ValueError(`${op}: a leaf tensor that requires grad cannot be changed in place while grad mode is on; do it inside noGrad(() => …), as under PyTorch's torch.no_grad()`);
    }
    if (x.requiresGrad) {
      throw new ValueError(`${op}: in-place changes are not recorded by autograd here, and this tensor is part of a graph; write the result to a new tensor instead (y = y.${op.slice(0, -1)}(…))`);
    }
    if (sources.some((s) => (s as Tensor | undefined)?.isTensor && (s as Tensor).requiresGrad)) {
      throw new ValueError(
        `${op}: the source requires grad, and in-place writes are not recorded by autograd here; for an update outside the graph (an EMA, a target network) wrap it in noGrad(() => …), as PyTorch's torch.no_grad(); otherwise use the result as a new tensor (e.g. a = src.clone())`,
      );
    }
  }
  if (isViewCopy(x)) {
    throw new ValueError(
      `${op}: this tensor is a copy made by narrow, select, transpose, permute, expand, split or the like (views in PyTorch, copies here), so writing into it would not change the tensor it was taken from; write into that tensor instead (maskedFill_, copy_ of a full-size result), or clone() this one to keep the copy`,
    );
  }
  return noGrad(() =>
    scope(() => {
      const r = result();
      if (!sameShape(r.shape, x.shape)) {
        throw new ShapeError(`${op}: the result's shape ${fmtShape(r.shape)} does not match the tensor's ${fmtShape(x.shape)} (in-place results cannot broadcast the tensor itself)`);
      }
      if (isFloating(r.dtype) && !isFloating(x.dtype)) throw new DTypeError(`${op}: a ${r.dtype} result cannot be written into a ${x.dtype} tensor in place`);
      apply(copyIntoOp, [x, r]);
      return x;
    }),
  );
}
