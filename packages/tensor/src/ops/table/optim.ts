// Fused optimiser updates, written in place into the parameter and its state tensors (the
// optim package calls these; they are ops so every backend gets one kernel each).
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { noGrad } from '../../autograd/grad-mode.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { defineOp, FLOAT, type AttrValue, type OpDecl, type Sample, type TensorMeta } from '../declare.js';

// The outputs of a step op: every input but the gradient, written in place, in input order, after
// checking that they have the param's shape (`where` names the parameter in a foreach call).
function stepOutputs(op: string, names: readonly string[], inputs: readonly TensorMeta[], where = '') {
  const [p] = inputs;
  inputs.forEach((t, i) => {
    if (t.shape.length !== p.shape.length || t.shape.some((d, k) => d !== p.shape[k])) {
      throw new ShapeError(`${op}: ${where}${names[i]} has shape ${fmtShape(t.shape)} but param has ${fmtShape(p.shape)}`);
    }
  });
  return inputs.filter((_, i) => i !== 1).map((t) => ({ shape: [...t.shape], dtype: t.dtype }));
}
const sameShapes = (op: string, names: readonly string[]) => (inputs: readonly TensorMeta[]) => stepOutputs(op, names, inputs);

const stateInput = (name: string) => ({ name, dtypes: FLOAT, differentiable: false });
/** A step count for bias corrections: the first step is 1 (at 0 they divide by zero). */
function checkStep(op: string, step: number): void {
  if (!(Number.isInteger(step) && step >= 1)) throw new ValueError(`${op}: step expected an integer >= 1 (the first step is 1), got ${step}`);
}
const samples = (n: number, extra: Record<string, number | boolean | string>[]): Sample[] =>
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
  markedInputs: 'skipUpdate',
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

