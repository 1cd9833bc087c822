// softmax and logSoftmax over one dim, with their backward ops (oneDNN's (log)softmax forward and
// backward primitives on cpu); autograd calls the backward ops, whose own gradients are composed.
import { ShapeError, fmtShape } from '../../errors.js';
import { normDim, sameShape as equalShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { checkOptions } from '../../options.js';
import { defineOp, FLOAT, type Sample, type TensorMeta } from '../declare.js';
import { add, mul } from './binary.js';
import { sum } from './reduce.js';
import { exp } from './unary.js';

type DimAttr = { dim: number };

const samples: Sample[] = [
  { name: 'last', inputs: [{ shape: [3, 5] }], attrs: { dim: -1 } },
  { name: 'first', inputs: [{ shape: [3, 5] }], attrs: { dim: 0 } },
  { name: 'middle', inputs: [{ shape: [2, 3, 4] }], attrs: { dim: 1 } },
  // 70 positions: one block of 64 (vectors) and a tail of 6 (scalar) in the strided loop
  { name: 'middle-wide', inputs: [{ shape: [2, 3, 70] }], attrs: { dim: 1 } },
  { name: 'vector', inputs: [{ shape: [6] }], attrs: { dim: 0 } },
  { name: 'scalar', inputs: [{ shape: [] }], attrs: { dim: 0 } },
  { name: 'size-one', inputs: [{ shape: [4, 1] }], attrs: { dim: 1 } },
  { name: 'empty-batch', inputs: [{ shape: [0, 4] }], attrs: { dim: 1 } },
  { name: 'large-values', inputs: [{ shape: [2, 3], fill: [100, 101, 102, -100, -101, -99] }], attrs: { dim: 1 } },
];

const backwardSamples: Sample[] = samples
  .filter((s) => s.name !== 'large-values')
  .map((s) => ({ ...s, inputs: [{ shape: s.inputs[0].shape }, { shape: s.inputs[0].shape }] }));

function sameShape(op: string, names: [string, string]) {
  return ([a, b]: readonly TensorMeta[], attrs: DimAttr) => {
    if (!equalShapes(a.shape, b.shape)) {
      throw new ShapeError(`${op}: ${names[1]} has shape ${fmtShape(b.shape)} but ${names[0]} has ${fmtShape(a.shape)}`);
    }
    normDim(op, attrs.dim, a.shape.length);
    return [{ shape: [...a.shape], dtype: 'float32' as const }];
  };
}

const dimBad = (op: string, inputs: number) => ({
  name: 'dim out of range',
  inputs: Array.from({ length: inputs }, () => ({ shape: [2, 3] })),
  attrs: { dim: 2 },
  error: 'ShapeError' as const,
  message: new RegExp(`${op}: dim 2 is out of range for a tensor of rank 2 \\(expected -2 to 1\\)`),
});

export const softmaxOp = defineOp<DimAttr>({
  name: 'softmax',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: { dim: { kind: 'int' } },
  outputs: ([x], a) => {
    normDim('softmax', a.dim, x.shape.length);
    return [{ shape: [...x.shape], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0] },
  grad: ({ grads: [g], outputs: [y], attrs }) => [softmaxBackward(g!, y!, attrs.dim)],
  test: { samples, bad: [dimBad('softmax', 1)] },
});

export const softmaxBackwardOp = defineOp<DimAttr>({
  name: 'softmaxBackward',
  inputs: [{ name: 'grad', dtypes: FLOAT }, { name: 'output', dtypes: FLOAT }],
  attrs: { dim: { kind: 'int' } },
  outputs: sameShape('softmaxBackward', ['grad', 'output']),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  // dx = y ⊙ (g − Σ g⊙y). With upstream u:  ∂/∂g = softmaxBackward(u, y);
  // ∂/∂y = u ⊙ (g − Σ g⊙y) − g ⊙ Σ u⊙y.
  grad: ({ grads: [u], inputs: [g, y], attrs: { dim } }) => {
    const gy = sum(mul(g!, y!), { dim, keepdim: true });
    const uy = sum(mul(u!, y!), { dim, keepdim: true });
    return [softmaxBackward(u!, y!, dim), add(mul(u!, add(g!, mul(gy, -1))), mul(mul(g!, uy), -1))];
  },
  test: { samples: backwardSamples, bad: [dimBad('softmaxBackward', 2)] },
});

export const logSoftmaxOp = defineOp<DimAttr>({
  name: 'logSoftmax',
  inputs: [{ name: 'input', dtypes: FLOAT }],
  attrs: { dim: { kind: 'int' } },
  outputs: ([x], a) => {
    normDim('logSoftmax', a.dim, x.shape.length);
    return [{ shape: [...x.shape], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { outputs: [0] },
  grad: ({ grads: [g], outputs: [y], attrs }) => [logSoftmaxBackward(g!, y!, attrs.dim)],
  test: { samples, bad: [dimBad('logSoftmax', 1)] },
});

export const logSoftmaxBackwardOp = defineOp<DimAttr>({
  name: 'logSoftmaxBackward',
  inputs: [{ name: 'grad', dtypes: FLOAT }, { name: 'output', dtypes: FLOAT }],
  attrs: { dim: { kind: 'int' } },
  outputs: sameShape('logSoftmaxBackward', ['grad', 'output']),
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1] },
  // dx = g − exp(y) ⊙ Σ g. With upstream u:  ∂/∂g = u − Σ u⊙exp(y);  ∂/∂y = −u ⊙ exp(y) ⊙ Σ g.
  grad: ({ grads: [u], inputs: [g, y], attrs: { dim } }) => {
    const ue = mul(u!, exp(y!));
    return [add(u!, mul(sum(ue, { dim, keepdim: true }), -1)), mul(mul(ue, sum(g!, { dim, keepdim: true })), -1)];
  },
  test: { samples: backwardSamples, bad: [dimBad('logSoftmaxBackward', 2)] },
});

/** The dim along which softmax normalises: a number, or PyTorch's keyword as `{ dim }`. */
export type SoftmaxDim = number | { dim: number };

function softmaxDim(fn: string, dim: SoftmaxDim): number {
  if (typeof dim !== 'object' || dim === null) return dim;
  checkOptions(fn, dim, ['dim']);
  return dim.dim;
}

/** exp(x) / Σ exp(x) along `dim` (computed stably). */
export function softmax(x: Tensor, dim: SoftmaxDim): Tensor {
  return apply(softmaxOp, [x], { dim: softmaxDim('softmax', dim) })[0];
}

/** x − log Σ exp(x) along `dim`: log(softmax(x)), without its underflow. */
export function logSoftmax(x: Tensor, dim: SoftmaxDim): Tensor {
  return apply(logSoftmaxOp, [x], { dim: softmaxDim('logSoftmax', dim) })[0];
}

/** Gradient of softmax's input from the gradient of its output and the output itself. */
export function softmaxBackward(grad: Tensor, output: Tensor, dim: number): Tensor {
  return apply(softmaxBackwardOp, [grad, output], { dim })[0];
}

/** Gradient of logSoftmax's input from the gradient of its output and the output itself. */
export function logSoftmaxBackward(grad: Tensor, output: Tensor, dim: number): Tensor {
  return apply(logSoftmaxBackwardOp, [grad, output], { dim })[0];
}
