// Fused optimiser updates, written in place into the parameter and its state tensors (the
// optim package calls these; they are ops so every backend gets one kernel each).
import { ShapeError, fmtShape } from '../../errors.js';
import { noGrad } from '../../autograd/grad-mode.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { defineOp, FLOAT, type OpDecl, type Sample, type TensorMeta } from '../declare.js';

function sameShapes(op: string, names: readonly string[]) {
  return (inputs: readonly TensorMeta[]) => {
    const [p] = inputs;
    inputs.forEach((t, i) => {
      if (t.shape.length !== p.shape.length || t.shape.some((d, k) => d !== p.shape[k])) {
        throw new ShapeError(`${op}: ${names[i]} has shape ${fmtShape(t.shape)} but param has ${fmtShape(p.shape)}`);
      }
    });
    // Every input but the gradient is written in place, in input order.
    return inputs.filter((_, i) => i !== 1).map((t) => ({ shape: [...t.shape], dtype: t.dtype }));
  };
}

const stateInput = (name: string) => ({ name, dtypes: FLOAT, differentiable: false });
const samples = (n: number, extra: Record<string, number | boolean>[]): Sample[] =>
  extra.map((attrs, k) => ({
    name: `case${k}`,
    inputs: Array.from({ length: n }, (_, i) => ({ shape: [3, 4], fill: i >= 2 && n > 3 ? ('positive' as const) : ('normal' as const) })),
    attrs,
  }));

export const sgdStepOp = defineOp<{ lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; maximize: boolean; firstStep: boolean }>({
  name: 'sgdStep',
  inputs: [stateInput('param'), stateInput('grad'), stateInput('momentumBuffer')],
  attrs: {
    lr: { kind: 'float' }, momentum: { kind: 'float', default: 0 }, dampening: { kind: 'float', default: 0 },
    weightDecay: { kind: 'float', default: 0 }, nesterov: { kind: 'bool', default: false }, maximize: { kind: 'bool', default: false },
    firstStep: { kind: 'bool', default: false },
  },
  outputs: sameShapes('sgdStep', ['param', 'grad', 'momentumBuffer']),
  inplace: { 0: 0, 1: 2 },
  backends: ['cpu', 'cuda'],
  test: {
    samples: samples(3, [
      { lr: 0.1 },
      { lr: 0.1, momentum: 0.9, weightDecay: 0.01, firstStep: true },
      { lr: 0.05, momentum: 0.9, nesterov: true, maximize: true },
      { lr: 0.05, momentum: 0.5, dampening: 0.1 },
    ]),
    bad: [{ name: 'mismatched grad', inputs: [{ shape: [3] }, { shape: [4] }, { shape: [3] }], attrs: { lr: 0.1 }, error: 'ShapeError', message: /sgdStep: grad has shape \[4\] but param has \[3\]/ }],
  },
});

export const adamStepOp = defineOp<{ lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; amsgrad: boolean; maximize: boolean; step: number }>({
  name: 'adamStep',
  inputs: [stateInput('param'), stateInput('grad'), stateInput('expAvg'), stateInput('expAvgSq'), stateInput('maxExpAvgSq')],
  attrs: {
    lr: { kind: 'float' }, beta1: { kind: 'float', default: 0.9 }, beta2: { kind: 'float', default: 0.999 }, eps: { kind: 'float', default: 1e-8 },
    weightDecay: { kind: 'float', default: 0 }, decoupled: { kind: 'bool', default: false }, amsgrad: { kind: 'bool', default: false },
    maximize: { kind: 'bool', default: false }, step: { kind: 'int' },
  },
  outputs: sameShapes('adamStep', ['param', 'grad', 'expAvg', 'expAvgSq', 'maxExpAvgSq']),
  inplace: { 0: 0, 1: 2, 2: 3, 3: 4 },
  backends: ['cpu', 'cuda'],
  test: {
    samples: samples(5, [
      { lr: 0.01, step: 1 },
      { lr: 0.01, step: 3, weightDecay: 0.1, amsgrad: true },
      { lr: 0.01, step: 2, weightDecay: 0.1, decoupled: true, maximize: true },
    ]),
  },
});