// Note [adam variants]: Adam, NAdam and RAdam keep the same two moments, updated the same way,
// and differ only in how the parameter moves; one op with a `variant` holds all three. The
// scalars that depend on the step count (bias corrections, NAdam's momentum schedule, RAdam's
// rectification) are computed from the attributes in double, once per call, as PyTorch computes
// them in Python floats. NAdam's running product of momenta (`muProduct`, this step's included)
// lives with the optimiser, like the step count.
export const adamStepOp = defineOp<{ lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; amsgrad: boolean; maximize: boolean; step: number; variant: string; momentumDecay: number; muProduct: number }>({
  name: 'adamStep',
  inputs: [stateInput('param'), stateInput('grad'), stateInput('expAvg'), stateInput('expAvgSq'), stateInput('maxExpAvgSq')],
  attrs: {
    lr: { kind: 'float' }, beta1: { kind: 'float', default: 0.9 }, beta2: { kind: 'float', default: 0.999 }, eps: { kind: 'float', default: 1e-8 },
    weightDecay: { kind: 'float', default: 0 }, decoupled: { kind: 'bool', default: false }, amsgrad: { kind: 'bool', default: false },
    maximize: { kind: 'bool', default: false }, step: { kind: 'int' },
    variant: { kind: ['adam', 'nadam', 'radam'], default: 'adam' }, momentumDecay: { kind: 'float', default: 4e-3 }, muProduct: { kind: 'float', default: 1 },
  },
  outputs: (inputs, a) => {
    if (a.amsgrad && a.variant !== 'adam') throw new ValueError(`adamStep: amsgrad is Adam's and AdamW's, not ${a.variant}'s`);
    checkStep('adamStep', a.step);
    // NAdam divides by 1 − muProduct: the product of momenta below 1 that it is.
    if (a.variant === 'nadam' && !(a.muProduct >= 0 && a.muProduct < 1)) throw new ValueError(`adamStep: muProduct expected a number in [0, 1) for nadam (the product of the momenta so far), got ${a.muProduct}`);
    return stepOutputs('adamStep', ['param', 'grad', 'expAvg', 'expAvgSq', 'maxExpAvgSq'], inputs);
  },
  inplace: { 0: 0, 1: 2, 2: 3, 3: 4 },
  markedInputs: 'skipUpdate',
  backends: ['cpu', 'cuda'],
  test: {
    samples: samples(5, [
      { lr: 0.01, step: 1 },
      { lr: 0.01, step: 3, weightDecay: 0.1, amsgrad: true },
      { lr: 0.01, step: 2, weightDecay: 0.1, decoupled: true, maximize: true },
      // mu at steps 1..4 with beta1 0.9 and momentumDecay 4e-3: their product is muProduct
      { lr: 0.01, step: 4, weightDecay: 0.1, variant: 'nadam', muProduct: nadamMuProduct(0.9, 4e-3, 4) },
      { lr: 0.01, step: 2, weightDecay: 0.1, decoupled: true, maximize: true, variant: 'nadam', muProduct: nadamMuProduct(0.9, 4e-3, 2) },
      { lr: 0.01, step: 3, variant: 'radam' }, // rho_t <= 5: the unadapted step
      { lr: 0.01, step: 9, weightDecay: 0.1, variant: 'radam' }, // rho_t > 5: rectified
      { lr: 0.01, step: 7, weightDecay: 0.1, decoupled: true, maximize: true, variant: 'radam' },
    ]),
    bad: [
      { name: 'amsgrad with nadam', inputs: [{ shape: [2] }, { shape: [2] }, { shape: [2] }, { shape: [2] }, { shape: [2] }], attrs: { lr: 0.1, step: 1, amsgrad: true, variant: 'nadam' }, error: 'ValueError', message: /^adamStep: amsgrad is Adam's and AdamW's, not nadam's/ },
      { name: 'step 0', inputs: [{ shape: [2] }, { shape: [2] }, { shape: [2] }, { shape: [2] }, { shape: [2] }], attrs: { lr: 0.1, step: 0 }, error: 'ValueError', message: /^adamStep: step expected an integer >= 1 \(the first step is 1\), got 0$/ },
      { name: 'nadam without its momentum product', inputs: [{ shape: [2] }, { shape: [2] }, { shape: [2] }, { shape: [2] }, { shape: [2] }], attrs: { lr: 0.1, step: 1, variant: 'nadam' }, error: 'ValueError', message: /^adamStep: muProduct expected a number in \[0, 1\) for nadam/ },
    ],
  },
});

/** NAdam's momentum at `step` (PyTorch's mu_t): beta1 · (1 − ½ · 0.96^(step · momentumDecay)). */
function nadamMomentum(beta1: number, momentumDecay: number, step: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
}
/** The product of NAdam's momenta over steps 1..step (PyTorch's mu_product after that step). */
function nadamMuProduct(beta1: number, momentumDecay: number, step: number): number {
  let product = 1;
  for (let t = 1; t <= step; t++) product *= nadamMomentum(beta1, momentumDecay, t);
  return product;
}

export const adamaxStepOp = defineOp<{ lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; maximize: boolean; step: number }>({
  name: 'adamaxStep',
  inputs: [stateInput('param'), stateInput('grad'), stateInput('expAvg'), stateInput('expInf')],
  attrs: {
    lr: { kind: 'float' }, beta1: { kind: 'float', default: 0.9 }, beta2: { kind: 'float', default: 0.999 }, eps: { kind: 'float', default: 1e-8 },
    weightDecay: { kind: 'float', default: 0 }, maximize: { kind: 'bool', default: false }, step: { kind: 'int' },
  },
  outputs: (inputs, a) => {
    checkStep('adamaxStep', a.step);
    return stepOutputs('adamaxStep', ['param', 'grad', 'expAvg', 'expInf'], inputs);
  },
  inplace: { 0: 0, 1: 2, 2: 3 },
  markedInputs: 'skipUpdate',
  backends: ['cpu', 'cuda'],
  test: {
    samples: samples(4, [
      { lr: 0.01, step: 1 },
      { lr: 0.01, step: 5, weightDecay: 0.1, maximize: true },
    ]),
  },
});

export const adadeltaStepOp = defineOp<{ lr: number; rho: number; eps: number; weightDecay: number; maximize: boolean }>({
  name: 'adadeltaStep',
  inputs: [stateInput('param'), stateInput('grad'), stateInput('squareAvg'), stateInput('accDelta')],
  attrs: {
    lr: { kind: 'float' }, rho: { kind: 'float', default: 0.9 }, eps: { kind: 'float', default: 1e-6 },
    weightDecay: { kind: 'float', default: 0 }, maximize: { kind: 'bool', default: false },
  },
  outputs: sameShapes('adadeltaStep', ['param', 'grad', 'squareAvg', 'accDelta']),
  inplace: { 0: 0, 1: 2, 2: 3 },
  markedInputs: 'skipUpdate',
  backends: ['cpu', 'cuda'],
  test: {
    samples: samples(4, [
      { lr: 1 },
      { lr: 0.5, rho: 0.95, weightDecay: 0.1, maximize: true },
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
  markedInputs: 'skipUpdate',
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
  outputs: (inputs, a) => {
    checkStep('adagradStep', a.step);
    return stepOutputs('adagradStep', ['param', 'grad', 'stateSum'], inputs);
  },
  inplace: { 0: 0, 1: 2 },
  markedInputs: 'skipUpdate',
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      { name: 'plain', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }, { shape: [3, 4], fill: 'positive' }], attrs: { lr: 0.1, step: 1 } },
      { name: 'decay', inputs: [{ shape: [5] }, { shape: [5] }, { shape: [5], fill: 'positive' }], attrs: { lr: 0.1, step: 4, lrDecay: 0.1, weightDecay: 0.01 } },
    ],
  },
});

