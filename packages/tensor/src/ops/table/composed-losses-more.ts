// More of torch.nn.functional's losses, composed of declared ops (both devices, gradients from the
// parts): gaussianNllLoss, poissonNllLoss, marginRankingLoss, hingeEmbeddingLoss,
// cosineEmbeddingLoss, tripletMarginLoss, softMarginLoss, multiLabelSoftMarginLoss and
// multiMarginLoss, each with PyTorch's formula (functional.py, or the ATen kernel it calls) and
// defaults, checked against PyTorch in test/losses-more.test.ts.
//
// Labels of ±1 (the margin, hinge, cosine and soft-margin losses) may be float32 or integer
// tensors, as PyTorch's arithmetic promotes them; inputs are float32.

import { noGrad } from '../../autograd/grad-mode.js';
import { DeviceError, DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { broadcastShapes, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add, div, minimum, mul, sub, where } from './binary.js';
import { cast } from './cast.js';
import { eq, gt, lt, ne } from './compare.js';
import { relu, softplus } from './activation.js';
import { logSigmoid } from './composed-activations.js';
import { pairwiseDistance } from './composed-ops.js';
import { arange, fullLike } from './creation.js';
import { gather } from './index-ops.js';
import { sum } from './reduce.js';
import { reshape, unsqueeze } from './shape.js';
import { clamp, exp, log, sqrt } from './unary.js';
import { type LossOptions } from './loss.js';
import { reduceLoss, reductionOf } from '../loss-args.js';
import { checkTargetBroadcast, floatArg, tensorArg } from '../check-args.js';

// ---- shared checks ----


/** A label tensor (±1, or values compared with them): float32, int64 or int32. */
function labelArg(fn: string, name: string, t: unknown): asserts t is Tensor {
  tensorArg(fn, name, t);
  if (t.dtype !== 'float32' && t.dtype !== 'int64' && t.dtype !== 'int32') {
    throw new DTypeError(`${fn}: ${name} expected float32, int64 or int32, got ${t.dtype}`);
  }
}

/** Every tensor on the first one's device. */
function oneDevice(fn: string, tensors: [string, Tensor][]): void {
  const [firstName, first] = tensors[0];
  for (const [name, t] of tensors.slice(1)) {
    if (t.device !== first.device) throw new DeviceError(`${fn}: ${name} expected a tensor on ${firstName}'s device ${first.device}, got one on ${t.device}`);
  }
}

/** The same number of dimensions (PyTorch's check for the losses of two or three inputs). */
function sameRank(fn: string, tensors: [string, Tensor][]): void {
  if (tensors.every(([, t]) => t.shape.length === tensors[0][1].shape.length)) return;
  const list = tensors.map(([n, t]) => `${n} ${fmtShape(t.shape)}`).join(', ');
  throw new ShapeError(`${fn}: ${tensors.map(([n]) => n).join(', ')} expected the same number of dimensions, got ${list}`);
}

/** `shape` broadcasts to `into` (whose shape `intoShape` names) without enlarging it: an argument the loss is weighed or labelled by. */
function fitsInto(fn: string, name: string, shape: readonly number[], intoShape: string, into: readonly number[]): void {
  const b = broadcastShapes(fn, into, shape);
  if (!sameShape(b, into)) {
    throw new ShapeError(`${fn}: ${name} ${fmtShape(shape)} expected to broadcast to ${intoShape} ${fmtShape(into)}, but would make it ${fmtShape(b)}`);
  }
}

function numberOption(fn: string, name: string, value: unknown, fallback: number, ok: (v: number) => boolean, expected: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !ok(value)) {
    throw new ValueError(`${fn}: option '${name}' expected ${expected}, got ${typeof value === 'number' ? value : typeof value === 'string' ? `string '${value}'` : value === null ? 'null' : typeof value}`);
  }
  return value;
}

const finite = (v: number): boolean => Number.isFinite(v);
const margin = (fn: string, value: unknown, fallback: number): number => numberOption(fn, 'margin', value, fallback, finite, 'a finite number');

function boolOption(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ValueError(`${fn}: option '${name}' expected a boolean, got ${value === null ? 'null' : typeof value}`);
  return value;
}

const asFloat = (t: Tensor): Tensor => cast(t, 'float32');

