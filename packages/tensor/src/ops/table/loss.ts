// Loss functions with PyTorch's semantics (torch.nn.functional): crossEntropy (class indices or
// class probabilities, weights, ignoreIndex, label smoothing), nllLoss, mseLoss, l1Loss,
// binaryCrossEntropy and binaryCrossEntropyWithLogits. Each is one fused kernel forward and one
// backward op; optional weights travel as an empty tensor when absent.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { scope } from '../../memory.js';
import { broadcastShapes, numelOf, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { defineOp, FLOAT, type BadSample, type OpDecl, type Sample, type SampleInput, type TensorMeta } from '../declare.js';
import { add, div, mul, sub } from './binary.js';
import { cast } from './cast.js';
import { eq } from './compare.js';
import { full, onesLike, zerosLike } from './creation.js';
import { sum } from './reduce.js';
import { expand, reshape } from './shape.js';
import { maskedFill } from './composed-ops.js';
import { logSoftmax } from './softmax.js';
import { clamp, log, neg } from './unary.js';
import { sigmoid, softplus } from './activation.js';
import { isCreatingGraph } from '../../autograd/grad-mode.js';
import { gradByComposition } from '../double-backward.js';
import { checkTargetBroadcast } from '../check-args.js';
import { absent } from '../../creation.js';

export const REDUCTIONS = ['none', 'mean', 'sum'] as const;
export type Reduction = (typeof REDUCTIONS)[number];

export interface LossOptions {
  /** 'mean' (default) averages the per-element losses, 'sum' adds them, 'none' returns them. */
  reduction?: Reduction;
}

const reductionAttr = { kind: REDUCTIONS, default: 'mean' } as const;

/** The empty tensor that stands for "no weight" (kernels read an empty weight as all ones). */
const noWeight = (like: Tensor): Tensor => (like?.isTensor ? absent(like.device) : like);

// ---- shape rules ----

/** Classes of an input [C], [N, C] or [N, C, d1, …]: C, and the shape of one loss per position. */
function classes(op: string, x: TensorMeta): { C: number; positions: number[] } {
  if (x.shape.length === 0) throw new ShapeError(`${op}: input must have a class dimension ([C], [N,C] or [N,C,d1,...]), got a scalar`);
  if (x.shape.length === 1) return { C: x.shape[0], positions: [] };
  return { C: x.shape[1], positions: [x.shape[0], ...x.shape.slice(2)] };
}

function checkWeight(op: string, w: TensorMeta, C: number): void {
  if (w.shape.length !== 1 || (w.shape[0] !== 0 && w.shape[0] !== C)) {
    throw new ShapeError(`${op}: weight has shape ${fmtShape(w.shape)} but input has ${C} classes (expected [${C}])`);
  }
}

/** Checks a class-indexed loss's input/target/weight; returns the loss shape. */
function classLoss(op: string, x: TensorMeta, t: TensorMeta, w: TensorMeta, reduction: Reduction, probsAllowed: boolean): number[] {
  const { C, positions } = classes(op, x);
  if (t.dtype === 'float32') {
    if (!sameShape(t.shape, x.shape)) {
      // float32 class indices (tensor([0, 2, 1]) is float32) read as probabilities of the wrong shape.
      const indices = sameShape(t.shape, positions) ? `; class indices must be int64 (tensor([...], { dtype: 'int64' }))` : '';
      throw new ShapeError(`${op}: target of class probabilities has shape ${fmtShape(t.shape)} but input has ${fmtShape(x.shape)}${indices}`);
    }
  } else if (!sameShape(t.shape, positions)) {
    const probs = probsAllowed ? ` or class probabilities of shape ${fmtShape(x.shape)}` : '';
    throw new ShapeError(`${op}: target has shape ${fmtShape(t.shape)} but input ${fmtShape(x.shape)} needs class indices of shape ${fmtShape(positions)}${probs}`);
  }
  checkWeight(op, w, C);
  return reduction === 'none' ? positions : [];
}

function checkGrad(op: string, g: TensorMeta, lossShape: readonly number[]): void {
  if (!sameShape(g.shape, lossShape)) throw new ShapeError(`${op}: grad has shape ${fmtShape(g.shape)} but the loss has ${fmtShape(lossShape)}`);
}

function checkSame(op: string, x: TensorMeta, t: TensorMeta, hint = ''): void {
  if (!sameShape(x.shape, t.shape)) throw new ShapeError(`${op}: target has shape ${fmtShape(t.shape)} but input has ${fmtShape(x.shape)}${hint}`);
}

function checkOptional(op: string, name: string, w: TensorMeta, x: TensorMeta): void {
  if (numelOf(w.shape) !== 0 && !sameShape(w.shape, x.shape)) {
    throw new ShapeError(`${op}: ${name} has shape ${fmtShape(w.shape)} but input has ${fmtShape(x.shape)} (expected the input's shape, or empty for none)`);
  }
}

// ---- test inputs ----

/**
 * n values in (0.2, 0.8): explicit, so probabilities stay probabilities, and away from 0 and 1
 * where log's curvature makes finite differences meaningless.
 */
const probs = (n: number, seed = 0): number[] =>
  Array.from({ length: n }, (_, i) => Math.round((0.2 + 0.6 * ((i * 0.6180339887 + seed * 0.1372) % 1)) * 1e4) / 1e4);
const input = (shape: number[], fill?: SampleInput['fill']): SampleInput => ({ shape, fill });
const indices = (shape: number[], fill: SampleInput['fill']): SampleInput => ({ shape, dtype: 'int64', fill });
const probInput = (shape: number[], seed = 0): SampleInput => ({ shape, fill: probs(numelOf(shape), seed) });
const none: SampleInput = { shape: [0], noGrad: true };
/** An input left out of gradient checks: where the loss is NaN (empty means, all ignored) or has no derivative. */
const nograd = (shape: number[], fill?: SampleInput['fill']): SampleInput => ({ shape, fill, noGrad: true });
const weight = (n: number): SampleInput => ({ shape: [n], fill: 'positive', noGrad: true });
const sameWeight = (shape: number[]): SampleInput => ({ shape, fill: 'positive', noGrad: true });

// ---- crossEntropy ----

type CrossEntropyAttrs = { ignoreIndex: number; labelSmoothing: number; reduction: Reduction };
const crossEntropyAttrs = {
  ignoreIndex: { kind: 'int', default: -100 },
  labelSmoothing: { kind: 'float', default: 0 },
  reduction: reductionAttr,
} as const;

function crossEntropyLoss(op: string, x: TensorMeta, t: TensorMeta, w: TensorMeta, a: CrossEntropyAttrs): number[] {
  const shape = classLoss(op, x, t, w, a.reduction, true);
  if (!(a.labelSmoothing >= 0 && a.labelSmoothing <= 1)) throw new ValueError(`${op}: labelSmoothing expected a value in [0, 1], got ${a.labelSmoothing}`);
  if (t.dtype === 'float32' && a.ignoreIndex >= 0) {
    throw new ValueError(`${op}: ignoreIndex is not supported for class-probability targets (got ${a.ignoreIndex}; it applies to class indices only)`);
  }
  return shape;
}

const crossEntropySamples: Sample[] = [
  { name: 'indices', inputs: [input([4, 5]), indices([4], 'int:0:5'), none] },
  { name: 'weighted-sum', inputs: [input([4, 5]), indices([4], 'int:0:5'), weight(5)], attrs: { reduction: 'sum' } },
  { name: 'ignore-none', inputs: [input([4, 5]), indices([4], [1, -100, 4, 0]), none], attrs: { reduction: 'none' } },
  { name: 'ignore-weighted-mean', inputs: [input([4, 5]), indices([4], [2, -100, 4, 2]), weight(5)] },
  { name: 'custom-ignore', inputs: [input([4, 3]), indices([4], [0, 1, 1, 2]), none], attrs: { ignoreIndex: 1 } },
  { name: 'smoothing', inputs: [input([3, 4]), indices([3], 'int:0:4'), none], attrs: { labelSmoothing: 0.1 } },
  { name: 'smoothing-weighted-ignore', inputs: [input([3, 4]), indices([3], [0, -100, 3]), weight(4)], attrs: { labelSmoothing: 0.2 } },
  { name: 'spatial-none', inputs: [input([2, 3, 4]), indices([2, 4], 'int:0:3'), weight(3)], attrs: { labelSmoothing: 0.05, reduction: 'none' } },
  { name: 'spatial-mean', inputs: [input([2, 3, 2, 2]), indices([2, 2, 2], 'int:0:3'), none] },
  // 81 positions: a block of 64 and a tail of 17, with weights, smoothing and an ignored target
  {
    name: 'spatial-wide',
    inputs: [input([2, 3, 9, 9]), indices([2, 9, 9], Array.from({ length: 162 }, (_, i) => (i === 70 ? -100 : (i * 7) % 3))), weight(3)],
    attrs: { labelSmoothing: 0.1, reduction: 'sum' },
  },
  { name: 'unbatched', inputs: [input([5]), indices([], [3]), none] },
  { name: 'size-one-class', inputs: [input([3, 1]), indices([3], [0, 0, 0]), none] },
  { name: 'large-logits', inputs: [input([2, 3], [100, 101, 99, -50, 20, 21]), indices([2], [0, 2]), none] },
  { name: 'probs', inputs: [input([3, 4]), input([3, 4], 'positive'), none] },
  { name: 'probs-smoothing-weighted', inputs: [input([3, 4]), input([3, 4], 'positive'), weight(4)], attrs: { labelSmoothing: 0.1, reduction: 'sum' } },
  { name: 'probs-spatial-none', inputs: [input([2, 3, 2]), probInput([2, 3, 2]), none], attrs: { reduction: 'none' } },
  { name: 'empty-batch', inputs: [nograd([0, 3]), indices([0], 'int:0:3'), none] },
];

const crossEntropyBad = (op: string, grad: SampleInput[] = []): BadSample[] => [
  {
    name: 'target out of range', inputs: [...grad, input([2, 3]), indices([2], [0, 3]), none],
    error: 'ValueError', message: new RegExp(`${op}: target 3 at position 1 is out of range for 3 classes`),
  },
  {
    name: 'negative target', inputs: [...grad, input([2, 3]), indices([2], [-1, 0]), none],
    error: 'ValueError', message: new RegExp(`${op}: target -1 at position 0 is out of range for 3 classes \\(expected 0 to 2, or ignoreIndex -100\\)`),
  },
  {
    name: 'target shape', inputs: [...grad, input([2, 3]), indices([3], [0, 0, 0]), none],
    error: 'ShapeError', message: new RegExp(`${op}: target has shape \\[3\\] but input \\[2,3\\] needs class indices of shape \\[2\\] or class probabilities of shape \\[2,3\\]`),
  },
  {
    name: 'weight size', inputs: [...grad, input([2, 3]), indices([2], [0, 1]), weight(4)],
    error: 'ShapeError', message: new RegExp(`${op}: weight has shape \\[4\\] but input has 3 classes \\(expected \\[3\\]\\)`),
  },
  {
    name: 'label smoothing', inputs: [...grad, input([2, 3]), indices([2], [0, 1]), none], attrs: { labelSmoothing: 1.5 },
    error: 'ValueError', message: new RegExp(`${op}: labelSmoothing expected a value in \\[0, 1\\], got 1.5`),
  },
  {
    name: 'int32 target', inputs: [...grad, input([2, 3]), { shape: [2], dtype: 'int32', fill: [0, 1] }, none],
    error: 'DTypeError', message: new RegExp(`${op}: argument 'target' expected dtype int64 or float32, got int32`),
  },
  {
    name: 'ignoreIndex with probabilities', inputs: [...grad, input([2, 3]), input([2, 3], 'positive'), none], attrs: { ignoreIndex: 0 },
    error: 'ValueError', message: new RegExp(`${op}: ignoreIndex is not supported for class-probability targets \\(got 0`),
  },
  {
    name: 'scalar input', inputs: [...grad, input([]), indices([], [0]), none],
    error: 'ShapeError', message: new RegExp(`${op}: input must have a class dimension`),
  },
];

export const crossEntropyOp = defineOp<CrossEntropyAttrs>({
  name: 'crossEntropy',
  inputs: [
    { name: 'input', dtypes: FLOAT },
    { name: 'target', dtypes: ['int64', 'float32'] },
    { name: 'weight', dtypes: FLOAT, differentiable: false },
  ],
  attrs: crossEntropyAttrs,
  outputs: ([x, t, w], a) => [{ shape: crossEntropyLoss('crossEntropy', x, t, w, a), dtype: 'float32' }],
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1, 2] },
  grad: ({ grads: [g], inputs: [x, t, w], attrs, needsGrad }) => {
    const targetGrad = needsGrad[1] && t!.dtype === 'float32';
    // crossEntropyBackward has no gradient of its own (Note [double backward by composition]).
    if (isCreatingGraph()) return gradByComposition([x, t, w], [needsGrad[0], targetGrad, false], ([xs, ts]) => crossEntropyComposed(xs!, ts!, w!, attrs), g!);
    const [gx, gt] = apply(crossEntropyBackwardOp, [g!, x!, t!, w!], { ...attrs, targetGrad });
    return [gx, targetGrad ? gt : null, null];
  },
  test: { samples: crossEntropySamples, bad: crossEntropyBad('crossEntropy') },
});

