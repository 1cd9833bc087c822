// Normalisation: batch norm and layer norm, each with a fused backward op (oneDNN's
// batch_normalization / layer_normalization on cpu: native/src/cpu/norm.cc). Optional inputs are
// [0]-shaped tensors (Note [absent optional inputs] in conv.ts).
//
// Note [batch norm running statistics]: tensors are immutable, so batchNorm does not update its
// running statistics in place: the op returns the updated estimates as two more visible outputs,
// runningMean' = (1 − momentum)·runningMean + momentum·mean(x) and
// runningVar'  = (1 − momentum)·runningVar  + momentum·var(x)·n/(n − 1)   (unbiased, like PyTorch),
// and nn's BatchNorm module swaps its buffers for them after each training step. The user
// function returns them detached; the op itself gives them their true derivative with respect to
// the input (the gradient check sees every output), which PyTorch, whose running statistics are
// buffers, never needs.
import { sameShape } from '../../shape.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { defineOp, FLOAT, type TensorMeta } from '../declare.js';
import { add, mul, sub } from './binary.js';
import { mean, sum } from './reduce.js';
import { rsqrt } from './unary.js';
import { isCreatingGraph } from '../../autograd/grad-mode.js';
import { gradByComposition } from '../double-backward.js';

import { expand, reshape } from './shape.js';
import { absent } from '../../creation.js';
import { tensorArg } from '../check-args.js';

const given = (t: TensorMeta | null | undefined): boolean => t !== null && t !== undefined && t.shape[0] !== 0;

function checkParam(op: string, arg: string, t: TensorMeta, want: readonly number[]): void {
  const ok = (t.shape.length === 1 && t.shape[0] === 0) || (t.shape.length === want.length && t.shape.every((d, i) => d === want[i]));
  if (!ok) throw new ShapeError(`${op}: ${arg} expected shape ${fmtShape(want)} or [0] (none), got ${fmtShape(t.shape)}`);
}

function checkEps(op: string, eps: number): void {
  if (!(eps >= 0)) throw new ValueError(`${op}: option 'eps' expected a number >= 0, got ${eps}`);
}

// ---- batch norm ----

export type BatchNormAttrs = { training: boolean; momentum: number; eps: number };

function checkBatchInput(op: string, x: TensorMeta): number {
  if (x.shape.length < 2 || x.shape.length > 5) {
    throw new ShapeError(`${op}: input expected [N,C] or [N,C,…] with 2 to 5 dimensions, got ${fmtShape(x.shape)}`);
  }
  return x.shape[1];
}

/** Per-channel values reshaped to broadcast against an input of `rank` dims: [1,C,1,…]. */
const channelShape = (c: number, rank: number): number[] => [1, c, ...Array(rank - 2).fill(1)];

