// Connectionist temporal classification (torch.nn.functional.ctc_loss), composed of declared ops.
//
// Note [ctc as ops]: the loss is the forward (α) recursion of Graves et al. (2006) in log space,
// over the targets extended with blanks (blank, l1, blank, l2, …, blank: 2S + 1 states), one
// step of ~10 ops on [N, 2S + 1] per time step: the states shifted by one and by two (the skip
// allowed where a label differs from the one two states back), a logsumexp of the three, plus the
// step's emissions gathered once for all steps. Autograd differentiates the recursion, which
// is the α-β gradient, so the gradient is exact with respect to the log-probabilities as given
// (PyTorch's kernel returns that plus exp(logProbs), which log_softmax's backward cancels: both
// give the same gradient to the logits, which is what the tests compare). Unreachable states
// hold a large finite negative (−1e30), not −∞: logsumexp of three −∞ has a NaN gradient, which
// a zero upstream gradient would not cancel. An alignment that cannot exist (an input shorter
// than its target needs) ends near −1e30 and is reported as +∞ (0 with zeroInfinity, whose
// gradient is then 0). Both devices, no kernel of its own: O(T) small ops, a few ms for T = 100
// on the cpu; a fused kernel is the step to take if profiles show it.

import { ShapeError, ValueError, DTypeError, DeviceError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { tensor } from '../../creation.js';
import type { Tensor } from '../../tensor.js';
import { add, div, mul, sub, where } from './binary.js';
import { cast } from './cast.js';
import { gt, lt, ne, logicalAnd } from './compare.js';
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

/** Lengths as given: numbers (checked here) or an integer tensor (checked only where the values are used). */
export type CtcLengths = readonly number[] | Int32Array | Tensor | number;

const NEG = -1e30;
const IMPOSSIBLE = -1e29;

function lengthsOf(fn: string, name: string, lengths: unknown, n: number, max: number, device: Tensor['device']): { t: Tensor; host: number[] | null } {
  if ((lengths as Tensor | null)?.isTensor) {
    const t = lengths as Tensor;
    if (t.dtype !== 'int64' && t.dtype !== 'int32') throw new DTypeError(`${fn}: ${name} expected an int64 or int32 tensor, got ${t.dtype}`);
    if (t.shape.length !== 1 || t.shape[0] !== n) throw new ShapeError(`${fn}: ${name} expected shape [${n}] (one per sequence), got ${fmtShape(t.shape)}`);
    return { t: cast(t, 'int64'), host: null };
  }
  if (!Array.isArray(lengths) && !(lengths instanceof Int32Array)) throw new ValueError(`${fn}: ${name} expected an array of integers or an integer tensor, got ${lengths === null ? 'null' : typeof lengths}`);
  const host = Array.from(lengths as ArrayLike<number>);
  if (host.length !== n) throw new ShapeError(`${fn}: ${name} expected ${n} lengths (one per sequence), got ${host.length}`);
  host.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new ValueError(`${fn}: ${name}[${i}] expected an integer from 0 to ${max}, got ${v}`);
  });
  return { t: tensor(host, { dtype: 'int64', device }), host };
}

/** Targets as [N, S] (padded), from the padded form or the concatenated 1-D one (which needs its lengths as numbers). */
function paddedTargets(fn: string, targets: Tensor, n: number, targetLengths: number[] | null, device: Tensor['device']): Tensor {
  if (targets.shape.length === 2) {
    if (targets.shape[0] !== n) throw new ShapeError(`${fn}: targets expected [${n}, S] (one row per sequence) or the 1-D concatenation, got ${fmtShape(targets.shape)}`);
    return cast(targets, 'int64');
  }
  if (!targetLengths) throw new ValueError(`${fn}: 1-D (concatenated) targets need targetLengths as an array of numbers, to split them without reading a tensor back; pass targets padded to [N, S] instead`);
  const total = targetLengths.reduce((a, b) => a + b, 0);
  if (targets.shape[0] !== total) throw new ShapeError(`${fn}: 1-D targets expected ${total} labels (the sum of targetLengths), got ${targets.shape[0]}`);
  const width = Math.max(1, ...targetLengths);
  const at: number[] = [];
  let offset = 0;
  for (const len of targetLengths) {
    for (let k = 0; k < width; k++) at.push(k < len ? offset + k : 0);
    offset += len;
  }
  if (total === 0) return full([n, width], 0, { dtype: 'int64', device });
  return reshape(gather(cast(targets, 'int64'), 0, tensor(at, { dtype: 'int64', device })), [n, width]);
}