// Note [foreach steps]: PyTorch's multi-tensor ("foreach") optimiser steps. `<step>Foreach` takes
// the single op's inputs for every parameter one after another (param, grad, state…, param, grad,
// state…) with one set of attributes, and writes what the single op writes, parameter by
// parameter: one call per param group instead of one per parameter, and on cuda one kernel launch
// for the whole list. The arithmetic is the single op's, so both give the same bits.
function foreachOf<A extends Record<string, AttrValue>>(single: OpDecl<A>, names: readonly string[], samples: Sample[]): OpDecl<A> {
  const name = `${single.name}Foreach`;
  const k = single.inputs.length;
  const singleInplace = single.inplace as Readonly<Record<number, number>>;
  const perParam = Object.keys(singleInplace).length;
  return defineOp<A>({
    name,
    inputs: [{ name: 'tensors', dtypes: FLOAT, differentiable: false, variadic: true }],
    attrs: single.attrs,
    outputs: (inputs, attrs) => {
      if (inputs.length % k !== 0) {
        throw new ValueError(`${name}: expected ${k} tensors per parameter (${names.join(', ')}), got ${inputs.length} tensors`);
      }
      // The single op's checks of the attributes (a step count, NAdam's muProduct), made once.
      if (inputs.length > 0) single.outputs(inputs.slice(0, k), attrs);
      const out = [];
      for (let q = 0; q * k < inputs.length; q++) out.push(...stepOutputs(name, names, inputs.slice(q * k, (q + 1) * k), `parameter ${q}: `));
      return out;
    },
    markedInputs: 'skipUpdate',
    inplace: (count) => {
      const map: Record<number, number> = {};
      for (let q = 0; q * k < count; q++) {
        for (const [out, inp] of Object.entries(singleInplace)) map[q * perParam + Number(out)] = q * k + inp;
      }
      return map;
    },
    backends: single.backends,
    test: {
      samples,
      bad: [
        { name: 'a missing state tensor', inputs: Array.from({ length: k + 1 }, () => ({ shape: [2] })), attrs: samples[0].attrs, error: 'ValueError', message: new RegExp(`^${name}: expected ${k} tensors per parameter \\(${names.join(', ')}\\), got ${k + 1} tensors`) },
        { name: 'mismatched second parameter', inputs: [...Array.from({ length: k }, () => ({ shape: [2] })), { shape: [3] }, ...Array.from({ length: k - 1 }, () => ({ shape: [2] }))], attrs: samples[0].attrs, error: 'ShapeError', message: new RegExp(`^${name}: parameter 1: ${names[1]} has shape \\[2\\] but param has \\[3\\]`) },
      ],
    },
  });
}

