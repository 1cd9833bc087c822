// Connectionist temporal classification (torch.nn.functional.ctc_loss).
//
// Note [ctc kernels]: the loss is the forward (α) recursion of Graves et al. (2006) in log space
// over the targets extended with blanks (blank, l1, blank, l2, …, blank: 2S + 1 states), one
// sequence per thread (cpu) or per block (cuda), so a step costs nothing beside its arithmetic.
// (Composed of ops — ~8 per time step on [N, 2S + 1] — it took 35 ms for T = 100, N = 32 on
// one core, against PyTorch's 5 ms.) ctcLossBackward runs α again and the backward (β)
// recursion and gives the exact derivative with respect to the log-probabilities as given:
// −exp(log Σ_{s: l′s = k} α_t(s)β_t(s) − lp_t(k) + nll). PyTorch's kernel returns that plus
// exp(lp), which log_softmax's backward cancels, so both give the logits the same gradient —
// what the tests compare. While a graph of the gradients is made (second derivatives), the rule
// differentiates the same recursion written with ops (Note [double backward by composition]).
// An alignment that cannot exist (an input shorter than its target needs) gives +∞ (0 with
// zeroInfinity) and a zero gradient. Targets come padded [N, S] or concatenated 1-D, which the
// kernels index through per-sequence offsets (so the lengths may stay on the device). Lengths
// given as arrays are checked here; labels and lengths given as tensors are checked by the
// kernels (core/ctc_layout.h): refused at the call or at the next read, as data errors are.

import { ShapeError, ValueError, DTypeError, DeviceError, fmtShape } from '../../errors.js';
import { isCreatingGraph } from '../../autograd/grad-mode.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { tensor } from '../../creation.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../apply.js';
import { defineOp, FLOAT, type Sample } from '../declare.js';
import { gradByComposition } from '../double-backward.js';
import { add, div, mul, sub, where } from './binary.js';
import { cumsum } from './scan.js';
import { cast } from './cast.js';
import { gt, lt, ne, logicalAnd } from './compare.js';
import { isinf } from './composed-elementwise.js';
import { arange, full } from './creation.js';
import { gather } from './index-ops.js';
import { logsumexp, mean, sum } from './reduce.js';
import { cat, expand, narrow, reshape, split, stack, unsqueeze } from './shape.js';
import { clamp, neg } from './unary.js';
import { type Reduction } from './loss.js';
import { reductionOf } from '../loss-args.js';
import { floatArg, tensorArg } from '../check-args.js';

export interface CtcLossOptions {
  /** The blank class (default 0). */
  blank?: number;
  /** 'mean' (default: each loss divided by its target length, then averaged), 'sum' or 'none'. */
  reduction?: Reduction;
  /** Infinite losses (inputs too short for their targets) and their gradients become 0. */
  zeroInfinity?: boolean;
}

/** Lengths as given: numbers (checked here) or an integer tensor; unbatched, one number or a 0-d tensor. */
export type CtcLengths = readonly number[] | Int32Array | Tensor | number;

type CtcAttrs = { blank: number };

function ctcShapes(op: string, [lp, tg, il, tl]: readonly { shape: readonly number[] }[]): { T: number; N: number; C: number; S: number } {
  if (lp.shape.length !== 3) throw new ShapeError(`${op}: logProbs expected [T, N, C], got ${fmtShape(lp.shape)}`);
  const [T, N, C] = lp.shape;
  if ((tg.shape.length !== 2 || tg.shape[0] !== N) && tg.shape.length !== 1) throw new ShapeError(`${op}: targets expected [${N}, S] or 1-D (concatenated), got ${fmtShape(tg.shape)}`);
  for (const [name, t] of [['inputLengths', il], ['targetLengths', tl]] as const) {
    if (t.shape.length !== 1 || t.shape[0] !== N) throw new ShapeError(`${op}: ${name} expected [${N}], got ${fmtShape(t.shape)}`);
  }
  return { T, N, C, S: tg.shape.length === 2 ? tg.shape[1] : tg.shape[0] };
}

const ctcInputs = [
  { name: 'logProbs', dtypes: FLOAT },
  { name: 'targets', dtypes: ['int64'], differentiable: false },
  { name: 'inputLengths', dtypes: ['int64'], differentiable: false },
  { name: 'targetLengths', dtypes: ['int64'], differentiable: false },
] as const;