/** max(x, 0) with PyTorch's clamp_min gradient (passed where x ≥ 0). */
const clampMin0 = (x: Tensor): Tensor => clamp(x, { min: 0 });

// ---- gaussianNllLoss ----

export interface GaussianNllLossOptions extends LossOptions {
  /** Add the constant 0.5·log(2π) (default false). */
  full?: boolean;
  /** The variance's floor (default 1e-6): smaller variances count as eps, their gradient passed through. */
  eps?: number;
}

/**
 * PyTorch's gaussian_nll_loss: 0.5·(log v + (input − target)²/v) with v = max(var, eps) (the floor
 * is applied without a gradient of its own, as PyTorch's no_grad clamp_, so v's gradient reaches
 * var unchanged), plus 0.5·log(2π) with `full`. `var` is a tensor of the input's shape, of that
 * shape without its last dimension (one variance per row), of that shape with one dimension of
 * size 1, or a number ≥ 0 for all. The target may broadcast to the input's shape.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor | number, options: GaussianNllLossOptions = {}): Tensor {
  const fn = 'gaussianNllLoss';
  floatArg(fn, 'input', input);
  floatArg(fn, 'target', target);
  if (typeof variance === 'number') {
    if (!(variance >= 0)) throw new ValueError(`${fn}: var expected a number >= 0 or a tensor, got ${variance}`);
  } else {
    floatArg(fn, 'var', variance);
  }
  checkOptions(fn, options, ['full', 'eps', 'reduction']);
  const full = boolOption(fn, 'full', options.full, false);
  const eps = numberOption(fn, 'eps', options.eps, 1e-6, (v) => v >= 0 && v < Infinity, 'a finite number >= 0');
  const reduction = reductionOf(fn, options.reduction);
  oneDevice(fn, typeof variance === 'number' ? [['input', input], ['target', target]] : [['input', input], ['target', target], ['var', variance]]);
  checkTargetBroadcast(fn, input.shape, target.shape);
  let unsqueezeVar = false;
  if (typeof variance !== 'number' && !sameShape(variance.shape, input.shape)) {
    const x = input.shape;
    const v = variance.shape;
    const mismatched = v.length === x.length ? v.flatMap((d, i) => (d === x[i] ? [] : [d])) : [];
    if (x.length > 0 && sameShape(v, x.slice(0, -1))) unsqueezeVar = true;
    else if (!(mismatched.length === 1 && mismatched[0] === 1)) {
      throw new ShapeError(
        `${fn}: var expected the input's shape ${fmtShape(x)}, that shape without its last dimension${x.length ? ` ${fmtShape(x.slice(0, -1))}` : ''}, or it with one dimension of size 1, got ${fmtShape(v)}`,
      );
    }
  }
  return scope(() => {
    const raw = typeof variance === 'number' ? fullLike(input, variance) : unsqueezeVar ? unsqueeze(variance, -1) : variance;
    // The floor in value only: eps + (v − v) keeps v's gradient where v < eps. A negative
    // variance, which PyTorch refuses after reading it back, gives NaN here (reading it would
    // block), so a forgotten softplus shows at once instead of as a huge finite loss.
    const low = noGrad(() => lt(raw, eps));
    const negative = noGrad(() => lt(raw, 0));
    const v = where(negative, NaN, where(low, add(sub(raw, raw.detach()), eps), raw));
    const d = sub(input, target);
    let loss = mul(add(log(v), div(mul(d, d), v)), 0.5);
    if (full) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
    return reduceLoss(loss, reduction);
  });
}

// ---- poissonNllLoss ----

export interface PoissonNllLossOptions extends LossOptions {
  /** The input is log λ (default true): exp(input) − target·input; false: input − target·log(input + eps). */
  logInput?: boolean;
  /** Add Stirling's approximation of log(target!) where target > 1 (default false). */
  full?: boolean;
  /** Added to the input under the log when logInput is false (default 1e-8). */
  eps?: number;
}