export const rmspropStepOp = defineOp<{ lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean; maximize: boolean }>({
  name: 'rmspropStep',
  inputs: [stateInput('param'), stateInput('grad'), stateInput('squareAvg'), stateInput('gradAvg'), stateInput('momentumBuffer')],
  attrs: {
    lr: { kind: 'float' }, alpha: { kind: 'float', default: 0.99 }, eps: { kind: 'float', default: 1e-8 }, weightDecay: { kind: 'float', default: 0 },
    momentum: { kind: 'float', default: 0 }, centered: { kind: 'bool', default: false }, maximize: { kind: 'bool', default: false },
  },
  outputs: sameShapes('rmspropStep', ['param', 'grad', 'squareAvg', 'gradAvg', 'momentumBuffer']),
  inplace: { 0: 0, 1: 2, 2: 3, 3: 4 },
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      { name: 'plain', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }, { shape: [3, 4], fill: 'positive' }, { shape: [3, 4], fill: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, { shape: [3, 4] }], attrs: { lr: 0.01 } },
      { name: 'centered-momentum', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }, { shape: [3, 4], fill: 'positive' }, { shape: [3, 4], fill: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, { shape: [3, 4] }], attrs: { lr: 0.01, centered: true, momentum: 0.9, weightDecay: 0.01 } },
    ],
  },
});

export const adagradStepOp = defineOp<{ lr: number; lrDecay: number; weightDecay: number; eps: number; maximize: boolean; step: number }>({
  name: 'adagradStep',
  inputs: [stateInput('param'), stateInput('grad'), stateInput('stateSum')],
  attrs: {
    lr: { kind: 'float' }, lrDecay: { kind: 'float', default: 0 }, weightDecay: { kind: 'float', default: 0 }, eps: { kind: 'float', default: 1e-10 },
    maximize: { kind: 'bool', default: false }, step: { kind: 'int' },
  },
  outputs: sameShapes('adagradStep', ['param', 'grad', 'stateSum']),
  inplace: { 0: 0, 1: 2 },
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      { name: 'plain', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }, { shape: [3, 4], fill: 'positive' }], attrs: { lr: 0.1, step: 1 } },
      { name: 'decay', inputs: [{ shape: [5] }, { shape: [5] }, { shape: [5], fill: 'positive' }], attrs: { lr: 0.1, step: 4, lrDecay: 0.1, weightDecay: 0.01 } },
    ],
  },
});

type StepOptions<D> = D extends OpDecl<infer A> ? Partial<A> : never;
export type SgdStepOptions = StepOptions<typeof sgdStepOp>;
export type AdamStepOptions = StepOptions<typeof adamStepOp>;
export type RmspropStepOptions = StepOptions<typeof rmspropStepOp>;
export type AdagradStepOptions = StepOptions<typeof adagradStepOp>;

// State tensors that an update does not use (momentum 0, no amsgrad …) are passed as the
// gradient, which is never written; the kernels skip them.

/** SGD in place: param (and momentumBuffer when momentum ≠ 0). */
export function sgdStep(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, options: SgdStepOptions): void {
  noGrad(() => apply(sgdStepOp, [param, grad, momentumBuffer ?? grad], options));
}
/** Adam / AdamW (decoupled) in place: param, expAvg, expAvgSq (and maxExpAvgSq with amsgrad). */
export function adamStep(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, maxExpAvgSq: Tensor | null, options: AdamStepOptions): void {
  noGrad(() => apply(adamStepOp, [param, grad, expAvg, expAvgSq, maxExpAvgSq ?? grad], options));
}
/** RMSprop in place: param, squareAvg (gradAvg when centered, momentumBuffer when momentum ≠ 0). */
export function rmspropStep(param: Tensor, grad: Tensor, squareAvg: Tensor, gradAvg: Tensor | null, momentumBuffer: Tensor | null, options: RmspropStepOptions): void {
  noGrad(() => apply(rmspropStepOp, [param, grad, squareAvg, gradAvg ?? grad, momentumBuffer ?? grad], options));
}
/** Adagrad in place: param and stateSum. */
export function adagradStep(param: Tensor, grad: Tensor, stateSum: Tensor, options: AdagradStepOptions): void {
  noGrad(() => apply(adagradStepOp, [param, grad, stateSum], options));
}