const ctcSamples: Sample[] = [
  { name: 'batch', inputs: [{ shape: [6, 2, 4] }, { shape: [2, 2], dtype: 'int64', fill: [1, 2, 3, 3] }, { shape: [2], dtype: 'int64', fill: [6, 5] }, { shape: [2], dtype: 'int64', fill: [2, 2] }] },
  { name: 'ragged, blank 3', inputs: [{ shape: [5, 3, 4] }, { shape: [3, 3], dtype: 'int64', fill: [0, 1, 1, 2, 0, 0, 2, 2, 0] }, { shape: [3], dtype: 'int64', fill: [5, 4, 5] }, { shape: [3], dtype: 'int64', fill: [3, 1, 2] }], attrs: { blank: 3 } },
  { name: 'concatenated', inputs: [{ shape: [6, 2, 4] }, { shape: [5], dtype: 'int64', fill: [1, 2, 2, 3, 1] }, { shape: [2], dtype: 'int64', fill: [6, 4] }, { shape: [2], dtype: 'int64', fill: [3, 2] }] },
  { name: 'empty target', inputs: [{ shape: [4, 2, 3] }, { shape: [2, 1], dtype: 'int64', fill: [1, 0] }, { shape: [2], dtype: 'int64', fill: [4, 3] }, { shape: [2], dtype: 'int64', fill: [1, 0] }] },
];

export const ctcLossOp = defineOp<CtcAttrs>({
  name: 'ctcLoss',
  inputs: ctcInputs,
  attrs: { blank: { kind: 'int', default: 0 } },
  outputs: (inputs, a) => {
    const { N, C } = ctcShapes('ctcLoss', inputs);
    if (!(a.blank >= 0 && a.blank < C)) throw new ValueError(`ctcLoss: blank expected an integer from 0 to ${C - 1} (the classes), got ${a.blank}`);
    return [{ shape: [N], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  saves: { inputs: [0, 1, 2, 3] },
  grad: ({ grads: [g], inputs: [lp, tg, il, tl], attrs }) => {
    if (!isCreatingGraph()) return [apply(ctcLossBackwardOp, [g!, lp!, tg!, il!, tl!], attrs)[0]];
    return gradByComposition([lp, tg, il, tl], [true, false, false, false], ([x]) => ctcNllComposed(x!, tg!, il!, tl!, attrs.blank), g!);
  },
  test: {
    samples: ctcSamples,
    goldenTolerance: 1e-4,
    bad: [
      { name: 'targets rows', inputs: [{ shape: [4, 2, 3] }, { shape: [3, 1], dtype: 'int64', fill: [1, 1, 1] }, { shape: [2], dtype: 'int64', fill: [4, 4] }, { shape: [2], dtype: 'int64', fill: [1, 1] }], error: 'ShapeError', message: /^ctcLoss: targets expected \[2, S\] or 1-D \(concatenated\), got \[3,1\]$/ },
      { name: 'blank', inputs: [{ shape: [4, 1, 3] }, { shape: [1, 1], dtype: 'int64', fill: [1] }, { shape: [1], dtype: 'int64', fill: [4] }, { shape: [1], dtype: 'int64', fill: [1] }], attrs: { blank: 3 }, error: 'ValueError', message: /^ctcLoss: blank expected an integer from 0 to 2/ },
    ],
  },
});

export const ctcLossBackwardOp = defineOp<CtcAttrs>({
  name: 'ctcLossBackward',
  inputs: [{ name: 'grad', dtypes: FLOAT }, ...ctcInputs],
  attrs: { blank: { kind: 'int', default: 0 } },
  outputs: ([g, ...rest]) => {
    const { T, N, C } = ctcShapes('ctcLossBackward', rest);
    if (g.shape.length !== 1 || g.shape[0] !== N) throw new ShapeError(`ctcLossBackward: grad expected [${N}], got ${fmtShape(g.shape)}`);
    return [{ shape: [T, N, C], dtype: 'float32' }];
  },
  backends: ['cpu', 'cuda'],
  test: {
    samples: ctcSamples.map((s) => ({ ...s, inputs: [{ shape: [s.inputs[0].shape[1]] }, ...s.inputs] })),
    goldenTolerance: 1e-4,
  },
});

const NEG = -1e30;

function lengthsOf(fn: string, name: string, lengths: unknown, n: number, max: number, device: Tensor['device']): { t: Tensor; host: number[] | null } {
  if ((lengths as Tensor | null)?.isTensor) {
    const t = lengths as Tensor;
    if (t.dtype !== 'int64' && t.dtype !== 'int32') throw new DTypeError(`${fn}: ${name} expected an int64 or int32 tensor, got ${t.dtype}`);
    if (t.shape.length !== 1 || t.shape[0] !== n) throw new ShapeError(`${fn}: ${name} expected shape [${n}] (one per sequence), got ${fmtShape(t.shape)}`);
    return { t: cast(t, 'int64'), host: null };
  }
  const isList = Array.isArray(lengths) || (ArrayBuffer.isView(lengths) && !(lengths instanceof DataView));
  if (!isList) throw new ValueError(`${fn}: ${name} expected an array of integers (numbers, bigints or a typed array) or an integer tensor, got ${lengths === null ? 'null' : typeof lengths}`);
  // Bigints are what an int64 tensor reads back as; one beyond 2^53 becomes NaN and is refused.
  const host = Array.from(lengths as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= 0n ? Number(v) : NaN) : v));
  if (host.length !== n) throw new ShapeError(`${fn}: ${name} expected ${n} lengths (one per sequence), got ${host.length}`);
  host.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new ValueError(`${fn}: ${name}[${i}] expected an integer from 0 to ${max}, got ${v}`);
  });
  return { t: tensor(host, { dtype: 'int64', device }), host };
}