/**
 * PyTorch's poisson_nll_loss: the negative log-likelihood of `target` counts under Poisson rates
 * given as log-rates (logInput, the default) or rates; `full` adds
 * target·log(target) − target + 0.5·log(2π·target) where target > 1. The target may broadcast to
 * the input's shape.
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options: PoissonNllLossOptions = {}): Tensor {
  const fn = 'poissonNllLoss';
  floatArg(fn, 'input', input);
  floatArg(fn, 'target', target);
  checkOptions(fn, options, ['logInput', 'full', 'eps', 'reduction']);
  const logInput = boolOption(fn, 'logInput', options.logInput, true);
  const full = boolOption(fn, 'full', options.full, false);
  const eps = numberOption(fn, 'eps', options.eps, 1e-8, (v) => v >= 0 && v < Infinity, 'a finite number >= 0');
  const reduction = reductionOf(fn, options.reduction);
  oneDevice(fn, [['input', input], ['target', target]]);
  checkTargetBroadcast(fn, input.shape, target.shape);
  return scope(() => {
    let loss = logInput ? sub(exp(input), mul(target, input)) : sub(input, mul(target, log(add(input, eps))));
    if (full) {
      // Computed on a safe stand-in where target ≤ 1 and masked there, so log(0) leaves no NaN in
      // the target's gradient (PyTorch's is NaN at target 0).
      const big = gt(target, 1);
      const t = where(big, target, 2);
      const stirling = add(sub(mul(t, log(t)), t), mul(log(mul(t, 2 * Math.PI)), 0.5));
      loss = add(loss, where(big, stirling, 0));
    }
    return reduceLoss(loss, reduction);
  });
}

// ---- marginRankingLoss ----

export interface MarginLossOptions extends LossOptions {
  margin?: number;
}

/**
 * PyTorch's margin_ranking_loss: max(0, −y·(x1 − x2) + margin), y = 1 where x1 should rank
 * higher, −1 where x2 should (default margin 0). The three have the same number of dimensions
 * (as PyTorch requires); x1 and x2 broadcast together and y broadcasts to their shape.
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginLossOptions = {}): Tensor {
  const fn = 'marginRankingLoss';
  floatArg(fn, 'input1', input1);
  floatArg(fn, 'input2', input2);
  labelArg(fn, 'target', target);
  checkOptions(fn, options, ['margin', 'reduction']);
  const m = margin(fn, options.margin, 0);
  const reduction = reductionOf(fn, options.reduction);
  const args: [string, Tensor][] = [['input1', input1], ['input2', input2], ['target', target]];
  oneDevice(fn, args);
  sameRank(fn, args);
  fitsInto(fn, 'target', target.shape, "the inputs' broadcast shape", broadcastShapes(fn, input1.shape, input2.shape));
  return scope(() => reduceLoss(clampMin0(add(mul(mul(asFloat(target), -1), sub(input1, input2)), m)), reduction));
}

// ---- hingeEmbeddingLoss ----

/**
 * PyTorch's hinge_embedding_loss: x where y = 1, max(0, margin − x) where y = −1 (default margin
 * 1); a label that is neither takes both terms, as PyTorch's kernel does. y broadcasts to x's shape.
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options: MarginLossOptions = {}): Tensor {
  const fn = 'hingeEmbeddingLoss';
  floatArg(fn, 'input', input);
  labelArg(fn, 'target', target);
  checkOptions(fn, options, ['margin', 'reduction']);
  const m = margin(fn, options.margin, 1);
  const reduction = reductionOf(fn, options.reduction);
  oneDevice(fn, [['input', input], ['target', target]]);
  checkTargetBroadcast(fn, input.shape, target.shape);
  return scope(() => {
    const hinge = where(ne(target, 1), clampMin0(sub(m, input)), 0);
    return reduceLoss(add(hinge, where(ne(target, -1), input, 0)), reduction);
  });
}

// ---- cosineEmbeddingLoss ----

/** What PyTorch's cosine_embedding_loss kernel adds to each squared norm (ATen's EPSILON). */
const COSINE_EPSILON = 1e-12;