// Three parameters of different sizes (one long enough to span several cuda blocks); `fill` gives
// each role's values (second moments positive).
type Fill = 'normal' | 'positive' | 'uniform';
const foreachSamples = (fills: readonly Fill[], attrs: Record<string, number | boolean | string>[]): Sample[] =>
  attrs.map((a, c) => ({
    name: `case${c}`,
    inputs: [[3, 4], [5], [2, 3000]].flatMap((shape) => fills.map((fill) => ({ shape, fill }))),
    attrs: a,
  }));

export const sgdStepForeachOp = foreachOf(sgdStepOp, ['param', 'grad', 'momentumBuffer'], foreachSamples(['normal', 'normal', 'normal'], [
  { lr: 0.1, momentum: 0.9, weightDecay: 0.01 },
  { lr: 0.05, momentum: 0.9, nesterov: true, maximize: true, firstStep: true },
  { lr: 0.1 },
]));
export const adamStepForeachOp = foreachOf(adamStepOp, ['param', 'grad', 'expAvg', 'expAvgSq', 'maxExpAvgSq'], foreachSamples(['normal', 'normal', 'normal', 'positive', 'positive'], [
  { lr: 0.01, step: 3, weightDecay: 0.1, amsgrad: true },
  { lr: 0.01, step: 1, weightDecay: 0.1, decoupled: true, maximize: true },
  { lr: 0.01, step: 3, weightDecay: 0.1, variant: 'nadam', muProduct: nadamMuProduct(0.9, 4e-3, 3) },
  { lr: 0.01, step: 8, variant: 'radam' },
]));
export const adamaxStepForeachOp = foreachOf(adamaxStepOp, ['param', 'grad', 'expAvg', 'expInf'], foreachSamples(['normal', 'normal', 'normal', 'positive'], [
  { lr: 0.01, step: 3, weightDecay: 0.1 },
]));
export const adadeltaStepForeachOp = foreachOf(adadeltaStepOp, ['param', 'grad', 'squareAvg', 'accDelta'], foreachSamples(['normal', 'normal', 'positive', 'positive'], [
  { lr: 1, weightDecay: 0.01 },
]));
export const rmspropStepForeachOp = foreachOf(rmspropStepOp, ['param', 'grad', 'squareAvg', 'gradAvg', 'momentumBuffer'], foreachSamples(['normal', 'normal', 'positive', 'uniform', 'normal'], [
  { lr: 0.01, momentum: 0.9, weightDecay: 0.01 },
]));
export const adagradStepForeachOp = foreachOf(adagradStepOp, ['param', 'grad', 'stateSum'], foreachSamples(['normal', 'normal', 'positive'], [
  { lr: 0.1, step: 4, lrDecay: 0.1, weightDecay: 0.01 },
]));

type StepOptions<D> = D extends OpDecl<infer A> ? Partial<A> : never;
export type SgdStepOptions = StepOptions<typeof sgdStepOp>;
export type AdamStepOptions = StepOptions<typeof adamStepOp>;
export type RmspropStepOptions = StepOptions<typeof rmspropStepOp>;
export type AdagradStepOptions = StepOptions<typeof adagradStepOp>;
export type AdamaxStepOptions = StepOptions<typeof adamaxStepOp>;
export type AdadeltaStepOptions = StepOptions<typeof adadeltaStepOp>;

// State tensors that an update does not use (momentum 0, no amsgrad …) are passed as the
// gradient, which is never written; the kernels skip them.