export const batchNormOp = defineOp<BatchNormAttrs>({
  name: 'batchNorm',
  inputs: [
    { name: 'input', dtypes: FLOAT },
    { name: 'runningMean', dtypes: FLOAT, differentiable: false },
    { name: 'runningVar', dtypes: FLOAT, differentiable: false },
    { name: 'weight', dtypes: FLOAT },
    { name: 'bias', dtypes: FLOAT },
  ],
  attrs: { training: { kind: 'bool', default: false }, momentum: { kind: 'float', default: 0.1 }, eps: { kind: 'float', default: 1e-5 } },
  outputs: ([x, rm, rv, w, b], a) => {
    const c = checkBatchInput('batchNorm', x);
    checkParam('batchNorm', 'runningMean', rm, [c]);
    checkParam('batchNorm', 'runningVar', rv, [c]);
    checkParam('batchNorm', 'weight', w, [c]);
    checkParam('batchNorm', 'bias', b, [c]);
    checkEps('batchNorm', a.eps);
    if (given(rm) !== given(rv)) throw new ValueError('batchNorm: runningMean and runningVar must be given together (or neither)');
    if (!a.training && !given(rm)) throw new ValueError('batchNorm: runningMean and runningVar are required when training is false');
    if (a.training && x.shape.reduce((p, d) => p * d, 1) / Math.max(c, 1) === 1) {
      throw new ValueError(`batchNorm: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
    }
    const stat = a.training ? [c] : [0];
    return [
      { shape: [...x.shape], dtype: x.dtype },
      { shape: [...rm.shape], dtype: x.dtype },
      { shape: [...rv.shape], dtype: x.dtype },
      // Hidden: the batch mean and (biased) variance that backward reads.
      { shape: stat, dtype: x.dtype },
      { shape: [...stat], dtype: x.dtype },
    ];
  },
  visibleOutputs: 3,
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1, 2, 3], outputs: [3, 4] },
  grad: ({ grads: [gy, gm, gv], inputs: [x, rm, rv, w], outputs: [, , , mean, variance], inputMeta, attrs, needsGrad }) => {
    const shape = inputMeta[0].shape;
    const c = shape[1];
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    let gb: Tensor | null = null;
    const creating = isCreatingGraph();
    if (gy && creating) {
      // batchNormBackward has no gradient of its own (Note [double backward by composition]).
      // The bias adds to the output: its gradient is gy summed per channel, and the composition leaves it out.
      [gx, , , gw] = gradByComposition([x, rm, rv, w], needsGrad.slice(0, 4), ([xs, , , ws]) => batchNormComposed(xs!, rm!, rv!, ws!, attrs), gy);
      gb = needsGrad[4] ? sum(gy, statDims(shape.length)) : null;
    } else if (gy) {
      const stats = attrs.training ? [mean!, variance!] : [rm!, rv!];
      [gx, gw, gb] = apply(batchNormBackwardOp, [gy, x!, w!, stats[0], stats[1]], { training: attrs.training, eps: attrs.eps });
    }
    // The updated running estimates depend on the batch (Note [batch norm running statistics]).
    const n = shape.reduce((p, d) => p * d, 1) / c;
    if (attrs.training && given(inputMeta[1]) && n > 1) {
      const cs = channelShape(c, shape.length);
      if (gm) {
        const term = expand(reshape(mul(gm, attrs.momentum / n), cs), shape);
        gx = gx ? add(gx, term) : term;
      }
      if (gv) {
        // The hidden mean has no graph: a graph of the gradients takes it from x (Note [create graph]).
        const mu = creating ? meanOver(x!, statDims(shape.length)) : reshape(mean!, cs);
        const centred = sub(x!, mu);
        const term = mul(centred, reshape(mul(gv, (2 * attrs.momentum) / (n - 1)), cs));
        gx = gx ? add(gx, term) : term;
      }
    }
    return [gx, null, null, given(inputMeta[3]) ? gw : null, given(inputMeta[4]) ? gb : null];
  },
  test: {
    samples: [
      {
        name: 'train-2d',
        inputs: [{ shape: [4, 3] }, { shape: [3], noGrad: true }, { shape: [3], fill: 'positive', noGrad: true }, { shape: [3] }, { shape: [3] }],
        attrs: { training: true },
      },
      {
        name: 'train-4d',
        inputs: [{ shape: [2, 3, 3, 4] }, { shape: [3], noGrad: true }, { shape: [3], fill: 'positive', noGrad: true }, { shape: [3] }, { shape: [3] }],
        attrs: { training: true, momentum: 0.3 },
      },
      {
        name: 'train-3d-bare',
        inputs: [{ shape: [3, 2, 4] }, { shape: [0], noGrad: true }, { shape: [0], noGrad: true }, { shape: [0], noGrad: true }, { shape: [0], noGrad: true }],
        attrs: { training: true },
      },
      {
        name: 'train-weight-only',
        inputs: [{ shape: [5, 2, 2, 1] }, { shape: [2], noGrad: true }, { shape: [2], fill: 'positive', noGrad: true }, { shape: [2] }, { shape: [0], noGrad: true }],
        attrs: { training: true, eps: 1e-3 },
      },
      {
        // 8+ channels with spatial dims: oneDNN's channel-blocked layouts (Note [batch norm layouts]).
        name: 'train-blocked',
        inputs: [{ shape: [2, 16, 3, 3] }, { shape: [16], noGrad: true }, { shape: [16], fill: 'positive', noGrad: true }, { shape: [16] }, { shape: [16] }],
        attrs: { training: true },
      },
      {
        name: 'train-5d-blocked',
        inputs: [{ shape: [2, 8, 2, 2, 3] }, { shape: [8], noGrad: true }, { shape: [8], fill: 'positive', noGrad: true }, { shape: [8] }, { shape: [8] }],
        attrs: { training: true },
      },
      {
        name: 'eval-3d-blocked',
        inputs: [{ shape: [3, 10, 4] }, { shape: [10], noGrad: true }, { shape: [10], fill: 'positive', noGrad: true }, { shape: [10] }, { shape: [10] }],
        attrs: { training: false },
      },
      {
        name: 'eval-4d',
        inputs: [{ shape: [2, 3, 2, 2] }, { shape: [3], noGrad: true }, { shape: [3], fill: 'positive', noGrad: true }, { shape: [3] }, { shape: [3] }],
        attrs: { training: false },
      },
      {
        name: 'eval-2d-bare',
        inputs: [{ shape: [3, 4] }, { shape: [4], noGrad: true }, { shape: [4], fill: 'positive', noGrad: true }, { shape: [0], noGrad: true }, { shape: [0], noGrad: true }],
        attrs: { training: false },
      },
      {
        name: 'size-one',
        inputs: [{ shape: [2, 1] }, { shape: [1], noGrad: true }, { shape: [1], fill: 'positive', noGrad: true }, { shape: [1] }, { shape: [1] }],
        attrs: { training: true },
      },
      {
        name: 'empty-batch',
        inputs: [{ shape: [0, 3] }, { shape: [3], noGrad: true }, { shape: [3], fill: 'positive', noGrad: true }, { shape: [3] }, { shape: [3] }],
        attrs: { training: true },
      },
    ],
    bad: [
      { name: 'rank', inputs: [{ shape: [4] }, { shape: [0] }, { shape: [0] }, { shape: [0] }, { shape: [0] }], attrs: { training: true }, error: 'ShapeError', message: /^batchNorm: input expected \[N,C\] or \[N,C,…\] with 2 to 5 dimensions, got \[4\]/ },
      { name: 'weight shape', inputs: [{ shape: [4, 3] }, { shape: [3] }, { shape: [3], fill: 'positive' }, { shape: [4] }, { shape: [3] }], error: 'ShapeError', message: /^batchNorm: weight expected shape \[3\] or \[0\] \(none\), got \[4\]/ },
      { name: 'runningVar shape', inputs: [{ shape: [4, 3] }, { shape: [3] }, { shape: [2], fill: 'positive' }, { shape: [3] }, { shape: [3] }], error: 'ShapeError', message: /^batchNorm: runningVar expected shape \[3\] or \[0\] \(none\), got \[2\]/ },
      { name: 'eval without stats', inputs: [{ shape: [4, 3] }, { shape: [0] }, { shape: [0] }, { shape: [0] }, { shape: [0] }], attrs: { training: false }, error: 'ValueError', message: /^batchNorm: runningMean and runningVar are required when training is false/ },
      { name: 'one stat', inputs: [{ shape: [4, 3] }, { shape: [3] }, { shape: [0] }, { shape: [0] }, { shape: [0] }], attrs: { training: true }, error: 'ValueError', message: /^batchNorm: runningMean and runningVar must be given together/ },
      { name: 'one value per channel', inputs: [{ shape: [1, 3] }, { shape: [0] }, { shape: [0] }, { shape: [0] }, { shape: [0] }], attrs: { training: true }, error: 'ValueError', message: /^batchNorm: expected more than 1 value per channel when training, got input \[1,3\]/ },
      { name: 'negative eps', inputs: [{ shape: [4, 3] }, { shape: [3] }, { shape: [3], fill: 'positive' }, { shape: [0] }, { shape: [0] }], attrs: { eps: -1 }, error: 'ValueError', message: /^batchNorm: option 'eps' expected a number >= 0, got -1/ },
    ],
    gradTolerance: 2e-2,
  },
});

/** The dims batch norm's statistics reduce: all but the channels. */
const statDims = (rank: number): number[] => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
const meanOver = (x: Tensor, dims: number[]): Tensor => mean(x, { dim: dims, keepdim: true });

/**
 * (x − μ)·rsqrt(σ² + eps)·weight over the dims `dims` (biased variance), as differentiable ops; an
 * empty weight is absent. The bias is left out: it changes no gradient but its own, which the
 * rules take directly. For a graph of the gradients (Note [double backward by composition]).
 */
function normalizeComposed(x: Tensor, dims: number[], w: Tensor, paramShape: number[], eps: number, stats?: { mean: Tensor; variance: Tensor }): Tensor {
  const mu = stats ? stats.mean : meanOver(x, dims);
  const centred = sub(x, mu);
  const variance = stats ? stats.variance : meanOver(mul(centred, centred), dims);
  const y = mul(centred, rsqrt(add(variance, eps)));
  return w.numel > 0 ? mul(y, reshape(w, paramShape)) : y;
}

/** batchNorm's normalised output as differentiable ops: batch statistics, or the running ones in eval. */
function batchNormComposed(x: Tensor, rm: Tensor, rv: Tensor, w: Tensor, a: BatchNormAttrs): Tensor {
  const cs = channelShape(x.shape[1], x.shape.length);
  const stats = a.training ? undefined : { mean: reshape(rm, cs), variance: reshape(rv, cs) };
  return normalizeComposed(x, statDims(x.shape.length), w, cs, a.eps, stats);
}

/** layerNorm as differentiable ops, over the trailing normalizedShape dims. */
function layerNormComposed(x: Tensor, w: Tensor, a: LayerNormAttrs): Tensor {
  const k = a.normalizedShape.length;
  const dims = Array.from({ length: k }, (_, i) => x.shape.length - k + i);
  return normalizeComposed(x, dims, w, [...a.normalizedShape], a.eps);
}

export const batchNormBackwardOp = defineOp<{ training: boolean; eps: number }>({
  name: 'batchNormBackward',
  inputs: [
    { name: 'gradOutput', dtypes: FLOAT },
    { name: 'input', dtypes: FLOAT },
    { name: 'weight', dtypes: FLOAT },
    { name: 'mean', dtypes: FLOAT },
    { name: 'variance', dtypes: FLOAT },
  ],
  attrs: { training: { kind: 'bool', default: true }, eps: { kind: 'float', default: 1e-5 } },
  outputs: ([gy, x, w, mean, variance], a) => {
    const c = checkBatchInput('batchNormBackward', x);
    if (!sameShape(gy.shape, x.shape)) {
      throw new ShapeError(`batchNormBackward: gradOutput expected the input's shape ${fmtShape(x.shape)}, got ${fmtShape(gy.shape)}`);
    }
    checkParam('batchNormBackward', 'weight', w, [c]);
    for (const [arg, t] of [['mean', mean], ['variance', variance]] as const) {
      if (t.shape.length !== 1 || t.shape[0] !== c) throw new ShapeError(`batchNormBackward: ${arg} expected shape [${c}], got ${fmtShape(t.shape)}`);
    }
    checkEps('batchNormBackward', a.eps);
    return [
      { shape: [...x.shape], dtype: x.dtype },
      { shape: [c], dtype: x.dtype },
      { shape: [c], dtype: x.dtype },
    ];
  },
  backends: ['cpu', 'cuda'],
  // Not differentiable itself: a graph of batchNorm's gradients composes it (Note [double backward by composition]).
  test: {
    samples: [
      { name: 'train-2d', inputs: [{ shape: [4, 3] }, { shape: [4, 3] }, { shape: [3] }, { shape: [3] }, { shape: [3], fill: 'positive' }], attrs: { training: true } },
      { name: 'train-4d', inputs: [{ shape: [2, 3, 2, 3] }, { shape: [2, 3, 2, 3] }, { shape: [3] }, { shape: [3] }, { shape: [3], fill: 'positive' }], attrs: { training: true } },
      { name: 'train-no-weight', inputs: [{ shape: [3, 2, 4] }, { shape: [3, 2, 4] }, { shape: [0] }, { shape: [2] }, { shape: [2], fill: 'positive' }], attrs: { training: true, eps: 1e-3 } },
      { name: 'eval-4d', inputs: [{ shape: [2, 3, 2, 2] }, { shape: [2, 3, 2, 2] }, { shape: [3] }, { shape: [3] }, { shape: [3], fill: 'positive' }], attrs: { training: false } },
      { name: 'train-blocked', inputs: [{ shape: [2, 16, 2, 3] }, { shape: [2, 16, 2, 3] }, { shape: [16] }, { shape: [16] }, { shape: [16], fill: 'positive' }], attrs: { training: true } },
      { name: 'eval-3d-blocked', inputs: [{ shape: [3, 10, 4] }, { shape: [3, 10, 4] }, { shape: [10] }, { shape: [10] }, { shape: [10], fill: 'positive' }], attrs: { training: false } },
      { name: 'empty-batch', inputs: [{ shape: [0, 3] }, { shape: [0, 3] }, { shape: [3] }, { shape: [3] }, { shape: [3], fill: 'positive' }], attrs: { training: true } },
    ],
    bad: [
      { name: 'gradOutput shape', inputs: [{ shape: [4, 2] }, { shape: [4, 3] }, { shape: [3] }, { shape: [3] }, { shape: [3] }], error: 'ShapeError', message: /^batchNormBackward: gradOutput expected the input's shape \[4,3\], got \[4,2\]/ },
      { name: 'mean shape', inputs: [{ shape: [4, 3] }, { shape: [4, 3] }, { shape: [3] }, { shape: [0] }, { shape: [3] }], error: 'ShapeError', message: /^batchNormBackward: mean expected shape \[3\], got \[0\]/ },
    ],
  },
});

export interface BatchNormOptions {
  /** Batch statistics (true) or the running estimates (false, the default, like PyTorch's functional). */
  training?: boolean;
  momentum?: number;
  eps?: number;
}

export interface BatchNormResult {
  output: Tensor;
  /**
   * When training with running statistics: new tensors holding the updated estimates (detached;
   * the inputs are unchanged, see Note [batch norm running statistics]); the caller swaps its
   * buffers for them. Otherwise the tensors that were passed (or null).
   */
  runningMean: Tensor | null;
  runningVar: Tensor | null;
}

/**
 * Batch normalisation over channel dim 1 of [N,C], [N,C,L], [N,C,H,W] or [N,C,D,H,W]: like
 * torch.nn.functional.batch_norm, except that the updated running statistics are returned.
 */
export function batchNorm(
  input: Tensor,
  runningMean?: Tensor | null,
  runningVar?: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  options: BatchNormOptions = {},
): BatchNormResult {
  const training = options.training ?? false;
  return scope(() => {
    const none = () => absent(input?.device);
    const [output, m, v] = apply(batchNormOp, [input, runningMean ?? none(), runningVar ?? none(), weight ?? none(), bias ?? none()], {
      training,
      momentum: options.momentum ?? 0.1,
      eps: options.eps ?? 1e-5,
    });
    const updated = training && runningMean && runningVar;
    return {
      output,
      runningMean: updated ? m.detach() : (runningMean ?? null),
      runningVar: updated ? v.detach() : (runningVar ?? null),
    };
  });
}

// ---- layer norm ----

export type LayerNormAttrs = { normalizedShape: readonly number[]; eps: number };

/** Rows (the leading dims' product) after checking that `input` ends in `normalizedShape`. */
function layerNormRows(op: string, x: TensorMeta, ns: readonly number[]): number {
  if (ns.length === 0 || !ns.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new ValueError(`${op}: option 'normalizedShape' expected a non-empty list of integers >= 1, got [${ns.join(',')}]`);
  }
  const lead = x.shape.length - ns.length;
  if (lead < 0 || ns.some((d, i) => x.shape[lead + i] !== d)) {
    throw new ShapeError(`${op}: normalizedShape ${fmtShape(ns)} expected the input to end in it, got input ${fmtShape(x.shape)}`);
  }
  return x.shape.slice(0, lead).reduce((p, d) => p * d, 1);
}

export const layerNormOp = defineOp<LayerNormAttrs>({
  name: 'layerNorm',
  inputs: [
    { name: 'input', dtypes: FLOAT },
    { name: 'weight', dtypes: FLOAT },
    { name: 'bias', dtypes: FLOAT },
  ],
  attrs: { normalizedShape: { kind: 'ints' }, eps: { kind: 'float', default: 1e-5 } },
  outputs: ([x, w, b], a) => {
    const rows = layerNormRows('layerNorm', x, a.normalizedShape);
    checkParam('layerNorm', 'weight', w, a.normalizedShape);
    checkParam('layerNorm', 'bias', b, a.normalizedShape);
    checkEps('layerNorm', a.eps);
    return [
      { shape: [...x.shape], dtype: x.dtype },
      // Hidden: per-row mean and (biased) variance for backward.
      { shape: [rows], dtype: x.dtype },
      { shape: [rows], dtype: x.dtype },
    ];
  },
  visibleOutputs: 1,
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1], outputs: [1, 2] },
  grad: ({ grads: [gy], inputs: [x, w], outputs: [, mean, variance], inputMeta, attrs, needsGrad }) => {
    if (isCreatingGraph()) {
      // layerNormBackward has no gradient of its own (Note [double backward by composition]); the
      // bias adds to the output, so its gradient is gy summed over the rows.
      const [gx, gw] = gradByComposition([x, w], needsGrad, ([xs, ws]) => layerNormComposed(xs!, ws!, attrs), gy!);
      const rows = Array.from({ length: inputMeta[0].shape.length - attrs.normalizedShape.length }, (_, i) => i);
      return [gx, gw, !needsGrad[2] ? null : rows.length ? sum(gy!, rows) : gy];
    }
    const [gx, gw, gb] = apply(layerNormBackwardOp, [gy!, x!, w!, mean!, variance!], { normalizedShape: attrs.normalizedShape, eps: attrs.eps });
    return [gx, given(inputMeta[1]) ? gw : null, given(inputMeta[2]) ? gb : null];
  },
  test: {
    samples: [
      { name: 'last-dim', inputs: [{ shape: [3, 4] }, { shape: [4] }, { shape: [4] }], attrs: { normalizedShape: [4] } },
      { name: 'two-dims', inputs: [{ shape: [2, 3, 4] }, { shape: [3, 4] }, { shape: [3, 4] }], attrs: { normalizedShape: [3, 4] } },
      { name: 'bare', inputs: [{ shape: [2, 5] }, { shape: [0], noGrad: true }, { shape: [0], noGrad: true }], attrs: { normalizedShape: [5], eps: 1e-3 } },
      { name: 'weight-only', inputs: [{ shape: [2, 2, 3] }, { shape: [3] }, { shape: [0], noGrad: true }], attrs: { normalizedShape: [3] } },
      { name: 'whole', inputs: [{ shape: [2, 3] }, { shape: [2, 3] }, { shape: [2, 3] }], attrs: { normalizedShape: [2, 3] } },
      { name: 'size-one', inputs: [{ shape: [3, 1] }, { shape: [1] }, { shape: [1] }], attrs: { normalizedShape: [1] } },
      { name: 'empty-rows', inputs: [{ shape: [0, 4] }, { shape: [4] }, { shape: [4] }], attrs: { normalizedShape: [4] } },
    ],
    bad: [
      { name: 'shape mismatch', inputs: [{ shape: [2, 3] }, { shape: [0] }, { shape: [0] }], attrs: { normalizedShape: [4] }, error: 'ShapeError', message: /^layerNorm: normalizedShape \[4\] expected the input to end in it, got input \[2,3\]/ },
      { name: 'weight shape', inputs: [{ shape: [2, 3] }, { shape: [4] }, { shape: [0] }], attrs: { normalizedShape: [3] }, error: 'ShapeError', message: /^layerNorm: weight expected shape \[3\] or \[0\] \(none\), got \[4\]/ },
      { name: 'empty normalizedShape', inputs: [{ shape: [2, 3] }, { shape: [0] }, { shape: [0] }], attrs: { normalizedShape: [] }, error: 'ValueError', message: /^layerNorm: option 'normalizedShape' expected a non-empty list of integers >= 1, got \[\]/ },
    ],
    gradTolerance: 2e-2,
  },
});