/**
 * PyTorch's cosine_embedding_loss: 1 − cos(x1, x2) where y = 1, max(0, cos(x1, x2) − margin)
 * where y = −1 (0 for other labels), cos = Σ x1·x2 / √((Σ x1² + 1e-12)(Σ x2² + 1e-12)) over the
 * last dimension, as PyTorch's kernel computes it. Inputs [N, D] with y [N], or [D] with a 0-d y;
 * x1 and x2 broadcast together. margin (default 0) lies in [−1, 1].
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginLossOptions = {}): Tensor {
  const fn = 'cosineEmbeddingLoss';
  floatArg(fn, 'input1', input1);
  floatArg(fn, 'input2', input2);
  labelArg(fn, 'target', target);
  checkOptions(fn, options, ['margin', 'reduction']);
  const m = numberOption(fn, 'margin', options.margin, 0, (v) => v >= -1 && v <= 1, 'a number in [-1, 1]');
  const reduction = reductionOf(fn, options.reduction);
  oneDevice(fn, [['input1', input1], ['input2', input2], ['target', target]]);
  const rank = target.shape.length;
  if (rank > 1) throw new ShapeError(`${fn}: target expected 0-d or 1-d (one label per pair; multi-target is not supported), got ${fmtShape(target.shape)}`);
  if (input1.shape.length !== rank + 1 || input2.shape.length !== rank + 1) {
    const want = rank === 1 ? 'a 1-d target expects 2-d inputs [N, D]' : 'a 0-d target expects 1-d inputs [D]';
    throw new ShapeError(`${fn}: ${want}, got input1 ${fmtShape(input1.shape)} and input2 ${fmtShape(input2.shape)}`);
  }
  const pairs = broadcastShapes(fn, input1.shape, input2.shape);
  fitsInto(fn, 'target', target.shape, 'the number of pairs', pairs.slice(0, -1));
  return scope(() => {
    const dim = rank;
    const dot = sum(mul(input1, input2), { dim });
    const sq1 = add(sum(mul(input1, input1), { dim }), COSINE_EPSILON);
    const sq2 = add(sum(mul(input2, input2), { dim }), COSINE_EPSILON);
    const cos = div(dot, sqrt(mul(sq1, sq2)));
    const pos = where(eq(target, 1), sub(1, cos), 0);
    const neg = where(eq(target, -1), clampMin0(sub(cos, m)), 0);
    return reduceLoss(add(pos, neg), reduction);
  });
}

// ---- tripletMarginLoss ----

export interface TripletMarginLossOptions extends LossOptions {
  /** Must be > 0 (default 1). */
  margin?: number;
  /** The norm of the distances (default 2; any p > 0, or Infinity). */
  p?: number;
  /** Added to each difference, as pairwiseDistance (default 1e-6). */
  eps?: number;
  /** Use the positive–negative distance where it is smaller (Balntas et al.; default false). */
  swap?: boolean;
}

/**
 * PyTorch's triplet_margin_loss: max(0, margin + d(a, p) − d(a, n)), d = pairwiseDistance (the
 * p-norm of the difference + eps over the last dimension); with `swap`, d(a, n) is replaced by
 * d(p, n) where that is smaller. The three have the same number of dimensions and broadcast together.
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options: TripletMarginLossOptions = {}): Tensor {
  const fn = 'tripletMarginLoss';
  floatArg(fn, 'anchor', anchor);
  floatArg(fn, 'positive', positive);
  floatArg(fn, 'negative', negative);
  checkOptions(fn, options, ['margin', 'p', 'eps', 'swap', 'reduction']);
  const m = numberOption(fn, 'margin', options.margin, 1, (v) => v > 0 && v < Infinity, 'a finite number > 0');
  const p = numberOption(fn, 'p', options.p, 2, (v) => v > 0, 'a number > 0 or Infinity');
  const eps = numberOption(fn, 'eps', options.eps, 1e-6, finite, 'a finite number');
  const swap = boolOption(fn, 'swap', options.swap, false);
  const reduction = reductionOf(fn, options.reduction);
  const args: [string, Tensor][] = [['anchor', anchor], ['positive', positive], ['negative', negative]];
  oneDevice(fn, args);
  sameRank(fn, args);
  broadcastShapes(fn, broadcastShapes(fn, anchor.shape, positive.shape), negative.shape);
  return scope(() => {
    const dPos = pairwiseDistance(anchor, positive, { p, eps });
    let dNeg = pairwiseDistance(anchor, negative, { p, eps });
    if (swap) dNeg = minimum(dNeg, pairwiseDistance(positive, negative, { p, eps }));
    return reduceLoss(clampMin0(sub(add(dPos, m), dNeg)), reduction);
  });
}

export interface TripletMarginWithDistanceLossOptions extends LossOptions {
  /** Distance between two batches of embeddings, one value per row (default pairwiseDistance, p = 2). */
  distanceFunction?: ((a: Tensor, b: Tensor) => Tensor) | null;
  /** Must be > 0 (default 1). */
  margin?: number;
  swap?: boolean;
}