/**
 * crossEntropy as differentiable ops, PyTorch's composition (cross_entropy_loss_label_smoothing,
 * cross_entropy_loss_prob_target in LossNLL.cpp): nllLoss of logSoftmax for class indices, mixed
 * with the smoothing term −Σ_c w_c·log p_c / C (0 where ignored; the mean divides it by the same
 * Σ w_target as nllLoss's mean); −Σ_c w_c·q_c·log p_c for probabilities q (smoothed), the mean
 * over positions. Used for a graph of the gradients (Note [double backward by composition]).
 */
function crossEntropyComposed(x: Tensor, t: Tensor, w: Tensor, a: CrossEntropyAttrs): Tensor {
  const classDim = x.shape.length === 1 ? 0 : 1;
  const C = x.shape[classDim];
  const eps = a.labelSmoothing;
  const logp = logSoftmax(x, classDim);
  const weighted = w.numel > 0 ? reshape(w, x.shape.map((d, i) => (i === classDim ? d : 1))) : null;
  const perClass = (v: Tensor) => (weighted ? mul(v, weighted) : v);
  if (t.dtype === 'float32') {
    const q = eps > 0 ? add(mul(t, 1 - eps), eps / C) : t;
    const loss = neg(sum(perClass(mul(logp, q)), classDim));
    if (a.reduction === 'none') return loss;
    return a.reduction === 'sum' ? sum(loss) : div(sum(loss), numelOf(x.shape) / C);
  }
  const weight = weighted ? w : undefined;
  const nll = nllLoss(logp, t, { weight, ignoreIndex: a.ignoreIndex, reduction: a.reduction });
  if (eps === 0) return nll;
  const smooth = maskedFill(neg(sum(perClass(logp), classDim)), eq(t, a.ignoreIndex), 0);
  let reduced = smooth;
  if (a.reduction === 'sum') reduced = sum(smooth);
  else if (a.reduction === 'mean') {
    // Σ w_target over the positions not ignored (their count without weights): nllLoss's sum of −1s.
    const divisor = nllLoss(full(x.shape, -1, { device: x.device }), t, { weight, ignoreIndex: a.ignoreIndex, reduction: 'sum' });
    reduced = div(sum(smooth), divisor);
  }
  return add(mul(nll, 1 - eps), mul(reduced, eps / C));
}

