import { dtypes, type DType } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { ALL, defineOp } from '../declare.js';

export const castOp = defineOp<{ dtype: string }>({
  name: 'cast',
  inputs: [{ name: 'input', dtypes: ALL }],
  attrs: { dtype: { kind: dtypes } },
  outputs: ([x], a) => [{ shape: [...x.shape], dtype: a.dtype as DType }],
  backends: ['cpu', 'cuda'],
  // Only float→float carries a gradient; apply records none for integer outputs.
  grad: ({ grads: [g], inputMeta: [x] }) => [x.dtype === 'float32' ? cast(g!, 'float32') : null],
  test: {
    samples: [
      { name: 'float-to-int', inputs: [{ shape: [5], fill: [-2.7, -0.5, 0, 1.5, 3.9], noGrad: true }], attrs: { dtype: 'int32' } },
      { name: 'int-to-float', inputs: [{ shape: [4], dtype: 'int64', fill: 'int:-5:5' }], attrs: { dtype: 'float32' } },
      { name: 'float-to-bool', inputs: [{ shape: [4], fill: [0, 1, -2, 0], noGrad: true }], attrs: { dtype: 'bool' } },
    ],
  },
});

/** A copy with another dtype (float→int truncates toward zero, like PyTorch; nonzero→true). */
export function cast(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : apply(castOp, [x], { dtype })[0];
}
