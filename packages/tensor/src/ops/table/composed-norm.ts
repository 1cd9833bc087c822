// Normalisations composed of declared ops (both devices, gradients from their parts):
// rmsNorm (torch.nn.functional.rms_norm) and instanceNorm (torch.nn.functional.instance_norm,
// returning its updated running statistics as batchNorm does: Note [batch norm running
// statistics] in norm.ts).
import { noGrad } from '../../autograd/grad-mode.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { scope } from '../../memory.js';
import { checkOptions } from '../../options.js';
import { sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { floatArg, tensorArg } from '../check-args.js';
import { add, mul, sub } from './binary.js';
import { mean } from './reduce.js';
import { reshape } from './shape.js';
import { rsqrt } from './unary.js';

/** float32's machine epsilon, torch.finfo(torch.float32).eps: rmsNorm's eps when none is given, as PyTorch's. */
const FLOAT32_EPS = 2 ** -23;


function optionalTensor(fn: string, name: string, t: Tensor | null | undefined, want: readonly number[]): void {
  if (t === null || t === undefined) return;
  tensorArg(fn, name, t);
  if (!sameShape(t.shape, want)) throw new ShapeError(`${fn}: ${name} expected shape ${fmtShape(want)}, got ${fmtShape(t.shape)}`);
}

/**
 * Root-mean-square normalisation over the trailing `normalizedShape` dims (Zhang & Sennrich
 * 2019), as torch.nn.functional.rms_norm: x / sqrt(mean(x²) + eps) · weight. eps null or absent
 * is float32's machine epsilon (2⁻²³), PyTorch's torch.finfo(x.dtype).eps.
 */
export function rmsNorm(input: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, eps?: number | null): Tensor {
  floatArg('rmsNorm', 'input', input);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? [...normalizedShape] : null;
  if (!ns || ns.length === 0 || !ns.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new ValueError(`rmsNorm: normalizedShape expected a positive integer or a non-empty list of them, got ${Array.isArray(normalizedShape) ? `[${normalizedShape.join(',')}]` : String(normalizedShape)}`);
  }
  const lead = input.shape.length - ns.length;
  if (lead < 0 || ns.some((d, i) => input.shape[lead + i] !== d)) {
    throw new ShapeError(`rmsNorm: normalizedShape ${fmtShape(ns)} expected the input to end in it, got input ${fmtShape(input.shape)}`);
  }
  optionalTensor('rmsNorm', 'weight', weight, ns);
  const e = eps ?? FLOAT32_EPS;
  if (typeof e !== 'number' || !(e >= 0)) throw new ValueError(`rmsNorm: eps expected a number >= 0 or null, got ${e}`);
  return scope(() => {
    const dims = ns.map((_, i) => lead + i);
    const y = mul(input, rsqrt(add(mean(mul(input, input), { dim: dims, keepdim: true }), e)));
    return weight ? mul(y, weight) : y;
  });
}

export interface InstanceNormOptions {
  /** Normalise by each sample's own statistics (default true, as PyTorch); false uses the running ones. */
  useInputStats?: boolean;
  /** Weight of the new statistics in the running ones (default 0.1). */
  momentum?: number;
  eps?: number;
}

export interface InstanceNormResult {
  output: Tensor;
  /**
   * With input statistics and running statistics given: new tensors holding the updated
   * estimates, (1 − momentum)·running + momentum·(the batch mean of each sample's mean, or of its
   * unbiased variance), detached, as PyTorch's instance_norm updates its buffers; the caller
   * swaps its buffers for them. Otherwise the tensors that were passed (or null).
   */
  runningMean: Tensor | null;
  runningVar: Tensor | null;
}

/**
 * Instance normalisation over the spatial dims of [N, C, …] (Ulyanov et al. 2016), as
 * torch.nn.functional.instance_norm: each channel of each sample normalised by its own mean and
 * (biased) variance, then a per-channel weight and bias. Running statistics, when given, are
 * updated as PyTorch's are (or used instead, with useInputStats false).
 */
export function instanceNorm(
  input: Tensor,
  runningMean?: Tensor | null,
  runningVar?: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  options: InstanceNormOptions = {},
): InstanceNormResult {
  floatArg('instanceNorm', 'input', input);
  checkOptions('instanceNorm', options, ['useInputStats', 'momentum', 'eps']);
  if (input.shape.length < 3) throw new ShapeError(`instanceNorm: input expected [N, C, …] with at least one spatial dimension, got ${fmtShape(input.shape)}`);
  const [n, c] = input.shape;
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) optionalTensor('instanceNorm', name, t, [c]);
  if (!runningMean !== !runningVar) throw new ValueError('instanceNorm: runningMean and runningVar expected both or neither');
  const useInputStats = options.useInputStats ?? true;
  const momentum = options.momentum ?? 0.1;
  const eps = options.eps ?? 1e-5;
  if (typeof useInputStats !== 'boolean') throw new ValueError(`instanceNorm: option 'useInputStats' expected a boolean, got ${typeof useInputStats}`);
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) throw new ValueError(`instanceNorm: option 'momentum' expected a number in [0, 1], got ${momentum}`);
  if (typeof eps !== 'number' || !(eps >= 0)) throw new ValueError(`instanceNorm: option 'eps' expected a number >= 0, got ${eps}`);
  if (!useInputStats && !runningMean) throw new ValueError('instanceNorm: useInputStats false expected runningMean and runningVar to normalise with');
  const spatial = input.shape.slice(2).reduce((p, d) => p * d, 1);
  if (useInputStats && spatial <= 1) {
    throw new ValueError(`instanceNorm: expected more than 1 spatial element per channel when using input statistics, got input ${fmtShape(input.shape)}`);
  }
  const perChannel = [1, c, ...input.shape.slice(2).map(() => 1)];
  return scope(() => {
    let y: Tensor;
    let updated: [Tensor, Tensor] | null = null;
    if (useInputStats) {
      const dims = input.shape.slice(2).map((_, i) => i + 2);
      const mu = mean(input, { dim: dims, keepdim: true });
      const centred = sub(input, mu);
      const variance = mean(mul(centred, centred), { dim: dims, keepdim: true }); // biased, to normalise
      y = mul(centred, rsqrt(add(variance, eps)));
      if (runningMean && runningVar) {
        updated = noGrad(() => {
          // PyTorch runs batch norm over the N·C instances and averages their updated statistics over N.
          const batchMean = mean(reshape(mu, [n, c]), 0);
          const batchVar = mean(mul(reshape(variance, [n, c]), spatial / (spatial - 1)), 0);
          return [add(mul(runningMean, 1 - momentum), mul(batchMean, momentum)), add(mul(runningVar, 1 - momentum), mul(batchVar, momentum))];
        });
      }
    } else {
      y = mul(sub(input, reshape(runningMean!, perChannel)), reshape(rsqrt(add(runningVar!, eps)), perChannel));
    }
    if (weight) y = mul(y, reshape(weight, perChannel));
    if (bias) y = add(y, reshape(bias, perChannel));
    return {
      output: y,
      runningMean: updated ? updated[0] : (runningMean ?? null),
      runningVar: updated ? updated[1] : (runningVar ?? null),
    };
  });
}