/**
 * binaryCrossEntropy as differentiable ops, PyTorch's formula: −w·(t·log x + (1 − t)·log(1 − x))
 * with each log clamped at −100 (Note [double backward by composition]).
 */
function binaryCrossEntropyComposed(x: Tensor, t: Tensor, w: Tensor, reduction: Reduction): Tensor {
  const logOf = (v: Tensor) => clamp(log(v), -100);
  let loss = neg(add(mul(t, logOf(x)), mul(sub(1, t), logOf(sub(1, x)))));
  if (w.numel > 0) loss = mul(loss, w);
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : div(sum(loss), numelOf(x.shape));
}

/** The loss shape of a crossEntropy sample (to size the grad input of its backward samples). */
function lossShapeOf(s: Sample, inputs: SampleInput[]): number[] {
  const [x, t] = inputs;
  const red = (s.attrs?.reduction as Reduction | undefined) ?? 'mean';
  if (red !== 'none') return [];
  const pos = x.shape.length === 1 ? [] : [x.shape[0], ...x.shape.slice(2)];
  return t.dtype === 'int64' ? [...t.shape] : pos;
}
const withGrad = (samples: Sample[]): Sample[] =>
  samples.map((s) => ({ ...s, inputs: [{ shape: lossShapeOf(s, s.inputs) }, ...s.inputs.map((i) => ({ ...i, noGrad: true }))] }));

