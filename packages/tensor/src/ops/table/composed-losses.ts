// Losses composed of declared ops (both devices, gradients from the parts, for input and target):
// smoothL1Loss, huberLoss and klDiv, as torch.nn.functional's.

import { ValueError } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import { div, mul, sub, where } from './binary.js';
import { eq, lt } from './compare.js';
import { exp, log, abs } from './unary.js';
import { sum } from './reduce.js';
import { type LossOptions, type Reduction } from './loss.js';
import { reduceLoss, reductionOf } from '../loss-args.js';
import { checkTargetBroadcast, floatArg } from '../check-args.js';

function pair(fn: string, input: Tensor, target: Tensor): void {
  floatArg(fn, 'input', input);
  floatArg(fn, 'target', target);
  checkTargetBroadcast(fn, input.shape, target.shape);
}

// |d| < t: d²/(2t)·scale, else (|d| − t/2)·scale … both losses are this with their own scale.
function quadraticThenLinear(input: Tensor, target: Tensor, threshold: number, huber: boolean): Tensor {
  const d = abs(sub(input, target));
  // smooth L1: 0.5 d²/β below β, d − β/2 above; Huber: 0.5 d² below δ, δ(d − δ/2) above.
  const quadratic = huber ? mul(mul(d, d), 0.5) : div(mul(mul(d, d), 0.5), threshold);
  const linear = huber ? mul(sub(d, threshold / 2), threshold) : sub(d, threshold / 2);
  return where(lt(d, threshold), quadratic, linear);
}

export interface SmoothL1Options extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1); 0 is the L1 loss. */
  beta?: number;
}

/** PyTorch's smooth_l1_loss: 0.5(x − t)²/β where |x − t| < β, |x − t| − β/2 elsewhere. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  checkOptions('smoothL1Loss', options, ['reduction', 'beta']);
  pair('smoothL1Loss', input, target);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new ValueError(`smoothL1Loss: beta expected a number >= 0, got ${beta}`);
  const reduction = reductionOf('smoothL1Loss', options.reduction);
  return scope(() => reduceLoss(beta === 0 ? abs(sub(input, target)) : quadraticThenLinear(input, target, beta, false), reduction));
}

export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1; > 0). */
  delta?: number;
}

/** PyTorch's huber_loss: 0.5(x − t)² where |x − t| < δ, δ(|x − t| − δ/2) elsewhere. */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  checkOptions('huberLoss', options, ['reduction', 'delta']);
  pair('huberLoss', input, target);
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new ValueError(`huberLoss: delta expected a number > 0, got ${delta}`);
  const reduction = reductionOf('huberLoss', options.reduction);
  return scope(() => reduceLoss(quadraticThenLinear(input, target, delta, true), reduction));
}

/** The code of klDiv's warning about reduction 'mean', for `process.on('warning')` filters and --disable-warning. */
export const KL_DIV_MEAN_WARNING = 'NUTSHELL_KL_DIV_MEAN';
let warnedKlDivMean = false;

// PyTorch's warning, once per process: 'mean' (the default) divides by the number of classes too,
// so a distillation loss copied without reduction: 'batchmean' is C times too small.
function warnKlDivMean(): void {
  if (warnedKlDivMean) return;
  warnedKlDivMean = true;
  process.emitWarning(
    "klDiv: reduction 'mean' divides the total loss by both the batch size and the support size; 'batchmean' divides only by the batch size, and aligns with the KL divergence's definition",
    { code: KL_DIV_MEAN_WARNING },
  );
}

export interface KlDivOptions {
  /** 'mean' (default: over every element, as PyTorch), 'batchmean' (sum / batch size: the true KL), 'sum', 'none'. */
  reduction?: 'mean' | 'batchmean' | 'sum' | 'none';
  /** The target holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * PyTorch's kl_div: the input holds log-probabilities, the target probabilities (or
 * log-probabilities with logTarget); elementwise t·(log t − input), 0 where t = 0.
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  checkOptions('klDiv', options, ['reduction', 'logTarget']);
  pair('klDiv', input, target);
  const reduction = reductionOf<Reduction | 'batchmean'>('klDiv', options.reduction, ['none', 'mean', 'batchmean', 'sum']);
  if (reduction === 'mean') warnKlDivMean();
  return scope(() => {
    const pointwise = options.logTarget
      ? mul(exp(target), sub(target, input))
      : where(eq(target, 0), 0, mul(target, sub(log(where(eq(target, 0), 1, target)), input))); // 0·log 0 = 0, as xlogy
    if (reduction === 'batchmean') return div(sum(pointwise), input.shape.length > 0 ? input.shape[0] : 1);
    return reduceLoss(pointwise, reduction);
  });
}