/**
 * PyTorch's triplet_margin_with_distance_loss: max(d(a, p) − d(a, n) + margin, 0) with any
 * distance function (a cosine distance, a learned metric), swap as tripletMarginLoss's.
 */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options: TripletMarginWithDistanceLossOptions = {}): Tensor {
  const fn = 'tripletMarginWithDistanceLoss';
  floatArg(fn, 'anchor', anchor);
  floatArg(fn, 'positive', positive);
  floatArg(fn, 'negative', negative);
  checkOptions(fn, options, ['distanceFunction', 'margin', 'swap', 'reduction']);
  const distance = options.distanceFunction ?? ((a: Tensor, b: Tensor) => pairwiseDistance(a, b));
  if (typeof distance !== 'function') throw new ValueError(`${fn}: distanceFunction expected a function (a, b) => distances, got ${typeof distance}`);
  const m = numberOption(fn, 'margin', options.margin, 1, (v) => v > 0 && v < Infinity, 'a finite number > 0');
  const swap = boolOption(fn, 'swap', options.swap, false);
  const reduction = reductionOf(fn, options.reduction);
  oneDevice(fn, [['anchor', anchor], ['positive', positive], ['negative', negative]]);
  return scope(() => {
    const dPos = distance(anchor, positive);
    let dNeg = distance(anchor, negative);
    for (const [name, d] of [['d(anchor, positive)', dPos], ['d(anchor, negative)', dNeg]] as const) {
      if (!(d as Tensor | undefined)?.isTensor) throw new ValueError(`${fn}: distanceFunction expected to return a Tensor, got ${typeof d} for ${name}`);
    }
    if (swap) dNeg = minimum(dNeg, distance(positive, negative));
    return reduceLoss(clampMin0(sub(add(dPos, m), dNeg)), reduction);
  });
}

// ---- softMarginLoss ----

/**
 * PyTorch's soft_margin_loss: log(1 + exp(−y·x)), y = ±1, broadcast to x's shape. Computed as
 * softplus(−y·x), which stays finite where PyTorch's log1p(exp(·)) overflows (−y·x > 88).
 */
export function softMarginLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const fn = 'softMarginLoss';
  floatArg(fn, 'input', input);
  labelArg(fn, 'target', target);
  checkOptions(fn, options, ['reduction']);
  const reduction = reductionOf(fn, options.reduction);
  oneDevice(fn, [['input', input], ['target', target]]);
  checkTargetBroadcast(fn, input.shape, target.shape);
  return scope(() => reduceLoss(softplus(mul(mul(input, asFloat(target)), -1)), reduction));
}

// ---- multiLabelSoftMarginLoss ----

export interface MultiLabelSoftMarginLossOptions extends LossOptions {
  /** A weight per class ([C], or any shape that broadcasts to the input's). */
  weight?: Tensor;
}

/**
 * PyTorch's multilabel_soft_margin_loss: −(y·log σ(x) + (1 − y)·log σ(−x)), times the weight,
 * averaged over the last (class) dimension, so 'none' gives one loss per sample. The target
 * (0/1 labels or probabilities) broadcasts to the input's shape.
 */