export const crossEntropyBackwardOp = defineOp<CrossEntropyAttrs & { targetGrad: boolean }>({
  name: 'crossEntropyBackward',
  inputs: [
    { name: 'grad', dtypes: FLOAT },
    { name: 'input', dtypes: FLOAT },
    { name: 'target', dtypes: ['int64', 'float32'] },
    { name: 'weight', dtypes: FLOAT, differentiable: false },
  ],
  // targetGrad: also the gradient of class-probability targets (else the second output is empty).
  attrs: { ...crossEntropyAttrs, targetGrad: { kind: 'bool', default: true } },
  outputs: ([g, x, t, w], a) => {
    checkGrad('crossEntropyBackward', g, crossEntropyLoss('crossEntropyBackward', x, t, w, a));
    return [
      { shape: [...x.shape], dtype: 'float32' },
      { shape: t.dtype === 'float32' && a.targetGrad ? [...t.shape] : [0], dtype: 'float32' },
    ];
  },
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      ...withGrad(crossEntropySamples),
      { ...withGrad(crossEntropySamples.filter((c) => c.name === 'probs'))[0], name: 'probs-no-target-grad', attrs: { targetGrad: false } },
    ],
    bad: crossEntropyBad('crossEntropyBackward', [{ shape: [] }]).filter((b) => b.name !== 'scalar input'),
  },
});

export interface CrossEntropyOptions extends LossOptions {
  /** A weight per class ([C]). */
  weight?: Tensor;
  /** Targets equal to this class index add nothing (nor to the mean's divisor); default -100. */
  ignoreIndex?: number;
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C; default 0. */
  labelSmoothing?: number;
}

/**
 * Cross entropy of logits `input` ([C], [N,C] or [N,C,d1,…]) against class indices (int64, the
 * input's shape without C) or class probabilities (float32, the input's shape), as
 * torch.nn.functional.cross_entropy. A fused log-softmax + NLL kernel. Class indices outside
 * [0, C) (other than ignoreIndex) are refused by the kernel with a ValueError naming
 * crossEntropy: at once when the op runs inline (small inputs on an idle stream), else at the
 * next read of a result.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkOptions('crossEntropy', options, ['weight', 'reduction', 'ignoreIndex', 'labelSmoothing']);
  const { weight, reduction = 'mean', ignoreIndex = -100, labelSmoothing = 0 } = options;
  return scope(() => apply(crossEntropyOp, [input, classIndices(target), weight ?? noWeight(input)], { reduction, ignoreIndex, labelSmoothing })[0]);
}

// ---- nllLoss ----

type NllAttrs = { ignoreIndex: number; reduction: Reduction };

export const nllLossOp = defineOp<NllAttrs>({
  name: 'nllLoss',
  inputs: [
    { name: 'input', dtypes: FLOAT },
    { name: 'target', dtypes: ['int64'] },
    { name: 'weight', dtypes: FLOAT, differentiable: false },
  ],
  attrs: { ignoreIndex: { kind: 'int', default: -100 }, reduction: reductionAttr },
  outputs: ([x, t, w], a) => [{ shape: classLoss('nllLoss', x, t, w, a.reduction, false), dtype: 'float32' }],
  backends: ['cpu', 'cuda'],
  saves: { inputs: [1, 2] },
  grad: ({ grads: [g], inputs: [, t, w], inputMeta: [x], attrs }) => [
    apply(nllLossBackwardOp, [g!, t!, w!], { ...attrs, inputShape: x.shape })[0],
  ],
  test: {
    samples: [
      { name: 'mean', inputs: [input([4, 5]), indices([4], 'int:0:5'), none] },
      { name: 'weighted-ignore', inputs: [input([4, 5]), indices([4], [1, -100, 3, 1]), weight(5)] },
      { name: 'sum', inputs: [input([3, 2]), indices([3], 'int:0:2'), weight(2)], attrs: { reduction: 'sum' } },
      { name: 'spatial-none', inputs: [input([2, 3, 4]), indices([2, 4], 'int:0:3'), none], attrs: { reduction: 'none' } },
      { name: 'custom-ignore', inputs: [input([3, 3]), indices([3], [2, 0, 2]), none], attrs: { ignoreIndex: 2 } },
      { name: 'unbatched', inputs: [input([4]), indices([], [1]), weight(4)] },
      { name: 'all-ignored', inputs: [nograd([2, 3]), indices([2], [-100, -100]), none] },
    ],
    bad: [
      { name: 'target out of range', inputs: [input([2, 3]), indices([2], [3, 0]), none], error: 'ValueError', message: /nllLoss: target 3 at position 0 is out of range for 3 classes/ },
      { name: 'target shape', inputs: [input([2, 3]), indices([2, 3], 'int:0:3'), none], error: 'ShapeError', message: /nllLoss: target has shape \[2,3\] but input \[2,3\] needs class indices of shape \[2\]$/ },
      { name: 'weight size', inputs: [input([2, 3]), indices([2], [0, 1]), weight(2)], error: 'ShapeError', message: /nllLoss: weight has shape \[2\] but input has 3 classes/ },
      { name: 'float target', inputs: [input([2, 3]), input([2, 3]), none], error: 'DTypeError', message: /nllLoss: argument 'target' expected dtype int64, got float32/ },
    ],
  },
});

export const nllLossBackwardOp = defineOp<NllAttrs & { inputShape: readonly number[] }>({
  name: 'nllLossBackward',
  inputs: [
    { name: 'grad', dtypes: FLOAT },
    { name: 'target', dtypes: ['int64'], differentiable: false },
    { name: 'weight', dtypes: FLOAT, differentiable: false },
  ],
  attrs: { ignoreIndex: { kind: 'int', default: -100 }, reduction: reductionAttr, inputShape: { kind: 'ints' } },
  outputs: ([g, t, w], a) => {
    const x = { shape: a.inputShape, dtype: 'float32' as const };
    checkGrad('nllLossBackward', g, classLoss('nllLossBackward', x, t, w, a.reduction, false));
    return [{ shape: [...a.inputShape], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [1, 2] },
  // Linear in grad, and its adjoint is nllLoss itself.
  grad: ({ grads: [u], inputs: [, t, w], attrs }) => [nllLoss(u!, t!, { weight: w!, ignoreIndex: attrs.ignoreIndex, reduction: attrs.reduction }), null, null],
  test: {
    samples: [
      { name: 'mean', inputs: [input([]), indices([4], 'int:0:5'), none], attrs: { inputShape: [4, 5] } },
      { name: 'weighted-ignore-mean', inputs: [input([]), indices([4], [1, -100, 3, 1]), weight(5)], attrs: { inputShape: [4, 5] } },
      { name: 'sum', inputs: [input([]), indices([3], 'int:0:2'), weight(2)], attrs: { inputShape: [3, 2], reduction: 'sum' } },
      { name: 'spatial-none', inputs: [input([2, 3]), indices([2, 3], [0, 3, -100, 1, 1, 2]), weight(4)], attrs: { inputShape: [2, 4, 3], reduction: 'none' } },
    ],
    bad: [
      { name: 'grad shape', inputs: [input([4]), indices([4], 'int:0:5'), none], attrs: { inputShape: [4, 5] }, error: 'ShapeError', message: /nllLossBackward: grad has shape \[4\] but the loss has \[\]/ },
      { name: 'target out of range', inputs: [input([]), indices([2], [0, 7]), none], attrs: { inputShape: [2, 5] }, error: 'ValueError', message: /nllLossBackward: target 7 at position 1 is out of range for 5 classes/ },
    ],
  },
});

export interface NllLossOptions extends LossOptions {
  weight?: Tensor;
  ignoreIndex?: number;
}

/** Negative log-likelihood of log-probabilities `input` ([C], [N,C] or [N,C,d1,…]) at int64 class indices, as torch's nll_loss. */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  checkOptions('nllLoss', options, ['weight', 'reduction', 'ignoreIndex']);
  const { weight, reduction = 'mean', ignoreIndex = -100 } = options;
  return scope(() => apply(nllLossOp, [input, classIndices(target), weight ?? noWeight(input)], { reduction, ignoreIndex })[0]);
}