/** SGD in place: param (and momentumBuffer when momentum ≠ 0). */
export function sgdStep(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, options: SgdStepOptions): void {
  noGrad(() => apply(sgdStepOp, [param, grad, momentumBuffer ?? grad], options));
}
/** Adam / AdamW (decoupled), NAdam or RAdam (variant) in place: param, expAvg, expAvgSq (and maxExpAvgSq with amsgrad). */
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
/** Adamax in place: param, expAvg and expInf. */
export function adamaxStep(param: Tensor, grad: Tensor, expAvg: Tensor, expInf: Tensor, options: AdamaxStepOptions): void {
  noGrad(() => apply(adamaxStepOp, [param, grad, expAvg, expInf], options));
}
/** Adadelta in place: param, squareAvg and accDelta. */
export function adadeltaStep(param: Tensor, grad: Tensor, squareAvg: Tensor, accDelta: Tensor, options: AdadeltaStepOptions): void {
  noGrad(() => apply(adadeltaStepOp, [param, grad, squareAvg, accDelta], options));
}

// The foreach forms (Note [foreach steps]): one entry per parameter, in the single op's order.
/**
 * Parameters per foreach call. One call's outputs are bounded natively (256: a sanity limit on
 * what an op may return), and cuda's multi-tensor launch takes 32 parameters at a time anyway
 * (Note [multi-tensor launch]), so a model with hundreds of parameter tensors steps in chunks.
 */
const FOREACH_CHUNK = 32;
const foreach = (decl: OpDecl<any>, perParam: number, tensors: Tensor[], options: object): void => {
  noGrad(() => {
    for (let i = 0; i < tensors.length; i += FOREACH_CHUNK * perParam) apply(decl, tensors.slice(i, i + FOREACH_CHUNK * perParam), options);
  });
};
/** sgdStep over many parameters in one call: [param, grad, momentumBuffer | null] each. */
export function sgdStepForeach(params: readonly (readonly [Tensor, Tensor, Tensor | null])[], options: SgdStepOptions): void {
  foreach(sgdStepForeachOp, 3, params.flatMap(([p, g, b]) => [p, g, b ?? g]), options);
}
/** adamStep over many parameters in one call: [param, grad, expAvg, expAvgSq, maxExpAvgSq | null] each. */
export function adamStepForeach(params: readonly (readonly [Tensor, Tensor, Tensor, Tensor, Tensor | null])[], options: AdamStepOptions): void {
  foreach(adamStepForeachOp, 5, params.flatMap(([p, g, m, v, vmax]) => [p, g, m, v, vmax ?? g]), options);
}
/** rmspropStep over many parameters in one call: [param, grad, squareAvg, gradAvg | null, momentumBuffer | null] each. */
export function rmspropStepForeach(params: readonly (readonly [Tensor, Tensor, Tensor, Tensor | null, Tensor | null])[], options: RmspropStepOptions): void {
  foreach(rmspropStepForeachOp, 5, params.flatMap(([p, g, sq, ga, b]) => [p, g, sq, ga ?? g, b ?? g]), options);
}
/** adagradStep over many parameters in one call: [param, grad, stateSum] each. */
export function adagradStepForeach(params: readonly (readonly [Tensor, Tensor, Tensor])[], options: AdagradStepOptions): void {
  foreach(adagradStepForeachOp, 3, params.flat(), options);
}
/** adamaxStep over many parameters in one call: [param, grad, expAvg, expInf] each. */
export function adamaxStepForeach(params: readonly (readonly [Tensor, Tensor, Tensor, Tensor])[], options: AdamaxStepOptions): void {
  foreach(adamaxStepForeachOp, 4, params.flat(), options);
}
/** adadeltaStep over many parameters in one call: [param, grad, squareAvg, accDelta] each. */
export function adadeltaStepForeach(params: readonly (readonly [Tensor, Tensor, Tensor, Tensor])[], options: AdadeltaStepOptions): void {
  foreach(adadeltaStepForeachOp, 4, params.flat(), options);
}