export const layerNormBackwardOp = defineOp<LayerNormAttrs>({
  name: 'layerNormBackward',
  inputs: [
    { name: 'gradOutput', dtypes: FLOAT },
    { name: 'input', dtypes: FLOAT },
    { name: 'weight', dtypes: FLOAT },
    { name: 'mean', dtypes: FLOAT },
    { name: 'variance', dtypes: FLOAT },
  ],
  attrs: { normalizedShape: { kind: 'ints' }, eps: { kind: 'float', default: 1e-5 } },
  outputs: ([gy, x, w, mean, variance], a) => {
    const rows = layerNormRows('layerNormBackward', x, a.normalizedShape);
    if (!sameShape(gy.shape, x.shape)) {
      throw new ShapeError(`layerNormBackward: gradOutput expected the input's shape ${fmtShape(x.shape)}, got ${fmtShape(gy.shape)}`);
    }
    checkParam('layerNormBackward', 'weight', w, a.normalizedShape);
    for (const [arg, t] of [['mean', mean], ['variance', variance]] as const) {
      if (t.shape.length !== 1 || t.shape[0] !== rows) throw new ShapeError(`layerNormBackward: ${arg} expected shape [${rows}] (one per row), got ${fmtShape(t.shape)}`);
    }
    checkEps('layerNormBackward', a.eps);
    return [
      { shape: [...x.shape], dtype: x.dtype },
      { shape: [...a.normalizedShape], dtype: x.dtype },
      { shape: [...a.normalizedShape], dtype: x.dtype },
    ];
  },
  backends: ['cpu', 'cuda'],
  // Not differentiable itself: a graph of layerNorm's gradients composes it (Note [double backward by composition]).
  test: {
    samples: [
      { name: 'last-dim', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }, { shape: [4] }, { shape: [3] }, { shape: [3], fill: 'positive' }], attrs: { normalizedShape: [4] } },
      { name: 'two-dims', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 3, 4] }, { shape: [3, 4] }, { shape: [2] }, { shape: [2], fill: 'positive' }], attrs: { normalizedShape: [3, 4] } },
      { name: 'no-weight', inputs: [{ shape: [2, 5] }, { shape: [2, 5] }, { shape: [0] }, { shape: [2] }, { shape: [2], fill: 'positive' }], attrs: { normalizedShape: [5], eps: 1e-3 } },
      { name: 'empty-rows', inputs: [{ shape: [0, 4] }, { shape: [0, 4] }, { shape: [4] }, { shape: [0] }, { shape: [0] }], attrs: { normalizedShape: [4] } },
    ],
    bad: [
      { name: 'variance rows', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }, { shape: [4] }, { shape: [3] }, { shape: [2] }], attrs: { normalizedShape: [4] }, error: 'ShapeError', message: /^layerNormBackward: variance expected shape \[3\] \(one per row\), got \[2\]/ },
    ],
  },
});