/** Class indices as the kernels take them: PyTorch's nll_loss also takes uint8 labels (IDX bytes as read), widened here. */
function classIndices(target: Tensor): Tensor {
  return (target as Tensor | null)?.isTensor && target.dtype === 'uint8' ? cast(target, 'int64') : target;
}

// ---- mseLoss, l1Loss ----

type RedAttrs = { reduction: Reduction };
const elementwiseSamples: Sample[] = [
  { name: 'mean', inputs: [input([3, 4]), input([3, 4])] },
  { name: 'sum', inputs: [input([2, 3]), input([2, 3])], attrs: { reduction: 'sum' } },
  { name: 'none', inputs: [input([2, 2, 3]), input([2, 2, 3])], attrs: { reduction: 'none' } },
  { name: 'scalar', inputs: [input([]), input([])] },
  { name: 'empty-none', inputs: [input([0, 3]), input([0, 3])], attrs: { reduction: 'none' } },
  { name: 'empty-mean', inputs: [nograd([0]), nograd([0])] },
];
const elementwiseBackwardSamples: Sample[] = elementwiseSamples.map((s) => ({
  ...s,
  inputs: [{ shape: s.attrs?.reduction === 'none' ? s.inputs[0].shape : [] }, ...s.inputs],
}));

type BackwardGradContext = { u: Tensor; g: Tensor; x: Tensor; t: Tensor; reduction: Reduction; backward: OpDecl<RedAttrs> };
/** Forward and backward declarations of a loss of two same-shaped tensors. */
function elementwiseLoss(name: 'mseLoss' | 'l1Loss', backwardGrad: (ctx: BackwardGradContext) => (Tensor | null)[]) {
  const backwardName = `${name}Backward`;
  const backward: OpDecl<RedAttrs> = defineOp<RedAttrs>({
    name: backwardName,
    inputs: [{ name: 'grad', dtypes: FLOAT }, { name: 'input', dtypes: FLOAT }, { name: 'target', dtypes: FLOAT }],
    attrs: { reduction: reductionAttr },
    outputs: ([g, x, t], a) => {
      checkSame(backwardName, x, t);
      checkGrad(backwardName, g, a.reduction === 'none' ? x.shape : []);
      return [{ shape: [...x.shape], dtype: 'float32' }];
    },
    backends: ['cpu', 'cuda'],
    saves: { inputs: [0, 1, 2] },
    grad: ({ grads: [u], inputs: [g, x, t], attrs }): (Tensor | null)[] => backwardGrad({ u: u!, g: g!, x: x!, t: t!, reduction: attrs.reduction, backward }),
    test: {
      samples: elementwiseBackwardSamples,
      bad: [{ name: 'grad shape', inputs: [input([2]), input([2]), input([2])], error: 'ShapeError', message: new RegExp(`${backwardName}: grad has shape \\[2\\] but the loss has \\[\\]`) }],
    },
  });
  const forward = defineOp<RedAttrs>({
    name,
    inputs: [{ name: 'input', dtypes: FLOAT }, { name: 'target', dtypes: FLOAT }],
    attrs: { reduction: reductionAttr },
    outputs: ([x, t], a) => {
      checkSame(name, x, t, `; ${name}() broadcasts them first`);
      return [{ shape: a.reduction === 'none' ? [...x.shape] : [], dtype: 'float32' }];
    },
    backends: ['cpu', 'cuda'],
    saves: { inputs: [0, 1] },
    grad: ({ grads: [g], inputs: [x, t], attrs, needsGrad }) => {
      const gx = apply(backward, [g!, x!, t!], attrs)[0];
      return [gx, needsGrad[1] ? mul(gx, -1) : null];
    },
    test: {
      samples: elementwiseSamples,
      bad: [{ name: 'shape mismatch', inputs: [input([2, 3]), input([3])], error: 'ShapeError', message: new RegExp(`${name}: target has shape \\[3\\] but input has \\[2,3\\]`) }],
    },
  });
  return { forward, backward };
}