/**
 * The CTC loss of log-probabilities [T, N, C] (log_softmax over C; or [T, C] unbatched) against
 * targets [N, S] padded or 1-D concatenated, as torch.nn.functional.ctc_loss (Note [ctc as ops]).
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
    const maxTarget = targets.shape.length === 2 ? targets.shape[1] : targets.shape[0];
    const tlens = lengthsOf(fn, 'targetLengths', one(targetLengths), n, maxTarget, device);
    const padded = paddedTargets(fn, unbatched ? unsqueeze(targets, 0) : targets, n, tlens.host, device);
    const S = padded.shape[1];
    const L = 2 * S + 1;
    // Extended labels [N, L]: blank, l1, blank, l2, …, blank.
    const blanks = full([n, S], blank, { dtype: 'int64', device });
    const ext = cat([reshape(stack([blanks, padded], 2), [n, 2 * S]), full([n, 1], blank, { dtype: 'int64', device })], 1);
    // A state may be entered from two back when it is a label unlike the label two states back.
    const back2 = cat([full([n, 2], blank, { dtype: 'int64', device }), narrow(ext, 1, 0, L - 2)], 1);
    const skip = logicalAnd(ne(ext, blank), ne(ext, back2));
    // Emissions of every state at every step, gathered once: [T, N, L].
    const emit = gather(lp, 2, expand(unsqueeze(ext, 0), [T, n, L]));
    // Steps beyond the longest input change nothing; shorter inputs keep their α from their end on.
    const steps = inputs.host ? Math.max(1, ...inputs.host) : T;
    const ragged = !inputs.host || inputs.host.some((len) => len !== steps);
    // Per-step slices made by one split each, not a narrow of the whole tensor per step.
    const emitAt = split(narrow(emit, 0, 0, steps), 1, 0).map((e) => reshape(e, [n, L]));
    const liveAt = ragged ? split(reshape(lt(unsqueeze(arange(steps, { dtype: 'int64', device }), 1), unsqueeze(inputs.t, 0)), [steps, n, 1]), 1, 0).map((m) => reshape(m, [n, 1])) : [];
    const unreachable = [1, 2].map((k) => full([n, k], NEG, { device }));
    // The states shifted right by k, the first k unreachable.
    const shifted = (a: Tensor, k: 1 | 2) => (L > k ? cat([unreachable[k - 1], narrow(a, 1, 0, L - k)], 1) : full([n, L], NEG, { device }));
    const first = emitAt[0];
    const start = L > 1 ? cat([narrow(first, 1, 0, 2), full([n, L - 2], NEG, { device })], 1) : first;
    let alpha = ragged ? where(liveAt[0], start, NEG) : start;
    for (let t = 1; t < steps; t++) {
      const next = add(logsumexp(stack([alpha, shifted(alpha, 1), where(skip, shifted(alpha, 2), NEG)], 0), 0), emitAt[t]);
      alpha = ragged ? where(liveAt[t], next, alpha) : next;
    }
    // The last blank and the last label of each target: states 2S_n and 2S_n − 1.
    const last = mul(tlens.t, 2);
    const ends = stack([last, clamp(sub(last, 1), 0)], 1);
    const endValues = where(stack([gt(tlens.t, -1), gt(tlens.t, 0)], 1), gather(alpha, 1, ends), NEG);
    const logLikelihood = logsumexp(endValues, 1);
    const impossible = lt(logLikelihood, IMPOSSIBLE);
    const losses = where(impossible, zeroInfinity ? 0 : Infinity, neg(logLikelihood));
    const perSequence = unbatched ? reshape(losses, []) : losses;
    if (reduction === 'none') return perSequence;
    if (reduction === 'sum') return sum(perSequence);
    return mean(div(losses, clamp(cast(tlens.t, 'float32'), 1)));
  });
}