/**
 * Targets as the kernels take them: padded [N, S], or concatenated 1-D (PyTorch's other form;
 * with lengths given as numbers their sum is checked here, otherwise by the kernels).
 */
function checkedTargets(fn: string, targets: Tensor, n: number, targetLengths: number[] | null): Tensor {
  if (targets.shape.length === 2) {
    if (targets.shape[0] !== n) throw new ShapeError(`${fn}: targets expected [${n}, S] (one row per sequence) or the 1-D concatenation, got ${fmtShape(targets.shape)}`);
  } else if (targetLengths) {
    const total = targetLengths.reduce((a, b) => a + b, 0);
    if (targets.shape[0] < total) throw new ShapeError(`${fn}: 1-D targets expected at least ${total} labels (the sum of targetLengths), got ${targets.shape[0]}`);
  }
  return cast(targets, 'int64');
}


/**
 * −log p of each sequence, the α recursion written with ops (Note [ctc kernels]: the graph of
 * the gradients for second derivatives): logProbs [T, N, C], targets [N, S], lengths [N] int64.
 */
function ctcNllComposed(lp: Tensor, targets: Tensor, inputLengths: Tensor, targetLengths: Tensor, blank: number): Tensor {
  const [T, n] = lp.shape;
  const device = lp.device;
  // 1-D targets as rows [N, M]: sequence n's labels from its offset on (the rest is never read).
  const M = targets.shape[0];
  const padded =
    targets.shape.length === 2
      ? targets
      : M === 0
        ? full([n, 1], blank, { dtype: 'int64', device })
        : reshape(gather(targets, 0, reshape(clamp(add(unsqueeze(sub(cumsum(targetLengths, 0), targetLengths), 1), unsqueeze(arange(M, { dtype: 'int64', device }), 0)), 0, M - 1), [n * M])), [n, M]);
  const S = padded.shape[1];
  const L = 2 * S + 1;
  // Extended labels [N, L]: blank, l1, blank, l2, …, blank.
  const blanks = full([n, S], blank, { dtype: 'int64', device });
  const ext = cat([reshape(stack([blanks, padded], 2), [n, 2 * S]), full([n, 1], blank, { dtype: 'int64', device })], 1);
  // A state may be entered from two back when it is a label unlike the label two states back.
  const back2 = cat([full([n, 2], blank, { dtype: 'int64', device }), narrow(ext, 1, 0, L - 2)], 1);
  const skip = logicalAnd(ne(ext, blank), ne(ext, back2));
  const emitAt = split(gather(lp, 2, expand(unsqueeze(ext, 0), [T, n, L])), 1, 0).map((e) => reshape(e, [n, L]));
  const liveAt = split(reshape(lt(unsqueeze(arange(T, { dtype: 'int64', device }), 1), unsqueeze(clamp(inputLengths, 0, T), 0)), [T, n, 1]), 1, 0).map((m) => reshape(m, [n, 1]));
  // Unreachable states hold a large finite negative: logsumexp of three −∞ has a NaN gradient.
  const unreachable = [1, 2].map((k) => full([n, k], NEG, { device }));
  const shifted = (a: Tensor, k: 1 | 2) => (L > k ? cat([unreachable[k - 1], narrow(a, 1, 0, L - k)], 1) : full([n, L], NEG, { device }));
  const start = L > 1 ? cat([narrow(emitAt[0], 1, 0, 2), full([n, L - 2], NEG, { device })], 1) : emitAt[0];
  let alpha = where(liveAt[0], start, NEG);
  for (let t = 1; t < T; t++) {
    const next = add(logsumexp(stack([alpha, shifted(alpha, 1), where(skip, shifted(alpha, 2), NEG)], 0), 0), emitAt[t]);
    alpha = where(liveAt[t], next, alpha);
  }
  const tl = clamp(targetLengths, 0, S);
  const last = mul(tl, 2);
  const ends = stack([last, clamp(add(last, -1), 0)], 1);
  const endValues = where(stack([gt(tl, -1), gt(tl, 0)], 1), gather(alpha, 1, ends), NEG);
  return neg(logsumexp(endValues, 1));
}