/** Reduces a per-element term the way the loss reduced its elements (the adjoint of the backward op's scaling). */
const reduceLike = (term: Tensor, x: Tensor, reduction: Reduction): Tensor =>
  reduction === 'none' ? term : reduction === 'sum' || numelOf(x.shape) === 0 ? sum(term) : mul(sum(term), 1 / numelOf(x.shape));

// mseLossBackward: dx = 2(x − t)·s, s = g (none, sum) or g/n (mean); linear in g, x and t.
const mse = elementwiseLoss('mseLoss', ({ u, g, x, t, reduction }) => {
  const s = reduction === 'mean' ? mul(g, 2 / numelOf(x.shape)) : mul(g, 2);
  const dx = mul(u, s);
  return [reduceLike(mul(mul(u, add(x, mul(t, -1))), 2), x, reduction), dx, mul(dx, -1)];
});
export const mseLossOp = mse.forward;
export const mseLossBackwardOp = mse.backward;

// l1LossBackward: dx = sign(x − t)·s; only g has a (nonzero) derivative.
const l1 = elementwiseLoss('l1Loss', ({ u, x, t, reduction, backward }) => {
  const sign = apply(backward, [onesLike(x), x, t], { reduction: 'none' })[0];
  return [reduceLike(mul(u, sign), x, reduction), zerosLike(x), zerosLike(t)];
});
export const l1LossOp = l1.forward;
export const l1LossBackwardOp = l1.backward;

/**
 * Broadcasts the target to the input's shape (checkTargetBroadcast), then runs the loss. */
function pairLoss(op: typeof mseLossOp, name: string, x: Tensor, t: Tensor, options: LossOptions): Tensor {
  checkOptions(name, options, ['reduction']);
  const reduction = options.reduction ?? 'mean';
  return scope(() => {
    if (x?.isTensor && t?.isTensor && !sameShape(x.shape, t.shape)) {
      checkTargetBroadcast(name, x.shape, t.shape);
      return apply(op, [x, expand(t, x.shape)], { reduction })[0];
    }
    return apply(op, [x, t], { reduction })[0];
  });
}

/** Mean squared error (x − t)², input and target broadcast together, as torch's mse_loss. */
export const mseLoss = (input: Tensor, target: Tensor, options: LossOptions = {}): Tensor => pairLoss(mseLossOp, 'mseLoss', input, target, options);
/** Mean absolute error |x − t| (gradient sign(x − t), 0 at x = t), as torch's l1_loss. */
export const l1Loss = (input: Tensor, target: Tensor, options: LossOptions = {}): Tensor => pairLoss(l1LossOp, 'l1Loss', input, target, options);

// ---- binaryCrossEntropy, binaryCrossEntropyWithLogits ----

type TargetGradAttrs = RedAttrs & { targetGrad: boolean };
/** targetGrad: also the target's gradient (else the second output is empty). */
const targetGradAttrs = { reduction: reductionAttr, targetGrad: { kind: 'bool', default: true } } as const;