export function multiLabelSoftMarginLoss(input: Tensor, target: Tensor, options: MultiLabelSoftMarginLossOptions = {}): Tensor {
  const fn = 'multiLabelSoftMarginLoss';
  floatArg(fn, 'input', input);
  labelArg(fn, 'target', target);
  checkOptions(fn, options, ['weight', 'reduction']);
  const { weight } = options;
  if (weight !== undefined && weight !== null) floatArg(fn, 'weight', weight);
  const reduction = reductionOf(fn, options.reduction);
  const args: [string, Tensor][] = [['input', input], ['target', target]];
  if (weight) args.push(['weight', weight]);
  oneDevice(fn, args);
  if (input.shape.length === 0) throw new ShapeError(`${fn}: input expected at least 1 dimension ([C] or [N, C]), got a scalar`);
  checkTargetBroadcast(fn, input.shape, target.shape);
  if (weight) fitsInto(fn, 'weight', weight.shape, "input's shape", input.shape);
  const C = input.shape[input.shape.length - 1];
  return scope(() => {
    const y = asFloat(target);
    let loss = mul(add(mul(y, logSigmoid(input)), mul(sub(1, y), logSigmoid(mul(input, -1)))), -1);
    if (weight) loss = mul(loss, weight);
    return reduceLoss(div(sum(loss, { dim: -1 }), C), reduction);
  });
}

// ---- multiMarginLoss ----

export interface MultiMarginLossOptions extends LossOptions {
  /** 1 (default) or 2: the hinge, or its square. */
  p?: number;
  /** Default 1. */
  margin?: number;
  /** A weight per class ([C]), applied by the target's class. */
  weight?: Tensor;
}

/**
 * PyTorch's multi_margin_loss (the multi-class hinge): per sample with class y,
 * Σ_{j≠y} w[y]·max(0, margin − x[y] + x[j])^p / C. Input [N, C] with int64 class indices [N], or
 * [C] with a 0-d (or one-element) target; 'none' gives one loss per sample ([N], or a scalar for a
 * 0-d target). An index outside [0, C) is refused by the gather that reads x[y] (at once when it
 * runs inline, else at the next read of a result).
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options: MultiMarginLossOptions = {}): Tensor {
  const fn = 'multiMarginLoss';
  floatArg(fn, 'input', input);
  tensorArg(fn, 'target', target);
  if (target.dtype !== 'int64') throw new DTypeError(`${fn}: target expected int64 class indices, got ${target.dtype}`);
  checkOptions(fn, options, ['p', 'margin', 'weight', 'reduction']);
  const p = numberOption(fn, 'p', options.p, 1, (v) => v === 1 || v === 2, '1 or 2');
  const m = margin(fn, options.margin, 1);
  const { weight } = options;
  if (weight !== undefined && weight !== null) floatArg(fn, 'weight', weight);
  const reduction = reductionOf(fn, options.reduction);
  const args: [string, Tensor][] = [['input', input], ['target', target]];
  if (weight) args.push(['weight', weight]);
  oneDevice(fn, args);
  const x = input.shape;
  if (x.length > 2 || (x.length > 0 && x[x.length - 1] === 0)) {
    throw new ShapeError(`${fn}: input expected [C] or [N, C] with C > 0, got ${fmtShape(x)}`);
  }
  const rows = x.length === 2 ? x[0] : 1;
  const C = x.length === 0 ? 1 : x[x.length - 1];
  if (target.shape.length > 1 || target.numel !== rows) {
    throw new ShapeError(`${fn}: target expected ${x.length === 2 ? `[${rows}]` : 'a 0-d or one-element'} class indices for input ${fmtShape(x)}, got ${fmtShape(target.shape)}`);
  }
  if (weight && (weight.shape.length !== 1 || weight.shape[0] !== C)) {
    throw new ShapeError(`${fn}: weight expected [${C}] (one per class), got ${fmtShape(weight.shape)}`);
  }
  return scope(() => {
    const xs = reshape(input, [rows, C]);
    const ys = reshape(target, [rows, 1]);
    let picked: Tensor;
    try {
      picked = gather(xs, 1, ys);
    } catch (e) {
      // Found at once when the gather ran inline; the message is gather's.
      if (e instanceof ValueError) throw new ValueError(`${fn}: target holds a class index outside [0, ${C}) (${e.message})`);
      throw e;
    }
    let h = relu(add(sub(xs, picked), m)); // PyTorch's kernel: counted where the margin term is > 0
    if (p === 2) h = mul(h, h);
    h = where(eq(arange(C, { dtype: 'int64', device: input.device }), ys), 0, h);
    if (weight) h = mul(h, reshape(gather(weight, 0, reshape(target, [rows])), [rows, 1]));
    const loss = div(sum(h, { dim: 1 }), C);
    return reduceLoss(target.shape.length === 0 ? reshape(loss, []) : loss, reduction);
  });
}