/** Layer normalisation over the trailing `normalizedShape` dims, like torch.nn.functional.layer_norm. */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  return scope(() => {
    const none = () => absent(input?.device);
    const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    return apply(layerNormOp, [input, weight ?? none(), bias ?? none()], { normalizedShape: ns, eps })[0];
  });
}

/**
 * Group normalisation (Wu & He 2018), as torch.nn.functional.group_norm: the channels of each
 * sample in `numGroups` groups, each group normalised over its channels and positions (biased
 * variance), then a per-channel `weight` and `bias`. Composed (mean, var, arithmetic), so both
 * devices run it with gradients.
 */
export function groupNorm(input: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  tensorArg('groupNorm', 'input', input);
  if (input.shape.length < 2) throw new ShapeError(`groupNorm: input expected [N, C, …], got ${fmtShape(input.shape)}`);
  const [n, c] = input.shape;
  if (!Number.isSafeInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new ValueError(`groupNorm: numGroups expected a positive divisor of the ${c} channels, got ${numGroups}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t === null || t === undefined) continue;
    if (!(t as Tensor).isTensor) {
      throw new ValueError(`groupNorm: ${name} expected a Tensor or null, got ${Array.isArray(t) ? 'an array' : typeof t} (PyTorch's order: groupNorm(input, numGroups, weight, bias, eps))`);
    }
    if (t.shape.length !== 1 || t.shape[0] !== c) throw new ShapeError(`groupNorm: ${name} expected [${c}], got ${fmtShape(t.shape)}`);
  }
  if (!(eps >= 0)) throw new ValueError(`groupNorm: eps expected a number >= 0, got ${eps}`);
  return scope(() => {
    const grouped = reshape(input, [n, numGroups, -1]);
    const mu = mean(grouped, { dim: 2, keepdim: true });
    const centred = sub(grouped, mu);
    const variance = mean(mul(centred, centred), { dim: 2, keepdim: true });
    let y = reshape(mul(centred, rsqrt(add(variance, eps))), input.shape);
    const perChannel = [1, c, ...input.shape.slice(2).map(() => 1)];
    if (weight) y = mul(y, reshape(weight, perChannel));
    if (bias) y = add(y, reshape(bias, perChannel));
    return y;
  });
}