/**
 * The CTC loss of log-probabilities [T, N, C] (log_softmax over C; or [T, C] unbatched) against
 * targets [N, S] padded or 1-D concatenated, as torch.nn.functional.ctc_loss (Note [ctc kernels]).
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: CtcLengths, targetLengths: CtcLengths, options: CtcLossOptions = {}): Tensor {
  const fn = 'ctcLoss';
  floatArg(fn, 'logProbs', logProbs);
  tensorArg(fn, 'targets', targets);
  checkOptions(fn, options, ['blank', 'reduction', 'zeroInfinity']);
  const reduction = reductionOf(fn, options.reduction);
  if (logProbs.shape.length !== 3 && logProbs.shape.length !== 2) throw new ShapeError(`${fn}: logProbs expected [T, N, C] or [T, C], got ${fmtShape(logProbs.shape)}`);
  if (targets.dtype !== 'int64' && targets.dtype !== 'int32') throw new DTypeError(`${fn}: targets expected int64 or int32, got ${targets.dtype}`);
  if (targets.device !== logProbs.device) throw new DeviceError(`${fn}: targets expected a tensor on logProbs's device ${logProbs.device}, got one on ${targets.device}`);
  const unbatched = logProbs.shape.length === 2;
  if (unbatched && targets.shape.length !== 1) throw new ShapeError(`${fn}: unbatched logProbs [T, C] expected targets [S], got ${fmtShape(targets.shape)}`);
  if (!unbatched && targets.shape.length !== 1 && targets.shape.length !== 2) throw new ShapeError(`${fn}: targets expected [N, S] or 1-D, got ${fmtShape(targets.shape)}`);
  const blank = options.blank ?? 0;
  const zeroInfinity = options.zeroInfinity ?? false;
  const [T, , C] = unbatched ? [logProbs.shape[0], 1, logProbs.shape[1]] : logProbs.shape;
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) throw new ValueError(`${fn}: blank expected an integer from 0 to ${C - 1} (the classes), got ${blank}`);
  if (typeof zeroInfinity !== 'boolean') throw new ValueError(`${fn}: zeroInfinity expected a boolean, got ${typeof zeroInfinity}`);
  return scope(() => {
    const device = logProbs.device;
    const lp = unbatched ? unsqueeze(logProbs, 1) : logProbs;
    const n = lp.shape[1];
    // Unbatched: one length, a number or a 0-d tensor, as PyTorch takes it.
    const one = (v: CtcLengths) => (!unbatched ? v : typeof v === 'number' ? [v] : (v as Tensor).isTensor && (v as Tensor).shape.length === 0 ? reshape(v as Tensor, [1]) : v);
    const inputs = lengthsOf(fn, 'inputLengths', one(inputLengths), n, T, device);
    const maxTarget = targets.shape.length === 2 ? targets.shape[1] : targets.shape[0]; // 1-D: each at most all of them
    const tlens = lengthsOf(fn, 'targetLengths', one(targetLengths), n, maxTarget, device);
    const checked = checkedTargets(fn, unbatched ? unsqueeze(targets, 0) : targets, n, tlens.host);
    const nll = apply(ctcLossOp, [lp, checked, inputs.t, tlens.t], { blank })[0];
    // +∞ where no alignment exists; 0 with zeroInfinity (where() sends no gradient through it).
    const losses = zeroInfinity ? where(isinf(nll), 0, nll) : nll;
    const perSequence = unbatched ? reshape(losses, []) : losses;
    if (reduction === 'none') return perSequence;
    if (reduction === 'sum') return sum(perSequence);
    return mean(div(losses, clamp(cast(tlens.t, 'float32'), 1)));
  });
}