export const binaryCrossEntropyBackwardOp = defineOp<TargetGradAttrs>({
  name: 'binaryCrossEntropyBackward',
  inputs: [
    { name: 'grad', dtypes: FLOAT },
    { name: 'input', dtypes: FLOAT },
    { name: 'target', dtypes: FLOAT },
    { name: 'weight', dtypes: FLOAT, differentiable: false },
  ],
  attrs: targetGradAttrs,
  outputs: ([g, x, t, w], a) => {
    const op = 'binaryCrossEntropyBackward';
    checkSame(op, x, t);
    checkOptional(op, 'weight', w, x);
    checkGrad(op, g, a.reduction === 'none' ? x.shape : []);
    return [{ shape: [...x.shape], dtype: 'float32' }, { shape: a.targetGrad ? [...t.shape] : [0], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      { name: 'mean', inputs: [input([]), probInput([3, 4]), probInput([3, 4], 1), none] },
      { name: 'weighted-sum', inputs: [input([]), probInput([5]), input([5], [0, 1, 1, 0, 1]), sameWeight([5])], attrs: { reduction: 'sum' } },
      { name: 'none', inputs: [input([2, 3]), probInput([2, 3]), probInput([2, 3], 2), sameWeight([2, 3])], attrs: { reduction: 'none' } },
      { name: 'no-target-grad', inputs: [input([]), probInput([4]), probInput([4], 3), none], attrs: { targetGrad: false } },
    ],
    bad: [{ name: 'grad shape', inputs: [input([3]), probInput([3]), probInput([3]), none], error: 'ShapeError', message: /binaryCrossEntropyBackward: grad has shape \[3\] but the loss has \[\]/ }],
  },
});

export const binaryCrossEntropyOp = defineOp<RedAttrs>({
  name: 'binaryCrossEntropy',
  inputs: [
    { name: 'input', dtypes: FLOAT },
    { name: 'target', dtypes: FLOAT },
    { name: 'weight', dtypes: FLOAT, differentiable: false },
  ],
  attrs: { reduction: reductionAttr },
  outputs: ([x, t, w], a) => {
    checkSame('binaryCrossEntropy', x, t);
    checkOptional('binaryCrossEntropy', 'weight', w, x);
    return [{ shape: a.reduction === 'none' ? [...x.shape] : [], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1, 2] },
  grad: ({ grads: [g], inputs: [x, t, w], attrs, needsGrad }) => {
    // binaryCrossEntropyBackward has no gradient of its own (Note [double backward by composition]).
    if (isCreatingGraph()) return gradByComposition([x, t, w], [needsGrad[0], needsGrad[1], false], ([xs, ts]) => binaryCrossEntropyComposed(xs!, ts!, w!, attrs.reduction), g!);
    const [gx, gt] = apply(binaryCrossEntropyBackwardOp, [g!, x!, t!, w!], { ...attrs, targetGrad: needsGrad[1] });
    return [gx, needsGrad[1] ? gt : null, null];
  },
  test: {
    samples: [
      { name: 'mean', inputs: [probInput([3, 4]), probInput([3, 4], 1), none] },
      { name: 'hard-targets-sum', inputs: [probInput([6]), input([6], [0, 1, 1, 0, 0, 1]), none], attrs: { reduction: 'sum' } },
      { name: 'weighted-none', inputs: [probInput([2, 3]), probInput([2, 3], 2), sameWeight([2, 3])], attrs: { reduction: 'none' } },
      // log(0) is clamped at −100; the gradient there is ±1e12 and ±inf, so no gradient check.
      { name: 'clamped-log', inputs: [nograd([3], [0, 1, 0.5]), nograd([3], [1, 0, 0.5]), none], attrs: { reduction: 'none' } },
      { name: 'empty', inputs: [nograd([0]), nograd([0]), none] },
    ],
    bad: [
      { name: 'not a probability', inputs: [input([2], [0.5, 1.5]), input([2], [0, 1]), none], error: 'ValueError', message: /binaryCrossEntropy: input\[1\] = 1\.5\d* is not a probability/ },
      { name: 'shape mismatch', inputs: [probInput([2, 3]), probInput([3]), none], error: 'ShapeError', message: /binaryCrossEntropy: target has shape \[3\] but input has \[2,3\]/ },
      { name: 'weight shape', inputs: [probInput([2, 3]), probInput([2, 3]), weight(4)], error: 'ShapeError', message: /binaryCrossEntropy: weight has shape \[4\] but input has \[2,3\]/ },
    ],
  },
});

export const binaryCrossEntropyWithLogitsBackwardOp = defineOp<TargetGradAttrs>({
  name: 'binaryCrossEntropyWithLogitsBackward',
  inputs: [
    { name: 'grad', dtypes: FLOAT },
    { name: 'input', dtypes: FLOAT },
    { name: 'target', dtypes: FLOAT },
    { name: 'weight', dtypes: FLOAT, differentiable: false },
    { name: 'posWeight', dtypes: FLOAT, differentiable: false },
  ],
  attrs: targetGradAttrs,
  outputs: ([g, x, t, w, pw], a) => {
    const op = 'binaryCrossEntropyWithLogitsBackward';
    checkSame(op, x, t);
    checkOptional(op, 'weight', w, x);
    checkOptional(op, 'posWeight', pw, x);
    checkGrad(op, g, a.reduction === 'none' ? x.shape : []);
    return [{ shape: [...x.shape], dtype: 'float32' }, { shape: a.targetGrad ? [...t.shape] : [0], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    samples: [
      { name: 'mean', inputs: [input([]), input([3, 4]), probInput([3, 4]), none, none] },
      { name: 'pos-weight-sum', inputs: [input([]), input([2, 3]), probInput([2, 3], 1), none, sameWeight([2, 3])], attrs: { reduction: 'sum' } },
      { name: 'both-none', inputs: [input([4]), input([4]), input([4], [0, 1, 1, 0]), sameWeight([4]), sameWeight([4])], attrs: { reduction: 'none' } },
      { name: 'no-target-grad', inputs: [input([]), input([3]), probInput([3]), none, sameWeight([3])], attrs: { targetGrad: false } },
    ],
    bad: [{ name: 'grad shape', inputs: [input([3]), input([3]), probInput([3]), none, none], error: 'ShapeError', message: /binaryCrossEntropyWithLogitsBackward: grad has shape \[3\] but the loss has \[\]/ }],
  },
});

export const binaryCrossEntropyWithLogitsOp = defineOp<RedAttrs>({
  name: 'binaryCrossEntropyWithLogits',
  inputs: [
    { name: 'input', dtypes: FLOAT },
    { name: 'target', dtypes: FLOAT },
    { name: 'weight', dtypes: FLOAT, differentiable: false },
    { name: 'posWeight', dtypes: FLOAT, differentiable: false },
  ],
  attrs: { reduction: reductionAttr },
  outputs: ([x, t, w, pw], a) => {
    const op = 'binaryCrossEntropyWithLogits';
    checkSame(op, x, t);
    checkOptional(op, 'weight', w, x);
    checkOptional(op, 'posWeight', pw, x);
    return [{ shape: a.reduction === 'none' ? [...x.shape] : [], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1, 2, 3] },
  grad: ({ grads: [g], inputs: [x, t, w, pw], attrs, needsGrad }) => {
    // binaryCrossEntropyWithLogitsBackward has no gradient of its own: for a graph of the
    // gradients (Note [create graph]) its formula is written with differentiable ops instead.
    if (isCreatingGraph()) return [...bceWithLogitsGradComposed(g!, x!, t!, w!, pw!, attrs.reduction, needsGrad), null, null];
    const [gx, gt] = apply(binaryCrossEntropyWithLogitsBackwardOp, [g!, x!, t!, w!, pw!], { ...attrs, targetGrad: needsGrad[1] });
    return [gx, needsGrad[1] ? gt : null, null, null];
  },
  test: {
    samples: [
      { name: 'mean', inputs: [input([3, 4]), probInput([3, 4]), none, none] },
      { name: 'weighted-sum', inputs: [input([2, 3]), input([2, 3], [0, 1, 1, 0, 1, 0]), sameWeight([2, 3]), none], attrs: { reduction: 'sum' } },
      { name: 'pos-weight-none', inputs: [input([2, 3]), probInput([2, 3], 1), none, sameWeight([2, 3])], attrs: { reduction: 'none' } },
      { name: 'both-mean', inputs: [input([5]), probInput([5], 2), sameWeight([5]), sameWeight([5])] },
      { name: 'large-logits', inputs: [input([4], [80, -80, 30, -30]), input([4], [1, 0, 0, 1]), none, sameWeight([4])], attrs: { reduction: 'none' } },
      { name: 'empty', inputs: [nograd([0, 2]), nograd([0, 2]), none, none] },
    ],
    bad: [
      { name: 'shape mismatch', inputs: [input([2, 3]), input([2]), none, none], error: 'ShapeError', message: /binaryCrossEntropyWithLogits: target has shape \[2\] but input has \[2,3\]/ },
      { name: 'posWeight shape', inputs: [input([2, 3]), input([2, 3]), none, weight(4)], error: 'ShapeError', message: /binaryCrossEntropyWithLogits: posWeight has shape \[4\] but input has \[2,3\]/ },
    ],
  },
});

/**
 * binaryCrossEntropyWithLogits's gradients as differentiable ops (PyTorch's formulas), for a graph
 * of the gradients. With l = (1 − t)·x + (1 + (pw − 1)·t)·softplus(−x), times w:
 * ∂l/∂x = (1 + (pw − 1)·t)·σ(x) − pw·t (σ(x) − t without pw), ∂l/∂t = (pw − 1)·softplus(−x) − x.
 */
function bceWithLogitsGradComposed(g: Tensor, x: Tensor, t: Tensor, w: Tensor, pw: Tensor, reduction: Reduction, needsGrad: boolean[]): [Tensor | null, Tensor | null] {
  const s = reduction === 'mean' ? div(g, numelOf(x.shape)) : g;
  const scaled = (v: Tensor) => mul(w.numel > 0 ? mul(v, w) : v, s);
  const hasPw = pw.numel > 0;
  const gx = !needsGrad[0] ? null : scaled(hasPw ? sub(mul(add(mul(t, sub(pw, 1)), 1), sigmoid(x)), mul(pw, t)) : sub(sigmoid(x), t));
  const gt = !needsGrad[1] ? null : scaled(hasPw ? sub(mul(sub(pw, 1), softplus(neg(x))), x) : neg(x));
  return [gx, gt];
}

/** Expands an optional weight to the input's shape (or the empty "none" tensor), naming the op on failure. */
function broadcastWeight(op: string, name: string, w: Tensor | undefined, x: Tensor): Tensor {
  if (w === undefined) return noWeight(x);
  if (!w?.isTensor || !x?.isTensor || sameShape(w.shape, x.shape)) return w;
  const shape = broadcastShapes(op, w.shape, x.shape);
  if (!sameShape(shape, x.shape)) throw new ShapeError(`${op}: ${name} of shape ${fmtShape(w.shape)} cannot be broadcast to the input's shape ${fmtShape(x.shape)}`);
  return expand(w, shape);
}

export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Broadcast to the input's shape. */
  weight?: Tensor;
}

/** Binary cross entropy of probabilities `input` (all in [0, 1], else a ValueError from the kernel) against `target`, as torch's binary_cross_entropy (log clamped at −100). */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  checkOptions(op, options, ['weight', 'reduction']);
  return scope(() => apply(binaryCrossEntropyOp, [input, target, broadcastWeight(op, 'weight', options.weight, input)], { reduction: options.reduction ?? 'mean' })[0]);
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term, broadcast to the input's shape (typically one per class, [C]). */
  posWeight?: Tensor;
}

/** Sigmoid + binary cross entropy in one stable step, as torch's binary_cross_entropy_with_logits. */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  checkOptions(op, options, ['weight', 'posWeight', 'reduction']);
  return scope(() =>
    apply(
      binaryCrossEntropyWithLogitsOp,
      [input, target, broadcastWeight(op, 'weight', options.weight, input), broadcastWeight(op, 'posWeight', options.posWeight, input)],
      { reduction: options.reduction ?? 'mean' },
    )[0],
  );
}
